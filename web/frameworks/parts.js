// The layer description (web/frameworks/layer.js) built from the page's parts: its state's sizes, padding forms,
// output_size and value specs, checked with validateLayer. layerFromParts(parts) -> {layer} | {error}.
import {
  axisNames, effectiveKernel, isInt, prod, samePair, show, specValues, splitTotal, validateLayer, valueSpec,
} from './layer.js';

/** A number, or r numbers; '2' style strings are not accepted (the page parses its text first). */
function perAxisValue(v, rank, name, min, fallback) {
  if (v === undefined || v === null) return { value: new Array(rank).fill(fallback) };
  const arr = typeof v === 'number' ? new Array(rank).fill(v) : v;
  if (!Array.isArray(arr)) return { message: `${name} is ${show(v)} but must be a number or ${rank} numbers` };
  // A one-element list for r ≥ 2 is expanded, as PyTorch does.
  const full = arr.length === 1 && rank > 1 ? new Array(rank).fill(arr[0]) : arr;
  if (full.length !== rank) return { message: `${name} is ${show(v)} but must be a number or ${rank} numbers (${axisNames(rank).join(', ')})` };
  const names = axisNames(rank);
  for (let a = 0; a < rank; a++) {
    if (!isInt(full[a]) || full[a] < min) return { message: `${name} (${names[a]}) is ${show(full[a])} but must be a whole number ≥ ${min}` };
  }
  return { value: full.slice() };
}

function tensorValues(given, count, name, { allowNull = false } = {}) {
  if (given === null || given === undefined || given === false) {
    if (allowNull) return { values: null, spec: null };
    given = 'arange';
  }
  if (given === true) given = 'zeros'; // "bias on" without values: PyTorch-style zeros until the page says otherwise
  if (Array.isArray(given) || ArrayBuffer.isView(given)) {
    const r = specValues({ kind: 'list', values: Array.from(given) }, count, name);
    return r.message ? r : { values: r.values, spec: { kind: 'list' } };
  }
  const spec = valueSpec(given);
  const r = specValues(spec, count, name);
  if (r.message) return r;
  return { values: r.values, spec: spec.kind === 'list' ? { kind: 'list' } : spec };
}

/**
 * Builds a resolved layer description from the page's parts. Returns {layer} or {error} (never throws).
 * The page's link names are read too (dims, k, s, p, op, d, g, os: PART_ALIASES), so a state from web/state.js
 * can be passed as it is; other keys (view, cell, …) are not read.
 *   rank (1-3; else from the lengths of in/kernel), batch (1), in (spatial size: number or r numbers),
 *   cin, cout, groups (1), kernel, stride (1), dilation (1), outputPadding (0),
 *   padding: number | r numbers (PyTorch: both sides) | r [before, after] pairs (an axis may also be a number) |
 *            'same' | 'same_lower' | 'valid',
 *   outputSize: null | number | r sizes (see the header for how each padding form reads it),
 *   x, w: value spec ('ones', 'arange', 'rand:7', {kind…}) or an array (default arange),
 *   b: null (no bias) | true (zeros) | value spec ('zeros', 'ones', …) | array of C_out numbers.
 */
export function layerFromParts(parts) {
  try {
    return buildLayer(withLongNames(parts ?? {}));
  } catch (e) {
    return { error: `The layer could not be built: ${e.message}` };
  }
}

/** The page's link names (web/state.js) for the same parts, so a page state can be passed as it is. */
export const PART_ALIASES = { dims: 'rank', k: 'kernel', s: 'stride', p: 'padding', op: 'outputPadding', d: 'dilation', g: 'groups', os: 'outputSize' };

function withLongNames(parts) {
  const out = { ...parts };
  for (const [short, long] of Object.entries(PART_ALIASES)) {
    if (parts[short] === undefined) continue;
    if (parts[long] !== undefined && JSON.stringify(parts[long]) !== JSON.stringify(parts[short])) {
      throw new Error(`${short} and ${long} name the same part but differ (${show(parts[short])} and ${show(parts[long])})`);
    }
    out[long] = parts[short];
  }
  return out;
}

function buildLayer(parts) {
  const lengthOf = (v) => (Array.isArray(v) ? v.length : null);
  const rank = parts.rank ?? lengthOf(parts.in) ?? lengthOf(parts.kernel) ?? 2;
  if (![1, 2, 3].includes(rank)) return { error: `rank is ${show(rank)} but must be 1, 2 or 3` };
  const names = axisNames(rank);
  const get = (key, name, min, fallback) => perAxisValue(parts[key], rank, name, min, fallback);
  const fields = {};
  for (const [key, name, min, fallback] of [
    ['in', 'input size', 1, undefined], ['kernel', 'kernel size', 1, undefined], ['stride', 'stride', 1, 1],
    ['dilation', 'dilation', 1, 1], ['outputPadding', 'output_padding', 0, 0],
  ]) {
    if (fallback === undefined && (parts[key] === undefined || parts[key] === null)) return { error: `${name} is missing` };
    const r = get(key, name, min, fallback);
    if (r.message) return { error: r.message };
    fields[key] = r.value;
  }
  const int = (key, name, fallback, min = 1) => {
    const v = parts[key] ?? fallback;
    if (!isInt(v) || v < min) throw new Error(`${name} is ${show(v)} but must be a whole number ≥ ${min}`);
    return v;
  };
  const batch = int('batch', 'batch', 1);
  const cin = int('cin', 'channels in', 1);
  const cout = int('cout', 'channels out', 1);
  const groups = int('groups', 'groups', 1);
  if (cin % groups) return { error: `groups is ${groups} but must divide channels in ${cin}` };
  if (cout % groups) return { error: `groups is ${groups} but must divide channels out ${cout}` };

  const geo = (a, op) => {
    const n = fields.in[a], k = fields.kernel[a], s = fields.stride[a], d = fields.dilation[a];
    const kEff = effectiveKernel(k, d);
    return { n, k, s, d, kEff, full0: (n - 1) * s + kEff, full: (n - 1) * s + kEff + op };
  };
  let outputSize = null;
  if (parts.outputSize !== undefined && parts.outputSize !== null) {
    const r = perAxisValue(parts.outputSize, rank, 'output_size', 1, 1);
    if (r.message) return { error: r.message };
    outputSize = r.value;
  }
  const opGiven = parts.outputPadding !== undefined && parts.outputPadding !== null;
  const outputPadding = fields.outputPadding;
  let padding;
  let paddingMode;
  const p = parts.padding ?? 0;
  if (typeof p === 'string') {
    const mode = p.trim().toLowerCase();
    if (!['same', 'same_lower', 'valid'].includes(mode)) {
      return { error: `padding is "${p}" but must be a number, per-side pairs, 'same', 'same_lower' or 'valid'` };
    }
    paddingMode = mode;
    if (mode === 'valid') {
      padding = names.map(() => [0, 0]);
      if (outputSize) {
        // TensorFlow's VALID with output_shape: the first cells are the full result, the rest (below the stride)
        // are zeros at the end, which is exactly output_padding.
        for (let a = 0; a < rank; a++) {
          const x = geo(a, 0);
          const op = outputSize[a] - x.full0;
          if (op < 0 || op >= x.s) {
            return { error: `output_size (${names[a]}) is ${outputSize[a]}, but with padding 'valid', input ${x.n}, stride ${x.s} and kernel ${x.k}${x.d > 1 ? ` (dilation ${x.d})` : ''} ${reachable(x.full0, x.s)}` };
          }
          if (opGiven && outputPadding[a] !== op) return { error: `output_size (${names[a]}) ${outputSize[a]} means output_padding ${op}, but output_padding is ${outputPadding[a]}: give one of them` };
          outputPadding[a] = op;
        }
      }
    } else {
      padding = names.map((_, a) => {
        const x = geo(a, outputPadding[a]);
        return outputSize ? splitTotal(x.full - outputSize[a], mode) : samePair(mode, x);
      });
    }
  } else {
    const arr = typeof p === 'number' ? new Array(rank).fill(p) : p;
    if (!Array.isArray(arr)) return { error: `padding is ${show(p)} but must be a number, per-side pairs, 'same', 'same_lower' or 'valid'` };
    if (rank === 1 && arr.length === 2 && arr.every((v) => typeof v === 'number')) {
      return { error: `padding is [${arr.join(', ')}] for a 1-D layer: write one number, or [[${arr.join(', ')}]] for before and after` };
    }
    const expanded = arr.length === 1 && rank > 1 ? new Array(rank).fill(arr[0]) : arr;
    if (expanded.length !== rank) return { error: `padding is ${show(p)} but must have ${rank} ${rank === 1 ? 'entry' : 'entries'} (${names.join(', ')}), each a number or a [before, after] pair` };
    let symmetric = true;
    padding = [];
    for (let a = 0; a < rank; a++) {
      const v = expanded[a];
      if (typeof v === 'number') {
        if (!isInt(v) || v < 0) return { error: `padding (${names[a]}) is ${show(v)} but must be a whole number ≥ 0` };
        padding.push([v, v]);
      } else if (Array.isArray(v) && v.length === 2 && v.every(isInt)) {
        if (v[0] < 0) return { error: `padding (${names[a]}) is [${v.join(', ')}] but the start must be ≥ 0 (a negative end extends the output)` };
        padding.push([v[0], v[1]]);
        symmetric = false;
      } else {
        return { error: `padding (${names[a]}) is ${show(v)} but must be a whole number or a [before, after] pair` };
      }
    }
    paddingMode = 'explicit';
    if (outputSize) {
      // output_size picks output_padding among the sizes the forward convolution maps back to `in`: PyTorch's
      // rule for its symmetric padding, and TensorFlow's for explicit pads with output_shape.
      for (let a = 0; a < rank; a++) {
        const x = geo(a, 0);
        const [b, e] = padding[a];
        const lowest = x.full0 - b - e;
        const op = outputSize[a] - lowest;
        if (op < 0 || op >= x.s) {
          const pad = symmetric ? `padding ${b}` : `padding [${b}, ${e}]`;
          return { error: `output_size (${names[a]}) is ${outputSize[a]}, but with input ${x.n}, stride ${x.s}, ${pad} and kernel ${x.k}${x.d > 1 ? ` (dilation ${x.d})` : ''} ${reachable(lowest, x.s)}` };
        }
        if (opGiven && outputPadding[a] !== op) return { error: `output_size (${names[a]}) ${outputSize[a]} means output_padding ${op}, but output_padding is ${outputPadding[a]}: give one of them` };
        outputPadding[a] = op;
      }
    }
  }

  const inputShape = [batch, cin, ...fields.in];
  const weightShape = [cin, cout / groups, ...fields.kernel];
  const x = tensorValues(parts.x, prod(inputShape), 'input values');
  if (x.message) return { error: x.message };
  const w = tensorValues(parts.w, prod(weightShape), 'kernel values');
  if (w.message) return { error: w.message };
  const b = tensorValues(parts.b, cout, 'bias values', { allowNull: true });
  if (b.message) return { error: b.message };
  const layer = {
    rank,
    inputShape,
    weightShape,
    input: x.values,
    weight: w.values,
    bias: b.values,
    stride: fields.stride,
    dilation: fields.dilation,
    outputPadding,
    padding,
    paddingMode,
    outputSize,
    groups,
    values: { x: x.spec, w: w.spec, ...(b.spec ? { b: b.spec } : {}) },
  };
  const problems = validateLayer(layer);
  if (problems.length) return { error: problems.join('; ') };
  return { layer };
}

/** "only 7 or 8 are reachable" (the sizes whose forward convolution maps back to the input size). */
function reachable(lowest, s) {
  const sizes = Array.from({ length: s }, (_, i) => lowest + i).filter((v) => v >= 1);
  if (sizes.length === 0) return 'no size is reachable';
  if (sizes.length === 1) return `only ${sizes[0]} is reachable`;
  return `only ${sizes.length === 2 ? `${sizes[0]} or ${sizes[1]}` : `${sizes[0]} to ${sizes[sizes.length - 1]}`} are reachable`;
}

