#!/usr/bin/env -S node --single-threaded
// Command-line transposed convolution on the same wasm engine as the page (dist/engine.js; run ./scripts/build
// first). Reads JSON Lines on stdin, one configuration per line, in PyTorch's terms:
//
//   {"input":{"shape":[N,Cin,H,W],"data":[...]},"weight":{"shape":[Cin,Cout/g,kH,kW],"data":[...]},
//    "stride":2,"padding":[1,0],"output_padding":0,"dilation":1,"groups":1}
//
// Omitted parameters take PyTorch's defaults (stride 1, padding 0, output_padding 0, dilation 1, groups 1); each of
// the first four is a number or an [h, w] pair. An unbatched input [Cin, H, W] gives an unbatched output, as in
// PyTorch. For every non-blank line it writes one line:
//
//   {"shape":[N,Cout,H_out,W_out],"data":[...],"methods":{"matrix":[...],"scatter":[...],"direct":[...]}}
//
// where data is the fast method's result, or {"error":"<message>"} for a line that cannot be computed; it then goes
// on with the next line. Exit status: 0 if every line succeeded, 1 if any failed, 2 if the engine cannot load.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const PARAMETERS = ['stride', 'padding', 'output_padding', 'dilation'];
const KNOWN_FIELDS = new Set(['input', 'weight', 'groups', ...PARAMETERS]);
const SHOWN_METHODS = ['matrix', 'scatter', 'direct'];

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
  if (!Array.isArray(value.shape)) {
    throw new LineError(`${name}.shape is ${describe(value.shape)} but must be an array of 4 whole numbers`);
  }
  if (!Array.isArray(value.data)) {
    throw new LineError(`${name}.data is ${describe(value.data)} but must be an array of numbers`);
  }
  return value;
}

/** number or [h, w]; PyTorch also expands a one-element list, so [s] means [s, s]. */
function checkParameter(value, name) {
  if (value === undefined) return undefined;
  if (Array.isArray(value) && value.length === 1) return value[0];
  if (value === null) throw new LineError(`${name} is null but must be a whole number or an [height, width] pair`);
  return value;
}

/** JSON text of one line → {input, weight, options, unbatched}. */
function parseLine(text, lineNumber) {
  let config;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new LineError(`line is not valid JSON: ${error.message}`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new LineError(`line is ${describe(config)} but must be a JSON object with "input" and "weight"`);
  }
  if ('bias' in config) {
    throw new LineError('bias is not supported: this tool computes conv_transpose2d without bias (add it per output channel)');
  }
  for (const field of Object.keys(config)) {
    if (!KNOWN_FIELDS.has(field)) {
      process.stderr.write(`tconv: line ${lineNumber}: ignoring unknown field ${JSON.stringify(field)} ` +
        `(known: ${[...KNOWN_FIELDS].join(', ')})\n`);
    }
  }
  const input = checkTensor(config.input, 'input');
  const weight = checkTensor(config.weight, 'weight');
  // PyTorch accepts an unbatched [Cin, H, W] input and then returns [Cout, H_out, W_out].
  const unbatched = input.shape.length === 3;
  const options = {};
  if (config.groups === null) throw new LineError('groups is null but must be a whole number');
  if (config.groups !== undefined) options.groups = config.groups;
  for (const name of PARAMETERS) {
    const value = checkParameter(config[name], name);
    if (value !== undefined) options[name === 'output_padding' ? 'outputPadding' : name] = value;
  }
  return {
    input: unbatched ? { shape: [1, ...input.shape], data: input.data } : input,
    weight,
    options,
    unbatched,
  };
}

function compute(engine, { input, weight, options, unbatched }) {
  const fast = engine.convTranspose2d(input, weight, { ...options, method: 'fast' });
  const methods = {};
  for (const method of SHOWN_METHODS) {
    methods[method] = Array.from(engine.convTranspose2d(input, weight, { ...options, method }).data);
  }
  const shape = unbatched ? fast.shape.slice(1) : Array.from(fast.shape);
  return { shape, data: Array.from(fast.data), methods };
}

async function loadEngine() {
  const engineUrl = new URL('../dist/engine.js', import.meta.url);
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
      output = compute(engine, parseLine(text, lineNumber));
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
