// The only JavaScript that touches the WebAssembly engine. Everyone else gets plain objects and typed arrays from
// here: no Embind handle ever leaves this module, and nobody has to call .delete().
//
//   const engine = await createEngine();
//   engine.convTranspose({shape: [1, 1, 4, 4], data}, {shape: [1, 1, 4, 4], data: weights}, {stride: 2, padding: 1});
//
// Tensors are {shape, data: Float32Array (or a plain array on input)}. The spatial rank r comes from the weight,
// which has PyTorch's layout [Cin, Cout/groups, k...] with r = 1, 2 or 3; the input is [N, Cin, spatial...] or
// unbatched [Cin, spatial...] (then the output is unbatched too). Per axis, out = (in − 1)·s + d·(k − 1) + 1 +
// output_padding − before − after, where padding gives (before, after): a number, a list of r numbers, a list of r
// [before, after] pairs, or 'same', 'same_lower', 'valid' (cpp/include/tconv/params.hpp has the rules). Bad input
// throws an EngineError whose message names the parameter, the axis, the value and the rule; .parameter and .axis
// say which control is to blame.

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

/** The methods, one name each; 'direct' is still accepted as the old spelling of 'padded_direct'. */
export const METHODS = Object.freeze(['matrix', 'scatter', 'padded_direct', 'fast']);

/** The options convTranspose and friends understand (snake_case spellings as PyTorch writes them, too). */
export const OPTION_NAMES = Object.freeze([
  'stride', 'padding', 'outputPadding', 'output_padding', 'outputSize', 'output_size', 'dilation', 'groups', 'bias',
  'method',
]);

/** Axis names by spatial rank: a 1-D message never says height or width. */
export function axisNames(rank) {
  return rank === 1 ? ['length'] : rank === 3 ? ['depth', 'height', 'width'] : ['height', 'width'];
}

const PADDING_MODES = { same: 'same', same_upper: 'same', same_lower: 'same_lower', valid: 'valid' };

function describe(value) {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${value.length})`;
  return String(value);
}

/** An integer small enough to be exact, or an EngineError naming what it should have been. */
function integer(value, parameter, axis, label) {
  if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) {
    throw new EngineError(`${label} is ${describe(value)} but must be a whole number`, parameter, axis);
  }
  return value;
}

const listText = (rank) => (rank === 1 ? '1 number ([length])' : `${rank} numbers ([${axisNames(rank).join(', ')}])`);

/** A number or a list of r numbers (a one-element list is expanded, as PyTorch does) → r integers. */
function perAxis(value, parameter, fallback, rank) {
  if (value === undefined || value === null) return Array(rank).fill(fallback);
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER) {
    return Array(rank).fill(value);  // the common case, without the checks of the list form
  }
  const names = axisNames(rank);
  let list = value;
  if (!Array.isArray(value)) list = Array(rank).fill(integer(value, parameter, '', parameter));
  else if (value.length === 1 && rank > 1) list = Array(rank).fill(value[0]);
  if (list.length !== rank) {
    throw new EngineError(`${parameter} is ${describe(value)} but must be a number or a list of ${listText(rank)}`, parameter, '');
  }
  return list.map((v, i) => integer(v, parameter, names[i], `${parameter} (${names[i]})`));
}

/**
 * padding → a string mode, or r entries each a number or a [before, after] pair. A number or a list of numbers is
 * PyTorch's symmetric padding; pairs are ONNX's pads and TensorFlow's explicit padding, per axis.
 */
function paddingOf(value, rank) {
  const names = axisNames(rank);
  if (value === undefined || value === null) return Array(rank).fill(0);
  if (typeof value === 'string') {
    const mode = PADDING_MODES[value.toLowerCase()];
    if (!mode) {
      throw new EngineError(`padding is ${describe(value)} but must be a number, a list, or one of "same", "same_lower", "valid"`, 'padding', '');
    }
    return mode;
  }
  if (!Array.isArray(value)) return Array(rank).fill(integer(value, 'padding', '', 'padding'));
  if (rank === 1 && value.length === 2 && value.every((v) => typeof v === 'number')) {
    throw new EngineError(`padding is ${describe(value)}, but a 1-D padding is one number or one [before, after] pair: ` +
      `write [[${value[0]}, ${value[1]}]] for ${value[0]} before and ${value[1]} after, or ${value[0]} for both sides`, 'padding', 'length');
  }
  const list = value.length === 1 && rank > 1 ? Array(rank).fill(value[0]) : value;
  if (list.length !== rank) {
    throw new EngineError(`padding is ${describe(value)} but must have ${rank} ${rank === 1 ? 'entry' : 'entries'} ` +
      `(${names.join(', ')}), each a number or a [before, after] pair`, 'padding', '');
  }
  return list.map((entry, i) => {
    const axis = names[i];
    if (Array.isArray(entry)) {
      if (entry.length !== 2) {
        throw new EngineError(`padding (${axis}) is ${describe(entry)} but must be a number or a [before, after] pair`, 'padding', axis);
      }
      return [integer(entry[0], 'padding', axis, `padding (${axis}) before`), integer(entry[1], 'padding', axis, `padding (${axis}) after`)];
    }
    return integer(entry, 'padding', axis, `padding (${axis})`);
  });
}

function rankOf(weightShape) {
  return Array.isArray(weightShape) && weightShape.length >= 3 && weightShape.length <= 5 ? weightShape.length - 2 : 2;
}

function checkOptionNames(options) {
  for (const key in options) {
    if (!Object.hasOwn(options, key)) continue;
    if (!OPTION_NAMES.includes(key)) {
      throw new EngineError(`option ${JSON.stringify(key)} is not known; the options are ${OPTION_NAMES.filter((n) => !n.includes('_')).join(', ')}`, key, '');
    }
  }
}

/** Options → the module's normalised form for a weight of rank r + 2. */
function transposedOptions(options, rank) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new EngineError(`options is ${describe(options)} but must be an object`, '', '');
  }
  checkOptionNames(options);
  const outputPadding = options.outputPadding ?? options.output_padding;
  const outputSize = options.outputSize ?? options.output_size;
  if (outputSize !== undefined && outputSize !== null && !Array.isArray(outputSize)) {
    throw new EngineError(`output_size is ${describe(outputSize)} but must be a list of ${listText(rank)} or the whole output shape`, 'output_size', '');
  }
  // Built without spreads: this runs on every call of the hot path.
  const result = {
    stride: perAxis(options.stride, 'stride', 1, rank),
    padding: paddingOf(options.padding, rank),
    dilation: perAxis(options.dilation, 'dilation', 1, rank),
    groups: options.groups === undefined ? 1 : integer(options.groups, 'groups', '', 'groups'),
  };
  if (outputPadding !== undefined && outputPadding !== null) result.outputPadding = perAxis(outputPadding, 'output_padding', 0, rank);
  if (outputSize !== undefined && outputSize !== null) result.outputSize = outputSize.map((v, i) => integer(v, 'output_size', '', `output_size[${i}]`));
  return result;
}

function convOptions(options = {}) {
  if (options === null || typeof options !== 'object') {
    throw new EngineError(`options is ${describe(options)} but must be an object`, '', '');
  }
  return {
    stride: perAxis(options.stride, 'stride', 1, 2),
    padding: perAxis(options.padding, 'padding', 0, 2),
    dilation: perAxis(options.dilation, 'dilation', 1, 2),
    groups: options.groups === undefined ? 1 : integer(options.groups, 'groups', '', 'groups'),
  };
}

function shapeOf(shape, parameter) {
  if (!Array.isArray(shape) || shape.length < 1 || shape.length > 5) {
    throw new EngineError(`${parameter} shape is ${describe(shape)} but must be a list of 2 to 5 whole numbers`, parameter, '');
  }
  return shape.map((v, i) => integer(v, parameter, '', `${parameter} shape[${i}]`));
}

function dataOf(data, parameter) {
  if (data instanceof Float32Array) return data;
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
  return converted;
}

function tensor(value, parameter) {
  if (value === null || typeof value !== 'object') {
    throw new EngineError(`${parameter} must be an object {shape, data}`, parameter, '');
  }
  return { shape: shapeOf(value.shape, parameter), data: dataOf(value.data, parameter) };
}

/** bias: {shape: [Cout], data}, or just the values (an array or Float32Array); null when absent. */
function biasOf(bias) {
  if (bias === undefined || bias === null) return null;
  if (Array.isArray(bias) || ArrayBuffer.isView(bias)) {
    const data = dataOf(bias, 'bias');
    return { shape: [data.length], data };
  }
  const t = tensor(bias, 'bias');
  if (t.shape.length !== 1) throw new EngineError(`bias shape is ${describe(t.shape)} but must be [Cout]`, 'bias', '');
  return t;
}

function methodOf(method = 'fast') {
  if (method === 'direct') return 'padded_direct';
  if (!METHODS.includes(method)) {
    throw new EngineError(`method is ${describe(method)} but must be one of ${METHODS.join(', ')} ('direct' is the old name of padded_direct)`, 'method', '');
  }
  return method;
}

function unwrap(result) {
  if (result && typeof result.error === 'string') throw new EngineError(result.error, result.parameter, result.axis);
  return result;
}

function isNode() {
  return typeof process === 'object' && process !== null && typeof process.versions?.node === 'string';
}

const CONFIG_INTS = 39;
const MODE_CODES = { same: 2, same_lower: 3, valid: 1 };

let inlineWasm = null;
/**
 * For the page as one classic script (web/classic-wasm.js): the wasm's bytes, gzip-compressed, carried inside the
 * script. A frame with an opaque origin (sandbox="allow-scripts") may not fetch tconv_wasm.wasm from a server that
 * sends no CORS headers. Gzip, and not the raw bytes, because base64 hides the wasm's redundancy from the server's
 * compression: 58 KB gzipped as base64 of the raw bytes, 44 KB as base64 of the gzipped bytes.
 */
export function useInlineWasm(gzipped) {
  inlineWasm = gzipped;
}

async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Loads the wasm (in Node, from the file beside this module) and returns the engine. */
export async function createEngine() {
  const moduleOptions = {};
  if (inlineWasm) {
    moduleOptions.wasmBinary = await gunzip(inlineWasm);
    moduleOptions.locateFile = (file) => file; // never fetched; keeps the loader from resolving a URL it cannot have
  } else if (isNode()) {
    // Emscripten 3.1.6's web loader cannot fetch a file path in Node, so hand it the bytes.
    const { readFile } = await import('node:fs/promises');
    moduleOptions.wasmBinary = await readFile(new URL('./tconv_wasm.wasm', import.meta.url));
  }
  const wasm = await createTconvModule(moduleOptions);
  const limits = Object.freeze({ ...wasm.limits() });

  // The fast method's hot path. Reading a call's ~50 values through Embind costs more than a small convolution, so
  // the data goes into one heap buffer (the config ints, then input, weight and bias floats; kept and grown on
  // demand) and a C export reads it. Memory may grow in _malloc or in the call: the heap views are re-read after
  // each, and the output is copied out at once.
  let bufferAddress = 0;
  let bufferBytes = 0;
  const config = new Int32Array(CONFIG_INTS);
  // Every number goes into the Int32Array; one beyond int32 would wrap there, so it sends the call to the checked
  // path instead (such sizes cannot be valid anyway).
  let exact = true;
  const put = (at, v) => {
    config[at] = v;
    if (config[at] !== v) exact = false;
  };
  const putAll = (at, list) => {
    for (let i = 0; i < list.length; i += 1) put(at + i, list[i]);
  };

  /** {shape, data}, or null when the numeric path does not apply or validation refuses (the caller then uses the
   * checked Embind path, which gives the message). Arguments are already normalised. */
  function fastConvTranspose(input, weight, bias, o) {
    const rank = weight.shape.length - 2;
    if (input.shape.length < 2 || input.shape.length > 5 || rank < 1 || rank > 3) return null;
    if (input.data.length > limits.maxElements || weight.data.length > limits.maxElements) return null;
    exact = true;
    config.fill(0);
    put(0, input.shape.length);
    putAll(1, input.shape);
    put(6, weight.shape.length);
    putAll(7, weight.shape);
    putAll(12, o.stride);
    putAll(15, o.dilation);
    if (o.outputPadding) {
      putAll(18, o.outputPadding);
      config[21] = 1;
    }
    if (typeof o.padding === 'string') {
      config[22] = MODE_CODES[o.padding];
    } else {
      for (let i = 0; i < o.padding.length; i += 1) {
        const p = o.padding[i];
        put(23 + i, Array.isArray(p) ? p[0] : p);
        put(26 + i, Array.isArray(p) ? p[1] : p);
      }
    }
    if (o.outputSize) {
      if (o.outputSize.length > 5) return null;
      config[29] = o.outputSize.length;
      putAll(30, o.outputSize);
    }
    put(35, o.groups);
    config[36] = input.data.length;
    config[37] = weight.data.length;
    config[38] = bias ? bias.data.length : -1;
    if (!exact) return null;
    const floats = input.data.length + weight.data.length + (bias ? bias.data.length : 0);
    const bytes = CONFIG_INTS * 4 + floats * 4;
    if (bytes > bufferBytes) {
      if (bufferAddress) wasm._free(bufferAddress);
      bufferAddress = wasm._malloc(bytes);
      bufferBytes = bufferAddress ? bytes : 0;
      if (!bufferAddress) return null;
    }
    const configAt = bufferAddress;
    const inputAt = configAt + CONFIG_INTS * 4;
    const weightAt = inputAt + input.data.length * 4;
    const biasAt = weightAt + weight.data.length * 4;
    wasm.HEAP32.set(config, configAt >>> 2);
    const heap = wasm.HEAPF32;
    heap.set(input.data, inputAt >>> 2);
    heap.set(weight.data, weightAt >>> 2);
    if (bias) heap.set(bias.data, biasAt >>> 2);
    const resultAddress = wasm._tconv_fast_conv_transpose(inputAt, weightAt, bias ? biasAt : 0, configAt);
    if (!resultAddress) return null;
    const result = wasm.HEAP32;
    const at = resultAddress >>> 2;
    const shape = [];
    let count = 1;
    for (let i = 1; i <= result[at]; i += 1) {
      shape.push(result[at + i]);
      count *= result[at + i];
    }
    const dataAt = result[at + 6] >>> 2;
    return { shape, data: wasm.HEAPF32.slice(dataAt, dataAt + count) };
  }

  /** The arguments every transposed entry point takes, normalised. */
  function prepared(input, weight, options) {
    const x = tensor(input, 'input');
    const w = tensor(weight, 'weight');
    const o = transposedOptions(options ?? {}, rankOf(w.shape));
    return { x, w, o, b: biasOf(options?.bias) };
  }

  function convTranspose(input, weight, options = {}) {
    const method = methodOf(options?.method);
    const { x, w, o, b } = prepared(input, weight, options);
    return (method === 'fast' && fastConvTranspose(x, w, b, o)) || unwrap(wasm.convTranspose(x, w, b, o, method));
  }

  function shapes(inputShape, weightShape, options = {}) {
    const k = shapeOf(weightShape, 'weight');
    return [shapeOf(inputShape, 'input'), k, transposedOptions(options ?? {}, rankOf(k))];
  }

  return Object.freeze({
    limits,
    methods: METHODS,

    /** The output shape for the shapes and options (any rank); throws EngineError if the configuration is invalid. */
    outputShape(inputShape, weightShape, options) {
      return unwrap(wasm.geometry(...shapes(inputShape, weightShape, options))).shape;
    },

    /** The resolved geometry: {shape, rank, padding: {before, after}, outputPadding, full} (per spatial axis). */
    geometry(inputShape, weightShape, options) {
      return unwrap(wasm.geometry(...shapes(inputShape, weightShape, options)));
    },

    /** conv_transpose1d/2d/3d by options.method ('fast' by default) → {shape, data}. */
    convTranspose,

    /** The 2-D name: the same call, for a weight [Cin, Cout/groups, kH, kW]. */
    convTranspose2d(input, weight, options = {}) {
      return convTranspose(input, weight, options);
    },

    /** PyTorch's conv2d (cross-correlation); weight [Cout, Cin/groups, kH, kW], optional bias [Cout] → {shape, data}. */
    conv2d(input, weight, options = {}) {
      return unwrap(wasm.conv2d(tensor(input, 'input'), tensor(weight, 'weight'), biasOf(options?.bias), convOptions(options)));
    },

    /** ∂⟨conv2d(x, weight) + bias, gradOutput⟩/∂x for x of inputShape (the bias does not change it) → {shape, data}. */
    conv2dInputGrad(inputShape, weight, gradOutput, options = {}) {
      return unwrap(wasm.conv2dInputGrad(shapeOf(inputShape, 'input'), tensor(weight, 'weight'), tensor(gradOutput, 'input'), convOptions(options)));
    },

    /** The products (then the bias) that sum to one output cell: {value, terms: [{x, w, product, input, weight}], bias?}. */
    explain(input, weight, options, cell) {
      if (!Array.isArray(cell)) throw new EngineError(`cell is ${describe(cell)} but must be an output index like [n, co, r, c]`, 'cell', '');
      const where = cell.map((v) => integer(v, 'cell', '', 'cell index'));
      const { x, w, o, b } = prepared(input, weight, options);
      return unwrap(wasm.explain(x, w, b, o, where));
    },

    /** The forward-convolution matrix C of one batch item, as sorted nonzeros {rows, cols, row, col, weightIndex}. */
    matrix(inputShape, weightShape, options) {
      return unwrap(wasm.matrix(...shapes(inputShape, weightShape, options)));
    },

    /** The uncropped scatter canvas (sum of stamps), its crop window, the overlap counts, and the bias apart. */
    scatter(input, weight, options) {
      const { x, w, o, b } = prepared(input, weight, options);
      return unwrap(wasm.scatter(x, w, b, o));
    },

    /** The zero-inserted padded input, the rotated kernel, the per-side padding and where each padded cell comes from. */
    paddedDirect(input, weight, options) {
      const { x, w, o, b } = prepared(input, weight, options);
      return unwrap(wasm.paddedDirect(x, w, b, o));
    },

    /**
     * Which cells one cell is connected to: query {tensor: 'x' | 'w' | 'y', index} → {x, w, y}, lists of indices where
     * entry j of each is one connection (input x[j] reaches output y[j] through tap w[j]).
     */
    influence(inputShape, weightShape, options, query) {
      if (query === null || typeof query !== 'object' || !['x', 'w', 'y'].includes(query.tensor) || !Array.isArray(query.index)) {
        throw new EngineError(`query is ${describe(query)} but must be {tensor: 'x' | 'w' | 'y', index: [...]}`, 'index', '');
      }
      const index = query.index.map((v) => integer(v, 'index', '', 'index entry'));
      return unwrap(wasm.influence(...shapes(inputShape, weightShape, options), query.tensor, index));
    },

    /** The sub-pixel (phase) decomposition: {stride, phases: [{residue, first, count, taps, inputStart, tapCounts, kernel, output}], bias}. */
    subpixel(input, weight, options) {
      const { x, w, o, b } = prepared(input, weight, options);
      return unwrap(wasm.subpixel(x, w, b, o));
    },
  });
}

export default createEngine;
