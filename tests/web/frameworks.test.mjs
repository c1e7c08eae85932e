// One layer, every framework, checked, not just printed. For a table of hand-picked layers and random ones from a
// seeded PRNG, every translation in web/frameworks/ is executed and compared with PyTorch:
//   - the truth: Debian's /usr/bin/python3 with torch 1.13: conv_transpose with padding 0 (and the layer's
//     output_padding), cropped per side (zero-extended where the end is negative), plus the bias;
//   - PyTorch and NumPy: the exported scripts themselves, run by the same Python process;
//   - Keras / tf.nn: the plan, executed with @tensorflow/tfjs (CPU) in channels-last layout with the plan's weight
//     permutation, kernel dilation, group split and post-steps; TensorFlow's own output_shape rule is checked with
//     its shape arithmetic, since tfjs does not refuse a size TensorFlow would;
//   - ONNX: a one-node model built from the plan's attributes and initializers, run by onnxruntime-node;
//   - JAX (not installable here): the plan, run through an implementation of lax.conv_general_dilated's semantics
//     (and lax.conv_transpose's, which flips the kernel, swaps its I/O axes and calls it);
//   - every exported Python script parses (ast.parse), and its text uses the plan's arguments.
// The random cases print their seed; set TCONV_FRAMEWORKS_SEED to replay one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import ort from 'onnxruntime-node';
import { RANDOM_VALUES } from '../../web/state.js';
import { mulberry32 } from '../../web/random.js';
import { layerFromParts, validateLayer, outputShape, exportCode, LANGUAGES, importLayer, translator } from '../../web/frameworks/index.js';
import { PAGE_RAND_DEF } from '../../web/frameworks/python.js';
import { specValues } from '../../web/frameworks/layer.js';
import { convTransposeModel } from '../../scripts/lib/onnx-model.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3'; // Debian's: the python3 on PATH may be another one without torch
const HAS_TORCH = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
const NO_TORCH = HAS_TORCH ? false : `${PYTHON} cannot import torch and numpy: install python3-torch and python3-numpy (./scripts/test does)`;

const range = (n) => Array.from({ length: n }, (_, i) => i);
const prod = (a) => a.reduce((x, y) => x * y, 1);

// ------------------------------------------------------------------ the cases

const arange0 = (n) => range(n); // 0, 1, …: the TensorFlow 'same' question's numbers start at 0
const CASES = [
  // The TensorFlow 'same' question (PyTorch vs TensorFlow as matrix multiplication): 2×2 input 0..3, 3×3 kernel 0..8, stride 2, output_padding 1: PyTorch's 6×6.
  { name: "the TensorFlow 'same' question's layer (PyTorch / Keras 'valid', 6×6)", parts: { in: 2, cin: 1, cout: 1, kernel: 3, stride: 2, outputPadding: 1, x: arange0(4), w: arange0(9) } },
  // The corner question: 4×4 ones, kernel 1..16, stride 2, padding 1 → 8×8 with 6 in the corner.
  { name: 'the corner question', parts: { in: 4, cin: 1, cout: 1, kernel: 4, stride: 2, padding: 1, x: 'ones', w: 'arange' } },
  { name: '1-D with bias', parts: { in: 5, cin: 2, cout: 3, kernel: 4, stride: 2, padding: 1, x: 'rand:3', w: 'rand:4', b: 'arange' } },
  { name: '1-D same, kernel shorter than the stride (extended)', parts: { in: 3, cin: 1, cout: 2, kernel: 3, stride: 4, padding: 'same', x: 'arange', w: 'rand:8', b: [0.5, -1] } },
  { name: '3-D per side with groups', parts: { in: [2, 3, 2], cin: 4, cout: 2, groups: 2, kernel: [2, 3, 2], stride: [2, 1, 2], padding: [[1, 0], [0, 1], 1], x: 'rand:5', w: 'rand:6', b: 'ones' } },
  { name: '3-D same', parts: { in: [2, 2, 3], cin: 1, cout: 2, kernel: [3, 2, 3], stride: 2, padding: 'same', x: 'rand:7', w: 'rand:8' } },
  { name: 'bias lands on the output_padding strip', parts: { in: 3, cin: 2, cout: 2, kernel: 3, stride: 2, padding: 1, outputPadding: 1, x: 'rand:9', w: 'rand:10', b: [1, -2] } },
  { name: 'groups 2, channels 4 → 6', parts: { in: [3, 4], cin: 4, cout: 6, groups: 2, kernel: [2, 3], stride: [2, 1], padding: [1, 0], x: 'rand:5', w: 'rand:9' } },
  { name: 'dilation 2 with stride 2', parts: { in: 3, cin: 1, cout: 1, kernel: 2, stride: 2, dilation: 2, x: 'arange', w: 'arange' } },
  { name: 'dilation 3, stride 1, output_padding 2 (below the dilation)', parts: { in: [3, 2], cin: 2, cout: 2, kernel: 3, stride: 1, dilation: [3, 1], outputPadding: [2, 0], x: 'rand:11', w: 'rand:12' } },
  { name: 'output_padding 2 ≥ stride 2 (dilation 3)', parts: { in: 3, cin: 1, cout: 1, kernel: 3, stride: 2, dilation: 3, outputPadding: 2, x: 'rand:13', w: 'rand:14' } },
  { name: 'output_size picks output_padding (the output_padding question)', parts: { in: 4, cin: 1, cout: 1, kernel: 3, stride: 2, padding: 1, outputSize: 8, x: 'arange', w: 'arange', b: 'ones' } },
  { name: 'output_padding 1 with padding 1 (Keras same+op is its own rule)', parts: { in: 2, cin: 1, cout: 1, kernel: 3, stride: 2, padding: 1, outputPadding: 1, x: arange0(4), w: arange0(9) } },
  { name: "same (ONNX SAME_UPPER, TensorFlow 'SAME')", parts: { in: [3, 4], cin: 1, cout: 1, kernel: 3, stride: 2, padding: 'same', x: 'rand:15', w: 'rand:16' } },
  { name: 'same with output_padding', parts: { in: 3, cin: 1, cout: 1, kernel: 3, stride: 2, padding: 'same', outputPadding: 1, x: 'rand:17', w: 'rand:18' } },
  { name: 'same_lower', parts: { in: [3, 2], cin: 2, cout: 1, kernel: [3, 4], stride: 2, padding: 'same_lower', x: 'rand:19', w: 'rand:20', b: [3] } },
  { name: 'valid', parts: { in: [2, 3], cin: 1, cout: 2, kernel: 2, stride: 3, padding: 'valid', x: 'rand:21', w: 'rand:22' } },
  { name: 'valid with output_size (TensorFlow VALID + output_shape)', parts: { in: 3, cin: 1, cout: 1, kernel: 3, stride: 3, padding: 'valid', outputSize: 10, x: 'arange', w: 'arange', b: 'ones' } },
  { name: 'per side, unequal', parts: { in: [3, 3], cin: 1, cout: 1, kernel: [3, 2], stride: 2, padding: [[2, 0], [0, 1]], x: 'rand:23', w: 'rand:24' } },
  { name: 'per side with output_size (TensorFlow explicit pads + output_shape)', parts: { in: [3, 2], cin: 1, cout: 1, kernel: 3, stride: [2, 3], padding: [[1, 0], [0, 2]], outputSize: [6, 5], x: 'rand:25', w: 'rand:26', b: [2] } },
  { name: 'extension far past output_padding', parts: { in: 2, cin: 2, cout: 2, kernel: [2, 1], stride: 2, padding: [[0, -3], [1, 0]], x: 'rand:27', w: 'rand:28', b: [1, 2] } },
  { name: "ONNX output_shape's own split (same_lower + output_size)", parts: { in: [3, 3], cin: 1, cout: 1, kernel: 3, stride: [2, 3], padding: 'same_lower', outputSize: [6, 10], x: 'rand:29', w: 'rand:30' } },
  { name: 'batch 2, decimals', parts: { batch: 2, in: [2, 2], cin: 1, cout: 1, kernel: 2, stride: 1, padding: [[0, 1], [1, 0]], x: [0.1, -2.5, 3, 1e-3, 4, 0.5, -0.75, 2.25], w: [1.5, -0.25, 2, 0.125] } },
  { name: 'large random tensors (generated, not printed)', parts: { in: [6, 5], cin: 4, cout: 4, groups: 2, kernel: 3, stride: 2, padding: 1, outputPadding: 1, x: 'rand:31', w: 'rand:32', b: 'rand:33' } },
];

/** A random valid layer from prng (uniform in [0, 1)). */
function randomParts(next) {
  const pick = (a) => a[Math.floor(next() * a.length)];
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const rank = pick([1, 2, 2, 3]);
  const maxIn = rank === 3 ? 3 : rank === 2 ? 5 : 7;
  const perAxis = (f) => range(rank).map(f);
  const g = pick([1, 1, 2]);
  const cin = g * int(1, 2), cout = g * int(1, 2);
  const kernel = perAxis(() => int(1, 4));
  const stride = perAxis(() => int(1, 3));
  const dilation = perAxis(() => pick([1, 1, 2]));
  const outputPadding = perAxis((a) => int(0, Math.max(stride[a], dilation[a]) - 1));
  const form = pick(['number', 'number', 'pairs', 'same', 'same_lower', 'valid']);
  const padding = form === 'number' ? perAxis(() => int(0, 2)) : form === 'pairs' ? perAxis(() => [int(0, 2), int(-2, 2)]) : form;
  const parts = {
    batch: pick([1, 1, 2]), in: perAxis(() => int(1, maxIn)), cin, cout, groups: g, kernel, stride, dilation, outputPadding, padding,
    x: `rand:${int(1, 1e6)}`, w: `rand:${int(1, 1e6)}`, b: pick([null, null, `rand:${int(1, 1e6)}`, 'ones']),
  };
  if (form === 'number' && next() < 0.3) {
    // PyTorch's output_size: one of the reachable sizes, which then picks output_padding
    delete parts.outputPadding;
    parts.outputSize = perAxis((a) => (parts.in[a] - 1) * stride[a] - 2 * padding[a] + dilation[a] * (kernel[a] - 1) + 1 + int(0, stride[a] - 1));
  }
  return parts;
}

const SEED = Number(process.env.TCONV_FRAMEWORKS_SEED ?? (Date.now() % 1e9));
const RANDOM_COUNT = Number(process.env.TCONV_FRAMEWORKS_COUNT ?? 40); // more for a longer run
function randomCases() {
  const next = mulberry32(SEED);
  const cases = [];
  for (let tries = 0; cases.length < RANDOM_COUNT && tries < 2000; tries++) {
    const parts = randomParts(next);
    const r = layerFromParts(parts);
    if (r.layer && prod(outputShape(r.layer)) <= 4000) cases.push({ name: `random #${cases.length} (seed ${SEED})`, parts, layer: r.layer });
  }
  return cases;
}

// ------------------------------------------------------------------ running Python once for everything

const RUNNER = String.raw`
import ast, contextlib, io, json, sys, traceback
import torch
import torch.nn.functional as F

def truth(L):
    r = L['rank']
    x = torch.tensor(L['input'], dtype=torch.float32).reshape(L['inputShape'])
    w = torch.tensor(L['weight'], dtype=torch.float32).reshape(L['weightShape'])
    f = [F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d][r - 1]
    y = f(x, w, None, stride=L['stride'], padding=0, output_padding=L['outputPadding'], groups=L['groups'], dilation=L['dilation'])
    for a, (before, after) in enumerate(L['padding']):
        dim = 2 + a
        if after < 0:
            shape = list(y.shape)
            shape[dim] = -after
            y = torch.cat([y, torch.zeros(shape)], dim)
            after = 0
        y = y.narrow(dim, before, y.shape[dim] - before - after)
    if L['bias'] is not None:
        y = y + torch.tensor(L['bias'], dtype=torch.float32).reshape(1, -1, *([1] * r))
    return y.tolist()

jobs = json.load(open(sys.argv[1]))
out = {}
for job in jobs:
    try:
        if job['kind'] == 'truth':
            out[job['id']] = {'value': truth(job['layer'])}
        elif job['kind'] == 'parse':
            ast.parse(open(job['file']).read(), job['file'])
            out[job['id']] = {'value': True}
        elif job['kind'] == 'run':
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                exec(compile(open(job['file']).read(), job['file'], 'exec'), {'__name__': '__main__'})
            lines = buf.getvalue().strip().split('\n')
            out[job['id']] = {'value': json.loads(lines[-1])}
        elif job['kind'] == 'rand':
            scope = {}
            exec(job['code'], scope)
            out[job['id']] = {'value': scope['page_rand'](job['seed'], job['count'])}
    except Exception:
        out[job['id']] = {'error': traceback.format_exc()[-3000:]}
json.dump(out, open(sys.argv[2], 'w'))
`;

let tmp;
let allCases;
let python = {};

before(async () => {
  await tf.setBackend('cpu');
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tconv-frameworks-'));
  allCases = [
    ...CASES.map((c) => {
      const r = layerFromParts(c.parts);
      assert.ok(r.layer, `${c.name}: ${r.error}`);
      return { ...c, layer: r.layer };
    }),
    ...randomCases(),
  ];
  console.log(`# frameworks: ${CASES.length} hand-picked layers and ${allCases.length - CASES.length} random ones (seed ${SEED}; TCONV_FRAMEWORKS_SEED=${SEED} replays them)`);
  if (!HAS_TORCH) return;
  const jobs = [];
  allCases.forEach((c, i) => {
    jobs.push({ id: `truth${i}`, kind: 'truth', layer: c.layer });
    for (const lang of Object.keys(LANGUAGES)) {
      const file = path.join(tmp, `${lang}${i}.py`);
      writeFileSync(file, exportCode(lang, c.layer, { link: `?case=${i}` }).code);
      jobs.push({ id: `parse-${lang}${i}`, kind: 'parse', file });
      if (lang === 'pytorch' || lang === 'numpy') jobs.push({ id: `run-${lang}${i}`, kind: 'run', file });
    }
  });
  for (const seed of [0, 1, 7, 123456, 0xffffffff]) jobs.push({ id: `rand${seed}`, kind: 'rand', code: PAGE_RAND_DEF, seed, count: 200 });
  const jobFile = path.join(tmp, 'jobs.json'), outFile = path.join(tmp, 'out.json');
  writeFileSync(jobFile, JSON.stringify(jobs));
  writeFileSync(path.join(tmp, 'runner.py'), RUNNER);
  execFileSync(PYTHON, [path.join(tmp, 'runner.py'), jobFile, outFile], { timeout: 300000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  python = JSON.parse(readFileSync(outFile, 'utf8'));
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function pyResult(id) {
  const r = python[id];
  assert.ok(r, `no Python result for ${id}`);
  assert.ok(!r.error, `${id} failed in Python:\n${r.error}`);
  return r.value;
}

// ------------------------------------------------------------------ comparing

const shapeOf = (nested) => {
  const s = [];
  for (let a = nested; Array.isArray(a); a = a[0]) s.push(a.length);
  return s;
};

/** Same shape, and every value within 1e-4 (relative above 1). */
function assertClose(actual, expected, what) {
  const a = Array.isArray(actual) ? actual.flat(Infinity) : Array.from(actual.data);
  const aShape = Array.isArray(actual) ? shapeOf(actual) : actual.shape;
  assert.deepEqual(aShape, shapeOf(expected), `${what}: shape`);
  const e = expected.flat(Infinity);
  assert.equal(a.length, e.length, `${what}: number of values`);
  for (let i = 0; i < e.length; i++) {
    if (!(Math.abs(a[i] - e[i]) <= 1e-4 * Math.max(1, Math.abs(e[i])))) assert.fail(`${what}: value ${i} is ${a[i]} but PyTorch gives ${e[i]}`);
  }
}

// ------------------------------------------------------------------ the layer description

test('layerFromParts resolves padding modes, output_size and values; validateLayer explains a bad description', () => {
  const third = layerFromParts(CASES[0].parts).layer;
  assert.deepEqual(outputShape(third), [1, 1, 6, 6]);
  const same = (p) => layerFromParts({ in: 2, cin: 1, cout: 1, kernel: 3, stride: 2, ...p }).layer;
  // 'same' = SAME_UPPER: in 3, k 3, s 2 → full 7, total 1: nothing at the start, 1 at the end
  assert.deepEqual(layerFromParts({ in: 3, cin: 1, cout: 1, kernel: 3, stride: 2, padding: 'same' }).layer.padding, [[0, 1], [0, 1]]);
  assert.deepEqual(layerFromParts({ in: 3, cin: 1, cout: 1, kernel: 3, stride: 2, padding: 'same_lower' }).layer.padding, [[1, 0], [1, 0]]);
  // kernel shorter than the stride: extended at the end
  assert.deepEqual(layerFromParts({ in: [3], cin: 1, cout: 1, kernel: 3, stride: 4, padding: 'same' }).layer.padding, [[0, -1]]);
  assert.deepEqual(same({ padding: 'same', outputPadding: 1 }).padding, [[1, 1], [1, 1]]);
  // PyTorch's output_size rule, and the message for an unreachable size
  assert.deepEqual(layerFromParts({ in: 4, cin: 1, cout: 1, kernel: 3, stride: 2, padding: 1, outputSize: 8 }).layer.outputPadding, [1, 1]);
  assert.equal(layerFromParts({ in: 4, cin: 1, cout: 1, kernel: 4, stride: 2, padding: 1, outputSize: [10, 8] }).error,
    'output_size (height) is 10, but with input 4, stride 2, padding 1 and kernel 4 only 8 or 9 are reachable');
  assert.match(layerFromParts({ in: 4, cin: 1, cout: 1, kernel: 3, stride: 2, padding: 1, outputSize: 8, outputPadding: 0 }).error, /output_size \(height\) 8 means output_padding 1, but output_padding is 0: give one of them/);
  assert.match(layerFromParts({ in: [4], cin: 1, cout: 1, kernel: 3, padding: [1, 0] }).error, /for a 1-D layer: write one number, or \[\[1, 0\]\]/);
  assert.match(layerFromParts({ in: 4, cin: 3, cout: 2, groups: 2, kernel: 3 }).error, /groups is 2 but must divide channels in 3/);
  assert.match(layerFromParts({ in: 4, cin: 1, cout: 1, kernel: 3, stride: 2, outputPadding: 2 }).error, /outputPadding \(height\) is 2 but must be smaller than max\(stride 2, dilation 1\) = 2/);
  assert.match(layerFromParts({ in: 4, cin: 1, cout: 1, kernel: 3, x: [1, 2] }).error, /input values has 2 numbers but the tensor holds 16/);
  assert.match(layerFromParts({ in: 1, cin: 1, cout: 1, kernel: 1, padding: 1 }).error, /the output height is -1/);
  assert.deepEqual(layerFromParts({ in: 2, cin: 1, cout: 1, kernel: 1, b: 'zeros' }).layer.bias, [0]);
  // The page's state, with its link names and value specs, is read as it is.
  const page = layerFromParts({ in: [4, 4], k: [4, 4], s: [2, 2], p: [1, 1], op: [0, 0], d: [1, 1], cin: 1, cout: 1, g: 1, x: { kind: 'ones' }, w: { kind: 'arange' }, view: 'scatter', cell: null });
  assert.deepEqual(page.layer, layerFromParts(CASES[1].parts).layer, 'the corner question from a page state');
  assert.match(layerFromParts({ in: 4, k: 3, kernel: 2, cin: 1, cout: 1 }).error, /k and kernel name the same part but differ \(3 and 2\)/);
  assert.equal(layerFromParts({ dims: 1, in: 5, k: 3, cin: 1, cout: 1 }).layer.rank, 1);

  // The validator names the field, the axis, the value and the rule.
  const bad = (change) => validateLayer({ ...third, ...change });
  assert.deepEqual(validateLayer(third), []);
  assert.deepEqual(bad({ rank: 4 }), ['rank is 4 but must be 1, 2 or 3']);
  assert.match(bad({ stride: [2, 0] }).join(), /stride \(width\) is 0 but must be a whole number ≥ 1/);
  assert.match(bad({ groups: 3 }).join(), /groups is 3 but must divide the input channels 1/);
  assert.match(bad({ paddingMode: 'same' }).join(), /padding \(height\) is \[0, 0\] but paddingMode 'same' gives \[1, 1\]/);
  assert.match(bad({ outputSize: [6, 5] }).join(), /outputSize \(width\) is 5 but the layer's output width is 6/);
  assert.match(bad({ padding: [[-1, 0], [0, 0]] }).join(), /padding \(height\) crops -1 at the start but must crop ≥ 0 there/);
  assert.match(bad({ weight: [1, 2] }).join(), /weight has 2 numbers but its shape holds 9/);
  assert.match(bad({ values: { x: { kind: 'ones' } } }).join(), /values.x does not give the numbers in input/);
  assert.match(bad({ bias: [1, 2] }).join(), /bias has 2 numbers but its shape holds 1/);
  assert.match(validateLayer(null).join(), /must be an object/);
  assert.throws(() => exportCode('pytorch', { ...third, groups: 0 }), /The layer description is not valid: groups is 0/);
  assert.throws(() => exportCode('fortran', third), /language is "fortran" but must be one of pytorch, numpy, keras, onnx, jax, tensorflow/);
  assert.equal(exportCode('tensorflow', third).code, exportCode('keras', third).code, 'tensorflow is an alias of keras');
});

test("the Python page_rand reproduces the page's rand:SEED values", { skip: NO_TORCH }, () => {
  for (const seed of [0, 1, 7, 123456, 0xffffffff]) {
    assert.deepEqual(pyResult(`rand${seed}`), specValues({ kind: 'rand', seed }, 200, 'x').values, `seed ${seed}`);
  }
  assert.ok(RANDOM_VALUES.length === 6);
});

// ------------------------------------------------------------------ PyTorch and NumPy: the scripts themselves

test('every exported script parses as Python', { skip: NO_TORCH }, () => {
  allCases.forEach((c, i) => {
    for (const lang of Object.keys(LANGUAGES)) assert.equal(pyResult(`parse-${lang}${i}`), true, `${lang}, ${c.name}`);
  });
});

test('the PyTorch and NumPy scripts print the truth as their last line', { skip: NO_TORCH }, () => {
  allCases.forEach((c, i) => {
    const truth = pyResult(`truth${i}`);
    assertClose(pyResult(`run-pytorch${i}`), truth, `PyTorch, ${c.name}`);
    assertClose(pyResult(`run-numpy${i}`), truth, `NumPy, ${c.name}`);
  });
});

test('the PyTorch code uses its plan: call arguments, output_size, slices', () => {
  for (const c of allCases) {
    const { code, plan: p } = exportCode('pytorch', c.layer);
    const ax = (v) => (v.length === 1 ? String(v[0]) : `(${v.join(', ')})`);
    const r = c.layer.rank;
    assert.ok(code.includes(`layer = nn.ConvTranspose${r}d(${p.args.in_channels}, ${p.args.out_channels}, kernel_size=${ax(p.args.kernel_size)}, stride=${ax(p.args.stride)}, padding=${ax(p.args.padding)},`), c.name);
    assert.ok(code.includes(`F.conv_transpose${r}d(x, w, ${p.args.bias ? 'b' : 'None'}, stride=${ax(p.args.stride)}, padding=${ax(p.args.padding)}, output_padding=${ax(p.args.output_padding)}, groups=${p.args.groups}, dilation=${ax(p.args.dilation)})`), c.name);
    assert.equal(code.includes('layer(x, output_size='), Boolean(p.outputSize), `${c.name}: forward(output_size=) exactly when the plan has it`);
    for (const s of p.post) {
      if (s.op === 'slice') assert.ok(code.includes(`y = y[:, :, ${s.start.map((v, a) => `${v}:${v + s.size[a]}`).join(', ')}]`), c.name);
    }
  }
});

// ------------------------------------------------------------------ Keras / tf.nn with tfjs

/** Keras' deconv_output_length (keras/utils/conv_utils.py), written from its source. */
function kerasLength(n, kEff, padding, o, s) {
  if (o === null) return padding === 'valid' ? n * s + Math.max(kEff - s, 0) : n * s;
  return (n - 1) * s + kEff - 2 * (padding === 'same' ? Math.floor(kEff / 2) : 0) + o;
}

/** A dilated kernel in PyTorch's layout: taps d apart, zeros between. */
function dilateKernel(w, shape, d) {
  const [ci, co, ...k] = shape;
  const ke = k.map((v, a) => d[a] * (v - 1) + 1);
  const out = new Float32Array(ci * co * prod(ke));
  const idx = (ix, sizes) => ix.reduce((acc, v, a) => acc * sizes[a] + v, 0);
  const taps = prod(k);
  for (let c = 0; c < ci * co; c++) {
    for (let t = 0; t < taps; t++) {
      const tap = [];
      for (let a = k.length - 1, rest = t; a >= 0; a--) { tap.unshift(rest % k[a]); rest = Math.floor(rest / k[a]); }
      out[c * prod(ke) + idx(tap.map((v, a) => v * d[a]), ke)] = w[c * taps + t];
    }
  }
  return { data: out, shape: [ci, co, ...ke] };
}

/**
 * TensorFlow refuses an output_shape whose forward convolution does not give back the input's size (tfjs computes
 * garbage instead): check with TensorFlow's shape arithmetic.
 */
function assertTfAccepts(outShape4or5, filterShape, strides, pad, inSpatial, what) {
  const info = outShape4or5.length === 4
    ? tf.backend_util.computeConv2DInfo(outShape4or5, filterShape, strides, 1, pad, undefined, false, 'channelsLast')
    : tf.backend_util.computeConv3DInfo(outShape4or5, filterShape, strides, 1, pad, false, 'channelsLast');
  const got = outShape4or5.length === 4 ? [info.outHeight, info.outWidth] : [info.outDepth, info.outHeight, info.outWidth];
  assert.deepEqual(got, inSpatial, `${what}: TensorFlow refuses output_shape [${outShape4or5}] with padding ${JSON.stringify(pad)} (its forward convolution gives ${got}, not the input's ${inSpatial})`);
}

/** Runs the Keras ('keras') or tf.nn ('nn') half of a Keras plan with tfjs; returns [N, C_out, ...] nested. */
function runTf(layer, p, form) {
  return tf.tidy(() => {
    const r = layer.rank;
    const unit = r === 1; // tfjs has no 1-D transposed convolution: a unit height axis, as TensorFlow's own conv1d_transpose does
    let x = tf.tensor(layer.input, layer.inputShape).transpose(p.layouts.input);
    const w = p.kernelDilation ? dilateKernel(layer.weight, layer.weightShape, p.kernelDilation) : { data: layer.weight, shape: layer.weightShape };
    let kernel = tf.tensor(Array.from(w.data), w.shape).transpose(p.layouts.weight);
    assert.deepEqual(kernel.shape.slice(0, r), p.kernelSize);
    if (unit) { x = x.expandDims(1); kernel = kernel.expandDims(0); }
    const strides = unit ? [1, ...p.keras.strides] : p.keras.strides;
    const N = layer.inputShape[0];
    const inSpatial = layer.inputShape.slice(2);
    const { in: cig, out: cog } = p.groupChannels;
    const parts = [];
    for (let g = 0; g < p.groups; g++) {
      const xg = x.slice([...new Array(x.rank - 1).fill(0), g * cig], [...new Array(x.rank - 1).fill(-1), cig]);
      const kg = kernel.slice([...new Array(kernel.rank - 1).fill(0), g * cig], [...new Array(kernel.rank - 1).fill(-1), cig]);
      let padding, length;
      if (form === 'keras') {
        const k = p.keras;
        length = inSpatial.map((n, a) => kerasLength(n, p.kernelSize[a], k.padding, k.output_padding ? k.output_padding[a] : null, k.strides[a]));
        assert.deepEqual(length, k.length, "the plan's Keras length is Keras' deconv_output_length");
        k.output_padding?.forEach((o, a) => assert.ok(o < k.strides[a], 'Keras needs output_padding below the stride'));
        padding = k.padding;
      } else {
        length = p.nn.output_shape.slice(1, r + 1);
        assert.equal(p.nn.output_shape[0], N);
        assert.equal(p.nn.output_shape[r + 1], cog);
        padding = typeof p.nn.padding === 'string' ? p.nn.padding.toLowerCase() : p.nn.padding;
      }
      const outShape = unit ? [N, 1, ...length, cog] : [N, ...length, cog];
      const explicitPad = Array.isArray(padding) ? padding : padding;
      assertTfAccepts(outShape, kg.shape, strides, explicitPad, unit ? [1, ...inSpatial] : inSpatial, `${form}, group ${g}`);
      // tfjs's 3-D 'same' forgets TensorFlow's clamp of a negative total padding at 0 (a kernel shorter than the
      // stride on some axis) and shifts that axis. There, run what TensorFlow's SAME is by definition: the VALID
      // result, cropped ⌊max(total, 0)/2⌋ at the start of each axis (the size was checked above).
      const full0 = inSpatial.map((n, a) => (n - 1) * strides[a] + p.kernelSize[a]);
      const unclamped = r === 3 && padding === 'same' && length.some((L, a) => full0[a] - L < 0);
      let y;
      if (unclamped) {
        const start = length.map((L, a) => Math.floor(Math.max(full0[a] - L, 0) / 2));
        const valid = length.map((L, a) => Math.max(full0[a], start[a] + L));
        y = tf.conv3dTranspose(xg, kg, [N, ...valid, cog], strides, 'valid').slice([0, ...start, 0], [-1, ...length, -1]);
      } else {
        y = r === 3 ? tf.conv3dTranspose(xg, kg, outShape, strides, padding) : tf.conv2dTranspose(xg, kg, outShape, strides, explicitPad);
      }
      if (form === 'keras' && p.keras.use_bias) y = y.add(tf.tensor(layer.bias.slice(g * cog, (g + 1) * cog)));
      if (form === 'keras' && !p.keras.output_padding && !unit && !unclamped) {
        // Keras' own layer (tfjs-layers follows Keras' length rule for output_padding None) gives the same.
        const Layer = r === 3 ? tf.layers.conv3dTranspose : tf.layers.conv2dTranspose;
        const keras = Layer({ filters: cog, kernelSize: p.keras.kernel_size, strides: p.keras.strides, padding: p.keras.padding, useBias: p.keras.use_bias });
        keras.build([N, ...inSpatial, cig]);
        keras.setWeights(p.keras.use_bias ? [kg, tf.tensor(layer.bias.slice(g * cog, (g + 1) * cog))] : [kg]);
        const viaLayer = keras.apply(xg);
        assert.deepEqual(viaLayer.shape, y.shape, 'tf.layers gives the same shape');
        assert.ok(tf.max(tf.abs(viaLayer.sub(y))).dataSync()[0] <= 1e-4, 'tf.layers gives the same numbers');
      }
      parts.push(y);
    }
    let y = parts.length > 1 ? tf.concat(parts, -1) : parts[0];
    if (unit) y = y.squeeze([1]);
    for (const step of (form === 'keras' ? p.keras.post : p.nn.post)) {
      if (step.op === 'pad') y = y.pad([[0, 0], ...step.end.map((e) => [0, e]), [0, 0]]);
      else if (step.op === 'slice') y = y.slice([0, ...step.start, 0], [-1, ...step.size, -1]);
      else if (step.op === 'bias') y = y.add(tf.tensor(layer.bias));
      else assert.fail(`unknown step ${step.op}`);
    }
    y = y.transpose(p.layouts.output);
    return { shape: y.shape, data: y.dataSync() };
  });
}

test('Keras and tf.nn: the plan, run with tfjs, gives the truth', { skip: NO_TORCH }, () => {
  allCases.forEach((c, i) => {
    const { plan: p } = exportCode('keras', c.layer);
    const truth = pyResult(`truth${i}`);
    assertClose(runTf(c.layer, p, 'keras'), truth, `Keras, ${c.name}`);
    assertClose(runTf(c.layer, p, 'nn'), truth, `tf.nn, ${c.name}`);
  });
});

test('the Keras code uses its plan: layer arguments, output_shape, padding, permutations, slices', () => {
  const ax = (v) => (v.length === 1 ? String(v[0]) : `(${v.join(', ')})`);
  const list = (v) => `[${v.join(', ')}]`;
  for (const c of allCases) {
    const { code, plan: p } = exportCode('keras', c.layer);
    const k = p.keras, nn = p.nn;
    const args = `${k.filters}, ${ax(k.kernel_size)}, strides=${ax(k.strides)}, padding='${k.padding}'${k.output_padding ? `, output_padding=${ax(k.output_padding)}` : ''}, use_bias=${k.use_bias ? 'True' : 'False'})`;
    assert.ok(code.includes(`tf.keras.layers.Conv${c.layer.rank}DTranspose(${args}`), `${c.name}: ${args}`);
    const pad = typeof nn.padding === 'string' ? `'${nn.padding}'` : list(nn.padding.map(list));
    assert.ok(code.includes(`tf.nn.conv${c.layer.rank}d_transpose(`) && code.includes(`output_shape=${list(nn.output_shape)}, strides=${list(nn.strides)}, padding=${pad})`), `${c.name}: tf.nn arguments`);
    assert.ok(code.includes(`x_tf = x.transpose(${p.layouts.input.join(', ')})`) && code.includes(`.transpose(${p.layouts.weight.join(', ')})`), c.name);
    assert.ok(code.includes(`y = y_keras.transpose(${p.layouts.output.join(', ')})`), c.name);
    for (const [v, post] of [['y_keras', k.post], ['y_nn', nn.post]]) {
      for (const s of post) {
        if (s.op === 'slice') assert.ok(code.includes(`${v} = ${v}[:, ${s.start.map((b, a) => `${b}:${b + s.size[a]}`).join(', ')}, :]`), `${c.name}: ${v} slice`);
        if (s.op === 'pad') assert.ok(code.includes(`${v} = np.pad(${v}, [(0, 0), ${s.end.map((e) => `(0, ${e})`).join(', ')}, (0, 0)])`), `${c.name}: ${v} pad`);
      }
    }
    assert.equal(code.includes(`for g in range(${p.groups})`), p.groups > 1, `${c.name}: one layer per group`);
    assert.equal(code.includes('w_dilated[:, :, '), Boolean(p.kernelDilation), `${c.name}: the dilation in the kernel`);
  }
});

test("the TensorFlow 'same' question: Keras padding='same' with output_padding 1 is the top-left 4×4 of PyTorch's 6×6, run through tfjs", { skip: NO_TORCH }, () => {
  // The article's published TensorFlow numbers (2×2 input 0..3, 3×3 kernel 0..8, stride 2, output_padding 1).
  const valid = [[0, 0, 0, 1, 2, 0], [0, 0, 3, 4, 5, 0], [0, 2, 10, 10, 14, 0], [6, 8, 19, 12, 15, 0], [12, 14, 34, 21, 24, 0], [0, 0, 0, 0, 0, 0]];
  const same = [[0, 0, 0, 1], [0, 0, 3, 4], [0, 2, 10, 10], [6, 8, 19, 12]];
  assertClose(pyResult('truth0'), [[valid]], "PyTorch's 6×6 (= TensorFlow 'valid')");
  const imported = importLayer("layers.Conv2DTranspose(1, 3, strides=2, padding='same', output_padding=1, use_bias=False)");
  assert.deepEqual(imported.config.padding, [[0, 2], [0, 2]], 'Keras crops nothing at the start and 2 at the end of the 6×6');
  const { layer } = layerFromParts({ ...imported.config, in: 2, cin: 1, x: arange0(4), w: arange0(9) });
  const { code, plan: p, warnings } = exportCode('keras', layer);
  assert.deepEqual([p.keras.padding, p.keras.output_padding, p.keras.length], ['same', [1, 1], [4, 4]], 'the translation finds Keras\' own call again');
  assert.deepEqual(warnings, []);
  assert.match(code, /Conv2DTranspose\(1, \(3, 3\), strides=\(2, 2\), padding='same', output_padding=\(1, 1\), use_bias=False\)/);
  assertClose(runTf(layer, p, 'keras'), [[same]], "Keras 'same' through tfjs");
  assertClose(runTf(layer, p, 'nn'), [[same]], 'tf.nn through tfjs');
});

// ------------------------------------------------------------------ ONNX with onnxruntime-node

async function runOnnx(layer, p) {
  assert.deepEqual(p.weightShape, layer.weightShape, 'ONNX keeps PyTorch\'s weight layout');
  const model = convTransposeModel({
    inputShape: layer.inputShape,
    weight: { shape: layer.weightShape, data: layer.weight },
    bias: p.inputs.includes('b') ? { shape: [layer.bias.length], data: layer.bias } : null,
    attributes: p.attributes,
    opset: p.opset,
  });
  const session = await ort.InferenceSession.create(model);
  const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.from(layer.input), layer.inputShape) });
  let t = tf.tensor(Array.from(y.data), y.dims);
  for (const step of p.post) {
    if (step.op === 'pad') t = t.pad([[0, 0], [0, 0], ...step.end.map((e) => [0, e])]);
    else if (step.op === 'slice') t = t.slice([0, 0, ...step.start], [-1, -1, ...step.size]);
    else if (step.op === 'bias') t = t.add(tf.tensor(layer.bias).reshape([1, -1, ...new Array(layer.rank).fill(1)]));
    else assert.fail(`unknown step ${step.op}`);
  }
  return { shape: t.shape, data: t.dataSync() };
}

test('ONNX: a one-node model from the plan, run by onnxruntime-node, gives the truth', { skip: NO_TORCH }, async () => {
  for (const [i, c] of allCases.entries()) {
    const { plan: p } = exportCode('onnx', c.layer);
    assertClose(await runOnnx(c.layer, p), pyResult(`truth${i}`), `ONNX, ${c.name} (${JSON.stringify(p.attributes)})`);
  }
});

test('the ONNX code uses its plan: exactly the plan\'s attributes, inputs and post-steps', () => {
  const fmt = (v) => (typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `[${v.join(', ')}]` : String(v));
  for (const c of allCases) {
    const { code: all, plan: p } = exportCode('onnx', c.layer);
    const code = all.slice(all.indexOf('node = helper.make_node('), all.indexOf('graph = helper.make_graph('));
    for (const key of ['kernel_shape', 'strides', 'pads', 'auto_pad', 'output_padding', 'output_shape', 'dilations', 'group']) {
      if (p.attributes[key] === undefined) assert.ok(!code.includes(`${key}=`), `${c.name}: no ${key}`);
      else assert.ok(code.includes(`${key}=${fmt(p.attributes[key])}`), `${c.name}: ${key}=${fmt(p.attributes[key])}`);
    }
    assert.ok(code.includes(`'ConvTranspose', [${p.inputs.map((n) => `'${n}'`).join(', ')}], ['y']`), c.name);
    assert.equal(all.includes('np.pad(y'), p.post.some((s) => s.op === 'pad'), c.name);
  }
});

// ONNX's own documented examples: the ConvTranspose section of the ONNX operator docs
// (https://onnx.ai/onnx/operators/onnx__ConvTranspose.html), generated from
// onnx/backend/test/case/node/convtranspose.py in github.com/onnx/onnx. Each is imported from its attribute list.
test("ONNX's documented ConvTranspose examples: imported, run by onnxruntime, and equal to PyTorch's per-side truth", { skip: NO_TORCH }, async () => {
  const fixture = JSON.parse(readFileSync(path.join(here, '../fixtures/frameworks-onnx-examples.json'), 'utf8'));
  assert.ok(fixture.examples.length >= 9);
  const jobs = [];
  const built = [];
  for (const ex of fixture.examples) {
    const imported = importLayer(ex.attributes);
    assert.ok(!imported.error, `${ex.name}: ${imported.error}`);
    const rank = ex.x_shape.length - 2;
    const { layer, error } = layerFromParts({
      rank, ...imported.config, in: ex.x_shape.slice(2), cin: ex.W_shape[0], cout: ex.W_shape[1] * (imported.config.groups ?? 1),
      kernel: imported.config.kernel ?? ex.W_shape.slice(2), x: ex.x, w: ex.W,
    });
    assert.ok(layer, `${ex.name}: ${error}`);
    built.push({ ex, layer });
    jobs.push({ id: ex.name, kind: 'truth', layer });
  }
  const jobFile = path.join(tmp, 'onnx-jobs.json'), outFile = path.join(tmp, 'onnx-out.json');
  writeFileSync(jobFile, JSON.stringify(jobs));
  execFileSync(PYTHON, [path.join(tmp, 'runner.py'), jobFile, outFile], { timeout: 120000 });
  const truths = JSON.parse(readFileSync(outFile, 'utf8'));
  for (const { ex, layer } of built) {
    const expected = nest(ex.y, ex.y_shape);
    const { plan: p } = exportCode('onnx', layer);
    assertClose(await runOnnx(layer, p), expected, `onnxruntime, ${ex.name}`);
    assert.ok(!truths[ex.name].error, truths[ex.name].error);
    assertClose(truths[ex.name].value, expected, `PyTorch per-side truth, ${ex.name}`);
  }
});

function nest(flat, shape) {
  if (shape.length === 1) return flat.slice(0, shape[0]);
  const size = prod(shape.slice(1));
  return range(shape[0]).map((i) => nest(flat.slice(i * size, (i + 1) * size), shape.slice(1)));
}

// ------------------------------------------------------------------ JAX: the plan against lax's semantics

/**
 * lax.conv_general_dilated in ('NC…', 'OI…', 'NC…') layout, from its documentation: the lhs is dilated (lhs_dilation
 * − 1 zeros between cells), padded by (low, high) per axis (negative = cropped), and cross-correlated with the rhs
 * dilated by rhs_dilation, stepping by window_strides; feature_group_count splits the channels into groups.
 */
function convGeneralDilated(lhs, rhs, { window_strides: ws, padding, lhs_dilation: ld, rhs_dilation: rd, feature_group_count: G }) {
  const [N, C, ...n] = lhs.shape;
  const [O, I, ...k] = rhs.shape;
  assert.equal(C, I * G, 'lhs channels = rhs input channels × feature_group_count');
  assert.equal(O % G, 0);
  const r = n.length;
  const dilated = n.map((v, a) => (v - 1) * ld[a] + 1);
  const out = n.map((_, a) => Math.floor((dilated[a] + padding[a][0] + padding[a][1] - ((k[a] - 1) * rd[a] + 1)) / ws[a]) + 1);
  const y = new Float64Array(N * O * prod(out));
  const unravel = (i, sizes) => {
    const ix = new Array(sizes.length);
    for (let a = sizes.length - 1; a >= 0; a--) { ix[a] = i % sizes[a]; i = Math.floor(i / sizes[a]); }
    return ix;
  };
  const ravel = (ix, sizes) => ix.reduce((acc, v, a) => acc * sizes[a] + v, 0);
  const taps = prod(k), cells = prod(out), inCells = prod(n);
  for (let b = 0; b < N; b++) {
    for (let o = 0; o < O; o++) {
      const g = Math.floor(o / (O / G));
      for (let cell = 0; cell < cells; cell++) {
        const pos = unravel(cell, out);
        let sum = 0;
        for (let t = 0; t < taps; t++) {
          const tap = unravel(t, k);
          const src = new Array(r);
          let inside = true;
          for (let a = 0; a < r; a++) {
            const p = pos[a] * ws[a] + tap[a] * rd[a] - padding[a][0]; // position in the dilated lhs
            if (p < 0 || p >= dilated[a] || p % ld[a] !== 0) { inside = false; break; }
            src[a] = p / ld[a];
          }
          if (!inside) continue;
          for (let i = 0; i < I; i++) {
            sum += lhs.data[(b * C + g * I + i) * inCells + ravel(src, n)] * rhs.data[(o * I + i) * taps + t];
          }
        }
        y[(b * O + o) * cells + cell] = sum;
      }
    }
  }
  return { shape: [N, O, ...out], data: y };
}

/** The plan's kernel: PyTorch's [C_in, C_out/g, k…] regrouped to [C_out, C_in/g, k…] and flipped, as the plan says. */
function jaxKernel(layer, p) {
  const { groups: G, channels: { in: cig, out: cog }, shape } = p.kernel;
  const k = layer.weightShape.slice(2);
  const taps = prod(k);
  const data = new Float64Array(prod(shape));
  for (let g = 0; g < G; g++) {
    for (let o = 0; o < cog; o++) {
      for (let i = 0; i < cig; i++) {
        for (let t = 0; t < taps; t++) {
          const flipped = p.kernel.flip ? taps - 1 - t : t; // reversing every axis reverses the row-major order
          data[((g * cog + o) * cig + i) * taps + t] = layer.weight[((g * cig + i) * cog + o) * taps + flipped];
        }
      }
    }
  }
  return { shape, data };
}

/** lax.conv_transpose, from its source: optionally flip the kernel and swap its O/I axes, then conv_general_dilated. */
function convTranspose(lhs, rhs, { strides, padding, rhs_dilation, transpose_kernel: flip }) {
  let kernel = rhs;
  if (flip) {
    const [a, b, ...k] = rhs.shape;
    const taps = prod(k);
    const data = new Float64Array(rhs.data.length);
    for (let i = 0; i < a; i++) for (let o = 0; o < b; o++) for (let t = 0; t < taps; t++) data[(o * a + i) * taps + t] = rhs.data[(i * b + o) * taps + (taps - 1 - t)];
    kernel = { shape: [b, a, ...k], data };
  }
  return convGeneralDilated(lhs, kernel, { window_strides: strides.map(() => 1), padding, lhs_dilation: strides, rhs_dilation, feature_group_count: 1 });
}

test('JAX: the plan, run through lax.conv_general_dilated\'s and lax.conv_transpose\'s semantics, gives the truth', { skip: NO_TORCH }, () => {
  allCases.forEach((c, i) => {
    const { plan: p, code } = exportCode('jax', c.layer);
    const truth = pyResult(`truth${i}`);
    const x = { shape: c.layer.inputShape, data: c.layer.input };
    const addBias = (y) => {
      if (!p.bias) return y;
      const cells = prod(y.shape.slice(2));
      return { shape: y.shape, data: y.data.map((v, j) => v + c.layer.bias[Math.floor(j / cells) % y.shape[1]]) };
    };
    const cg = p.conv_general_dilated;
    assert.deepEqual(cg.lhs_dilation, c.layer.stride, 'lhs dilation = stride');
    assertClose(addBias(convGeneralDilated(x, jaxKernel(c.layer, p), cg)), truth, `lax.conv_general_dilated, ${c.name}`);
    if (p.conv_transpose) {
      assertClose(addBias(convTranspose(x, { shape: c.layer.weightShape, data: c.layer.weight }, p.conv_transpose)), truth, `lax.conv_transpose, ${c.name}`);
    } else {
      assert.ok(c.layer.groups > 1, 'lax.conv_transpose is left out only for groups');
    }
    const pairs = `[${cg.padding.map(([a, b]) => `(${a}, ${b})`).join(', ')}]`;
    assert.ok(code.includes(`padding=${pairs},`) && code.includes(`lhs_dilation=(${cg.lhs_dilation.join(', ')}${cg.lhs_dilation.length === 1 ? ',' : ''})`)
      && code.includes(`feature_group_count=${cg.feature_group_count},`), `${c.name}: the code has the plan's arguments`);
    assert.match(code, /How this is checked: JAX does not run where the playground is tested/);
  });
});

// ------------------------------------------------------------------ warnings

test('warnings say where a framework cannot express the layer directly, and only there', () => {
  const get = (parts, lang) => {
    const r = layerFromParts(parts);
    assert.ok(r.layer, r.error);
    return exportCode(lang, r.layer).warnings;
  };
  const base = { in: 3, cin: 1, cout: 1, kernel: 3 };
  // The corner question: every framework says it directly.
  for (const lang of Object.keys(LANGUAGES)) assert.deepEqual(get(CASES[1].parts, lang), [], `${lang}: the corner question needs no workaround`);
  const groups = { ...base, cin: 4, cout: 2, groups: 2 };
  assert.match(get(groups, 'keras').join(), /groups 2: Keras' Conv2DTranspose and tf.nn.conv2d_transpose have no groups argument, so the code runs one per group/);
  assert.match(get(groups, 'jax').join(), /lax.conv_transpose has no feature_group_count/);
  assert.deepEqual(get(groups, 'onnx'), []);
  assert.deepEqual(get(groups, 'pytorch'), []);
  assert.match(get({ ...base, stride: 2, dilation: 2 }, 'keras').join(), /TensorFlow refuses dilation > 1 together with stride > 1 .* written into the kernel/);
  assert.deepEqual(get({ ...base, stride: 1, dilation: 2 }, 'keras'), [], 'dilation with stride 1: a comment, not a warning');
  assert.match(get({ ...base, stride: 2, padding: [[1, 0], [0, 0]] }, 'pytorch').join(), /per-side padding \(height \[1, 0\]\): PyTorch's padding crops the same amount from both sides/);
  assert.match(get({ ...base, stride: 2, padding: [[1, 0], [1, 0]] }, 'keras').join(), /Keras has only padding='valid' \(no crop\) and 'same'/);
  // The output_padding question: PyTorch's padding 1 + output_padding 1 is not Keras' 'same' with output_padding 1.
  assert.match(get(CASES[12].parts, 'keras').join(), /'same' follows its own rule: length \(in − 1\)·stride \+ k − 2·⌊k\/2⌋ \+ output_padding = 4 × 4, cropped by TensorFlow's SAME: \[0, 2\], \[0, 2\]/);
  assert.match(get({ in: [3], cin: 1, cout: 1, kernel: 3, stride: 4, padding: 'same' }, 'onnx').join(), /onnxruntime gives the uncropped 11/);
  assert.match(get({ ...base, stride: 2, padding: [[0, 1], [0, 1]], outputSize: [7, 7] }, 'onnx').join(), /output_shape takes precedence over pads/);
  assert.match(get({ ...base, stride: 2, padding: 1, outputSize: 5, outputPadding: undefined }, 'onnx').join(), /^$/, 'symmetric padding + output_size: ONNX output_shape splits it the same way');
  assert.match(get({ ...base, stride: 2, padding: 1, outputSize: [5, 6] }, 'pytorch').join(), /^$/);
  assert.match(get({ in: 2, cin: 2, cout: 2, kernel: 2, stride: 2, padding: [[0, -3], [0, 0]] }, 'onnx').join(), /ONNX pads cannot be negative/);
  assert.match(get({ ...base, padding: 'same', stride: 2 }, 'pytorch').join(), /padding 'same'/);
});

test('every language is listed and every translation has the same shape of interface', () => {
  assert.deepEqual(Object.keys(LANGUAGES), ['pytorch', 'numpy', 'keras', 'onnx', 'jax']);
  const { layer } = layerFromParts(CASES[2].parts);
  for (const lang of [...Object.keys(LANGUAGES), 'tensorflow']) {
    const out = translator(lang).translate(layer);
    assert.deepEqual(Object.keys(out).sort(), ['code', 'plan', 'warnings']);
    assert.ok(Array.isArray(out.warnings) && typeof out.code === 'string' && out.plan && typeof out.plan === 'object');
    assert.ok(out.code.trimEnd().endsWith('.tolist())'), `${lang}: the last line prints the result as a nested list`);
    assert.doesNotMatch(out.code, /\b(H|W)_out\b|height|width/i, `${lang}: a 1-D layer never hears about height or width`);
  }
});
