#!/usr/bin/env -S node --single-threaded
// Command-line transposed convolution (1-D, 2-D and 3-D) on the same wasm engine as the page (dist/engine.js; run
// ./scripts/build first). Reads JSON Lines on stdin, one configuration per line, in PyTorch's terms plus the padding
// forms of ONNX and TensorFlow:
//
//   {"input":{"shape":[N,Cin,H,W],"data":[...]},"weight":{"shape":[Cin,Cout/g,kH,kW],"data":[...]},
//    "bias":{"shape":[Cout],"data":[...]},"stride":2,"padding":[[1,2],0],"output_padding":0,"dilation":1,"groups":1}
//
// The spatial rank is the weight's rank − 2 (1, 2 or 3). Omitted fields take PyTorch's defaults (stride 1, padding 0,
// output_padding 0, dilation 1, groups 1, no bias). stride, output_padding and dilation are a number or a list of
// one number per axis; padding is that, or a list of [before, after] pairs, or "same", "same_lower" or "valid";
// output_size is a list of one size per axis or the whole output shape. An unbatched input [Cin, spatial...] gives
// an unbatched output, as in PyTorch. For every non-blank line it writes one line:
//
//   {"shape":[N,Cout,...],"data":[...],"methods":{"matrix":[...],"scatter":[...],"padded_direct":[...]}}
//
// where data is the fast method's result, or {"error":"<message>"} for a line that cannot be computed (an unknown
// field included: nothing is guessed); it then goes on with the next line. Exit status: 0 if every line succeeded,
// 1 if any failed, 2 if the engine cannot load.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const KNOWN_FIELDS = ['input', 'weight', 'bias', 'stride', 'padding', 'output_padding', 'output_size', 'dilation', 'groups'];
const SHOWN_METHODS = ['matrix', 'scatter', 'padded_direct'];
/** What a field of another framework is called here. */
const HINTS = {
  outputpadding: 'output_padding',
  outputPadding: 'output_padding',
  output_paddings: 'output_padding',
  outputSize: 'output_size',
  output_shape: 'output_size (ONNX\'s output_shape)',
  pads: 'padding as one [before, after] pair per axis (ONNX\'s pads [b1, b2, e1, e2] is [[b1, e1], [b2, e2]])',
  auto_pad: 'padding: "same" (SAME_UPPER), "same_lower" or "valid"',
  strides: 'stride',
  dilations: 'dilation',
  group: 'groups',
  kernel_shape: 'the weight\'s shape (the kernel size is read from it)',
  kernel_size: 'the weight\'s shape (the kernel size is read from it)',
  x: 'input',
  w: 'weight',
  b: 'bias',
};

/** A line that cannot be computed; its message is what the user sees. */
class LineError extends Error {}

function describe(value) {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function checkTensor(value, name) {
  if (value === undefined) throw new LineError(`${name} is missing; give it as {"shape":[...],"data":[...]}`);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new LineError(`${name} is ${describe(value)} but must be an object {"shape":[...],"data":[...]}`);
  }
  for (const key of Object.keys(value)) {
    if (key !== 'shape' && key !== 'data') throw new LineError(`${name} has an unknown field ${JSON.stringify(key)}; a tensor is {"shape":[...],"data":[...]}`);
  }
  if (!Array.isArray(value.shape)) {
    throw new LineError(`${name}.shape is ${describe(value.shape)} but must be an array of whole numbers`);
  }
  if (!Array.isArray(value.data)) {
    throw new LineError(`${name}.data is ${describe(value.data)} but must be an array of numbers`);
  }
  return value;
}

/** JSON text of one line → {input, weight, options}. */
function parseLine(text) {
  let config;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new LineError(`line is not valid JSON: ${error.message}`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new LineError(`line is ${describe(config)} but must be a JSON object with "input" and "weight"`);
  }
  for (const field of Object.keys(config)) {
    if (!KNOWN_FIELDS.includes(field)) {
      const hint = HINTS[field] ? ` (did you mean ${HINTS[field]}?)` : '';
      throw new LineError(`unknown field ${JSON.stringify(field)}${hint}; the known fields are ${KNOWN_FIELDS.join(', ')}`);
    }
  }
  const input = checkTensor(config.input, 'input');
  const weight = checkTensor(config.weight, 'weight');
  const options = {};
  for (const name of ['stride', 'padding', 'output_padding', 'output_size', 'dilation', 'groups']) {
    if (config[name] === null) throw new LineError(`${name} is null; leave it out for PyTorch's default`);
    if (config[name] !== undefined) options[name] = config[name];
  }
  if (config.bias !== undefined) {
    if (config.bias === null) throw new LineError('bias is null; leave it out for no bias');
    options.bias = Array.isArray(config.bias) ? config.bias : checkTensor(config.bias, 'bias');
  }
  return { input, weight, options };
}

function compute(engine, { input, weight, options }) {
  const fast = engine.convTranspose(input, weight, { ...options, method: 'fast' });
  const methods = {};
  for (const method of SHOWN_METHODS) {
    methods[method] = Array.from(engine.convTranspose(input, weight, { ...options, method }).data);
  }
  return { shape: Array.from(fast.shape), data: Array.from(fast.data), methods };
}

/** The engine beside this script: dist/engine.js in the repository, engine.js in the npm package (bin/../). */
async function loadEngine() {
  const { existsSync } = await import('node:fs');
  const candidates = ['../dist/engine.js', '../engine.js'].map((path) => new URL(path, import.meta.url));
  const engineUrl = candidates.find((url) => existsSync(url)) ?? candidates[0];
  const { createEngine } = await import(engineUrl.href);
  return createEngine();
}

async function main() {
  let loadEngineError = null;
  let engine = await loadEngine().catch((error) => {
    loadEngineError = error;
    return null;
  });
  if (engine === null) {
    process.stderr.write(`tconv: cannot load the engine from dist/engine.js (run ./scripts/build first): ` +
      `${loadEngineError?.message ?? loadEngineError}\n`);
    return 2;
  }

  let stdoutClosed = false;
  process.stdout.on('error', (error) => {
    // A reader that went away (e.g. `| head`) is not a failure of this tool.
    if (error.code === 'EPIPE') stdoutClosed = true;
    else throw error;
  });
  const write = (text) => new Promise((resolve) => {
    if (stdoutClosed || process.stdout.write(text)) resolve();
    else process.stdout.once('drain', resolve);
  });

  let failed = false;
  let lineNumber = 0;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (let text of lines) {
    lineNumber += 1;
    if (lineNumber === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') continue;
    let output;
    try {
      output = compute(engine, parseLine(text));
    } catch (error) {
      failed = true;
      const isInputError = error instanceof LineError || typeof error?.parameter === 'string';
      const message = isInputError ? error.message : `internal engine error: ${error?.message ?? error}`;
      output = { error: message };
      process.stderr.write(`tconv: line ${lineNumber}: ${message}\n`);
      if (!isInputError) {
        // A wasm trap can leave the instance unusable; start the next line on a fresh one.
        engine = await loadEngine();
      }
    }
    await write(`${JSON.stringify(output)}\n`);
    if (stdoutClosed) break;
  }
  return failed ? 1 : 0;
}

// Node 20 can deadlock while exiting when a background compile job waits for a garbage collection that the exiting
// main thread never runs (nodejs/node#54918). After heavy work, as here, that hung about one run in ten on a busy
// 2-core machine. Without V8 background threads it cannot happen, so run the work in a --single-threaded child.
function runSingleThreaded() {
  const child = spawn(process.execPath,
    ['--single-threaded', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
  child.on('error', (error) => {
    process.stderr.write(`tconv: cannot start ${process.execPath}: ${error.message}\n`);
    process.exitCode = 2;
  });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? 128 + (constants.signals[signal] ?? 0);
  });
}

if (process.execArgv.includes('--single-threaded')) {
  process.exitCode = await main();
} else {
  runSingleThreaded();
}
