// The sub-pixel view (view=subpixel): in Node, the phases of engine.subpixel interleaved (web/model.js) equal the
// output and the checkerboard diagnosis reads their tap counts; in the browser on the built site (dist/), for strides
// 1 to 3, dilation, groups, output_padding and a kernel smaller than the stride, the phase grids drawn on the page,
// put back at first + t·stride, are the output grid drawn beside them and the page's result(), and a phase cell pins
// its output cell.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { launchChromium } from './support/browser.mjs';
import * as S from '../../web/state.js';
import { computeModel, artifactOf, interleave, agreementOf } from '../../web/model.js';
import { diagnosis } from '../../web/views/subpixel.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
const STATES = [
  '?in=4&k=4&s=2&p=1&x=ones&w=arange', // the corner question
  '?in=5&k=3&s=2&x=ones&w=ones', // the checkerboard
  '?in=3&k=3&s=1&p=1&x=arange&w=rand:3', // stride 1: one phase
  '?in=4x3&k=3x2&s=3x2&p=1x0&x=rand:2&w=arange', // stride 3 by 2
  '?in=4&k=3&s=2&d=2&x=arange&w=rand:5', // dilation
  '?in=3&k=3&s=2&p=1&op=1&x=arange&w=arange', // output_padding
  '?in=3&k=2&s=3&x=arange&w=arange', // a kernel smaller than the stride: phases without taps
  '?in=3&k=3&s=2&cin=4&cout=6&g=2&co=5&ci=3&x=rand:4&w=rand:9', // groups, a channel of the second group
];

let engine;
let server, baseUrl, browser, page, problems;

before(async () => {
  assert.ok(existsSync(path.join(root, 'index.html')), 'dist/index.html is missing: run ./scripts/build first');
  engine = await (await import(path.join(root, 'engine.js'))).createEngine();
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
});

afterEach(async () => {
  await page.close();
  assert.deepEqual(problems, []);
});

test('the phases interleaved are the output, and the agreement includes them', () => {
  for (const q of STATES) {
    const m = computeModel(engine, S.parse(q).state);
    const sub = artifactOf(engine, m, 'subpixel');
    const y = interleave(sub, m.output.shape);
    assert.deepEqual(Array.from(y), Array.from(m.output.data), q);
    const owned = sub.phases.reduce((n, ph) => n + ph.count.reduce((a, b) => a * b, 1), 0);
    assert.equal(owned, m.params.Hout * m.params.Wout, `${q}: every output cell belongs to one phase`);
    assert.deepEqual(agreementOf(engine, m).skipped, [], q);
  }
  // a sub-pixel phase that disagreed would show in the agreement's worst difference
  const m = computeModel(engine, S.parse(STATES[0]).state);
  const broken = { ...engine, subpixel: (...a) => { const s = engine.subpixel(...a); s.phases[0].output.data[0] += 1; return s; } };
  assert.equal(agreementOf(broken, m).worst, 1);
});

test('the diagnosis reads the tap counts: uneven phases, even ones, holes, and a dilation that shares the stride', () => {
  const dx = (q) => {
    const m = computeModel(engine, S.parse(q).state);
    return diagnosis(m.params, artifactOf(engine, m, 'subpixel').phases);
  };
  const k3 = dx('?in=5&k=3&s=2');
  assert.equal(k3.uneven, true);
  assert.deepEqual(k3.lines, ['rows: kernel 3, stride 2: the phases get 2 and 1 taps', 'columns: kernel 3, stride 2: the phases get 2 and 1 taps']);
  assert.match(k3.verdict, /The phases use 4, 2, 2 and 1 taps/);
  assert.match(k3.verdict, /A kernel of 4 \(a multiple of the stride\) would give every phase 2 taps/);
  const k4 = dx('?in=5&k=4&s=2&p=1');
  assert.equal(k4.uneven, false);
  assert.match(k4.verdict, /Every phase uses 4 taps/);
  const holes = dx('?in=5&k=2&s=3');
  assert.match(holes.verdict, /never written, so their outputs are always 0/);
  assert.match(holes.verdict, /a kernel of 3 .* every phase 1 tap\b/i);
  const dilated = dx('?in=5&k=3&s=2&d=2');
  assert.match(dilated.verdict, /The phases use 9, 0, 0 and 0 taps/);
  assert.match(dilated.verdict, /dilation 2 and stride 2 share the factor 2, so the taps reach only 1 in 2 phases/i);
  assert.match(dx('?in=4x5&k=3x4&s=2').verdict, /Along the rows, a kernel of 4/, 'only the uneven axis gets the advice');
  assert.equal(dx('?in=3&k=3').uneven, false);
});

/** Clicks cell (r, c) of a grid where a person would: at its centre on the grid's canvas. */
async function clickCell(name, r, c) {
  await page.locator(`[data-grid="${name}"]`).scrollIntoViewIfNeeded();
  const at = await page.$eval(`[data-grid="${name}"]`, (grid, [r, c]) => {
    const cols = grid.querySelectorAll('.cell[data-r="0"]').length, rows = grid.querySelectorAll('.cell[data-c="0"]').length;
    const box = grid.getBoundingClientRect();
    const pitchX = (box.width - 1) / cols, pitchY = (box.height - 1) / rows;
    return { x: box.left + 1 + (c + 0.5) * pitchX, y: box.top + 1 + (r + 0.5) * pitchY };
  }, [r, c]);
  await page.mouse.click(at.x, at.y);
}

/** The grid's numbers, row by row. */
const gridNumbers = (name) => page.$eval(`[data-grid="${name}"]`, (grid) => {
  const cells = [...grid.querySelectorAll('.cell')];
  const rows = Math.max(...cells.map((c) => Number(c.dataset.r))) + 1;
  const out = Array.from({ length: rows }, () => []);
  for (const c of cells) out[Number(c.dataset.r)][Number(c.dataset.c)] = Number(c.textContent.replace('−', '-'));
  return out;
});

test('view=subpixel draws every phase for strides 1 to 3, dilation, groups, output_padding and k < s, and they interleave to the output', async () => {
  for (const q of STATES) {
    await page.goto(new URL(`index.html${q}&view=subpixel`, baseUrl).href);
    await page.evaluate(() => window.tconv.ready);
    await page.evaluate(() => window.tconv.settled());
    const st = await page.evaluate(() => window.tconv.state());
    const result = await page.evaluate(() => window.tconv.result());
    const [, , H, W] = result.shape;
    const co = st.co;
    const y = Array.from({ length: H }, (_, r) => result.data.slice((co * H + r) * W, (co * H + r + 1) * W));
    assert.deepEqual(await gridNumbers('subpixel-output'), y, `${q}: the output grid is the output`);
    const labels = await page.$$eval('[data-grid^="subpixel-phase-"]', (gs) => gs.map((g) => [g.dataset.grid, g.getAttribute('aria-label')]));
    assert.equal(labels.length, Math.min(st.s[0], H) * Math.min(st.s[1], W), `${q}: one grid per phase`);
    const back = Array.from({ length: H }, () => new Array(W).fill(null));
    for (const [name, label] of labels) {
      const [a, b] = /phase \((\d+),(\d+)\)/.exec(label).slice(1).map(Number);
      const cells = await gridNumbers(name);
      cells.forEach((row, t) => row.forEach((v, u) => {
        assert.equal(back[a + t * st.s[0]][b + u * st.s[1]], null, `${q}: two phases claim y[${a + t * st.s[0]},${b + u * st.s[1]}]`);
        back[a + t * st.s[0]][b + u * st.s[1]] = v;
      }));
    }
    assert.deepEqual(back, y, `${q}: the phases, interleaved, are the output`);
    assert.match(await page.locator('#panel-subpixel .interleave').textContent(), /max \|difference\| = 0\./);
    assert.match(await page.locator('#agree').textContent(), /sub-pixel phases, interleaved, give the same output, max \|difference\| = 0\b/);
  }
});

test('a phase cell pins its output cell; the diagnosis sits beside the overlap counts; the figure export draws the view', async () => {
  await page.goto(new URL('index.html?in=5&k=3&s=2&x=ones&w=ones&view=subpixel', baseUrl).href);
  await page.evaluate(() => window.tconv.ready);
  // phase (1,0) is the third: rows 1, 3, …; columns 0, 2, …. Its cell [1,2] is y[3,4].
  const label = await page.getAttribute('[data-grid="subpixel-phase-2"]', 'aria-label');
  assert.match(label, /phase \(1,0\)/);
  await clickCell('subpixel-phase-2', 1, 2);
  await page.evaluate(() => window.tconv.settled());
  assert.deepEqual((await page.evaluate(() => window.tconv.state())).cell, [3, 4]);
  assert.match(await page.locator('[data-testid="explanation"]').textContent(), /^y\[3,4\] = /);
  assert.equal(await page.locator('[data-grid="subpixel-output"] .cell.pin').count(), 1);
  const counts = await page.$$eval('[data-grid="subpixel-overlap"] .cell[data-r="2"]', (cs) => cs.slice(0, 5).map((c) => c.textContent));
  assert.deepEqual(counts, ['×2', '×2', '×4', '×2', '×4']);
  assert.match(await page.locator('[data-part="diagnosis"]').textContent(), /Checkerboard: The phases use 4, 2, 2 and 1 taps/);
  const svg = await page.evaluate(() => window.tconv.exportSVG());
  assert.match(svg, /Sub-pixel view: conv_transpose2d, input 5×5, kernel 3×3, stride 2×2/);
  assert.match(svg, /phase \(1,1\): its output/);
  // the tab and the link
  await page.getByRole('tab', { name: 'Matrix' }).click();
  await page.getByRole('tab', { name: 'Sub-pixel' }).click();
  await page.evaluate(() => window.tconv.settled());
  assert.equal(new URL(await page.evaluate(() => window.tconv.link())).searchParams.get('view'), 'subpixel');
  assert.ok(await page.getByRole('tabpanel', { name: 'Sub-pixel' }).isVisible());
  assert.match(await page.locator('#view-sentence').textContent(), /The output splits into phases/);
});

test('at 400 px the sub-pixel view fits the width (grids scroll inside the panel, never the page)', async () => {
  await page.setViewportSize({ width: 400, height: 800 });
  await page.goto(new URL('index.html?in=6&k=3&s=3&x=arange&w=arange&view=subpixel', baseUrl).href);
  await page.evaluate(() => window.tconv.ready);
  await page.evaluate(() => window.tconv.settled());
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(over <= 0, `sideways scroll of ${over} px`);
});
