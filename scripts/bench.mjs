// Engine benchmark: our 'fast' transposed convolution against onnxruntime-web (wasm backend) and
// @tensorflow/tfjs-backend-wasm's conv2dTranspose, all in this one Node process, single-threaded, with SIMD.
//
//   node scripts/bench.mjs [--dist DIR] [--seconds S] [--json FILE]
//
// For each configuration the three libraries are timed in turn, round after round, after a warm-up, so that machine
// noise hits all of them alike; each gets the median of its rounds. Our 'padded_direct' method (the textbook padded
// convolution) is timed briefly afterwards, for reference only.
// Every timed call starts from JS data and ends with the result in a JS Float32Array: ours copies in and out of
// its wasm heap, and so do both peers (ORT's tensor in/out, tfjs's tensor4d + dataSync), so the copies are part of
// everyone's time. Ours goes through the public engine.convTranspose, options object and checks included. Layouts
// are each library's native one (tfjs is NHWC), converted outside the timed region. The same run measures the
// machine's SIMD128 multiply-add peak, and each row's GFLOP/s is shown as a share of it.
// Before timing, the outputs are compared, so the numbers can never come from a wrong answer.
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { parseArgs as parseCommandLine } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';

import { mulberry32 } from '../web/random.js';
import { convTransposeModel } from './lib/onnx-model.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// [Cin→Cout, spatial size (per axis), k, stride, padding], PyTorch notation, batch 1, groups 1, dilation 1. rank is
// the spatial rank: the 1-D row is audio-style upsampling, the 3-D one a volumetric decoder layer.
const CONFIGS = [
  { rank: 2, inChannels: 1, outChannels: 1, size: 8, kernel: 3, stride: 2, padding: 0 },
  { rank: 2, inChannels: 8, outChannels: 8, size: 32, kernel: 4, stride: 2, padding: 1 },
  { rank: 2, inChannels: 16, outChannels: 16, size: 64, kernel: 4, stride: 2, padding: 1 },
  { rank: 2, inChannels: 64, outChannels: 32, size: 32, kernel: 4, stride: 2, padding: 1 },
  { rank: 1, inChannels: 64, outChannels: 64, size: 1024, kernel: 4, stride: 2, padding: 1 },
  { rank: 3, inChannels: 16, outChannels: 16, size: 16, kernel: 4, stride: 2, padding: 1 },
];

function parseArgs(argv) {
  const { values } = parseCommandLine({
    args: argv,
    options: {
      dist: { type: 'string', default: path.join(root, 'dist') }, seconds: { type: 'string', default: '4' },
      json: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('usage: node scripts/bench.mjs [--dist DIR] [--seconds S per configuration] [--json FILE]');
    process.exit(0);
  }
  const options = { dist: path.resolve(values.dist), seconds: Number(values.seconds), json: values.json ? path.resolve(values.json) : null };
  if (!(options.seconds > 0)) throw new Error(`--seconds is ${options.seconds} but must be a positive number`);
  return options;
}

/** Deterministic uniform values in [-1, 1) from the page's one PRNG (mulberry32), so every run times the same numbers. */
function randomData(length, seed) {
  const next = mulberry32(seed);
  const data = new Float32Array(length);
  for (let i = 0; i < length; i += 1) data[i] = next() * 2 - 1;
  return data;
}

/** Milliseconds with three significant digits below 0.1 ms (0.0036), else three decimals. */
const msText = (ms) => (ms < 0.1 ? ms.toPrecision(3) : ms.toFixed(3));

/** The bench's one-node model: symmetric padding, dilation 1, group 1. */
function benchModel({ inputShape, weight, outputShape, kernel, stride, padding, rank }) {
  const each = (v) => Array(rank).fill(v);
  return convTransposeModel({
    inputShape, weight, outputShape,
    attributes: { kernel_shape: each(kernel), strides: each(stride), pads: each(padding).concat(each(padding)), dilations: each(1), group: 1 },
  });
}

// ---- The contenders ---------------------------------------------------------------------------------------------

async function loadOurs(dist) {
  const enginePath = path.join(dist, 'engine.js');
  if (!fs.existsSync(enginePath) || !fs.existsSync(path.join(dist, 'tconv_wasm.wasm'))) {
    throw new Error(`${enginePath} or its tconv_wasm.wasm is missing; run ./scripts/build first (or pass --dist)`);
  }
  const { createEngine } = await import(pathToFileURL(enginePath).href);
  return createEngine();
}

/** The installed directory of an npm package (some, like onnxruntime-web, do not export their package.json). */
function packageDir(name) {
  const main = createRequire(path.join(root, 'package.json')).resolve(name);
  const marker = `${path.sep}node_modules${path.sep}${name.split('/').join(path.sep)}${path.sep}`;
  return main.slice(0, main.lastIndexOf(marker) + marker.length - 1);
}

async function loadOrt() {
  const ort = await import('onnxruntime-web');
  const distDir = path.join(packageDir('onnxruntime-web'), 'dist') + path.sep;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = distDir; // a local directory: no network
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  return ort;
}

async function loadTfjs() {
  const tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const distDir = path.join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist') + path.sep;
  // Single-threaded SIMD build, read from node_modules.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
  wasm.setWasmPaths(distDir);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend failed to initialise');
  await tf.ready();
  return tf;
}

/** NCHW → NHWC (or with a different axis order, any 4-D permutation): out[perm-indexed] = in. */
function permute(data, shape, order) {
  const outShape = order.map((axis) => shape[axis]);
  const strides = [shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1];
  const out = new Float32Array(data.length);
  let o = 0;
  const s = order.map((axis) => strides[axis]);
  for (let a = 0; a < outShape[0]; a += 1)
    for (let b = 0; b < outShape[1]; b += 1)
      for (let c = 0; c < outShape[2]; c += 1)
        for (let d = 0; d < outShape[3]; d += 1) out[o++] = data[a * s[0] + b * s[1] + c * s[2] + d * s[3]];
  return { shape: outShape, data: out };
}

function maxAbsDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i += 1) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= worst)) worst = d; // NaN propagates as a failure
  }
  return worst;
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function prepare(config, index, libs) {
  const { rank, inChannels, outChannels, size, kernel, stride, padding } = config;
  const spatial = Array(rank).fill(size);
  const volume = spatial.reduce((a, b) => a * b, 1);
  const kernelVolume = kernel ** rank;
  const input = { shape: [1, inChannels, ...spatial], data: randomData(inChannels * volume, 1000 + index) };
  const weight = {
    shape: [inChannels, outChannels, ...Array(rank).fill(kernel)],
    data: randomData(inChannels * outChannels * kernelVolume, 2000 + index),
  };
  const options = { stride, padding };
  const outputShape = libs.ours.outputShape(input.shape, weight.shape, options);

  const session = await libs.ort.InferenceSession.create(
    benchModel({ inputShape: input.shape, weight, outputShape, kernel, stride, padding, rank }),
    { executionProviders: ['wasm'], graphOptimizationLevel: 'all' },
  );

  const runners = {
    ours: () => libs.ours.convTranspose(input, weight, { ...options, method: 'fast' }).data,
    ort: async () => {
      const x = new libs.ort.Tensor('float32', input.data, input.shape);
      const result = await session.run({ x });
      const data = result.y.data;
      result.y.dispose?.();
      return data;
    },
  };
  // tfjs-wasm's conv2dTranspose for the 2-D rows (it has no 1-D, and no 3-D kernel in its wasm backend).
  let filter = null;
  let tfOutputShape = null;
  if (rank === 2) {
    const [, , outH, outW] = outputShape;
    const inputNHWC = permute(input.data, input.shape, [0, 2, 3, 1]);
    // tfjs filter [kH, kW, outC, inC] from PyTorch's [inC, outC, kH, kW]
    const filterHWOI = permute(weight.data, weight.shape, [2, 3, 1, 0]);
    filter = libs.tf.tensor4d(filterHWOI.data, filterHWOI.shape); // weights stay resident, like ORT's initializer
    tfOutputShape = [1, outH, outW, outChannels];
    runners.tfjs = () => {
      const x = libs.tf.tensor4d(inputNHWC.data, inputNHWC.shape);
      const y = libs.tf.conv2dTranspose(x, filter, tfOutputShape, stride, padding);
      const data = y.dataSync();
      x.dispose();
      y.dispose();
      return data;
    };
  }

  // Agreement check before any timing, against our textbook padded direct method.
  const expected = libs.ours.convTranspose(input, weight, { ...options, method: 'padded_direct' }).data;
  const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
  const diffs = { ours: maxAbsDiff(await runners.ours(), expected), ort: maxAbsDiff(await runners.ort(), expected) };
  if (runners.tfjs) diffs.tfjs = maxAbsDiff(permute(await runners.tfjs(), tfOutputShape, [0, 3, 1, 2]).data, expected);
  for (const [name, diff] of Object.entries(diffs)) {
    if (!(diff <= 1e-4 * scale)) {
      throw new Error(`${name} disagrees with our padded direct method on ${label(config)}: max |diff| ${diff} (scale ${scale})`);
    }
  }
  const dispose = () => {
    filter?.dispose();
    session.release?.();
  };
  // Our padded direct method (multiplies the inserted zeros): a reference point, timed briefly and not interleaved.
  const reference = { direct: () => libs.ours.convTranspose(input, weight, { ...options, method: 'padded_direct' }) };
  return { runners, reference, outputShape, diffs, dispose };
}

/** The attainable SIMD128 multiply-add GFLOP/s of this machine (build/wasm/tconv_peak.wasm), best of five runs. */
async function measurePeak() {
  const file = path.join(root, 'build', 'wasm', 'tconv_peak.wasm');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing; run ./scripts/build first`);
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(file), {});
  const { peak } = instance.exports;
  peak(1e6); // compiled by V8's optimising tier before timing
  const iterations = 2e7;
  let best = 0;
  for (let run = 0; run < 5; run += 1) {
    const start = performance.now();
    peak(iterations);
    const seconds = (performance.now() - start) / 1000;
    best = Math.max(best, (96 * iterations) / seconds / 1e9);
  }
  return best;
}

function label({ rank, inChannels, outChannels, size, kernel, stride, padding }) {
  const extent = rank === 1 ? `L=${size}` : Array(rank).fill(size).join('×');
  return `${rank}-D ${inChannels}→${outChannels} ${extent} k${kernel} s${stride} p${padding}`;
}

function multiplyAdds({ rank, inChannels, outChannels, size, kernel }) {
  return inChannels * size ** rank * outChannels * kernel ** rank; // N·Cin·Π in·(Cout/g)·Π k, N = g = 1
}

async function timeOnce(run) {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** Medians of the contenders, timed round-robin after a warm-up; `reference` runners are timed afterwards, briefly. */
async function timeConfig(runners, reference, seconds) {
  const names = Object.keys(runners);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  // Warm-up: V8 first runs wasm in its baseline compiler and swaps in optimised code only for later calls (there is
  // no on-stack replacement for wasm), and ORT allocates on its first runs. A quarter of the budget, ≥ 10 rounds.
  const warmUntil = performance.now() + seconds * 250;
  for (let round = 0; round < 10 || performance.now() < warmUntil; round += 1) {
    for (const name of names) await timeOnce(runners[name]);
  }
  const deadline = performance.now() + seconds * 1000;
  let round = 0;
  while (round < 15 || (performance.now() < deadline && round < 5000)) {
    // Rotate the order each round so that no library always runs right after another one's garbage.
    for (let j = 0; j < names.length; j += 1) {
      const name = names[(round + j) % names.length];
      times[name].push(await timeOnce(runners[name]));
    }
    round += 1;
  }
  const medians = Object.fromEntries(names.map((n) => [n, median(times[n])]));
  for (const [name, run] of Object.entries(reference)) {
    const samples = [];
    for (let i = 0; i < 7; i += 1) samples.push(await timeOnce(run));
    medians[name] = median(samples.slice(2));
  }
  return { rounds: round, medians };
}

function pad(text, width, right = false) {
  const s = String(text);
  return right ? s.padEnd(width) : s.padStart(width);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const [ours, ort, tf] = await Promise.all([loadOurs(options.dist), loadOrt(), loadTfjs()]);
  const libs = { ours, ort, tf };
  const version = (name) => JSON.parse(fs.readFileSync(path.join(packageDir(name), 'package.json'), 'utf8')).version;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(
    `machine: ${cpu}, ${os.cpus().length} logical cores, load average ${load}, Node ${process.version}, ${os.platform()} ${os.arch()}`,
  );
  console.log(
    `peers: onnxruntime-web ${version('onnxruntime-web')} (wasm, 1 thread, SIMD), ` +
      `@tensorflow/tfjs-backend-wasm ${version('@tensorflow/tfjs-backend-wasm')} (${tf.getBackend()}, 1 thread, SIMD)`,
  );
  console.log('time = median per call including JS↔wasm copies in and out for every library; weights resident/packed');
  console.log('where the library allows (ORT initializer, tfjs filter tensor); ours copies the weights in on every call,');
  console.log('re-packs them only when they differ bit for bit from the last call\'s, and validates every call (validation');
  console.log('records the broken rule without writing text, so it is a few comparisons).');
  const peak = await measurePeak();
  console.log(`peak: ${peak.toFixed(1)} GFLOP/s, a single-thread wasm SIMD128 multiply-add loop (cpp/bench/peak.cpp) measured now;`);
  console.log('      "% peak" is each GFLOP/s as a share of it.\n');

  const header = [
    pad('configuration', 30, true),
    pad('ours ms', 9),
    pad('GFLOP/s', 8),
    pad('% peak', 7),
    pad('direct ms', 10),
    pad('ORT ms', 9),
    pad('GFLOP/s', 8),
    pad('% peak', 7),
    pad('tfjs ms', 9),
    pad('GFLOP/s', 8),
    pad('ours/ORT', 9),
    pad('ours/tfjs', 10),
    pad('rounds', 7),
    pad('max|diff| ORT,tfjs', 20),
  ].join(' ');
  console.log(header);
  console.log('-'.repeat(header.length));
  const results = [];
  let missed = false;
  for (const [index, config] of CONFIGS.entries()) {
    const prepared = await prepare(config, index, libs);
    const { rounds, medians } = await timeConfig(prepared.runners, prepared.reference, options.seconds);
    prepared.dispose();
    const flops = 2 * multiplyAdds(config);
    const rate = (ms) => flops / (ms * 1e6);
    const gflops = (ms) => (ms === undefined ? '—' : rate(ms).toFixed(2));
    const share = (ms) => `${((100 * rate(ms)) / peak).toFixed(1)}%`;
    const ratioOrt = medians.ours / medians.ort;
    const ratioTfjs = medians.tfjs === undefined ? undefined : medians.ours / medians.tfjs;
    const multiChannel = config.inChannels > 1 || config.outChannels > 1;
    const ok = (!multiChannel || ratioOrt <= 1.0) && (ratioTfjs === undefined || ratioTfjs <= 0.5);
    if (!ok) missed = true;
    const diffs = `${prepared.diffs.ort.toExponential(1)},${prepared.diffs.tfjs === undefined ? '—' : prepared.diffs.tfjs.toExponential(1)}`;
    console.log(
      [
        pad(label(config), 30, true),
        pad(msText(medians.ours), 9),
        pad(gflops(medians.ours), 8),
        pad(share(medians.ours), 7),
        pad(msText(medians.direct), 10),
        pad(msText(medians.ort), 9),
        pad(gflops(medians.ort), 8),
        pad(share(medians.ort), 7),
        pad(medians.tfjs === undefined ? '—' : msText(medians.tfjs), 9),
        pad(gflops(medians.tfjs), 8),
        pad(ratioOrt.toFixed(2), 9),
        pad(ratioTfjs === undefined ? '—' : ratioTfjs.toFixed(2), 10),
        pad(rounds, 7),
        pad(diffs, 20),
      ].join(' ') + (ok ? '' : (multiChannel ? '  <- misses target' : '  <- misses tfjs target')),
    );
    results.push({ config, multiplyAdds: multiplyAdds(config), rounds, medians, ratioOrt, ratioTfjs, percentOfPeak: (100 * rate(medians.ours)) / peak, diffs: prepared.diffs });
  }
  console.log('\ntargets: ours/ORT ≤ 1.00 on every multi-channel configuration (1-D and 3-D included), ours/tfjs ≤ 0.50');
  console.log('GFLOP/s = 2·N·Cin·(Π in)·(Cout/groups)·(Π k) / time; tfjs-wasm has no 1-D or 3-D transposed convolution');
  if (options.json) fs.writeFileSync(options.json, JSON.stringify({ cpu, node: process.version, peak, results }, null, 2));
  // A benchmark, not a test: report a miss in the exit status only when asked to be strict.
  if (missed && process.env.TCONV_BENCH_STRICT === '1') process.exitCode = 1;
}

main().catch((error) => {
  console.error(`bench: ${error.message}`);
  process.exit(1);
});
