// Export from the page: window.tconv.exportCode (web/frameworks/, through the page's state) must reproduce the page's
// result. The PyTorch and NumPy scripts run under Debian's /usr/bin/python3 (python3-torch, python3-numpy;
// scripts/lib/deps.sh installs them for ./scripts/test) and print, as their last line, exactly the page's numbers;
// every language's script parses as Python; the ONNX translation's node, built from the page's plan, runs in
// onnxruntime-node. TensorFlow and JAX are run against the layer library in tests/web/frameworks.test.mjs (and the
// page's Keras plan through tfjs in tests/web/page-frameworks.test.mjs). SVG and PNG export of the view are checked here
// too, and a figure made in Node without a browser is the page's byte for byte.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { startServer } from '../../scripts/serve.mjs';
import * as S from '../../web/state.js';
import { axisSizes, outputSizesOf } from '../../web/sizes.js';
import { convTransposeModel } from '../../scripts/lib/onnx-model.mjs';
import { launchChromium } from './support/browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
const PYTHON = '/usr/bin/python3'; // Debian's: the python3 on PATH may be another one without torch
const has = (mod) => existsSync(PYTHON) && spawnSync(PYTHON, ['-c', `import ${mod}`], { stdio: 'ignore' }).status === 0;
const HAS_TORCH = has('torch');
const HAS_NUMPY = has('numpy');
const NO_TORCH = HAS_TORCH ? false : `${PYTHON} cannot import torch: install python3-torch (./scripts/test does) to run this test`;
const NO_NUMPY = HAS_NUMPY ? false : `${PYTHON} cannot import numpy: install python3-numpy (./scripts/test does) to run this test`;

// Several configurations: dilation, groups, output_padding, asymmetric stride/padding, channels > 1, decimals; and
// the new forms: 1-D, 3-D, a bias, per-side padding, 'same' / 'same_lower' / 'valid', output_size.
const CONFIGS = [
  '?in=4&k=4&s=2&p=1&x=ones&w=arange', // the corner question
  '?in=2&k=3&s=2&p=1&op=1&x=arange&w=arange', // the output_padding question
  '?in=3x4&k=2x3&s=2x1&p=1x0&op=1x0&d=1x2&cin=4&cout=6&g=2&x=rand:5&w=rand:9',
  '?in=3&k=3&s=2&d=3&op=2&cin=2&cout=2&x=rand:11&w=rand:12', // output_padding ≥ stride (dilation is larger)
  '?in=2&k=2&x=2,4,0,1&w=3,1,1,5',
  '?in=2x3&k=2&s=1x2&p=0x1&d=2x1&x=0.1,-2.5,3,1e-3,4,0.5&w=1.5,-0.25,2,0.125',
  '?dims=1&in=5&k=3&s=2&p=1&cin=2&cout=3&x=rand:3&w=rand:4&b=arange',
  '?dims=1&in=3&k=3&s=4&p=same&x=arange&w=arange&b=2', // 'same' with a kernel shorter than the stride: extended
  '?in=2&k=3&s=2&p=0,2,0,2&op=1&x=0,1,2,3&w=0,1,2,3,4,5,6,7,8', // the TensorFlow 'same' question
  '?in=3x2&k=3x4&s=2&p=same_lower&cin=2&x=rand:19&w=rand:20&b=1.5',
  '?in=2x3&k=2&s=3&p=valid&cout=2&x=rand:21&w=rand:22',
  '?in=4&k=3&s=2&p=1&os=8&x=arange&w=arange&b=ones',
  '?dims=3&in=2x2x3&k=2x3x2&s=2x1x2&p=1,0,0,1,1,0&cout=2&x=rand:5&w=rand:6&b=1,2',
  '?dims=3&in=2&k=2&s=2&p=same&os=4x5x4&cin=2&cout=2&g=2&x=arange&w=ones',
];

let server, baseUrl, browser, page, tmp;
const problems = [];

before(async () => {
  assert.ok(existsSync(path.join(root, 'index.html')), 'dist/index.html is missing: run ./scripts/build first');
  ({ server, url: baseUrl } = await startServer({ root, port: 0, host: '127.0.0.1' }));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tconv-export-'));
});

after(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r()));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  assert.deepEqual(problems, [], 'the page raised console errors');
});

async function open(query) {
  await page.goto(new URL(`index.html${query}`, baseUrl).href);
  await page.evaluate(() => window.tconv.ready);
  await page.evaluate(() => window.tconv.settled());
}

/** Run a script with Debian's python3; returns its last line of output, parsed. */
function runPython(code, name) {
  const file = path.join(tmp, `${name}.py`);
  writeFileSync(file, code);
  const out = execFileSync(PYTHON, [file], { encoding: 'utf8', timeout: 120000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

const flat = (nested) => nested.flat(Infinity);
const shapeOf = (nested) => {
  const s = [];
  for (let a = nested; Array.isArray(a); a = a[0]) s.push(a.length);
  return s;
};

/** Exact for integer data; float32 rounding of a different summation order otherwise. */
function assertSameNumbers(actual, expected, what) {
  const a = Array.isArray(actual) ? flat(actual) : Array.from(actual.data);
  assert.deepEqual(Array.isArray(actual) ? shapeOf(actual) : actual.shape, expected.shape, `${what}: shape`);
  assert.equal(a.length, expected.data.length);
  for (let i = 0; i < a.length; i++) {
    const tol = Number.isInteger(expected.data[i]) ? 0 : 1e-5 * Math.max(1, Math.abs(expected.data[i]));
    assert.ok(Math.abs(a[i] - expected.data[i]) <= tol, `${what}: element ${i} is ${a[i]}, the page has ${expected.data[i]}`);
  }
}

test("the exported PyTorch script prints the page's result, for the old forms and the new", { skip: NO_TORCH }, async () => {
  for (const [n, q] of CONFIGS.entries()) {
    await open(q);
    const code = await page.evaluate(() => window.tconv.exportCode('pytorch'));
    const result = await page.evaluate(() => window.tconv.result());
    const st = await page.evaluate(() => window.tconv.state());
    assert.match(code, new RegExp(`F\\.conv_transpose${st.dims}d\\(x, w, (b|None), stride=`));
    const link = await page.evaluate(() => window.tconv.link());
    assert.ok(code.includes(`# State: ${link.replace(/&view=[a-z_]+/, '')}`), `the script names the state it came from: ${code.split('\n')[1]}`);
    assertSameNumbers(runPython(code, `torch${n}`), result, `PyTorch, ${q}`);
  }
});

test("the exported NumPy script (scatter method) prints the page's result", { skip: NO_NUMPY }, async () => {
  for (const [n, q] of CONFIGS.entries()) {
    await open(q);
    const code = await page.evaluate(() => window.tconv.exportCode('numpy'));
    assert.doesNotMatch(code, /import (torch|tensorflow|jax)/, 'plain NumPy');
    assertSameNumbers(runPython(code, `numpy${n}`), await page.evaluate(() => window.tconv.result()), `NumPy, ${q}`);
  }
});

test('every language\'s script parses as Python; the ONNX node of the page\'s plan, run by onnxruntime, gives the page\'s result', { skip: NO_NUMPY }, async () => {
  const files = [];
  for (const [n, q] of CONFIGS.entries()) {
    await open(q);
    for (const lang of ['pytorch', 'numpy', 'keras', 'onnx', 'jax']) {
      const file = path.join(tmp, `parse-${lang}${n}.py`);
      writeFileSync(file, await page.evaluate((l) => window.tconv.exportCode(l), lang));
      files.push(file);
    }
    const { plan: p } = await page.evaluate(() => window.tconv.translation('onnx'));
    const st = await page.evaluate(() => window.tconv.state());
    const result = await page.evaluate(() => window.tconv.result());
    const inputShape = [1, st.cin, ...st.in], weightShape = [st.cin, st.cout / st.g, ...st.k];
    const count = (shape) => shape.reduce((a, b) => a * b, 1);
    const x = S.materialize(st.x, count(inputShape), 'x').values, w = S.materialize(st.w, count(weightShape), 'w').values;
    const b = st.b ? S.materialize(st.b, st.cout, 'b').values : null;
    const model = convTransposeModel({
      inputShape, weight: { shape: weightShape, data: w }, bias: p.inputs.includes('b') ? { shape: [st.cout], data: b } : null,
      attributes: p.attributes, opset: p.opset,
    });
    const session = await ort.InferenceSession.create(model);
    const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.from(x), inputShape) });
    // The plan's steps after the node: zeros at the end, a slice, the bias (as the exported code does them).
    let shape = y.dims.slice(), data = Array.from(y.data);
    const at = (ix, dims) => ix.reduce((acc, v, a) => acc * dims[a] + v, 0);
    for (const step of p.post) {
      const next = step.op === 'pad' ? shape.map((d, a) => (a < 2 ? d : d + step.end[a - 2]))
        : step.op === 'slice' ? shape.map((d, a) => (a < 2 ? d : step.size[a - 2])) : shape;
      const out = new Array(count(next)).fill(0);
      for (let q2 = 0; q2 < out.length; q2++) {
        const ix = [];
        for (let a = next.length - 1, rest = q2; a >= 0; a--) { ix.unshift(rest % next[a]); rest = Math.floor(rest / next[a]); }
        if (step.op === 'bias') out[q2] = data[q2] + b[ix[1]];
        else {
          const src = step.op === 'slice' ? ix.map((v, a) => (a < 2 ? v : v + step.start[a - 2])) : ix;
          out[q2] = src.every((v, a) => v < shape[a]) ? data[at(src, shape)] : 0;
        }
      }
      shape = next;
      data = out;
    }
    assertSameNumbers({ shape, data }, result, `ONNX, ${q} (${JSON.stringify(p.attributes)})`);
  }
  const check = `import ast, sys\nfor f in sys.argv[1:]:\n    ast.parse(open(f).read(), f)\nprint('ok')\n`;
  writeFileSync(path.join(tmp, 'parse.py'), check);
  assert.equal(execFileSync(PYTHON, [path.join(tmp, 'parse.py'), ...files], { encoding: 'utf8' }).trim(), 'ok');
});

test('output sizes: the sizes that map back to the input, and the output of a state as arithmetic', () => {
  const outputPaddingQuestion = axisSizes({ n: 2, k: 3, s: 2, d: 1, op: 1, before: 1, after: 1 });
  assert.deepEqual(outputPaddingQuestion.sizes, [{ size: 3, outputPadding: 0 }, { size: 4, outputPadding: 1 }]);
  assert.equal(outputPaddingQuestion.out, 4);
  // the TensorFlow 'same' question's per-side crop: the 6×6 less 0 and 2
  const tfSame = axisSizes({ n: 2, k: 3, s: 2, d: 1, op: 1, before: 0, after: 2 });
  assert.deepEqual([tfSame.full0, tfSame.lowest, tfSame.out], [5, 3, 4]);
  const over = axisSizes({ n: 3, k: 3, s: 2, d: 3, op: 2, before: 0, after: 0 });
  assert.equal(over.reachable, false, 'output_padding 2 ≥ stride 2 lands outside the sizes the forward convolution maps to 3');
  const sizes = (q) => outputSizesOf(S.parse(q).state);
  assert.deepEqual(sizes('?in=2&k=3&s=2&op=1&p=0,2,0,2'), [4, 4]);
  assert.deepEqual(sizes('?dims=1&in=3&k=3&s=4&p=same'), [12]);
  assert.deepEqual(sizes('?in=4&k=3&s=2&p=1&os=8'), [8, 8]);
  assert.deepEqual(sizes('?dims=3&in=2&k=2&s=2&p=valid'), [4, 4, 4]);
});

test("a figure made in Node, without a browser, is byte for byte the page's SVG export", async () => {
  const { createEngine } = await import(path.join(root, 'engine.js'));
  const { createStore } = await import('../../web/store.js');
  const { derivations, normalize } = await import('../../web/derive.js');
  const { figureSVG } = await import('../../web/figure.js');
  const { PALETTES } = await import('../../web/colors.js');
  const engine = await createEngine();
  for (const q of ['?in=4&k=4&s=2&p=1&x=ones&w=arange&view=scatter&cell=0,1', '?in=2&k=3&s=2&p=1&op=1&view=matrix&transposed=0&cell=1,2',
    '?in=3x4&k=2x3&s=2x1&p=1x0&op=1x0&d=1x2&cin=4&cout=6&g=2&x=rand:5&w=rand:9&view=padded_direct&step=7', '?in=64&k=3&view=scatter&cell=10,20',
    '?dims=1&in=5&k=3&s=2&p=1,0&b=2&view=scatter', '?in=2&k=3&s=2&p=0,2,0,2&op=1&b=1&view=matrix', '?dims=3&in=2&k=2&s=2&dz=1&view=padded_direct']) {
    const store = createStore({
      state: { ...S.parse(q).state, fieldErrors: {}, messages: [], playing: false, speed: '1', scheme: 'light' },
      derive: derivations(engine, () => Promise.reject(new Error('no worker in this test'))), normalize,
    });
    await open(q);
    assert.equal(figureSVG(store.get, store.state, PALETTES.light), await page.evaluate(() => window.tconv.exportSVG()), q);
  }
});

test('SVG and PNG export of the current view carry its numbers', async () => {
  await open('?in=4&k=4&s=2&p=1&x=ones&w=arange&view=scatter');
  const svg = await page.evaluate(() => window.tconv.exportSVG());
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /Scatter view: conv_transpose2d, input 4×4, kernel 4×4, stride 2×2, padding 1×1 → 8×8/);
  const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  for (const v of ['6', '12', '44', '16']) assert.ok(texts.includes(v), `the SVG shows ${v}`);
  assert.doesNotMatch(svg, /color-mix|var\(--/, 'colours are resolved for SVG viewers');
  const png = await page.evaluate(() => window.tconv.exportPNG());
  assert.match(png, /^data:image\/png;base64,/);
  const bytes = Buffer.from(png.split(',')[1], 'base64');
  assert.ok(bytes.readUInt32BE(16) > 400 && bytes.readUInt32BE(20) > 400, 'a 2× PNG of the figure');
  // the new forms name themselves in the title
  await open('?dims=1&in=5&k=3&s=2&p=1,0&b=2&view=scatter');
  assert.match(await page.evaluate(() => window.tconv.exportSVG()), /Scatter view: conv_transpose1d, input 5, kernel 3, stride 2, padding 1,0, bias → 10/);
  await open('?in=2&k=3&s=2&p=same&op=1&view=padded_direct');
  assert.match(await page.evaluate(() => window.tconv.exportSVG()), /padding 'same' \(1,1,1,1\), output_padding 1×1 → 4×4/);
  // the matrix view's C is in the figure: a 2×2 input through a 2×2 kernel has 16 nonzeros, each tap 4 times, in
  // the tap's colour and with its value
  await open('?in=2&k=2&view=matrix');
  const matrixSvg = await page.evaluate(() => window.tconv.exportSVG());
  for (const tapColour of ['#CC6677', '#88CCEE', '#DDCC77', '#117733']) {
    assert.equal(matrixSvg.split(`fill="${tapColour}"`).length - 1, 4, `4 entries of C in ${tapColour}`);
  }
  // a grid too big for numbers is embedded as an image, one pixel per cell
  await open('?in=64&k=3&view=scatter');
  assert.match(await page.evaluate(() => window.tconv.exportSVG()), /<image [^>]*href="data:image\/png;base64,/);
  // the figure does not depend on the window: the same file at 800, 1000 and 1280 px
  await open('?in=4&k=4&s=2&p=1&x=ones&w=arange&view=scatter&cell=0,1');
  const figures = [];
  for (const width of [800, 1000, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.evaluate(() => window.tconv.settled());
    figures.push(await page.evaluate(() => window.tconv.exportSVG()));
  }
  assert.equal(figures[0], figures[1]);
  assert.equal(figures[0], figures[2]);
  await page.setViewportSize({ width: 1280, height: 900 });
  await open('?in=2&k=2&view=matrix');
  // the buttons download files
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SVG' }).click()]);
  assert.equal(download.suggestedFilename(), 'conv_transpose2d_matrix.svg');
});
