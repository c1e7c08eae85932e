// Export: the PyTorch and NumPy scripts from window.tconv.exportCode must print, as their last line, exactly
// the page's result; they run under Debian's /usr/bin/python3 (python3-torch, python3-numpy; scripts/lib/deps.sh
// installs them for ./scripts/test). TensorFlow and JAX are not installable here, so their scripts run against
// small stand-ins written with torch (the semantics as TensorFlow and JAX document them), which checks the layouts,
// flips, groups, dilation and slicing the scripts do. SVG and PNG export of the current view are checked in the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import * as S from '../../web/state.js';
import { exportCode, tensorflowPlan, exportContext } from '../../web/export.js';
import { axisSizes } from '../../web/sizes.js';
import { launchChromium } from './support/browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
const PYTHON = '/usr/bin/python3'; // Debian's: the python3 on PATH may be another one without torch
const has = (mod) => existsSync(PYTHON) && spawnSync(PYTHON, ['-c', `import ${mod}`], { stdio: 'ignore' }).status === 0;
const HAS_TORCH = has('torch');
const HAS_NUMPY = has('numpy');
const NO_TORCH = HAS_TORCH ? false : `${PYTHON} cannot import torch: install python3-torch (./scripts/test does) to run this test`;
const NO_NUMPY = HAS_NUMPY ? false : `${PYTHON} cannot import numpy: install python3-numpy (./scripts/test does) to run this test`;

// Several configurations: dilation, groups, output_padding, asymmetric stride/padding, channels > 1, decimals.
const CONFIGS = [
  '?in=4&k=4&s=2&p=1&x=ones&w=arange', // the corner question
  '?in=2&k=3&s=2&p=1&op=1&x=arange&w=arange', // the output_padding question
  '?in=3x4&k=2x3&s=2x1&p=1x0&op=1x0&d=1x2&cin=4&cout=6&g=2&x=rand:5&w=rand:9',
  '?in=3&k=3&s=2&d=3&op=2&cin=2&cout=2&x=rand:11&w=rand:12', // output_padding ≥ stride (dilation is larger)
  '?in=5x3&k=3x2&s=3x2&p=2x1&op=2x1&cin=3&cout=3&g=3&x=rand:2&w=rand:3',
  '?in=2&k=2&x=2,4,0,1&w=3,1,1,5',
  '?in=2x3&k=2&s=1x2&p=0x1&d=2x1&x=0.1,-2.5,3,1e-3,4,0.5&w=1.5,-0.25,2,0.125',
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
}

/** Run a script with Debian's python3 (extra dirs first on sys.path); returns its last line of output, parsed. */
function runPython(code, name, extraPath = []) {
  const file = path.join(tmp, `${name}.py`);
  writeFileSync(file, code);
  const out = execFileSync(PYTHON, [file], {
    encoding: 'utf8', timeout: 120000, env: { ...process.env, PYTHONPATH: extraPath.join(':'), PYTHONDONTWRITEBYTECODE: '1' },
  });
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
  assert.deepEqual(shapeOf(actual), expected.shape, `${what}: shape`);
  const a = flat(actual);
  assert.equal(a.length, expected.data.length);
  for (let i = 0; i < a.length; i++) {
    const tol = Number.isInteger(expected.data[i]) ? 0 : 1e-5 * Math.max(1, Math.abs(expected.data[i]));
    assert.ok(Math.abs(a[i] - expected.data[i]) <= tol, `${what}: element ${i} is ${a[i]}, the page has ${expected.data[i]}`);
  }
}

test('the exported PyTorch script prints the page\'s result', { skip: NO_TORCH }, async () => {
  for (const [n, q] of CONFIGS.entries()) {
    await open(q);
    const code = await page.evaluate(() => window.tconv.exportCode('pytorch'));
    const result = await page.evaluate(() => window.tconv.result());
    assert.match(code, /F\.conv_transpose2d\(x, w, stride=/);
    assert.ok(code.includes(`# State: ${await page.evaluate(() => window.tconv.link())}`), 'the script names the state it came from');
    assertSameNumbers(runPython(code, `torch${n}`), result, `PyTorch, ${q}`);
  }
});

test('the exported NumPy script (scatter method) prints the page\'s result', { skip: NO_NUMPY }, async () => {
  for (const [n, q] of CONFIGS.entries()) {
    await open(q);
    const code = await page.evaluate(() => window.tconv.exportCode('numpy'));
    assert.doesNotMatch(code, /torch|tensorflow|jax/, 'plain NumPy');
    assertSameNumbers(runPython(code, `numpy${n}`), await page.evaluate(() => window.tconv.result()), `NumPy, ${q}`);
  }
});

// Stand-ins for the two APIs that cannot be installed here, written from their documentation with torch.
const FAKE_TF = `
import numpy as np, torch, torch.nn.functional as F
float32 = np.float32
class T:
    def __init__(self, a): self.a = np.asarray(a, dtype=np.float32)
    def __getitem__(self, k): return T(self.a[k])
    @property
    def shape(self):
        class S:
            def __init__(s, v): s.v = v
            def as_list(s): return list(s.v)
        return S(self.a.shape)
    def numpy(self): return self.a
def constant(a): return T(a)
def concat(parts, axis): return T(np.concatenate([p.a for p in parts], axis=axis))
def transpose(t, perm): return T(t.a.transpose(perm))
def pad(t, paddings): return T(np.pad(t.a, paddings))
class nn:
    @staticmethod
    def conv2d_transpose(x, f, output_shape, strides, padding, dilations=None):
        # tf.nn.conv2d_transpose: the input gradient of conv2d (NHWC, filter [kH, kW, C_out, C_in]) for an input of
        # size output_shape; 'SAME' pads conv2d by max((n-1)s + k - size, 0), the smaller half first.
        assert dilations is None
        xs = torch.tensor(x.a).permute(0, 3, 1, 2)
        w = torch.tensor(f.a).permute(3, 2, 0, 1)  # [C_in, C_out, kH, kW]
        n, out_h, out_w, out_c = output_shape
        full = F.conv_transpose2d(xs, w, stride=tuple(strides))
        res = []
        for axis, size, s, k, length in ((2, out_h, strides[0], w.shape[2], xs.shape[2]), (3, out_w, strides[1], w.shape[3], xs.shape[3])):
            if padding == 'VALID':
                assert size >= k and -(-(size - k + 1) // s) == length, 'TF rejects this output_shape'
                top = 0
            else:
                assert -(-size // s) == length, 'TF rejects this output_shape'
                top = max((length - 1) * s + k - size, 0) // 2
            res.append((top, size))
        canvas = torch.zeros(full.shape[0], full.shape[1], max(full.shape[2], res[0][0] + res[0][1]), max(full.shape[3], res[1][0] + res[1][1]))
        canvas[:, :, :full.shape[2], :full.shape[3]] = full
        y = canvas[:, :, res[0][0]:res[0][0] + res[0][1], res[1][0]:res[1][0] + res[1][1]]
        assert y.shape[1] == out_c
        return T(y.permute(0, 2, 3, 1).numpy())
`;
const FAKE_JAX_LAX = `
import numpy as np, torch, torch.nn.functional as F
def conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation, rhs_dilation, dimension_numbers, feature_group_count):
    # lax.conv_general_dilated: cross-correlation of the lhs_dilation-dilated, padded input (negative = crop).
    assert tuple(window_strides) == (1, 1) and tuple(dimension_numbers) == ('NCHW', 'OIHW', 'NCHW')
    x = torch.tensor(np.asarray(lhs))
    n, c, h, w = x.shape
    sh, sw = lhs_dilation
    d = torch.zeros(n, c, (h - 1) * sh + 1, (w - 1) * sw + 1)
    d[:, :, ::sh, ::sw] = x
    (t, b), (l, r) = padding
    d = F.pad(d, (l, r, t, b))  # negative values crop
    return F.conv2d(d, torch.tensor(np.asarray(rhs)), dilation=tuple(rhs_dilation), groups=feature_group_count).numpy()
`;

test('the TensorFlow and JAX scripts compute the page\'s result (run against torch stand-ins of their APIs)', { skip: NO_TORCH }, async () => {
  const fake = path.join(tmp, 'fake');
  mkdirSync(path.join(fake, 'tensorflow'), { recursive: true });
  mkdirSync(path.join(fake, 'jax'), { recursive: true });
  writeFileSync(path.join(fake, 'tensorflow', '__init__.py'), FAKE_TF);
  writeFileSync(path.join(fake, 'jax', '__init__.py'), '');
  writeFileSync(path.join(fake, 'jax', 'numpy.py'), 'from numpy import *\nasarray = __import__("numpy").asarray\n');
  writeFileSync(path.join(fake, 'jax', 'lax.py'), FAKE_JAX_LAX);
  for (const [n, q] of CONFIGS.entries()) {
    await open(q);
    const result = await page.evaluate(() => window.tconv.result());
    const tf = await page.evaluate(() => window.tconv.exportCode('tensorflow'));
    assertSameNumbers(runPython(tf, `tf${n}`, [fake]), result, `TensorFlow, ${q}`);
    const jax = await page.evaluate(() => window.tconv.exportCode('jax'));
    assert.match(jax, /lax\.conv_general_dilated/);
    assertSameNumbers(runPython(jax, `jax${n}`, [fake]), result, `JAX, ${q}`);
  }
});

test('the TensorFlow script says plainly when TensorFlow cannot express the configuration', () => {
  const code = (q) => exportCode('tensorflow', S.parse(q).state);
  const grouped = code('?in=3&k=2&cin=4&cout=2&g=2');
  assert.match(grouped, /TensorFlow cannot express this configuration directly: groups 2/);
  assert.match(grouped, /print\("TensorFlow cannot express this directly \(groups 2\)/);
  const dilatedStrided = code('?in=3&k=2&s=2&d=2');
  assert.match(dilatedStrided, /does not support dilation > 1 together with stride > 1/);
  const plain = code('?in=4&k=4&s=2&p=1');
  assert.doesNotMatch(plain, /cannot express/);
  assert.match(plain, /padding='SAME'/, "the corner question's padding 1 with k=4, s=2 is TensorFlow's 'SAME'");
  assert.match(plain, /Conv2DTranspose\(1, \(4, 4\), strides=\(2, 2\), padding='same'/);
  // padding 0 and output_padding below the stride: 'VALID' with the output size, no slicing
  assert.equal(tensorflowPlan(exportContext(S.parse('?in=2&k=3&s=2&op=1').state)).padding, 'VALID');
  // the output_padding question (k=3, s=2, p=1, op=1): TF's 'SAME' crops 0 at the top and 1 at the bottom, PyTorch 1 and 0: slicing
  const plan = tensorflowPlan(exportContext(S.parse('?in=2&k=3&s=2&p=1&op=1').state));
  assert.deepEqual(plan.crop, { top: 1, left: 1, height: 4, width: 4 });
  assert.throws(() => exportCode('fortran', S.defaults()), /language is "fortran" but must be one of pytorch, numpy, tensorflow, jax/);
});

test('output sizes: the conv2d input sizes that map to the input size, and TensorFlow\'s equivalents', () => {
  const outputPaddingQuestion = axisSizes({ n: 2, k: 3, s: 2, p: 1, op: 1, d: 1 });
  assert.deepEqual(outputPaddingQuestion.sizes, [{ size: 3, outputPadding: 0 }, { size: 4, outputPadding: 1 }]);
  assert.equal(outputPaddingQuestion.out, 4);
  assert.deepEqual(outputPaddingQuestion.tf, { SAME: false, VALID: false });
  const cornerQuestion = axisSizes({ n: 4, k: 4, s: 2, p: 1, op: 0, d: 1 });
  assert.deepEqual(cornerQuestion.tf, { SAME: true, VALID: false });
  assert.deepEqual(cornerQuestion.keras, [{ padding: 'same', outputPadding: null }]);
  const valid = axisSizes({ n: 2, k: 3, s: 2, p: 0, op: 1, d: 1 });
  assert.deepEqual(valid.tf, { SAME: false, VALID: true });
  assert.deepEqual(valid.keras.map((k) => k.padding), ['valid']);
  const over = axisSizes({ n: 3, k: 3, s: 2, p: 0, op: 2, d: 3 });
  assert.equal(over.reachable, false, 'output_padding 2 ≥ stride 2 lands outside the sizes conv2d maps to 3');
});

test('a figure made in Node, without a browser, is byte for byte the page\'s SVG export', async () => {
  const { createEngine } = await import(path.join(root, 'engine.js'));
  const { createStore } = await import('../../web/store.js');
  const { derivations, normalize } = await import('../../web/derive.js');
  const { figureSVG } = await import('../../web/figure.js');
  const { PALETTES } = await import('../../web/colors.js');
  const engine = await createEngine();
  for (const q of ['?in=4&k=4&s=2&p=1&x=ones&w=arange&view=scatter&cell=0,1', '?in=2&k=3&s=2&p=1&op=1&view=matrix&transposed=0&cell=1,2',
    '?in=3x4&k=2x3&s=2x1&p=1x0&op=1x0&d=1x2&cin=4&cout=6&g=2&x=rand:5&w=rand:9&view=padded_direct&step=7', '?in=64&k=3&view=scatter&cell=10,20']) {
    const store = createStore({
      state: { ...S.parse(q).state, fieldErrors: {}, messages: [], playing: false, speed: '1', scheme: 'light' },
      derive: derivations(engine, () => Promise.reject(new Error('no worker in this test'))), normalize,
    });
    await open(q);
    assert.equal(figureSVG(store.get, store.state, PALETTES.light), await page.evaluate(() => window.tconv.exportSVG()), q);
  }
});

test('the Code dialog shows the same text as exportCode, per language', async () => {
  await open('?in=2&k=2&x=2,4,0,1&w=3,1,1,5');
  await page.getByRole('button', { name: 'Code' }).click();
  const dialog = page.getByRole('dialog', { name: 'This state as code' });
  await dialog.waitFor();
  for (const [lang, label] of [['numpy', 'NumPy'], ['tensorflow', 'TensorFlow / Keras'], ['jax', 'JAX'], ['pytorch', 'PyTorch']]) {
    await dialog.getByLabel(label, { exact: true }).check();
    assert.equal(await page.locator('#code-text').textContent(), await page.evaluate((l) => window.tconv.exportCode(l), lang));
  }
  await dialog.getByRole('button', { name: 'Close' }).click();
  assert.equal(await dialog.isVisible(), false);
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
