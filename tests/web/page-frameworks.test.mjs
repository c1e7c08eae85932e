// The page in every framework's vocabulary, in a real browser (playwright-core + Debian's Chromium), against the
// built site in dist/: a 1-D link, a bias, 'same' and 'same_lower', per-side padding, output_size and a 3-D link each
// show PyTorch's numbers (computed here by Debian's /usr/bin/python3 with torch) in the API and in every view; the
// TensorFlow 'same' question's link draws its 4×4 as the crop of the 6×6 it is; the import box takes the calls people
// paste and refuses junk with a message; the framework panel's Keras plan, run through tfjs, prints the page's
// numbers. Every test also fails on any console error or uncaught page error.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { startServer } from '../../scripts/serve.mjs';
import { launchChromium } from './support/browser.mjs';
import * as S from '../../web/state.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
const PYTHON = '/usr/bin/python3'; // Debian's: the python3 on PATH may be another one without torch
const HAS_TORCH = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const NO_TORCH = HAS_TORCH ? false : `${PYTHON} cannot import torch: install python3-torch (./scripts/test does) to run this test`;

// The TensorFlow 'same' question: a 2×2 input 0..3, a 3×3 kernel 0..8, stride 2, output_padding 1. PyTorch and Keras
// 'valid' give the 6×6; Keras padding='same' gives the 4×4, its top-left crop (the article's published numbers).
const TF_SAME = '?in=2&k=3&s=2&p=0,2,0,2&op=1&x=0,1,2,3&w=0,1,2,3,4,5,6,7,8';
const TF_SAME_OUTPUT = [[0, 0, 0, 1], [0, 0, 3, 4], [0, 2, 10, 10], [6, 8, 19, 12]];

/**
 * The links, each with how PyTorch computes it: `crop` (padding 0 and the link's output_padding, then [before, after]
 * cropped from each axis by the documented rule, a negative after extended with zeros, then the bias) or `module`
 * (nn.ConvTransposeNd with its own padding, forward(x, output_size=...)).
 */
const LINKS = [
  { name: '1-D with a bias', query: '?dims=1&in=5&k=3&s=2&p=1&cin=2&cout=3&x=rand:3&w=rand:4&b=arange', truth: 'module' },
  { name: '1-D per side', query: '?dims=1&in=4&k=4&s=3&p=2,0&d=2&x=arange&w=rand:8', truth: 'crop' },
  { name: 'a bias on the output_padding strip', query: '?in=2&k=3&s=2&op=1&cout=2&x=arange&w=arange&b=5,-2', truth: 'module' },
  { name: "'same' (ONNX SAME_UPPER, TensorFlow 'SAME')", query: '?in=3x4&k=3&s=2&p=same&x=rand:15&w=rand:16', truth: 'crop' },
  { name: "'same' with a kernel shorter than the stride (extended)", query: '?in=3&k=3&s=4&p=same&x=arange&w=arange&b=1', truth: 'crop' },
  { name: "'same_lower'", query: '?in=3x2&k=3x4&s=2&p=same_lower&cin=2&x=rand:19&w=rand:20', truth: 'crop' },
  { name: "per side (the TensorFlow 'same' question)", query: TF_SAME, truth: 'crop' },
  { name: 'per side with groups', query: '?in=3&k=2x3&s=2x1&p=1,0,0,2&cin=4&cout=2&g=2&x=rand:5&w=rand:9', truth: 'crop' },
  { name: 'output_size picks output_padding', query: '?in=4&k=3&s=2&p=1&os=8&x=arange&w=arange&b=ones', truth: 'module' },
  { name: 'output_size in 1-D', query: '?dims=1&in=3&k=3&s=3&os=10&x=arange&w=arange', truth: 'module' },
  { name: '3-D per side with a bias', query: '?dims=3&in=2x2x3&k=2x3x2&s=2x1x2&p=1,0,0,1,1,0&cout=2&x=rand:5&w=rand:6&b=1,2', truth: 'crop' },
  { name: '3-D output_size', query: '?dims=3&in=2&k=2&s=2&os=4x5x4&x=arange&w=ones', truth: 'module' },
];

let server;
let baseUrl;
let browser;
let page;
let problems;
let tmp;

before(async () => {
  assert.ok(existsSync(path.join(root, 'index.html')), 'dist/index.html is missing: run ./scripts/build first');
  ({ server, url: baseUrl } = await startServer({ root, port: 0, host: '127.0.0.1' }));
  browser = await launchChromium();
  await tf.setBackend('cpu');
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tconv-page-frameworks-'));
});

after(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r()));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

beforeEach(async () => {
  problems = [];
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
});

afterEach(async () => {
  await page.close();
  assert.deepEqual(problems, [], 'the page raised console errors');
});

async function open(query) {
  await page.goto(new URL(`index.html${query}`, baseUrl).href);
  await page.evaluate(() => window.tconv.ready);
  await drawn();
}
const drawn = () => page.evaluate(() => window.tconv.settled());
const set = (partial) => page.evaluate((p) => window.tconv.set(p), partial);
const number = (text) => Number(String(text).replace('−', '-'));
const gridNumbers = (selector) => page.$$eval(selector, (cells) => cells.map((c) => c.textContent)).then((t) => t.map(number));
const prod = (a) => a.reduce((x, y) => x * y, 1);

// ------------------------------------------------------------------ the truth, from PyTorch

const RUNNER = String.raw`
import json, sys, torch
import torch.nn as nn
import torch.nn.functional as F

def run(job):
    r = job['rank']
    x = torch.tensor(job['x'], dtype=torch.float32).reshape(job['xShape'])
    w = torch.tensor(job['w'], dtype=torch.float32).reshape(job['wShape'])
    b = torch.tensor(job['b'], dtype=torch.float32) if job['b'] is not None else None
    if job['truth'] == 'module':
        Module = [nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d][r - 1]
        layer = Module(job['xShape'][1], job['wShape'][1] * job['groups'], job['wShape'][2:], stride=job['stride'],
                       padding=job['padding'], output_padding=job['outputPadding'], groups=job['groups'],
                       dilation=job['dilation'], bias=b is not None)
        with torch.no_grad():
            layer.weight.copy_(w)
            if b is not None:
                layer.bias.copy_(b)
            y = layer(x, output_size=job['outputSize']) if job['outputSize'] else layer(x)
        return y.tolist()
    f = [F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d][r - 1]
    y = f(x, w, None, stride=job['stride'], padding=0, output_padding=job['outputPadding'], groups=job['groups'], dilation=job['dilation'])
    for a, (before, after) in enumerate(job['pairs']):
        dim = 2 + a
        if after < 0:
            shape = list(y.shape)
            shape[dim] = -after
            y = torch.cat([y, torch.zeros(shape)], dim)
            after = 0
        y = y.narrow(dim, before, y.shape[dim] - before - after)
    if b is not None:
        y = y + b.reshape(1, -1, *([1] * r))
    return y.tolist()

jobs = json.load(open(sys.argv[1]))
json.dump({job['name']: run(job) for job in jobs}, open(sys.argv[2], 'w'))
`;

/** A link's layer as PyTorch reads it, with the crop pairs by the documented rules (not the engine's). */
function jobOf(link) {
  const { state: st, messages } = S.parse(link.query);
  assert.deepEqual(messages, [], `${link.name}: the link parses`);
  const r = st.dims;
  const xShape = [1, st.cin, ...st.in], wShape = [st.cin, st.cout / st.g, ...st.k];
  const values = (spec, n) => S.materialize(spec, n, 'values').values;
  const full = st.in.map((n, a) => (n - 1) * st.s[a] + st.d[a] * (st.k[a] - 1) + 1 + st.op[a]);
  let pairs = null;
  if (link.truth === 'crop') {
    if (st.p === 'same' || st.p === 'same_lower') {
      // ONNX's auto_pad: the output is in·stride; total = full − in·stride, ⌊total/2⌋ at the start (SAME_UPPER) or
      // the larger half (SAME_LOWER); a negative total extends the end.
      pairs = full.map((f, a) => {
        const total = f - st.in[a] * st.s[a];
        if (total < 0) return [0, total];
        const start = st.p === 'same' ? Math.floor(total / 2) : Math.ceil(total / 2);
        return [start, total - start];
      });
    } else pairs = st.p.map((e) => (Array.isArray(e) ? e : [e, e]));
  }
  return {
    name: link.name, truth: link.truth, rank: r, xShape, wShape, x: values(st.x, prod(xShape)), w: values(st.w, prod(wShape)),
    b: st.b ? values(st.b, st.cout) : null, stride: st.s, dilation: st.d, groups: st.g, outputPadding: st.op,
    padding: Array.isArray(st.p) && !st.p.some(Array.isArray) ? st.p : 0, outputSize: st.os, pairs,
  };
}

let truths = null;
function truthOf(name) {
  if (!truths) {
    const jobs = LINKS.map(jobOf);
    const jobFile = path.join(tmp, 'jobs.json'), outFile = path.join(tmp, 'out.json'), runner = path.join(tmp, 'runner.py');
    writeFileSync(jobFile, JSON.stringify(jobs));
    writeFileSync(runner, RUNNER);
    execFileSync(PYTHON, [runner, jobFile, outFile], { timeout: 180000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    truths = JSON.parse(readFileSync(outFile, 'utf8'));
  }
  return truths[name];
}

const shapeOf = (nested) => {
  const s = [];
  for (let a = nested; Array.isArray(a); a = a[0]) s.push(a.length);
  return s;
};
const close = (a, b) => Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b));
function assertNumbers(actual, expected, what) {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} numbers, PyTorch has ${expected.length}`);
  expected.forEach((v, i) => assert.ok(close(actual[i], v), `${what}: number ${i} is ${actual[i]}, PyTorch gives ${v}`));
}

/** The plane PyTorch's output shows at channel co and depth dz: 1-D one row, 3-D the depth slice. */
function planeOfTruth(y, rank, co, dz) {
  const ch = y[0][co];
  const rows = rank === 1 ? [ch] : rank === 3 ? ch[dz] : ch;
  return rows.flat();
}

// ------------------------------------------------------------------ every link, every view, PyTorch's numbers

test('each new form of link shows PyTorch\'s numbers in the API and in every view, channel by channel and depth by depth', { skip: NO_TORCH }, async () => {
  for (const link of LINKS) {
    const truth = truthOf(link.name);
    await open(link.query);
    const y = await page.evaluate(() => window.tconv.result());
    assert.deepEqual(y.shape, shapeOf(truth), `${link.name}: the output shape`);
    assertNumbers(y.data, truth.flat(Infinity), `${link.name}: tconv.result()`);
    const st = await page.evaluate(() => window.tconv.state());
    const depths = st.dims === 3 ? y.shape[2] : 1;
    for (let co = 0; co < y.shape[1]; co++) {
      for (let dz = 0; dz < depths; dz++) {
        const want = planeOfTruth(truth, st.dims, co, dz);
        for (const view of ['matrix', 'scatter', 'padded_direct']) {
          await set({ view, co, dz, step: null });
          const grid = { matrix: '[data-grid="matrix-output"] .cell', padded_direct: '[data-grid="padded-direct-output"] .cell', scatter: '[data-grid="scatter-canvas"] .cell:not(.crop)' }[view];
          assertNumbers(await gridNumbers(grid), want, `${link.name}: the ${view} view, output channel ${co}${st.dims === 3 ? `, depth ${dz}` : ''}`);
        }
      }
    }
    assert.match(await page.locator('#agree').textContent(), /max \|difference\| = 0\b/, `${link.name}: the four methods agree`);
  }
});

test("the TensorFlow 'same' question: one link shows Keras' 4×4 as the top-left crop of PyTorch's 6×6 in every view", async () => {
  await open(`${TF_SAME}&view=scatter`);
  const y = await page.evaluate(() => window.tconv.result());
  assert.deepEqual(y.shape, [1, 1, 4, 4]);
  assert.deepEqual(y.data, TF_SAME_OUTPUT.flat(), "the article's TensorFlow 'same' numbers");
  // Scatter: the whole 6×6 canvas (PyTorch's result with padding 0), the output its unshaded top-left 4×4.
  const canvas = await page.$$eval('[data-grid="scatter-canvas"] .cell', (cells) => cells.map((c) => ({ r: Number(c.dataset.r), c: Number(c.dataset.c), crop: c.classList.contains('crop'), v: c.textContent })));
  assert.equal(canvas.length, 36, 'the canvas is the 6×6');
  assert.deepEqual(canvas.filter((q) => !q.crop).map((q) => [q.r, q.c]), Array.from({ length: 16 }, (_, i) => [Math.floor(i / 4), i % 4]), 'the unshaded cells are the top-left 4×4');
  // PyTorch's 6×6 (= Keras 'valid'), the article's numbers
  const valid = [[0, 0, 0, 1, 2, 0], [0, 0, 3, 4, 5, 0], [0, 2, 10, 10, 14, 0], [6, 8, 19, 12, 15, 0], [12, 14, 34, 21, 24, 0], [0, 0, 0, 0, 0, 0]];
  assert.deepEqual(canvas.map((q) => number(q.v)), valid.flat());
  for (const box of ['#shape', '#panel-scatter .lede']) {
    assert.match(await page.locator(box).textContent(), /the 4×4 output is the top-left 4×4 of the 6×6 full result \(padding crops 0 at the top, 2 at the bottom, 0 at the left and 2 at the right\)/i, box);
  }
  assert.match(await page.locator('#sizes-body').textContent(), /tf\.nn\.conv2d_transpose with output size 4 and padding='SAME' gives the same numbers; Keras Conv2DTranspose with padding='same', output_padding=None, or padding='same', output_padding=1 \(Keras' 'same' with output_padding is its own rule/);
  // Padded direct: each side padded by its own amount, d·(k−1) − crop (+ output_padding at the end): 2 and 2 − 2 + 1.
  await set({ view: 'padded_direct' });
  assert.match(await page.locator('#panel-padded_direct .lede').textContent(), /2 at the top, 1 at the bottom, 2 at the left and 1 at the right/);
  assert.equal(await page.$$eval('[data-grid="padded-direct-input"] .cell', (c) => c.length), 36, 'the zero-inserted 3×3 padded 2 before and 1 after: 6×6');
  // Matrix: C follows the crop: 4 inputs, 16 outputs.
  await set({ view: 'matrix' });
  assert.match(await page.locator('canvas.matrix').getAttribute('aria-label'), /^Cᵀ matrix, 16 by 4/);
  assert.match(await page.locator('#panel-matrix .info').textContent(), /Cᵀ is 16×4/);
});

test('a 1-D layer is drawn as one row in every view and nothing says H, W, height or width', async () => {
  await open('?dims=1&in=5&k=3&s=2&p=1,0&x=arange&w=arange&b=2&cell=4');
  const words = /\b(H|W|H_out|W_out|kH|kW)\b|[Hh]eight|[Ww]idth/;
  for (const view of ['scatter', 'padded_direct', 'matrix']) {
    await set({ view });
    for (const box of ['#shape', `#panel-${view}`, '#explain-body', '#sizes-body', '#gradient-body', '#controls legend']) {
      const text = await page.locator(box).first().textContent();
      assert.doesNotMatch(text, words, `${view}: ${box} says "${(words.exec(text) || [''])[0]}" in: ${text.slice(Math.max(0, text.search(words) - 60), text.search(words) + 60)}`);
    }
  }
  await set({ view: 'scatter' });
  const rowsOf = (name) => page.$$eval(`[data-grid="${name}"] .cell`, (cells) => new Set(cells.map((c) => c.dataset.r)).size);
  for (const name of ['scatter-input', 'scatter-kernel', 'scatter-canvas']) assert.equal(await rowsOf(name), 1, `${name} is one row`);
  assert.match(await page.locator('[data-testid="explanation"]').textContent(), /^y\[4\] = x\[2\]·w\[1\] \+ x\[1\]·w\[3\]|^y\[4\] = .* \+ b\[0\] = .* = \d+$/);
  assert.match(await page.locator('#shape').textContent(), /L_out = \(L−1\)·s \+ d·\(k−1\) \+ 1 \+ output_padding − before − after = \(5−1\)·2 \+ 1·\(3−1\) \+ 1 \+ 0 − 1 − 0 = 10/);
  await set({ view: 'matrix' });
  assert.match(await page.locator('canvas.matrix').getAttribute('aria-label'), /^Cᵀ matrix, 10 by 5/, 'Cᵀ is L_out × L_in');
  await set({ view: 'padded_direct' });
  assert.equal(await rowsOf('padded-direct-input'), 1);
  assert.match(await page.locator('#panel-padded_direct .lede').textContent(), /1 at the start and 2 at the end/);
});

test('the bias: the explanation ends with + b, the scatter view adds it as its last step, the output_padding strip holds only it', async () => {
  await open('?in=2&k=3&s=2&op=1&cout=2&x=arange&w=arange&b=5,-2&co=1&cell=1,1');
  assert.match(await page.locator('[data-testid="explanation"]').textContent(), /^y\[1,1,1\] = x\[0,0,0\]·w\[0,1,1,1\] \+ b\[1\] = 1·14 \+ \(−2\) = 14 − 2 = 12$/);
  assert.match(await page.locator('#explain-body').textContent(), /the bias is added last: 14 \+ b\[1\] = 12/);
  // The strip (last row and column of the 6×6) holds the bias and nothing else.
  const cells = await page.$$eval('[data-grid="scatter-canvas"] .cell', (c) => c.map((e) => ({ strip: e.classList.contains('opstrip'), v: e.textContent })));
  const strip = cells.filter((q) => q.strip);
  assert.equal(strip.length, 11);
  assert.ok(strip.every((q) => q.v === '−2'), `the output_padding strip holds only the bias: ${strip.map((q) => q.v)}`);
  // One step back: every stamp is in, the bias not yet; the strip is 0.
  const total = await page.evaluate(() => Number(document.querySelector('[data-focus="scrub"]').max));
  assert.equal(total, 4 + 1, 'four stamps, then the bias');
  await page.locator('[data-focus="back"]').click();
  await drawn();
  assert.match(await page.locator('.stamp-note').textContent(), /Stamp 4 of 4: .* Next: the bias\./);
  const before = await page.$$eval('[data-grid="scatter-canvas"] .cell.opstrip', (c) => c.map((e) => e.textContent));
  assert.ok(before.every((v) => v === '0'), 'before the bias step the strip is empty');
  await page.locator('[data-focus="fwd"]').click();
  await drawn();
  assert.match(await page.locator('.stamp-note').textContent(), /the bias −2 lands on every output cell/);
  // The matrix view shows y = Cᵀx + b.
  await set({ view: 'matrix', step: null });
  assert.match(await page.locator('#panel-matrix .info').textContent(), /y = Cᵀ·vec\(x\) \+ b/);
  assert.match(await page.locator('#panel-matrix').textContent(), /Cᵀ·vec\(x\) \+ b reshaped/);
});

test('output_size: typing a size picks output_padding, the panel says why, an unreachable size is explained the same way', async () => {
  await open('?in=4&k=3&s=2&p=1&x=arange&w=arange');
  await page.getByLabel('Output size', { exact: true }).fill('8');
  await page.waitForFunction(() => window.tconv.result().shape[2] === 8);
  await drawn();
  const st = await page.evaluate(() => window.tconv.state());
  assert.deepEqual([st.os, st.op], [[8, 8], [0, 0]], 'output_size is kept; output_padding is the engine\'s pick');
  assert.equal(await page.getByLabel('Output padding', { exact: true }).inputValue(), '1');
  assert.match(await page.locator('#h-op').textContent(), /picked by output size 8/);
  assert.match(await page.locator('[data-testid="output-size-why"]').textContent(), /^Sizes 7 and 8 both map back to 4 under stride 2; output_size 8 means output_padding 1\.$/);
  assert.equal(new URL(await page.evaluate(() => window.tconv.link())).searchParams.get('os'), '8');

  await page.getByLabel('Output size', { exact: true }).fill('10');
  const error = page.locator('#e-os');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /output_size \(height\) is 10, but with input 4, stride 2, padding 1 and kernel 3 only 7 or 8 are reachable/);
  await drawn();
  assert.match(await page.locator('[data-testid="output-size-why"]').textContent(), /output_size 10 is not reachable: sizes 7 and 8 both map back to 4 under stride 2, and 10 is none of them/);
  // A given output_padding that disagrees is the engine's message too.
  await page.getByLabel('Output size', { exact: true }).fill('7');
  await page.getByLabel('Output padding', { exact: true }).fill('1');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /output_size \(height\) is 7, which needs output_padding 0/);
  await page.getByLabel('Output size', { exact: true }).fill('');
  await page.waitForFunction(() => window.tconv.result().shape[2] === 8 && window.tconv.state().os === null);
});

test('3-D: computed whole, its shape shown, the views draw the chosen depth slice and say so', async () => {
  await open('?dims=3&in=2&k=2&s=2&x=arange&w=arange&dz=2&view=scatter');
  assert.match(await page.locator('#shape').textContent(), /Output shape \[N, C_out, D_out, H_out, W_out\] = \[1, 1, 4, 4, 4\]/);
  assert.match(await page.locator('#panel-scatter .lede').textContent(), /this is depth slice 2 of the canvas, which is output depth 2/);
  assert.equal(await page.getByLabel('Shown output depth').inputValue(), '2');
  await page.getByLabel('Shown output depth').selectOption('3');
  await drawn();
  assert.equal((await page.evaluate(() => window.tconv.state())).dz, 3);
  assert.equal(new URL(await page.evaluate(() => window.tconv.link())).searchParams.get('dz'), '3');
  await set({ view: 'padded_direct' });
  assert.match(await page.locator('#panel-padded_direct .lede').textContent(), /the window for output depth 3 covers the padded depth slices 3, 4/);
  await set({ view: 'matrix' });
  assert.equal(await page.locator('[data-grid^="matrix-input-"]').count(), 2, 'the input\'s two depth slices');
});

// ------------------------------------------------------------------ the framework panel and the import box

test('the framework panel: every language\'s code, its warnings as notes, copy; exportCode takes every name', async () => {
  await open('?in=3&k=2&cin=4&cout=2&g=2&s=2&d=2&x=rand:1&w=rand:2');
  const panel = page.locator('#frameworks');
  for (const [label, lang] of [['PyTorch', 'pytorch'], ['NumPy', 'numpy'], ['TensorFlow / Keras', 'keras'], ['ONNX', 'onnx'], ['JAX', 'jax']]) {
    await panel.getByRole('tab', { name: label, exact: true }).click();
    await drawn();
    assert.equal(await panel.getByRole('tab', { name: label, exact: true }).getAttribute('aria-selected'), 'true');
    const code = await page.locator('#code-text').textContent();
    assert.equal(code, await page.evaluate((l) => window.tconv.exportCode(l), lang), `${label}: the panel shows exportCode's text`);
    const warnings = await page.locator('#code-warnings li').allTextContents();
    assert.deepEqual(warnings.map((w) => w.replace(/\.$/, '')), (await page.evaluate((l) => window.tconv.translation(l), lang)).warnings, `${label}: every warning is a visible note`);
    if (lang === 'keras') {
      assert.match(warnings.join('\n'), /groups 2: Keras' Conv2DTranspose and tf.nn.conv2d_transpose have no groups argument/);
      assert.match(warnings.join('\n'), /TensorFlow refuses dilation > 1 together with stride > 1/);
    }
  }
  assert.equal(await page.evaluate(() => window.tconv.exportCode('tensorflow')), await page.evaluate(() => window.tconv.exportCode('keras')));
  await assert.rejects(page.evaluate(() => window.tconv.exportCode('fortran')), /language is "fortran"/);
  // The share bar's Code button brings the panel into view.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByRole('button', { name: 'Code', exact: true }).click();
  await page.waitForFunction(() => document.activeElement === document.getElementById('frameworks'));
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.locator('#code-copy').click();
  await page.locator('#code-status').filter({ hasText: 'Code copied' }).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#code-download').click()]);
  assert.equal(download.suggestedFilename(), 'conv_transpose2d_jax.py');
});

test('the import box takes the calls people paste, keeps what they do not say, and refuses junk with a message', async () => {
  await open('?in=5&k=3&cin=2&cout=2&x=rand:3&w=ones');
  const box = page.getByLabel('Import your layer');
  const importText = async (text) => {
    await box.fill(text);
    await page.locator('#b-import').click();
    await drawn();
  };
  await importText('nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1, output_padding=1, groups=2)');
  let st = await page.evaluate(() => window.tconv.state());
  assert.deepEqual([st.cin, st.cout, st.g, st.k, st.s, st.p, st.op, st.in], [16, 8, 2, [4, 4], [2, 2], [1, 1], [1, 1], [5, 5]], 'the input size is kept');
  assert.match(await page.locator('#import-notes').textContent(), /Imported nn.ConvTranspose2d: the page now shows this layer/);
  assert.match(await page.locator('#import-notes').textContent(), /bias=True is the default/);
  assert.deepEqual((await page.evaluate(() => window.tconv.result())).shape, [1, 8, 11, 11]);

  await importText("layers.Conv2DTranspose(8, 3, strides=2, padding='same')");
  st = await page.evaluate(() => window.tconv.state());
  assert.deepEqual([st.cin, st.cout, st.g, st.k, st.s, st.p], [16, 8, 1, [3, 3], [2, 2], 'same'], 'a Keras layer keeps the input channels');
  assert.deepEqual((await page.evaluate(() => window.tconv.result())).shape, [1, 8, 10, 10], "'same': in·stride");

  await importText('kernel_shape=[3,3], strides=[2,2], pads=[0,0,1,1], output_padding=[1,1], group=2');
  st = await page.evaluate(() => window.tconv.state());
  assert.deepEqual([st.p, st.op, st.g], [[[0, 1], [0, 1]], [1, 1], 2], 'ONNX pads: every start, then every end');
  assert.match(await page.locator('#import-notes').textContent(), /pads lists every axis's start, then every axis's end/);

  await importText('torch.nn.ConvTranspose1d(4, 2, 5, stride=3, bias=False)');
  st = await page.evaluate(() => window.tconv.state());
  assert.deepEqual([st.dims, st.in, st.k, st.s, st.cin, st.cout], [1, [5], [5], [3], 4, 2], 'a 1-D call makes a 1-D layer; the input length is kept');

  const before = await page.evaluate(() => window.tconv.state());
  for (const junk of ["__import__('os').system('rm -rf /')", 'nn.ConvTranspose2d(16, 8, 4, strid=2)', '<img src=x onerror=alert(1)>', 'nn.Conv2d(3, 8, 3)', '']) {
    await importText(junk);
    const message = await page.locator('#e-import').textContent();
    assert.ok(message.length > 10, `"${junk}" gets a message, got "${message}"`);
    assert.equal(await box.getAttribute('aria-invalid'), '');
    assert.deepEqual(await page.evaluate(() => window.tconv.state()), before, `"${junk}" changes nothing`);
  }
  assert.match(await page.locator('#e-import').textContent(), /./);
  await importText('nn.ConvTranspose2d(16, 8, 4, strid=2)');
  assert.match(await page.locator('#e-import').textContent(), /strid/);
});

test("the TensorFlow 'same' question's Keras call: the import gives the link's state, and the panel's Keras plan run through tfjs prints the page's numbers", async () => {
  await open('?in=2&k=3&x=0,1,2,3&w=0,1,2,3,4,5,6,7,8');
  await page.getByLabel('Import your layer').fill("layers.Conv2DTranspose(1, 3, strides=2, padding='same', output_padding=1)");
  await page.locator('#b-import').click();
  await drawn();
  const link = new URL(await page.evaluate(() => window.tconv.link()));
  assert.equal(link.search, `${TF_SAME}&view=scatter`, 'the state of the question\'s one link');
  const y = await page.evaluate(() => window.tconv.result());
  assert.deepEqual(y.data, TF_SAME_OUTPUT.flat());
  assert.match(await page.locator('#import-notes').textContent(), /padding='same' with output_padding \(1, 1\) is its own rule/);

  const { plan: p, code, warnings } = await page.evaluate(() => window.tconv.translation('keras'));
  assert.deepEqual(warnings, [], 'Keras says this layer directly');
  assert.deepEqual([p.keras.padding, p.keras.output_padding, p.keras.length], ['same', [1, 1], [4, 4]]);
  assert.match(code, /tf\.keras\.layers\.Conv2DTranspose\(1, \(3, 3\), strides=\(2, 2\), padding='same', output_padding=\(1, 1\), use_bias=False\)/);
  // The plan as TensorFlow runs it (Keras computes the length, then calls the transposed convolution with it), in
  // tfjs: channels last, the weight permuted as the plan says.
  const st = await page.evaluate(() => window.tconv.state());
  const x = tf.tensor(S.materialize(st.x, 4, 'x').values, [1, 1, 2, 2]).transpose(p.layouts.input);
  const kernel = tf.tensor(S.materialize(st.w, 9, 'w').values, [1, 1, 3, 3]).transpose(p.layouts.weight);
  const outShape = [1, ...p.keras.length, p.keras.filters];
  // TensorFlow refuses an output_shape its forward convolution would not map back to the input: this one it takes.
  const info = tf.backend_util.computeConv2DInfo(outShape, kernel.shape, p.keras.strides, 1, p.keras.padding, undefined, false, 'channelsLast');
  assert.deepEqual([info.outHeight, info.outWidth], [2, 2]);
  const out = tf.conv2dTranspose(x, kernel, outShape, p.keras.strides, p.keras.padding).transpose(p.layouts.output);
  assert.deepEqual(out.shape, y.shape);
  assert.deepEqual(Array.from(out.dataSync()), y.data, "tfjs prints the page's numbers");
  const nn = tf.conv2dTranspose(x, kernel, p.nn.output_shape, p.nn.strides, p.nn.padding.toLowerCase()).transpose(p.layouts.output);
  assert.deepEqual(Array.from(nn.dataSync()), y.data, 'tf.nn too');
});

test('old links keep working and serialize as before when they use none of the new forms', async () => {
  for (const q of ['?in=4&k=4&s=2&p=1&x=ones&w=arange&view=scatter', '?in=3x4&k=2x3&s=2x1&p=1x0&op=1x0&d=1x2&cin=4&cout=6&g=2&x=rand:5&w=rand:9&view=padded_direct&cell=2,3&ci=1&co=4']) {
    await open(q);
    assert.equal(new URL(await page.evaluate(() => window.tconv.link())).search, q);
    assert.deepEqual(await page.getByRole('alert').allTextContents(), []);
  }
  // and the new forms round-trip through the page's link
  for (const q of LINKS.map((l) => l.query)) {
    await open(q);
    const link = await page.evaluate(() => window.tconv.link());
    const st = await page.evaluate(() => window.tconv.state());
    await page.goto(link);
    await page.evaluate(() => window.tconv.ready);
    assert.deepEqual(await page.evaluate(() => window.tconv.state()), st, q);
  }
});
