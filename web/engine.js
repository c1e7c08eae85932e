// The only JavaScript that touches the WebAssembly engine. Everyone else gets plain objects and typed arrays from
// here: no Embind handle ever leaves this module, and nobody has to call .delete().
//
//   const engine = await createEngine();
//   engine.convTranspose2d({shape: [1, 1, 4, 4], data}, {shape: [1, 1, 4, 4], data: weights}, {stride: 2, padding: 1});
//
// Tensors are {shape: [4 numbers], data: Float32Array (or a plain array on input)}. The transposed convolution's
// weight has PyTorch's layout [Cin, Cout/groups, kH, kW]; its output is [N, Cout, H_out, W_out] with
// H_out = (H − 1)·sH − 2·pH + dH·(kH − 1) + opH + 1. Bad input throws an EngineError whose message names the
// parameter, the axis, the value and the rule; .parameter and .axis say which control is to blame.

import createTconvModule from './tconv_wasm.js';

/** A rejected input: message for people, parameter and axis for the control that should show it. */
export class EngineError extends Error {
  constructor(message, parameter = '', axis = '') {
    super(message);
    this.name = 'EngineError';
    this.parameter = parameter;
    this.axis = axis;
  }
}

export const METHODS = Object.freeze(['matrix', 'scatter', 'direct', 'fast']);

const AXES = ['height', 'width'];

function describe(value) {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  return String(value);
}

/** A non-negative integer small enough to be exact, or an EngineError naming what it should have been. */
function integer(value, parameter, axis, label) {
  if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) {
    throw new EngineError(`${label} is ${describe(value)} but must be a whole number`, parameter, axis);
  }
  return value;
}

/** number or [h, w] → [h, w], both integers. */
function pair(value, parameter, fallback) {
  const label = (axis) => (axis ? `${parameter} (${axis})` : parameter);
  if (value === undefined || value === null) return [fallback, fallback];
  if (Array.isArray(value)) {
    if (value.length !== 2) {
      throw new EngineError(`${parameter} is ${describe(value)} but must be a number or an [height, width] pair`, parameter, '');
    }
    return value.map((v, i) => integer(v, parameter, AXES[i], label(AXES[i])));
  }
  const v = integer(value, parameter, '', label(''));
  return [v, v];
}

function transposedOptions(options = {}) {
  if (options === null || typeof options !== 'object') {
    throw new EngineError(`options is ${describe(options)} but must be an object`, '', '');
  }
  return {
    stride: pair(options.stride, 'stride', 1),
    padding: pair(options.padding, 'padding', 0),
    outputPadding: pair(options.outputPadding ?? options.output_padding, 'output_padding', 0),
    dilation: pair(options.dilation, 'dilation', 1),
    groups: options.groups === undefined ? 1 : integer(options.groups, 'groups', '', 'groups'),
  };
}

function convOptions(options = {}) {
  return {
    stride: pair(options.stride, 'stride', 1),
    padding: pair(options.padding, 'padding', 0),
    dilation: pair(options.dilation, 'dilation', 1),
    groups: options.groups === undefined ? 1 : integer(options.groups, 'groups', '', 'groups'),
  };
}

function shape4(shape, parameter) {
  if (!Array.isArray(shape) || shape.length !== 4) {
    throw new EngineError(`${parameter} shape is ${describe(shape)} but must be 4 numbers [N, C, H, W]`, parameter, '');
  }
  return shape.map((v) => integer(v, parameter, '', `${parameter} shape entry`));
}

function tensor(value, parameter) {
  if (value === null || typeof value !== 'object') {
    throw new EngineError(`${parameter} must be an object {shape, data}`, parameter, '');
  }
  const shape = shape4(value.shape, parameter);
  let { data } = value;
  if (!(data instanceof Float32Array)) {
    if (!Array.isArray(data) && !ArrayBuffer.isView(data)) {
      throw new EngineError(`${parameter} data must be a Float32Array or an array of numbers`, parameter, '');
    }
    const converted = new Float32Array(data.length);
    for (let i = 0; i < data.length; i += 1) {
      const number = data[i];
      if (typeof number !== 'number') {
        throw new EngineError(`${parameter} data[${i}] is ${describe(number)} but must be a number`, parameter, '');
      }
      converted[i] = number;
    }
    data = converted;
  }
  return { shape, data };
}

function unwrap(result) {
  if (result && typeof result.error === 'string') throw new EngineError(result.error, result.parameter, result.axis);
  return result;
}

function isNode() {
  return typeof process === 'object' && process !== null && typeof process.versions?.node === 'string';
}

/** Loads the wasm (in Node, from the file beside this module) and returns the engine. */
export async function createEngine() {
  const moduleOptions = {};
  if (isNode()) {
    // Emscripten 3.1.6's web loader cannot fetch a file path in Node, so hand it the bytes.
    const { readFile } = await import('node:fs/promises');
    moduleOptions.wasmBinary = await readFile(new URL('./tconv_wasm.wasm', import.meta.url));
  }
  const wasm = await createTconvModule(moduleOptions);
  const limits = Object.freeze({ ...wasm.limits() });

  // The fast method's hot path. Reading a call's ~50 values through Embind costs more than a small convolution, so
  // the data goes into one heap buffer (input floats, then weight floats; kept and grown on demand) and the shapes
  // and options go as plain integers to a C export. Memory may grow in _malloc or in the call: the heap views are
  // re-read after each, and the output is copied out at once.
  let bufferAddress = 0;
  let bufferFloats = 0;
  const isInt32 = (v) => (v | 0) === v;

  /** {shape, data}, or null when the numeric path does not apply or validation refuses (the caller then uses the
   * checked Embind path, which gives the message). Arguments are already normalised by tensor() and transposedOptions(). */
  function fastConvTranspose2d(input, weight, o) {
    const inputLength = input.data.length;
    const weightLength = weight.data.length;
    const [n, c, h, w] = input.shape;
    const [wc, wo, kh, kw] = weight.shape;
    // Integers beyond int32 would wrap on their way into wasm, and such sizes cannot be valid anyway.
    if (
      inputLength > limits.maxElements || weightLength > limits.maxElements ||
      !(isInt32(n) && isInt32(c) && isInt32(h) && isInt32(w) && isInt32(wc) && isInt32(wo) && isInt32(kh) && isInt32(kw) &&
        isInt32(o.stride[0]) && isInt32(o.stride[1]) && isInt32(o.padding[0]) && isInt32(o.padding[1]) &&
        isInt32(o.outputPadding[0]) && isInt32(o.outputPadding[1]) && isInt32(o.dilation[0]) && isInt32(o.dilation[1]) &&
        isInt32(o.groups))
    ) {
      return null;
    }
    const floats = inputLength + weightLength;
    if (floats > bufferFloats) {
      if (bufferAddress) wasm._free(bufferAddress);
      bufferAddress = wasm._malloc(floats * 4);
      bufferFloats = bufferAddress ? floats : 0;
      if (!bufferAddress) return null;
    }
    const inputAt = bufferAddress >>> 2;
    const heap = wasm.HEAPF32;
    heap.set(input.data, inputAt);
    heap.set(weight.data, inputAt + inputLength);
    const resultAddress = wasm._tconv_fast_conv_transpose2d(
      bufferAddress, n, c, h, w, inputLength,
      bufferAddress + inputLength * 4, wc, wo, kh, kw, weightLength,
      o.stride[0], o.stride[1], o.padding[0], o.padding[1], o.outputPadding[0], o.outputPadding[1],
      o.dilation[0], o.dilation[1], o.groups,
    );
    if (!resultAddress) return null;
    const result = wasm.HEAP32;
    const at = resultAddress >>> 2;
    const shape = [result[at], result[at + 1], result[at + 2], result[at + 3]];
    const dataAt = result[at + 4] >>> 2;
    return { shape, data: wasm.HEAPF32.slice(dataAt, dataAt + shape[0] * shape[1] * shape[2] * shape[3]) };
  }

  return Object.freeze({
    limits,
    methods: METHODS,

    /** [N, Cout, H_out, W_out] for the shapes and options; throws EngineError if the configuration is invalid. */
    outputShape(inputShape, weightShape, options) {
      return unwrap(wasm.outputShape(shape4(inputShape, 'input'), shape4(weightShape, 'weight'), transposedOptions(options))).shape;
    },

    /** conv_transpose2d(input, weight) by options.method ('fast' by default) → {shape, data}. */
    convTranspose2d(input, weight, options = {}) {
      const method = options.method ?? 'fast';
      if (!METHODS.includes(method)) {
        throw new EngineError(`method is ${describe(method)} but must be one of ${METHODS.join(', ')}`, 'method', '');
      }
      const x = tensor(input, 'input');
      const w = tensor(weight, 'weight');
      const o = transposedOptions(options);
      return (method === 'fast' && fastConvTranspose2d(x, w, o)) || unwrap(wasm.convTranspose2d(x, w, o, method));
    },

    /** PyTorch's conv2d (cross-correlation); weight [Cout, Cin/groups, kH, kW] → {shape, data}. */
    conv2d(input, weight, options = {}) {
      return unwrap(wasm.conv2d(tensor(input, 'input'), tensor(weight, 'weight'), convOptions(options)));
    },

    /** ∂⟨conv2d(x, weight), gradOutput⟩/∂x for x of inputShape → {shape, data}. */
    conv2dInputGrad(inputShape, weight, gradOutput, options = {}) {
      return unwrap(wasm.conv2dInputGrad(shape4(inputShape, 'input'), tensor(weight, 'weight'), tensor(gradOutput, 'input'), convOptions(options)));
    },

    /** The products that sum to output[n, co, r, c]: {value, terms: [{x, w, product, input, weight}]}. */
    explain(input, weight, options, cell) {
      if (!Array.isArray(cell) || cell.length !== 4) {
        throw new EngineError(`cell is ${describe(cell)} but must be [n, co, r, c]`, 'cell', '');
      }
      const where = cell.map((v) => integer(v, 'cell', '', 'cell index'));
      return unwrap(wasm.explain(tensor(input, 'input'), tensor(weight, 'weight'), transposedOptions(options), where));
    },

    /** The forward-convolution matrix C of one batch item, as sorted nonzeros {rows, cols, row, col, weightIndex}. */
    matrix(inputShape, weightShape, options) {
      return unwrap(wasm.matrix(shape4(inputShape, 'input'), shape4(weightShape, 'weight'), transposedOptions(options)));
    },

    /** The uncropped scatter canvas, its crop window and the overlap counts. */
    scatter(input, weight, options) {
      return unwrap(wasm.scatter(tensor(input, 'input'), tensor(weight, 'weight'), transposedOptions(options)));
    },

    /** The zero-inserted padded input, the rotated kernel, the padding and where each padded row/column comes from. */
    paddedDirect(input, weight, options) {
      return unwrap(wasm.paddedDirect(tensor(input, 'input'), tensor(weight, 'weight'), transposedOptions(options)));
    },
  });
}

export default createEngine;
