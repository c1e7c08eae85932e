// Browser end-to-end tests of the playground page, against the built site in dist/ (./scripts/build).
// playwright-core drives Debian's Chromium; nothing downloads a browser. Every test also fails on any console error
// or uncaught page error.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { launchChromium } from './support/browser.mjs';
import { decodePNG } from './support/png.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
const CORNER = '?in=4&k=4&s=2&p=1&x=ones&w=arange';
// PyTorch's output for the corner question (why is the corner 6?): ConvTranspose2d(1, 1, 4, stride 2, padding 1), ones, arange.
const CORNER_OUTPUT = [
  [6, 12, 14, 12, 14, 12, 14, 7],
  [12, 24, 28, 24, 28, 24, 28, 14],
  [20, 40, 44, 40, 44, 40, 44, 22],
  [12, 24, 28, 24, 28, 24, 28, 14],
  [20, 40, 44, 40, 44, 40, 44, 22],
  [12, 24, 28, 24, 28, 24, 28, 14],
  [20, 40, 44, 40, 44, 40, 44, 22],
  [10, 20, 22, 20, 22, 20, 22, 11],
];

let server;
let baseUrl;
let browser;
let page;
let problems;

before(async () => {
  assert.ok(existsSync(path.join(root, 'index.html')), 'dist/index.html is missing: run ./scripts/build first');
  ({ server, url: baseUrl } = await startServer({ root, port: 0, host: '127.0.0.1' }));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r()));
});

beforeEach(async () => {
  problems = [];
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
});

afterEach(async () => {
  await page.close();
  assert.deepEqual(problems, [], 'the page raised console errors');
});

async function open(query) {
  await page.goto(new URL(`index.html${query}`, baseUrl).href);
  await page.evaluate(() => window.tconv.ready);
}

/**
 * Where cell (r, c) of a grid is drawn on its canvas, in viewport pixels: {x, y, width, height}, inside the 1-px lines
 * around it. The cell pitch is read from the grid's size and its count of rows and columns (the .cell elements are
 * the canvas's fallback content, not drawn).
 */
const cellBox = (name, r, c) => page.$eval(`[data-grid="${name}"]`, (grid, [r, c]) => {
  const cols = grid.querySelectorAll('.cell[data-r="0"]').length, rows = grid.querySelectorAll('.cell[data-c="0"]').length;
  const box = grid.getBoundingClientRect();
  const pitchX = (box.width - 1) / cols, pitchY = (box.height - 1) / rows;
  return { x: box.left + 1 + c * pitchX, y: box.top + 1 + r * pitchY, width: pitchX - 1, height: pitchY - 1 };
}, [r, c]);

/** Clicks cell (r, c) of a grid where a person would: at its centre on the grid's canvas. */
async function clickCell(name, r, c) {
  await page.locator(`[data-grid="${name}"]`).scrollIntoViewIfNeeded(); // a person scrolls to what they click
  const at = await cellBox(name, r, c);
  await page.mouse.click(at.x + at.width / 2, at.y + at.height / 2);
}

const gridText = (name) => page.$$eval(`[data-grid="${name}"] .cell`, (cells) => cells.map((c) => c.textContent));
const rows = (flat, cols) => Array.from({ length: flat.length / cols }, (_, i) => flat.slice(i * cols, (i + 1) * cols));
const linkParams = async () => new URL(await page.evaluate(() => window.tconv.link())).searchParams;
const explanation = () => page.locator('[data-testid="explanation"]').textContent();
/** The page draws a change in its next frame (web/store.js): wait for that frame before reading what it drew. */
const drawn = () => page.evaluate(() => window.tconv.settled());

test('the corner question\'s link shows PyTorch\'s 8×8 output in the API and in every view', async () => {
  await open(CORNER);
  const result = await page.evaluate(() => window.tconv.result());
  assert.deepEqual(result.shape, [1, 1, 8, 8]);
  assert.deepEqual(rows(result.data, 8), CORNER_OUTPUT);
  const expected = CORNER_OUTPUT.flat().map(String);

  await page.getByRole('tab', { name: 'Matrix' }).click();
  await drawn();
  assert.deepEqual(await gridText('matrix-output'), expected);
  await page.getByRole('tab', { name: 'Padded direct' }).click();
  await drawn();
  assert.deepEqual(await gridText('padded-direct-output'), expected);
  await page.getByRole('tab', { name: 'Scatter' }).click();
  await drawn();
  // the scatter canvas is 10×10 uncropped; the output is the window inside padding 1
  const canvas = rows(await gridText('scatter-canvas'), 10);
  assert.equal(canvas.length, 10);
  assert.deepEqual(canvas.slice(1, 9).map((r) => r.slice(1, 9)).flat(), expected);
  const cropped = await page.$$eval('[data-grid="scatter-canvas"] .cell.crop', (c) => c.length);
  assert.equal(cropped, 100 - 64, 'the padding border around the 8×8 window is shaded');

  // the live formula uses the current numbers
  await page.getByText('H_out = (H−1)·s − 2·p + d·(k−1) + output_padding + 1 = (4−1)·2 − 2·1 + 1·(4−1) + 0 + 1 = 8').waitFor();
  assert.match(await page.locator('#agree').textContent(), /max \|difference\| = 0\b/);
});

test('each tab switches the view and the link', async () => {
  await open(CORNER);
  for (const [name, view] of [['Matrix', 'matrix'], ['Padded direct', 'padded_direct'], ['Scatter', 'scatter'], ['Matrix', 'matrix']]) {
    const tab = page.getByRole('tab', { name });
    await tab.click();
    await drawn();
    assert.equal(await tab.getAttribute('aria-selected'), 'true');
    const panel = page.getByRole('tabpanel', { name });
    assert.ok(await panel.isVisible(), `${name} panel is visible`);
    assert.equal(await page.locator('#views [role=tabpanel]:visible').count(), 1, 'only one view panel is shown');
    assert.equal((await linkParams()).get('view'), view);
    // the address bar follows once edits pause (written lazily, in idle time)
    await page.waitForURL((u) => u.searchParams.get('view') === view, { timeout: 3000 });
  }
  // the link reproduces the state
  const link = await page.evaluate(() => window.tconv.link());
  const before = await page.evaluate(() => window.tconv.state());
  await page.goto(link);
  await page.evaluate(() => window.tconv.ready);
  assert.deepEqual(await page.evaluate(() => window.tconv.state()), before);
  assert.ok(await page.getByRole('tabpanel', { name: 'Matrix' }).isVisible());
  // keyboard: arrow keys move between tabs
  await page.getByRole('tab', { name: 'Matrix' }).focus();
  await page.keyboard.press('ArrowRight');
  await drawn();
  assert.equal((await linkParams()).get('view'), 'scatter');
});

test('a grid is drawn on its canvas: the pinned cell outlined, values tinted, every number drawn', async () => {
  await open(`${CORNER}&view=direct&cell=0,1`);
  await page.locator('[data-grid="padded-direct-output"]').scrollIntoViewIfNeeded();
  // The pixels of cell (r, c) of the output grid, from a screenshot (device scale 1: one pixel per CSS pixel).
  const cellPixels = async (r, c) => {
    const box = await cellBox('padded-direct-output', r, c);
    const clip = { x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) };
    return decodePNG(await page.screenshot({ clip }));
  };
  const count = (img, test, [x0, y0, x1, y1] = [0, 0, img.width, img.height]) => {
    let n = 0;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (test(img.pixel(x, y))) n++;
    return n;
  };
  const near = (rgb, tolerance = 40) => (p) => rgb.every((v, k) => Math.abs(p[k] - v) <= tolerance);
  const HL = [0xd5, 0x5e, 0x00]; // --hl, the pin outline
  const pinned = await cellPixels(0, 1), other = await cellPixels(0, 2);
  const side = pinned.width;
  // a 3-px ring of --hl around the pinned cell: most of its 4·3·(side−3) pixels
  assert.ok(count(pinned, near(HL)) > 8 * (side - 3), `pinned cell: ${count(pinned, near(HL))} outline pixels`);
  assert.equal(count(other, near(HL)), 0, 'an unpinned cell has no outline');
  // the number: dark text pixels in the middle of each cell (--fg on a light tint)
  const dark = (p) => p[0] + p[1] + p[2] < 300;
  const middle = [4, 4, side - 4, side - 4];
  assert.ok(count(pinned, dark, middle) >= 6, 'the pinned cell shows its number');
  assert.ok(count(other, dark, middle) >= 6, 'a cell shows its number');
  // the tint: a positive value is not drawn on the plain white panel
  const corner = other.pixel(3, 3);
  assert.ok(!near([255, 255, 255], 3)(corner) && corner[2] > corner[0], `a positive value is tinted blue, got ${corner}`);

  // Screen readers get the numbers from the canvas's fallback cells, in reading order (Chromium's accessibility tree).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Accessibility.enable');
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  const byId = new Map(nodes.map((n) => [n.nodeId, n]));
  const group = nodes.find((n) => n.role?.value === 'group' && /^Output y \(channel 0\): 8×8 numbers, row by row$/.test(n.name?.value));
  assert.ok(group, 'the output grid is a named group');
  const texts = [];
  const walk = (n) => {
    if (n.role?.value === 'StaticText' && !n.ignored) texts.push(n.name.value);
    for (const id of n.childIds || []) walk(byId.get(id));
  };
  walk(group);
  assert.deepEqual(texts, CORNER_OUTPUT.flat().map(String));
  await cdp.detach();
});

test('pinning cell (0,1) explains 12 = 5 + 7 in every view, and arrow keys move the pin', async () => {
  await open(`${CORNER}&view=direct`);
  await clickCell('padded-direct-output', 0, 1);
  await drawn();
  assert.equal((await linkParams()).get('cell'), '0,1');
  assert.deepEqual((await page.evaluate(() => window.tconv.state())).cell, [0, 1]);
  const text = await explanation();
  assert.ok(text.includes('y[0,1] = x[0,1]·w[1,0] + x[0,0]·w[1,2] = 1·5 + 1·7 = 5 + 7 = 12'), text);
  assert.match(await page.locator('#explain-body').textContent(), /12 = 5 \+ 7/);
  // the window in the padded view covers exactly the two nonzero products
  assert.match(await page.locator('.window-note').textContent(), /14 of 16 kernel cells sit on inserted zeros or padding; the rest give 1·7 \+ 1·5/);

  const ex = await page.evaluate(() => window.tconv.explain(0, 1));
  assert.equal(ex.value, 12);
  assert.deepEqual(ex.terms.map((t) => t.product), [5, 7]);

  // scatter: the two contributing input cells and kernel taps are highlighted, the pinned canvas cell is (1,2)
  await page.getByRole('tab', { name: 'Scatter' }).click();
  await drawn();
  const contribIn = await page.$$eval('[data-grid="scatter-input"] .cell.contrib', (c) => c.map((e) => `${e.dataset.r},${e.dataset.c}`));
  assert.deepEqual(contribIn.sort(), ['0,0', '0,1']);
  const taps = await page.$$eval('[data-grid="scatter-kernel"] .cell.contrib', (c) => c.map((e) => e.textContent));
  assert.deepEqual(taps.sort(), ['5', '7']);
  const pinned = page.locator('[data-grid="scatter-canvas"] .cell.pin');
  assert.equal(await pinned.getAttribute('data-r'), '1');
  assert.equal(await pinned.getAttribute('data-c'), '2');
  assert.equal(await pinned.textContent(), '12');

  // matrix: the pinned output cell is pinned there too
  await page.getByRole('tab', { name: 'Matrix' }).click();
  await drawn();
  assert.equal(await page.locator('[data-grid="matrix-output"] .cell.pin').textContent(), '12');

  // keyboard: ArrowLeft moves the pin to the corner, whose only term is 1·6
  await page.locator('[data-grid="matrix-output"]').focus();
  await page.keyboard.press('ArrowLeft');
  await drawn();
  assert.equal((await linkParams()).get('cell'), '0,0');
  assert.ok((await explanation()).includes('y[0,0] = x[0,0]·w[1,1] = 1·6 = 6'), await explanation());
  await page.keyboard.press('ArrowDown');
  await drawn();
  assert.equal((await linkParams()).get('cell'), '1,0');
  assert.ok((await explanation()).endsWith('= 2 + 10 = 12'), await explanation());
});

test('the link keeps C or Cᵀ and how far a step-through went, so a shared link shows what the sender saw', async () => {
  await open(`${CORNER}&view=matrix`);
  await page.locator('[data-focus="transpose"]').click();
  await drawn();
  assert.equal(await page.locator('[data-focus="transpose"]').textContent(), 'Showing C (switch to Cᵀ)');
  assert.equal((await linkParams()).get('transposed'), '0');
  await page.goto(await page.evaluate(() => window.tconv.link()));
  await page.evaluate(() => window.tconv.ready);
  assert.equal(await page.locator('[data-focus="transpose"]').textContent(), 'Showing C (switch to Cᵀ)');

  await page.getByRole('tab', { name: 'Scatter' }).click();
  await drawn();
  for (let i = 0; i < 3; i++) await page.locator('[data-focus="back"]').click();
  await drawn();
  const note = await page.locator('.stamp-note').textContent();
  assert.match(note, /^Stamp 13 of 16: x\[3,0\] = 1/);
  assert.equal((await linkParams()).get('step'), '13');
  const link = await page.evaluate(() => window.tconv.link());
  const canvas = await gridText('scatter-canvas');
  await page.goto(link);
  await page.evaluate(() => window.tconv.ready);
  assert.equal(await page.locator('.stamp-note').textContent(), note, 'the same stamp is shown');
  assert.deepEqual(await gridText('scatter-canvas'), canvas, 'the same partial sums are shown');
  // a new configuration starts the step-through over
  await page.evaluate(() => window.tconv.set({ p: '0' }));
  assert.equal((await linkParams()).get('step'), null);
  assert.equal(await page.locator('.stamp-note').count(), 0);
});

test('editing a value recomputes the result and the link', async () => {
  await open(CORNER);
  await page.locator('#editors summary').click();
  const cell = page.getByLabel('x[0,0]', { exact: true });
  await cell.fill('2');
  await cell.press('Enter');
  await page.waitForFunction(() => window.tconv.result().data[0] === 12);
  const y = rows((await page.evaluate(() => window.tconv.result())).data, 8);
  assert.deepEqual(y[0].slice(0, 3), [12, 19, 22], 'x[0,0] = 2 doubles its own contributions only');
  assert.equal((await linkParams()).get('x'), `2,${new Array(15).fill(1).join(',')}`);

  // changing a size field recomputes too
  await page.getByLabel('Stride').fill('1');
  await page.waitForFunction(() => window.tconv.result().shape[2] === 5);
  assert.equal((await linkParams()).get('s'), null, 'stride 1 is PyTorch\'s default and left out of the link');
  // per-axis form
  await page.getByLabel('Stride').fill('2x1');
  await page.waitForFunction(() => window.tconv.result().shape[2] === 8 && window.tconv.result().shape[3] === 5);
  assert.equal((await linkParams()).get('s'), '2x1');
  // set() from the page API
  await page.evaluate(() => window.tconv.set({ w: 'ones', s: '2' }));
  assert.equal((await page.evaluate(() => window.tconv.result())).data[0], 2);
});

test('a bad value shows a message next to its control, keeps the last result, and recovers', async () => {
  await open(CORNER);
  const stride = page.getByLabel('Stride');
  await stride.fill('0');
  const strideError = page.locator('#e-s');
  await strideError.waitFor({ state: 'visible' });
  assert.match(await strideError.textContent(), /Stride is 0 but must be at least 1/);
  assert.equal(await stride.getAttribute('aria-invalid'), '');
  assert.ok(await page.locator('#views.stale').isVisible(), 'the last valid render stays, greyed');
  assert.deepEqual(rows((await page.evaluate(() => window.tconv.result())).data, 8), CORNER_OUTPUT);

  await stride.fill('abc');
  await drawn();
  assert.match(await strideError.textContent(), /Stride is "abc" but must be a whole number/);

  // valid syntax, invalid combination: the engine's reason appears next to Output padding
  await stride.fill('2');
  await page.getByLabel('Output padding').fill('2');
  const opError = page.locator('#e-op');
  await opError.waitFor({ state: 'visible' });
  assert.match(await opError.textContent(), /output_padding/);
  assert.match(await opError.textContent(), /2/);
  assert.equal(await strideError.textContent(), '');
  assert.ok(await page.getByRole('alert').filter({ hasText: 'output_padding' }).isVisible());

  await page.getByLabel('Output padding').fill('1');
  await page.waitForFunction(() => window.tconv.result().shape[2] === 9);
  await drawn();
  assert.equal(await opError.textContent(), '');
  assert.equal(await page.locator('#views.stale').count(), 0);
});

test('a pasted list of the wrong length stays as pasted through size changes, and fits once the size does', async () => {
  // A monkey run (MONKEY_SEED=437894289) found this: a 9-value kernel list at kernel size 4, then a size change, used to be
  // "resized" by reading past its end, leaving an invalid state with no message.
  await open('?in=2&k=4&x=ones&w=ones');
  const list = page.getByLabel('Kernel value list', { exact: true });
  await page.getByLabel('Kernel values', { exact: true }).selectOption('list');
  await list.fill('1 2 3 4 5 6 7 8 9');
  await list.dispatchEvent('change');
  const alert = page.locator('#config-error');
  await alert.waitFor({ state: 'visible' });
  assert.match(await alert.textContent(), /Kernel values has 9 numbers but the tensor holds 16/);
  await page.getByLabel('Padding', { exact: true }).fill('1');
  await drawn();
  assert.match(await alert.textContent(), /Kernel values has 9 numbers but the tensor holds 16/, 'still the list\'s length, not undefined values');
  await page.getByLabel('Padding', { exact: true }).fill('0');
  await page.getByLabel('Kernel size', { exact: true }).fill(' 3 ');
  await page.waitForFunction(() => window.tconv.result().shape[2] === 4);
  await drawn();
  assert.ok(await alert.isHidden());
  assert.deepEqual((await page.evaluate(() => window.tconv.state())).w, { kind: 'list', values: [1, 2, 3, 4, 5, 6, 7, 8, 9] });
  // torch.nn.functional.conv_transpose2d(torch.ones(1,1,2,2), torch.arange(1.,10).reshape(1,1,3,3)), torch 1.13
  assert.deepEqual((await page.evaluate(() => window.tconv.result())).data, [1, 3, 5, 3, 5, 12, 16, 9, 11, 24, 28, 15, 7, 15, 17, 9]);
});

test('unknown or invalid link parameters get an alert while the valid rest applies', async () => {
  await open('?in=4&k=4&s=2&p=1&op=2&d=zero&bogus=1&x=ones&w=arange&view=sideways&cell=9,9');
  const alerts = (await page.getByRole('alert').allTextContents()).join('\n');
  assert.match(alerts, /bogus/);
  assert.match(alerts, /Dilation is "zero"/);
  assert.match(alerts, /view is "sideways"/);
  assert.match(alerts, /output_padding/);
  assert.match(alerts, /cell 9,9/);
  const st = await page.evaluate(() => window.tconv.state());
  assert.deepEqual([st.in, st.k, st.s, st.p, st.op, st.d], [[4, 4], [4, 4], [2, 2], [1, 1], [0, 0], [1, 1]]);
  assert.deepEqual(rows((await page.evaluate(() => window.tconv.result())).data, 8), CORNER_OUTPUT);
});

test('the output_padding question: output_padding adds a strip, the shape formula says why', async () => {
  await open('?in=2&k=3&s=2&op=1&x=arange&w=arange&view=scatter');
  const y = await page.evaluate(() => window.tconv.result());
  assert.deepEqual(y.shape, [1, 1, 6, 6]);
  assert.deepEqual(rows(y.data, 6)[5], [0, 0, 0, 0, 0, 0], 'the output_padding row is zero with padding 0');
  assert.equal(await page.$$eval('[data-grid="scatter-canvas"] .cell.opstrip', (c) => c.length), 11);
  assert.match(await page.locator('#shape').textContent(), /turns every size from 5 to 6 into 2/);
});

test('channels, groups, dilation and random values match an independent reference', async () => {
  await open('?in=3x4&k=2x3&s=2x1&p=1x0&op=1x0&d=1x2&cin=4&cout=6&g=2&x=rand:5&w=rand:9&view=matrix');
  const st = await page.evaluate(() => window.tconv.state());
  const y = await page.evaluate(() => window.tconv.result());
  // rand:SEED values, as documented in web/state.js (mulberry32, values −3..3 without 0; the state.js test below pins
  // the first values of rand:1, so the generator itself cannot drift)
  const { mulberry32 } = await import('../../web/random.js');
  const rand = (seed, n) => {
    const next = mulberry32(seed);
    const vals = [-3, -2, -1, 1, 2, 3];
    return Array.from({ length: n }, () => vals[Math.floor(next() * 6)]);
  };
  const [H, W, kH, kW, Cin, Cout, G] = [3, 4, 2, 3, 4, 6, 2];
  const x = rand(5, Cin * H * W), w = rand(9, Cin * (Cout / G) * kH * kW);
  const [s, p, op, d] = [[2, 1], [1, 0], [1, 0], [1, 2]];
  const Ho = (H - 1) * s[0] - 2 * p[0] + d[0] * (kH - 1) + op[0] + 1, Wo = (W - 1) * s[1] - 2 * p[1] + d[1] * (kW - 1) + op[1] + 1;
  const ref = new Array(Cout * Ho * Wo).fill(0);
  const cig = Cin / G, cog = Cout / G;
  for (let ci = 0; ci < Cin; ci++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let cl = 0; cl < cog; cl++)
    for (let a = 0; a < kH; a++) for (let b = 0; b < kW; b++) {
      const oy = i * s[0] + a * d[0] - p[0], ox = j * s[1] + b * d[1] - p[1];
      if (oy < 0 || ox < 0 || oy >= Ho || ox >= Wo) continue;
      const co = Math.floor(ci / cig) * cog + cl;
      ref[(co * Ho + oy) * Wo + ox] += x[(ci * H + i) * W + j] * w[((ci * cog + cl) * kH + a) * kW + b];
    }
  assert.deepEqual(y.shape, [1, Cout, Ho, Wo]);
  assert.deepEqual(y.data, ref);
  assert.equal(st.cin, 4);
  // the explanation of one cell of the shown output channel sums to the result
  await page.evaluate(() => window.tconv.set({ co: 4, cell: '2,3' }));
  const ex = await page.evaluate(() => window.tconv.explain(2, 3));
  assert.equal(ex.value, ref[(4 * Ho + 2) * Wo + 3]);
  assert.ok(ex.terms.every((t) => t.input[1] >= 2), 'output channel 4 is in group 1: only input channels 2 and 3 feed it');
  assert.ok((await explanation()).startsWith('y[4,2,3] = x['), await explanation());
  for (const tab of ['Matrix', 'Scatter', 'Padded direct']) { await page.getByRole('tab', { name: tab }).click(); await drawn(); }
  assert.match(await page.locator('#agree').textContent(), /max \|difference\| = 0\b/);
});

test('the gradient panel shows conv_transpose2d(g, w) equals the conv2d input gradient', async () => {
  await open('?in=2&k=3&x=ones&w=arange&view=matrix');
  const body = await page.locator('#gradient-body').textContent();
  assert.match(body, /conv_transpose2d\(g, w\): max \|difference\| = 0\b/);
  assert.match(body, /Cᵀ·y = conv_transpose2d\(y, w\) differ from the gradient: max \|difference\| = [1-9]/);
});

test('the gradient panel says why conv2d cannot take an output wider than the engine\'s cap', async () => {
  // A 1×2048 input with stride 4 gives a 1×8189 output: valid for conv_transpose2d (only its element count is
  // capped), but conv2d caps every size of its input at 4096.
  await open('?in=1x2048&k=1&s=4&view=scatter');
  await page.evaluate(() => window.tconv.settled());
  await page.waitForFunction(() => !/Computing/.test(document.getElementById('gradient-body').textContent));
  assert.match(await page.locator('#gradient-body').textContent(),
    /not available here: conv2d would take this 1×8189 output as its input, and the engine refuses that: .*between 1 and 4096/);
});

test('the page is usable at phone width and in embed mode', async () => {
  await page.setViewportSize({ width: 360, height: 800 });
  await open(`${CORNER}&embed=1&view=direct`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `no horizontal page scroll at 360 px (overflow ${overflow}px)`);
  assert.equal(await page.locator('header.site').isVisible(), false, 'embed mode hides the page header');
  assert.ok(await page.getByLabel('Stride').isVisible());
});

// web/state.js is plain ES (no DOM), so the link format is also checked directly in Node.
test('state.js: the link round-trips, bad input never throws, rand:SEED is fixed', async () => {
  const S = await import('../../web/state.js');
  const { state, messages } = S.parse('?in=3x4&k=2&s=2x1&p=1&op=1x0&d=1x2&cin=4&cout=6&g=2&x=rand:5&w=1,-2.5,3&view=direct&cell=2,3&ci=1&co=4&embed=1');
  assert.deepEqual(messages, []);
  assert.deepEqual(state.in, [3, 4]);
  assert.deepEqual(state.k, [2, 2]);
  assert.deepEqual(state.w, { kind: 'list', values: [1, -2.5, 3] });
  assert.deepEqual(state.cell, [2, 3]);
  assert.equal(state.view, 'padded_direct', 'links written before the padded direct view had its name say view=direct');
  assert.equal(state.embed, true);
  assert.deepEqual(S.parse(S.serialize(state)).state, state);
  assert.equal(S.serialize(state), '?in=3x4&k=2&s=2x1&p=1&op=1x0&d=1x2&cin=4&cout=6&g=2&x=rand:5&w=1,-2.5,3&view=padded_direct&cell=2,3&ci=1&co=4&embed=1');
  for (const garbage of ['?in=', '?in=4x4x4', '?s=-1', '?x=1,,2', '?x=0x10', '?cell=a', '?%E0%A4%A', '?embed=2', '?k=1e3', '?view=']) {
    const r = S.parse(garbage);
    assert.ok(r.messages.length >= 1, `${garbage} gives a message`);
    assert.deepEqual(Object.keys(r.state).sort(), Object.keys(S.defaults()).sort());
  }
  // `rand` means seed 1; these exact values are the public meaning of rand:SEED (code export must match them)
  assert.deepEqual(S.parse('?x=rand').state.x, { kind: 'rand', seed: 1 });
  assert.deepEqual(S.materialize({ kind: 'rand', seed: 1 }, 8, 'x').values, [1, -3, 1, 3, 3, -2, 1, 2]);
  assert.deepEqual(S.materialize({ kind: 'arange' }, 4, 'x').values, [1, 2, 3, 4]);
  assert.match(S.materialize({ kind: 'list', values: [1, 2] }, 4, 'Input values').message, /has 2 numbers but the tensor holds 4/);
});

test('a big configuration is computed in a Web Worker: a status shows, frames keep coming, then the numbers arrive', async () => {
  const workers = [];
  page.on('worker', (w) => workers.push(w.url()));
  await open('?in=8&k=3&s=2&view=scatter');
  // 1000×1000 through a 3×3 kernel at stride 2: a 2001×2001 output, just under the element cap.
  const seen = await page.evaluate(async () => {
    const gaps = [];
    let last = performance.now();
    let busyShown = false;
    let counting = true;
    const frame = () => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
      const busy = document.getElementById('busy');
      if (!busy.hidden && /in the background/.test(busy.textContent)) busyShown = true;
      if (counting) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    await window.tconv.set({ in: '1000', x: 'ones', w: 'ones' });
    counting = false;
    return { busyShown, frames: gaps.length, longestGap: Math.max(...gaps), busyAfter: !document.getElementById('busy').hidden };
  });
  assert.ok(workers.some((u) => u.endsWith('/worker.js')), `no worker started: ${JSON.stringify(workers)}`);
  assert.ok(seen.busyShown, 'the "computing in the background" status never showed');
  assert.equal(seen.busyAfter, false, 'the status stayed after the numbers arrived');
  // A freeze detector, not a speed target (scripts/bench-page measures frames): on the page's thread this
  // configuration blocked for seconds before the worker.
  assert.ok(seen.longestGap < 3000, `the page painted no frame for ${Math.round(seen.longestGap)} ms`);
  const result = await page.evaluate(() => {
    const r = window.tconv.result();
    // ones through a 3×3 kernel of ones at stride 2: along an axis, 2 taps reach an even interior index and 1 an odd
    // one or the ends, so cells get 1, 2 or 4 (PyTorch agrees).
    const at = (i, j) => r.data[i * 2001 + j];
    return { shape: r.shape, corner: at(0, 0), oddOdd: at(1, 1), edgeEven: at(0, 2), evenEven: at(2, 2), last: at(2000, 2000) };
  });
  assert.deepEqual(result, { shape: [1, 1, 2001, 2001], corner: 1, oddOdd: 1, edgeEven: 2, evenEven: 4, last: 1 });
  assert.match(await page.locator('#agree').textContent(), /max \|difference\| = 0\b/);
  assert.ok(await page.locator('#panel-scatter canvas').count() > 0, 'the scatter view drew no canvas');
});
