// Pins in every direction, in the browser on the built site (dist/): in each view, an output cell, an input cell and
// a kernel tap (and in the matrix view an entry of C) are pinned, and the cells each grid highlights must be exactly
// the ones window.tconv.influence names for the shown channels (which tests/web/influence.test.mjs checks against
// PyTorch autograd); with channels and groups too. The pin's link round-trips (pin=x:…, pin=w:ci,col:…, pin=C:…,
// and pin=y:… / cell=… for an output cell); a tap on a touch screen pins; the keyboard alone pins, moves and unpins.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { launchChromium } from './support/browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
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
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
}
beforeEach(async () => { problems = []; await newPage(); });
afterEach(async () => {
  await context.close();
  assert.deepEqual(problems, [], 'the page raised console errors');
});

async function open(query) {
  await page.goto(new URL(`index.html${query}`, baseUrl).href);
  await page.evaluate(() => window.tconv.ready);
  await drawn();
}
const drawn = async () => {
  await page.evaluate(() => window.tconv.settled());
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
};

/** The cells of a grid with a class, as "r,c" strings, sorted; and their numbers. */
const marked = (grid, cls) => page.$$eval(`[data-grid="${grid}"] .cell.${cls}`, (cells) => cells.map((c) => ({
  at: `${c.dataset.r},${c.dataset.c}`, text: c.textContent, r: Number(c.dataset.r), c: Number(c.dataset.c),
})));
const keys = (list) => list.map((c) => c.at).sort();
/** The first canvas cell of the scatter view that is not cropped: where the output starts. */
const windowStart = () => page.$eval('[data-grid="scatter-canvas"]', (g) => {
  const c = g.querySelector('.cell:not(.crop)');
  return [Number(c.dataset.r), Number(c.dataset.c)];
});

/**
 * What influence says a pin should highlight in the shown channels: input cells (x), taps (w) and output cells (y),
 * as plane "r,c" strings (2-D layers here).
 */
async function expected(query) {
  return page.evaluate((q) => {
    const st = window.tconv.state();
    const inf = window.tconv.influence(q);
    const r = window.tconv.result();
    const cog = r.shape[1] / st.g;
    const at = (a) => `${a[a.length - 2]},${a[a.length - 1]}`;
    const uniq = (list) => [...new Set(list)].sort();
    return {
      x: uniq(inf.x.filter((a) => a[0] === st.ci).map(at)),
      w: uniq(inf.w.filter((a) => a[0] === st.ci && a[1] === st.co % cog).map(at)),
      y: uniq(inf.y.filter((a) => a[0] === st.co).map(at)),
    };
  }, query);
}

/** An input cell of the padded direct view by its number: x holds arange, so value v is flat input index v − 1. */
const inputOfValue = (v, st) => {
  const [H, W] = st.in;
  const q = Number(v) - 1 - st.ci * H * W;
  return `${Math.floor(q / W)},${q % W}`;
};

/** The highlighted sets of a view, read off its grids: {pin, x, w, y} in plane "r,c" strings. */
async function shown(view) {
  const st = await page.evaluate(() => window.tconv.state());
  if (view === 'scatter') {
    const [t, l] = await windowStart();
    const shift = (list) => list.map((c) => `${c.r - t},${c.c - l}`).sort();
    return {
      x: keys([...await marked('scatter-input', 'contrib'), ...await marked('scatter-input', 'pin')]),
      w: keys([...await marked('scatter-kernel', 'contrib'), ...await marked('scatter-kernel', 'pin')]),
      y: shift([...await marked('scatter-canvas', 'contrib'), ...await marked('scatter-canvas', 'pin')]),
    };
  }
  if (view === 'padded_direct') {
    const padded = [...await marked('padded-direct-input', 'contrib'), ...await marked('padded-direct-input', 'pin')];
    return {
      x: [...new Set(padded.map((c) => inputOfValue(c.text, st)))].sort(),
      w: keys([...await marked('padded-direct-kernel', 'contrib'), ...await marked('padded-direct-kernel', 'pin')]),
      y: keys([...await marked('padded-direct-output', 'contrib'), ...await marked('padded-direct-output', 'pin')]),
    };
  }
  if (view === 'subpixel') {
    return {
      x: keys([...await marked('subpixel-input', 'contrib'), ...await marked('subpixel-input', 'pin')]),
      w: keys([...await marked('subpixel-kernel', 'contrib'), ...await marked('subpixel-kernel', 'pin')]),
      y: keys([...await marked('subpixel-output', 'contrib'), ...await marked('subpixel-output', 'pin')]),
    };
  }
  return {
    x: keys([...await marked('matrix-input', 'contrib'), ...await marked('matrix-input', 'pin')]),
    y: keys([...await marked('matrix-output', 'contrib'), ...await marked('matrix-output', 'pin')]),
  };
}

const CONFIGS = [
  '?in=3&k=3&s=2&p=1&x=arange&w=arange',
  // channels and groups: the shown input channel 2 is in output channel 3's group
  '?in=3x2&k=2x3&s=2x1&op=1x0&cin=4&cout=4&g=2&ci=2&co=3&x=arange&w=arange',
];
const VIEWS = ['matrix', 'scatter', 'padded_direct', 'subpixel'];

for (const config of CONFIGS) {
  for (const view of VIEWS) {
    test(`${view} view, ${config}: each pin highlights exactly what influence connects it to`, async () => {
      const pins = [['y', [1, 1], 'cell=1,1'], ['x', [1, 1], 'pin=x:1,1'], ['w', [1, 0], 'pin=w:1,0']];
      for (const [tensor, index, param] of pins) {
        await open(`${config}&view=${view}&${param}`);
        const want = await expected({ tensor, index });
        const got = await shown(view);
        for (const key of Object.keys(got)) {
          assert.deepEqual(got[key], want[key], `${param}: the ${key} cells`);
        }
        assert.ok(want.y.length > 0 && want.x.length > 0, `${param}: the pin connects to something`);
        if (tensor !== 'y') {
          const note = await page.locator(`#panel-${view} [data-testid="pin-note"]`).innerText();
          assert.match(note, tensor === 'x' ? /^x\[[\d,]+\] reaches \d+ outputs?/ : /^w\[[\d,]+\] = -?\d+ connects \d+ \(input, output\) pairs?/);
        }
      }
    });
  }
}

test('matrix view: an entry of C pins its input cell, output cell and tap; a zero entry says so', async () => {
  await open('?in=3&k=3&s=2&p=1&x=arange&w=arange&view=matrix&transposed=0');
  const entry = await page.evaluate(() => {
    const inf = window.tconv.influence({ tensor: 'x', index: [1, 1] });
    const c = inf.connections[2];
    const r = window.tconv.result();
    return { i: 1 * 3 + 1, o: c.y[1] * r.shape[3] + c.y[2], y: `${c.y[1]},${c.y[2]}`, w: c.w.slice(2) };
  });
  await open(`?in=3&k=3&s=2&p=1&x=arange&w=arange&view=matrix&transposed=0&pin=C:${entry.i},${entry.o}`);
  assert.deepEqual(keys(await marked('matrix-input', 'pin')), ['1,1']);
  assert.deepEqual(keys(await marked('matrix-output', 'contrib')), [entry.y]);
  const note = await page.locator('#panel-matrix [data-testid="pin-note"]').innerText();
  assert.match(note, new RegExp(`^C\\[${entry.i},${entry.o}\\] \\(Cᵀ\\[${entry.o},${entry.i}\\]\\) = w\\[${entry.w.join(',')}\\] = \\d+: x\\[1,1\\] reaches y\\[${entry.y}\\] through this tap\\.$`));
  // a zero entry says so
  await page.evaluate(() => window.tconv.set({ pin: 'C:0,24' }));
  await drawn();
  assert.match(await page.locator('#panel-matrix [data-testid="pin-note"]').innerText(), /^C\[0,24\] \(Cᵀ\[24,0\]\) = 0: x\[0,0\] does not reach y\[4,4\]\.$/);
});

test('the pin is in the link: every form opens and is written back; cell= still means an output pin', async () => {
  await open('?in=3&k=2&s=2&cin=4&cout=4&g=2&x=arange&w=arange&view=scatter&pin=w:2,1:1,0');
  let st = await page.evaluate(() => window.tconv.state());
  assert.deepEqual([st.ci, st.co, st.pin, st.cell], [2, 3, { tensor: 'w', channel: null, index: [1, 0] }, null], 'the channels move to the pin');
  const link = await page.evaluate(() => window.tconv.link());
  assert.match(link, /[?&]co=3(&|$)/);
  assert.match(link, /[?&]ci=2(&|$)/);
  assert.match(link, /[?&]pin=w:1,0(&|$)/);
  const before = await shown('scatter');
  await page.goto(link);
  await page.evaluate(() => window.tconv.ready);
  await drawn();
  assert.deepEqual(await shown('scatter'), before, 'the link shows the same pin');
  assert.equal(await page.evaluate(() => window.tconv.link()), link);

  for (const [q, want, written] of [
    ['?in=3&k=3&s=2&pin=x:2,1', { tensor: 'x', channel: null, index: [2, 1] }, /pin=x:2,1/],
    ['?dims=1&in=5&k=3&s=2&pin=x:4', { tensor: 'x', channel: null, index: [4] }, /pin=x:4/],
    ['?in=3&k=3&s=2&view=matrix&pin=C:4,10', { tensor: 'C', channel: null, index: [4, 10] }, /pin=C:4,10/],
  ]) {
    await open(q);
    st = await page.evaluate(() => window.tconv.state());
    assert.deepEqual(st.pin, want, q);
    assert.match(await page.evaluate(() => window.tconv.link()), written, q);
  }
  // an output pin, as pin=y: and as the old cell=: the same state, written as cell=
  await open('?in=3&k=3&s=2&cout=2&pin=y:1:2,3');
  st = await page.evaluate(() => window.tconv.state());
  assert.deepEqual([st.cell, st.co, st.pin], [[2, 3], 1, null]);
  assert.match(await page.evaluate(() => window.tconv.link()), /[?&]cell=2,3&co=1(&|$)/);
  await open('?in=3&k=3&s=2&cell=2,3');
  st = await page.evaluate(() => window.tconv.state());
  assert.deepEqual([st.cell, st.pin], [[2, 3], null]);
  // outside the shapes: a message naming the parameter, its value and the rule; the rest of the link applies
  await open('?in=3&k=3&s=2&pin=x:3,0');
  assert.match((await page.getByRole('alert').allTextContents()).join('\n'), /pin x:3,0 is outside the 3×3 input \(link parameter pin, ignored\)/);
  assert.equal((await page.evaluate(() => window.tconv.state())).pin, null);
  await open('?in=3&k=3&s=2&pin=w:0,5:1,1');
  assert.match((await page.getByRole('alert').allTextContents()).join('\n'), /pin w:0,5:… names output channel 5 of a group \(there are 1\), which the layer does not have \(link parameter pin, ignored\)/);
});

test('a tap on a touch screen pins an input cell, a kernel tap and an output cell', async () => {
  await context.close();
  await newPage({ hasTouch: true, isMobile: true, viewport: { width: 400, height: 800 } });
  await open('?in=3&k=3&s=2&x=arange&w=arange&view=subpixel');
  const tapCell = async (grid, r, c) => {
    const box = await page.locator(`[data-grid="${grid}"]`).boundingBox();
    const n = await page.$eval(`[data-grid="${grid}"] canvas`, (cv) => cv.children.length);
    const cols = await page.$eval(`[data-grid="${grid}"] canvas`, (cv) => Math.max(...[...cv.children].map((x) => Number(x.dataset.c))) + 1);
    const pitch = (box.width - 1) / cols;
    assert.ok(n > 0);
    await page.locator(`[data-grid="${grid}"]`).tap({ position: { x: 1 + pitch * (c + 0.5), y: 1 + pitch * (r + 0.5) } });
    await drawn();
  };
  await tapCell('subpixel-input', 2, 1);
  assert.deepEqual((await page.evaluate(() => window.tconv.state())).pin, { tensor: 'x', channel: null, index: [2, 1] });
  assert.deepEqual(keys(await marked('subpixel-input', 'pin')), ['2,1']);
  await tapCell('subpixel-kernel', 0, 2);
  assert.deepEqual((await page.evaluate(() => window.tconv.state())).pin, { tensor: 'w', channel: null, index: [0, 2] });
  await tapCell('subpixel-output', 3, 4);
  const st = await page.evaluate(() => window.tconv.state());
  assert.deepEqual([st.cell, st.pin], [[3, 4], null]);
});

test('the keyboard alone: a grid takes focus, arrows pin and move, Enter and Space pin, Escape unpins', async () => {
  await open('?in=3&k=3&s=2&x=arange&w=arange&view=padded_direct');
  const state = () => page.evaluate(() => window.tconv.state());
  // Tab reaches the kernel grid (a focusable pin target) without the mouse
  let found = false;
  for (let i = 0; i < 80 && !found; i++) {
    await page.keyboard.press('Tab');
    found = await page.evaluate(() => document.activeElement?.dataset?.grid === 'padded-direct-kernel');
  }
  assert.ok(found, 'Tab reaches the kernel grid');
  await page.keyboard.press('Enter');
  await drawn();
  assert.deepEqual((await state()).pin, { tensor: 'w', channel: null, index: [0, 0] });
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  await drawn();
  assert.deepEqual((await state()).pin, { tensor: 'w', channel: null, index: [1, 1] });
  assert.deepEqual(keys(await marked('padded-direct-kernel', 'pin')), ['1,1']);
  assert.deepEqual(keys(await marked('padded-direct-rotated', 'contrib')), ['1,1'], 'the rotated copy marks the same tap, rotated');
  await page.keyboard.press('Escape');
  await drawn();
  const st = await state();
  assert.deepEqual([st.pin, st.cell], [null, null]);
  // an input cell in the padded input: Space pins the top-left data cell's input
  await page.locator('[data-grid="padded-direct-input"]').focus();
  await page.keyboard.press('ArrowRight'); // pins padded (0,0): padding, not an input cell
  await drawn();
  assert.equal((await state()).pin, null, 'padding is no input cell');
  await page.evaluate(() => window.tconv.set({ pin: 'x:0,0' }));
  await page.locator('[data-grid="padded-direct-input"]').focus();
  await page.keyboard.press(' ');
  await drawn();
  assert.deepEqual((await state()).pin, { tensor: 'x', channel: null, index: [0, 0] });
  assert.equal(await page.locator('[data-grid="padded-direct-input"]').getAttribute('aria-keyshortcuts'), 'ArrowUp ArrowDown ArrowLeft ArrowRight Enter Space Escape');
});
