// What a newcomer stumbles on, pinned down in the browser: the output_padding sentence written from the geometry,
// the unturned kernel beside the rotated one, the gradient panel's roles and the question's own numbers, a tap on
// the matrix, the skip link, scroll regions at phone width, a lesson that brings its figure into view, and the
// explanation of a pinned cell kept beside its grid on a phone. Numbers come from PyTorch (Debian's python3 with
// torch) or from the engine, never typed in.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { launchChromium } from './support/browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
const PYTHON = '/usr/bin/python3'; // Debian's: the python3 on PATH may be another one without torch
const HAS_TORCH = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const NO_TORCH = HAS_TORCH ? false : `${PYTHON} cannot import torch: install python3-torch (./scripts/test does) to run this test`;

/** Runs a Python expression with torch and F imported; returns its value, printed as JSON. */
const torch = (expr) => JSON.parse(spawnSync(PYTHON, ['-c',
  `import json, torch, torch.nn.functional as F\nprint(json.dumps(${expr}))`], { encoding: 'utf8' }).stdout);

let server, baseUrl, browser, context, page, problems;

before(async () => {
  assert.ok(existsSync(path.join(root, 'index.html')), 'dist/index.html is missing: run ./scripts/build first');
  ({ server, url: baseUrl } = await startServer({ root, port: 0, host: '127.0.0.1' }));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r()));
});

async function newPage(options = {}) {
  problems = [];
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
}
beforeEach(() => newPage());
afterEach(async () => {
  await context.close();
  assert.deepEqual(problems, [], 'the page raised console errors');
});

async function open(query) {
  await page.goto(new URL(`index.html${query}`, baseUrl).href);
  await page.evaluate(() => window.tconv.ready);
}
const settled = () => page.evaluate(() => window.tconv.settled());
/** The numbers of a grid, row by row, from its fallback cells. */
const gridNumbers = (name) => page.$$eval(`[data-grid="${name}"] .cell`, (cells) => {
  const rows = [];
  for (const c of cells) (rows[Number(c.dataset.r)] ||= [])[Number(c.dataset.c)] = Number(c.textContent.replace('−', '-'));
  return rows;
});

test('with padding > 0, the output_padding sentence names the real row and column it keeps, with their numbers', { skip: NO_TORCH }, async () => {
  await open('?in=3&k=3&s=2&p=1&op=1&x=arange&w=arange&view=scatter');
  const y = torch('F.conv_transpose2d(torch.arange(1., 10.).view(1, 1, 3, 3), torch.arange(1., 10.).view(1, 1, 3, 3), stride=2, padding=1, output_padding=1)[0, 0].tolist()');
  const lede = await page.locator('#panel-scatter .lede').textContent();
  const list = (vals) => vals.map((v) => String(v)).join(', ');
  assert.match(lede, /keeps 1 more row at the bottom and 1 more column at the right of the output/);
  assert.ok(lede.includes(`Output row 5 (canvas row 6) holds real sums, ${list(y[5])}, that the padding would otherwise crop`), lede);
  assert.ok(lede.includes(`Output column 5 (canvas column 6) holds real sums, ${list(y.map((row) => row[5]))}`), lede);
  assert.match(lede, /hatched strip past the last stamp is cropped anyway/);
  assert.doesNotMatch(lede, /adds 1 row\(s\) at the bottom/, 'the old sentence said output_padding appends rows of zeros');
  // the kept row is drawn as kept (dashed, inside the window), the strip past the last stamp as cropped
  const cls = (r, c) => page.$eval(`[data-grid="scatter-canvas"] .cell[data-r="${r}"][data-c="${c}"]`, (e) => e.className);
  assert.match(await cls(6, 2), /\bkept\b/);
  assert.doesNotMatch(await cls(6, 2), /\bcrop\b/);
  assert.match(await cls(7, 2), /\bcrop\b.*\bopstrip\b/);
  // the output drawn on its own beside the canvas holds the same numbers as PyTorch's
  assert.deepEqual(await gridNumbers('scatter-output'), y);

  // without padding, output_padding's row lies past the last stamp: only zeros
  await open('?in=3&k=3&s=2&op=1&x=arange&w=arange&view=scatter');
  const zeros = await page.locator('#panel-scatter .lede').textContent();
  assert.match(zeros, /Output row 7 \(canvas row 7\) lies past the last stamp: no stamp reaches it, so it holds only zeros/);
  const y0 = torch('F.conv_transpose2d(torch.arange(1., 10.).view(1, 1, 3, 3), torch.arange(1., 10.).view(1, 1, 3, 3), stride=2, output_padding=1)[0, 0, 7].tolist()');
  assert.ok(y0.every((v) => v === 0), 'PyTorch agrees: that row is all zeros');
});

test('the unturned kernel: conv2d without the flip differs for an asymmetric kernel, not for a symmetric one', { skip: NO_TORCH }, async () => {
  await open('?in=2&k=3&x=ones&w=arange&view=padded_direct');
  await page.getByLabel(/Compare with the unturned kernel/).check();
  await settled();
  assert.equal(new URL(await page.evaluate(() => window.tconv.link())).searchParams.get('unturned'), '1', 'the toggle is in the link');
  const wrong = torch('F.conv2d(torch.ones(1, 1, 2, 2), torch.arange(1., 10.).view(1, 1, 3, 3), padding=2)[0, 0].tolist()');
  const right = torch('F.conv_transpose2d(torch.ones(1, 1, 2, 2), torch.arange(1., 10.).view(1, 1, 3, 3))[0, 0].tolist()');
  assert.deepEqual(await gridNumbers('padded-direct-unturned'), wrong);
  assert.deepEqual(await gridNumbers('padded-direct-turned'), right);
  const diff = await gridNumbers('padded-direct-difference');
  assert.deepEqual(diff, wrong.map((row, i) => row.map((v, j) => v - right[i][j])));
  assert.ok(diff.flat().some((v) => v !== 0));
  const part = await page.locator('#panel-padded_direct').textContent();
  assert.ok(part.includes('F.conv2d(x, w.flip(-1, -2), padding=(2, 2)) == F.conv_transpose2d(x, w)'), part);
  assert.ok(part.includes('F.conv2d(x, w, padding=(2, 2)) != F.conv_transpose2d(x, w)'), part);
  assert.match(part, /They differ: max \|difference\| = [1-9]/);
  // the differing cells are outlined
  assert.equal(await page.locator('[data-grid="padded-direct-difference"] .cell.contrib').count(), diff.flat().filter((v) => v !== 0).length);

  // a kernel that a 180° turn leaves alone: no difference
  await open('?in=2&k=3&x=arange&w=ones&view=padded_direct&unturned=1');
  assert.ok((await gridNumbers('padded-direct-difference')).flat().every((v) => v === 0));
  assert.match(await page.locator('#panel-padded_direct').textContent(), /max \|difference\| = 0\b/);
  // with stride 2 it speaks of the padded input, and with channels the weight's first two axes are swapped
  await open('?in=3&k=3&s=2&p=1&cin=2&cout=3&view=padded_direct&unturned=1');
  assert.match(await page.locator('#panel-padded_direct').textContent(), /F\.conv2d\(x_padded, w\.flip\(-1, -2\)\.transpose\(0, 1\)\) == F\.conv_transpose2d\(x, w, …\)/);
});

test('the gradient panel names each tensor by its role, and its link loads the question\'s own numbers', async () => {
  await open('?in=4&k=4&s=2&p=1&x=ones&w=arange');
  const body = () => page.locator('#gradient-body').textContent();
  assert.match(await body(), /g = ∂L\/∂y of y's shape: here g is this page's input x/);
  assert.match(await body(), /∂L\/∂z = conv_transpose2d\(g, w\), this page's output/);
  await page.locator('#gradient-body a[data-focus="question-link"]').click();
  await settled();
  const st = await page.evaluate(() => window.tconv.state());
  assert.deepEqual([st.in, st.k, st.s, st.p, st.op, st.x], [[2, 2], [3, 3], [1, 1], [0, 0], [0, 0], { kind: 'ones' }]);
  // the grids are the asker's: z = 1…16 as 4×4, g a 2×2 of ones, y = conv2d(z, w) 2×2
  assert.deepEqual(await gridNumbers('gradient-z'), [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]);
  assert.deepEqual(await gridNumbers('gradient-g'), [[1, 1], [1, 1]]);
  const w = (await gridNumbers('scatter-kernel')).flat(); // the kernel as the scatter view draws it
  if (HAS_TORCH) {
    const y = torch(`F.conv2d(torch.arange(1., 17.).view(1, 1, 4, 4), torch.tensor(${JSON.stringify(w)}, dtype=torch.float).view(1, 1, 3, 3))[0, 0].tolist()`);
    assert.deepEqual(await gridNumbers('gradient-y'), y);
  }
  // the panel stays in view after the page changed under it
  const top = await page.locator('#gradient').evaluate((e) => e.getBoundingClientRect().top);
  assert.ok(top >= -1 && top < 900, `the gradient panel is in view (top ${top})`);
});

test('a tap on a matrix entry shows its value on a touch screen', async () => {
  await context.close();
  await newPage({ viewport: { width: 400, height: 800 }, hasTouch: true, isMobile: true });
  await open('?in=2&k=2&x=arange&w=arange&view=matrix');
  await page.locator('canvas.matrix').scrollIntoViewIfNeeded();
  const info = page.locator('#panel-matrix .info');
  // Cᵀ is 9×4 here: vec(x) across the top, y down the right. The entry size cs follows from the drawn width,
  // 4 entries + a gap of cs/2 + the y strip + 1 px (web/views/matrix-layout.js's geometry).
  const sizer = await page.locator('.matrix-sizer').boundingBox();
  const cs = [...Array(30).keys()].find((c) => 5 * c + Math.max(4, Math.round(c / 2)) + 1 === Math.round(sizer.width));
  assert.ok(cs, `entry size from the width ${sizer.width}`);
  const gap = Math.max(4, Math.round(cs / 2));
  // Cᵀ[0,0]: y[0,0]'s row, x[0,0]'s column: tap w[0,0] = 1 (arange)
  await page.touchscreen.tap(sizer.x + cs / 2, sizer.y + cs + gap + cs / 2);
  assert.equal(await info.textContent(), 'Cᵀ[0,0] = w[0,0] = 1: x[0,0] reaches y[0,0] through this tap.');
  // the tap also pinned that entry of C (its input, output and tap light up), and the value stays shown
  await settled();
  assert.match(await page.evaluate(() => window.tconv.link()), /pin=C:0,0/);
  assert.equal(await info.textContent(), 'Cᵀ[0,0] = w[0,0] = 1: x[0,0] reaches y[0,0] through this tap.');
  // Cᵀ[4,0]: y[1,1] from x[0,0] through w[1,1] = 4 (measured again: the pin's note above the matrix moved it)
  const moved = await page.locator('.matrix-sizer').boundingBox();
  await page.touchscreen.tap(moved.x + cs / 2, moved.y + cs + gap + 4 * cs + cs / 2);
  assert.equal(await info.textContent(), 'Cᵀ[4,0] = w[1,1] = 4: x[0,0] reaches y[1,1] through this tap.');
});

test('a skip link leads to the figures: a few Tab presses reach the output grid', async () => {
  await open('?in=4&k=4&s=2&p=1&x=ones&w=arange&view=padded_direct');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to the figures');
  assert.ok(await page.locator('.skip-link').evaluate((e) => e.getBoundingClientRect().top >= 0), 'the focused skip link is on screen');
  await page.keyboard.press('Enter');
  let presses = 0;
  while (presses < 15) {
    await page.keyboard.press('Tab');
    presses++;
    if (await page.evaluate(() => document.activeElement?.dataset?.grid) === 'padded-direct-output') break;
  }
  // the view tab, two glossary terms, the step-through (4), the unturned toggle, then the kernel, its rotation, the
  // padded input (each a pin target) and the output: every stop on the way is a control of this view
  assert.ok(presses <= 13, `the output grid after ${presses} Tab presses from the skip link`);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.grid), 'padded-direct-output');
});

test('at phone width the wide Cᵀ·y grid says it scrolls and the keyboard can scroll it', async () => {
  await page.setViewportSize({ width: 400, height: 800 });
  await open('?in=4&k=4&s=2&p=1&x=ones&w=arange');
  const region = page.locator('.scroll:has([data-grid="gradient-cty"])');
  assert.equal(await region.getAttribute('role'), 'region');
  assert.equal(await region.getAttribute('tabindex'), '0');
  assert.ok(await region.getAttribute('aria-label'));
  assert.ok(await region.evaluate((e) => e.scrollWidth > e.clientWidth), 'it is wider than the column here');
  assert.match(await region.locator('.scroll-hint').textContent(), /scroll sideways/);
  await region.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  // (keyboard scrolling may be animated)
  await page.waitForFunction(() => document.querySelector('.scroll:has([data-grid="gradient-cty"])').scrollLeft > 0, null, { timeout: 3000 });
  // a grid that fits says nothing
  assert.equal(await page.locator('.scroll:has([data-grid="gradient-g"]) .scroll-hint').count(), 0);
});

test('at phone width, choosing a lesson brings its figure into view', async () => {
  await page.setViewportSize({ width: 400, height: 800 });
  await open('');
  await Promise.all([page.waitForURL(/lesson=corner/), page.locator('#gallery-list a[href="?lesson=corner"]').click()]);
  await page.waitForFunction(() => window.tconv && window.tconv.ready);
  await page.evaluate(() => window.tconv.ready);
  await settled();
  const r = await page.locator('.fig:has([data-grid="scatter-canvas"])').evaluate((e) => { const b = e.getBoundingClientRect(); return { top: b.top, bottom: b.bottom }; });
  assert.ok(r.top < 800 && r.bottom > 0, `the scatter canvas is on screen (top ${r.top})`);
  assert.ok(await page.evaluate(() => scrollY) > 300, 'the page scrolled down to it');
});

test('on a phone the explanation of a pinned cell stays beside its grid', async () => {
  await page.setViewportSize({ width: 400, height: 800 });
  await open('?in=4&k=4&s=2&p=1&x=ones&w=arange&view=padded_direct&cell=0,1');
  await page.locator('[data-grid="padded-direct-output"]').scrollIntoViewIfNeeded();
  const grid = await page.locator('[data-grid="padded-direct-output"]').boundingBox();
  const ex = await page.locator('#explain').boundingBox();
  assert.ok(grid.y < 800 && grid.y + grid.height > 0, 'the grid is on screen');
  assert.ok(ex.y < 800 && ex.y > 0, `the explanation is on screen too (top ${ex.y})`);
  assert.match(await page.locator('#explain-body').textContent(), /y\[0,1\] = .* = 12/);
});
