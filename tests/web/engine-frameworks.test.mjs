// The engine's padding rules (cpp/include/tconv/params.hpp) against the frameworks themselves, run here:
// onnxruntime-web's ConvTranspose (auto_pad SAME_UPPER / SAME_LOWER / VALID, pads, output_shape) and tfjs-backend-wasm's
// conv2dTranspose (padding 'same' / 'valid', TensorFlow's rule), including the case the issue singles out: a kernel
// span shorter than the stride, where 'same' extends the output at the end instead of cropping it. There the two
// disagree, and the engine follows TensorFlow (and ONNX's definition, out = in·stride): onnxruntime-web 1.30 clamps
// the crop at 0 and returns the full result, which this test records.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createEngine } from '../../dist/engine.js';
import { mulberry32 } from '../../web/random.js';
import { convTransposeModel } from '../../scripts/lib/onnx-model.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
function packageDir(name) {
  const main = createRequire(path.join(root, 'package.json')).resolve(name);
  const marker = `${path.sep}node_modules${path.sep}${name.split('/').join(path.sep)}${path.sep}`;
  return main.slice(0, main.lastIndexOf(marker) + marker.length - 1);
}

let engine;
let ort;
let tf;
before(async () => {
  engine = await createEngine();
  ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = path.join(packageDir('onnxruntime-web'), 'dist') + path.sep;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  wasm.setWasmPaths(path.join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist') + path.sep);
  assert.ok(await tf.setBackend('wasm'));
  await tf.ready();
});

const values = (n, seed) => {
  const next = mulberry32(seed);
  return Float32Array.from({ length: n }, () => Math.round((next() * 4 - 2) * 4) / 4);
};
/** y [N, C, spatial...] cut to the first `sizes[a]` cells of each spatial axis (1-D or 2-D). */
function cropEnd(y, sizes) {
  const [N, C, ...spatial] = y.shape;
  const keep = spatial.map((n, a) => Math.min(n, sizes[a]));
  const W = spatial[spatial.length - 1];
  const H = spatial.length === 2 ? spatial[0] : 1;
  const kW = keep[keep.length - 1];
  const kH = keep.length === 2 ? keep[0] : 1;
  const data = [];
  for (let p = 0; p < N * C; p += 1) for (let r = 0; r < kH; r += 1) for (let c = 0; c < kW; c += 1) data.push(y.data[(p * H + r) * W + c]);
  return { shape: [N, C, ...keep], data: Float32Array.from(data) };
}
const close = (a, b) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= 1e-4 * Math.max(1, Math.abs(b[i])));

async function ortRun(x, w, outputShape, attributes) {
  const session = await ort.InferenceSession.create(convTransposeModel({ inputShape: x.shape, weight: w, outputShape: null, attributes }));
  const result = await session.run({ x: new ort.Tensor('float32', x.data, x.shape) });
  return { shape: Array.from(result.y.dims), data: Float32Array.from(result.y.data) };
}

// [input spatial, kernel, stride, dilation, output_padding] per axis, 1-D and 2-D, kernels shorter than the stride
// included (those extend the output).
const CASES = [
  [[4], [3], [2], [1], [0]],
  [[5], [4], [2], [1], [0]],
  [[3], [1], [3], [1], [0]],
  [[4], [2], [3], [1], [1]],
  [[4, 3], [3, 2], [2, 3], [1, 1], [0, 0]],
  [[3, 4], [1, 3], [3, 2], [1, 2], [0, 1]],
  [[5, 2], [5, 1], [2, 4], [2, 1], [1, 0]],
];

test("onnxruntime-web's auto_pad SAME_UPPER and SAME_LOWER give the engine's 'same' and 'same_lower'", async () => {
  let extensions = 0;
  for (const [index, [size, kernel, stride, dilation, outputPadding]] of CASES.entries()) {
    const rank = size.length;
    const x = { shape: [1, 2, ...size], data: values(2 * size.reduce((a, b) => a * b), 10 + index) };
    const w = { shape: [2, 3, ...kernel], data: values(6 * kernel.reduce((a, b) => a * b), 20 + index) };
    for (const [mode, autoPad] of [['same', 'SAME_UPPER'], ['same_lower', 'SAME_LOWER'], ['valid', 'VALID']]) {
      const options = { stride, dilation, outputPadding, padding: mode };
      const ours = engine.convTranspose(x, w, options);
      const theirs = await ortRun(x, w, ours.shape, { kernel_shape: kernel, strides: stride, dilations: dilation, output_padding: outputPadding, auto_pad: autoPad });
      const what = `${rank}-D case ${index} ${mode}: ours ${ours.shape} [${Array.from(ours.data)}], ORT ${theirs.shape} [${Array.from(theirs.data)}]`;
      const g = engine.geometry(x.shape, w.shape, options);
      const extended = g.padding.after.some((after) => after < 0);
      // Where 'same' extends, onnxruntime stops at the full result: ours without the extension cells.
      const expected = extended ? cropEnd(ours, g.full) : ours;
      if (extended) extensions += 1;
      assert.deepEqual(theirs.shape, expected.shape, what);
      assert.ok(close(expected.data, theirs.data), what);
      if (mode !== 'valid') assert.deepEqual(ours.shape.slice(2), size.map((n, a) => n * stride[a]), `${what}: out = in·stride`);
    }
  }
  assert.ok(extensions >= 4, `only ${extensions} extended cases`);
});

test("onnxruntime-web's pads and output_shape give the engine's per-side padding and output_size", async () => {
  const x = { shape: [1, 1, 3, 3], data: values(9, 3) };
  const w = { shape: [1, 2, 3, 3], data: values(18, 4) };
  // pads [x1_begin, x2_begin, x1_end, x2_end] = [1, 0, 2, 1] is [[1, 2], [0, 1]] here.
  const ours = engine.convTranspose(x, w, { stride: [3, 2], padding: [[1, 2], [0, 1]] });
  const theirs = await ortRun(x, w, ours.shape, { kernel_shape: [3, 3], strides: [3, 2], pads: [1, 0, 2, 1] });
  assert.deepEqual(theirs.shape, ours.shape);
  assert.ok(close(ours.data, theirs.data));
  const sized = engine.convTranspose(x, w, { stride: [3, 2], outputSize: [10, 8] });
  const onnx = await ortRun(x, w, sized.shape, { kernel_shape: [3, 3], strides: [3, 2], output_shape: [10, 8] });
  assert.deepEqual(onnx.shape, [1, 2, 10, 8]);
  assert.ok(close(sized.data, onnx.data));
});

test("tfjs's conv2dTranspose 'same' and 'valid' (TensorFlow's rule) give the engine's, also where 'same' extends", async () => {
  for (const [index, [size, kernel, stride]] of CASES.entries()) {
    if (size.length !== 2) continue;
    const [H, W] = size;
    const [kH, kW] = kernel;
    const x = { shape: [1, 2, H, W], data: values(2 * H * W, 30 + index) };
    const w = { shape: [2, 3, kH, kW], data: values(6 * kH * kW, 40 + index) };
    for (const padding of ['same', 'valid']) {
      const ours = engine.convTranspose(x, w, { stride, padding });
      const [, , oH, oW] = ours.shape;
      // tfjs: NHWC input, filter [kH, kW, outC, inC]
      const xNHWC = tf.transpose(tf.tensor4d(x.data, x.shape), [0, 2, 3, 1]);
      const filter = tf.transpose(tf.tensor4d(w.data, w.shape), [2, 3, 1, 0]);
      const y = tf.transpose(tf.conv2dTranspose(xNHWC, filter, [1, oH, oW, 3], stride, padding), [0, 3, 1, 2]);
      const theirs = y.dataSync();
      const what = `case ${index} ${padding}: ours [${Array.from(ours.data)}], tfjs [${Array.from(theirs)}]`;
      assert.deepEqual(y.shape, ours.shape, what);
      assert.ok(close(ours.data, Float32Array.from(theirs)), what);
      tf.dispose([xNHWC, filter, y]);
    }
  }
});
