// The layer description: the one input of every framework translation (pytorch.js, numpy.js, keras.js, onnx.js,
// jax.js). Pure data in PyTorch's terms, fully resolved, so that a translation never has to guess:
//
//   {
//     rank: 1 | 2 | 3,
//     inputShape:  [N, C_in, ...spatial],            input:  row-major numbers
//     weightShape: [C_in, C_out/groups, ...kernel],  weight: row-major numbers
//     bias: null | C_out numbers,
//     stride, dilation, outputPadding: r numbers each,
//     padding: r pairs [before, after]: what is cropped from the start and the end of each axis of the full result
//              full = (in − 1)·stride + dilation·(kernel − 1) + 1 + output_padding
//              (after < 0: the output is extended at the end by −after cells, which hold only the bias),
//     paddingMode: 'explicit' | 'same' | 'same_lower' | 'valid'  (how the padding was written: a translation uses
//              the framework's own idiom for it when that gives the same numbers),
//     outputSize: null | r sizes (PyTorch's forward(output_size=...); equals the output's spatial size),
//     groups,
//     values: optional {x, w, b} value specs ({kind: 'ones' | 'zeros' | 'arange'} | {kind: 'rand', seed} |
//             {kind: 'list'}), how the numbers were given, so code can say torch.ones(...) instead of a literal,
//   }
//
// Output along an axis: y = full[before : full − after], zero-extended where after < 0, plus the bias.
//
// Padding modes (the rules of ONNX's auto_pad, which TensorFlow shares when output_padding is 0):
//   'same' (ONNX SAME_UPPER): output = in·stride. total = full − in·stride; ⌊total/2⌋ at the start, the rest at
//      the end. Example: in 3, k 3, s 2 → full 7, total 1 → crop 0 at the start and 1 at the end (6 cells). With
//      output_padding 0 this is TensorFlow's 'SAME'. total < 0 (the kernel's span is shorter than the stride, e.g.
//      in 3, k 3, s 4: full 11, in·s 12) → nothing is cropped and the output is extended by −total at the end.
//   'same_lower' (ONNX SAME_LOWER): the larger half at the start (in 3, k 3, s 2: crop 1 at the start, 0 at the end).
//   'valid': nothing cropped.
// With output_size (layerFromParts only): numbers or pairs follow PyTorch (output_size picks output_padding among
// the sizes the forward convolution maps back to `in`; TensorFlow's explicit pads with output_shape read the same);
// 'same' and 'same_lower' follow ONNX's output_shape rule (total = full − output_size, split as above); 'valid'
// follows TensorFlow's VALID with output_shape (the extra cells at the end are output_padding).
// Keras' padding='same' *with* output_padding is its own rule, a per-side pair: see kerasSamePair().
import { RANDOM_VALUES } from '../state.js';
import { mulberry32 } from '../random.js';

export const PADDING_MODES = ['explicit', 'same', 'same_lower', 'valid'];

/** Axis names in the terms of the rank at hand: a 1-D layer never hears about height or width. */
export function axisNames(rank) {
  return rank === 1 ? ['length'] : rank === 2 ? ['height', 'width'] : ['depth', 'height', 'width'];
}
/** Short axis letters for shapes and comments: L; H, W; D, H, W. */
export function axisLetters(rank) {
  return rank === 1 ? ['L'] : rank === 2 ? ['H', 'W'] : ['D', 'H', 'W'];
}

export const effectiveKernel = (k, d) => d * (k - 1) + 1;
export const prod = (a) => a.reduce((x, y) => x * y, 1);
export const isInt = (v) => Number.isInteger(v);

/**
 * Per-axis geometry of a (valid) layer: in, kernel, stride, dilation, output_padding, kEff = d·(k−1)+1,
 * full0 = (in−1)·s + kEff (the last stamp's end), full = full0 + output_padding, before, after, out.
 */
export function axes(layer) {
  return Array.from({ length: layer.rank }, (_, a) => {
    const n = layer.inputShape[2 + a], k = layer.weightShape[2 + a];
    const s = layer.stride[a], d = layer.dilation[a], op = layer.outputPadding[a];
    const kEff = effectiveKernel(k, d);
    const full0 = (n - 1) * s + kEff;
    const [before, after] = layer.padding[a];
    return { n, k, s, d, op, kEff, full0, full: full0 + op, before, after, out: full0 + op - before - after };
  });
}

export const channelsIn = (layer) => layer.inputShape[1];
export const channelsOut = (layer) => layer.weightShape[1] * layer.groups;

/** [N, C_out, ...out] of a valid layer. */
export function outputShape(layer) {
  return [layer.inputShape[0], channelsOut(layer), ...axes(layer).map((x) => x.out)];
}

/**
 * ONNX's auto_pad split of a total crop: 'same' (SAME_UPPER) puts ⌊total/2⌋ at the start, 'same_lower' the larger
 * half; a negative total crops nothing and extends the end.
 */
export function splitTotal(total, mode) {
  if (total < 0) return [0, total];
  const start = mode === 'same_lower' ? Math.ceil(total / 2) : Math.floor(total / 2);
  return [start, total - start];
}

/** The [before, after] of 'same' / 'same_lower' on one axis: total = full − in·s (output = in·s). */
export function samePair(mode, { n, s, full }) {
  return splitTotal(full - n * s, mode);
}

/**
 * Keras' Conv{1,2,3}DTranspose on one axis, as a layer pair relative to the same full result. Keras computes the
 * output length itself (keras.utils.conv_utils.deconv_output_length):
 *   output_padding None:  'valid' → in·s + max(kEff − s, 0);   'same' → in·s
 *   output_padding o:     (in − 1)·s + kEff − 2·pad + o, pad = ⌊kEff/2⌋ for 'same', 0 for 'valid'
 * then calls TensorFlow's conv_transpose with that output_shape, which crops the way its forward convolution pads:
 * 'VALID' nothing at the start, 'SAME' ⌊max((in − 1)·s + kEff − L, 0)/2⌋ at the start. TensorFlow also refuses an
 * output_shape that its forward convolution would not map back to `in` (accepted below).
 * Returns {length, before, accepted, outputPadding, pair: [before, after]} where the layer's output_padding is
 * outputPadding (o, or 0 for None) and its crop is pair (after < 0: extended).
 */
export function kerasAxis(padding, o, { n, s, kEff }) {
  let length;
  if (o === null) length = padding === 'valid' ? n * s + Math.max(kEff - s, 0) : n * s;
  else length = (n - 1) * s + kEff - 2 * (padding === 'same' ? Math.floor(kEff / 2) : 0) + o;
  const tf = tfAxis(padding === 'same' ? 'SAME' : 'VALID', length, { n, s, kEff });
  const op = o ?? 0;
  const full = (n - 1) * s + kEff + op;
  return { length, before: tf.before, accepted: tf.accepted && (o === null || o < s), outputPadding: op, pair: [tf.before, full - tf.before - length] };
}

/** Keras padding='same' with output_padding o as a layer pair (the TensorFlow 'same' question: in 2, k 3, s 2, o 1 → [0, 2]). */
export function kerasSamePair(o, axis) {
  return kerasAxis('same', o, axis).pair;
}

/**
 * TensorFlow's conv_transpose (the input gradient of its forward convolution for an input of size L) on one axis:
 * is output size L accepted for input size n, and how much does it crop at the start of the full result?
 *   'VALID': ceil((L − kEff + 1)/s) must equal n; nothing cropped at the start.
 *   'SAME':  ceil(L/s) must equal n; ⌊max((n − 1)·s + kEff − L, 0)/2⌋ cropped at the start.
 *   [pb, pa] (explicit, tf.nn.conv2d_transpose only): ⌊(L + pb + pa − kEff)/s⌋ + 1 must equal n; pb cropped.
 * Cells past the full result are zeros.
 */
export function tfAxis(padding, L, { n, s, kEff }) {
  if (padding === 'VALID') return { accepted: L >= kEff && Math.ceil((L - kEff + 1) / s) === n, before: 0 };
  if (padding === 'SAME') return { accepted: L >= 1 && Math.ceil(L / s) === n, before: Math.floor(Math.max((n - 1) * s + kEff - L, 0) / 2) };
  const [pb, pa] = padding;
  return { accepted: pb >= 0 && pa >= 0 && L >= 1 && Math.floor((L + pb + pa - kEff) / s) + 1 === n, before: pb };
}

// ------------------------------------------------------------------ values

/** Parses a value spec given as text ('ones', 'zeros', 'arange', 'rand', 'rand:7') or returns the spec object. */
export function valueSpec(given) {
  if (typeof given !== 'string') return given;
  const t = given.trim();
  if (t === 'ones' || t === 'zeros' || t === 'arange') return { kind: t };
  if (t === 'rand') return { kind: 'rand', seed: 1 };
  const m = /^rand:(\d{1,10})$/.exec(t);
  if (m && Number(m[1]) <= 0xffffffff) return { kind: 'rand', seed: Number(m[1]) };
  return { kind: 'invalid', text: t };
}

/**
 * The numbers of a value spec: ones, zeros, arange (1..n, as the page), rand:SEED (web/state.js: mulberry32(seed)
 * picks from RANDOM_VALUES, row-major), or a list. Returns {values} or {message}.
 */
export function specValues(spec, count, name) {
  if (!spec || typeof spec !== 'object') return { message: `${name} is ${JSON.stringify(spec)} but must be ones, zeros, arange, rand:SEED or a list of numbers` };
  // Plain loops: Array.from({length}, f) is slow for the multi-million-element tensors the page allows.
  if (spec.kind === 'ones' || spec.kind === 'zeros') return { values: new Array(count).fill(spec.kind === 'ones' ? 1 : 0) };
  if (spec.kind === 'arange') {
    const values = new Array(count);
    for (let i = 0; i < count; i++) values[i] = i + 1;
    return { values };
  }
  if (spec.kind === 'rand') {
    if (!isInt(spec.seed) || spec.seed < 0 || spec.seed > 0xffffffff) return { message: `${name} seed is ${spec.seed} but must be a whole number from 0 to ${0xffffffff}` };
    const next = mulberry32(spec.seed);
    const values = new Array(count);
    for (let i = 0; i < count; i++) values[i] = RANDOM_VALUES[Math.floor(next() * RANDOM_VALUES.length)];
    return { values };
  }
  if (spec.kind === 'list') {
    if (!Array.isArray(spec.values)) return { message: `${name} is a list without values` };
    if (spec.values.length !== count) return { message: `${name} has ${spec.values.length} numbers but the tensor holds ${count}` };
    return { values: spec.values.slice() };
  }
  return { message: `${name} is "${spec.text ?? spec.kind}" but must be ones, zeros, arange, rand, rand:SEED or a list of numbers` };
}

// ------------------------------------------------------------------ validation

/** A value as a message quotes it. */
export const show = (v) => {
  try {
    const t = JSON.stringify(v);
    return t === undefined ? String(v) : t.length > 60 ? `${t.slice(0, 40)}… (${t.length} characters)` : t;
  } catch {
    return `a ${typeof v}`;
  }
};

/**
 * Every problem of a layer description, each naming the field, the axis, the value and the rule; [] when valid.
 * Checks shapes, channel and group arithmetic, value counts, PyTorch's output_padding rule (below max(stride,
 * dilation)), that paddingMode and outputSize agree with the pairs, and that value specs give the same numbers.
 */
export function validateLayer(layer) {
  if (!layer || typeof layer !== 'object') return [`the layer is ${show(layer)} but must be an object (see web/frameworks/layer.js)`];
  const problems = [];
  const { rank } = layer;
  if (![1, 2, 3].includes(rank)) return [`rank is ${show(rank)} but must be 1, 2 or 3`];
  const names = axisNames(rank);
  const shapeOk = (field, min) => {
    const v = layer[field];
    if (!Array.isArray(v) || v.length !== rank + 2) {
      problems.push(`${field} is ${show(v)} but must have ${rank + 2} entries for a ${rank}-D layer`);
      return false;
    }
    const bad = v.findIndex((x) => !isInt(x) || x < min);
    if (bad >= 0) {
      problems.push(`${field}[${bad}] is ${show(v[bad])} but must be a whole number ≥ ${min}`);
      return false;
    }
    return true;
  };
  const shapesOk = shapeOk('inputShape', 1) & shapeOk('weightShape', 1);
  const perAxis = (field, min) => {
    const v = layer[field];
    if (!Array.isArray(v) || v.length !== rank) {
      problems.push(`${field} is ${show(v)} but must have ${rank} ${rank === 1 ? 'entry' : 'entries'} (${names.join(', ')})`);
      return false;
    }
    v.forEach((x, a) => {
      if (!isInt(x) || x < min) problems.push(`${field} (${names[a]}) is ${show(x)} but must be a whole number ≥ ${min}`);
    });
    return v.every((x) => isInt(x) && x >= min);
  };
  let ok = perAxis('stride', 1) & perAxis('dilation', 1) & perAxis('outputPadding', 0);
  if (!isInt(layer.groups) || layer.groups < 1) {
    problems.push(`groups is ${show(layer.groups)} but must be a whole number ≥ 1`);
    ok = false;
  }
  if (!Array.isArray(layer.padding) || layer.padding.length !== rank) {
    problems.push(`padding is ${show(layer.padding)} but must be ${rank} [before, after] ${rank === 1 ? 'pair' : 'pairs'}`);
    ok = false;
  } else {
    layer.padding.forEach((p, a) => {
      if (!Array.isArray(p) || p.length !== 2 || !p.every(isInt)) {
        problems.push(`padding (${names[a]}) is ${show(p)} but must be a pair [before, after] of whole numbers`);
        ok = false;
      } else if (p[0] < 0) {
        problems.push(`padding (${names[a]}) crops ${p[0]} at the start but must crop ≥ 0 there (only the end can be extended)`);
        ok = false;
      }
    });
  }
  if (!PADDING_MODES.includes(layer.paddingMode)) {
    problems.push(`paddingMode is ${show(layer.paddingMode)} but must be one of ${PADDING_MODES.join(', ')}`);
    ok = false;
  }
  if (!shapesOk || !ok) return problems;

  const [, Cin] = layer.inputShape;
  const [wCin, Cog] = layer.weightShape;
  const g = layer.groups;
  if (wCin !== Cin) problems.push(`weightShape[0] is ${wCin} but must equal the input's channels ${Cin} (weight layout [C_in, C_out/groups, ...kernel])`);
  if (Cin % g !== 0) problems.push(`groups is ${g} but must divide the input channels ${Cin}`);
  const Cout = Cog * g;
  const checkValues = (field, count) => {
    const v = layer[field];
    if (!Array.isArray(v) && !ArrayBuffer.isView(v)) {
      problems.push(`${field} is ${show(v)} but must be an array of ${count} numbers`);
      return;
    }
    if (v.length !== count) problems.push(`${field} has ${v.length} numbers but its shape holds ${count}`);
    for (let i = 0; i < v.length; i++) {
      if (typeof v[i] !== 'number' || !Number.isFinite(Math.fround(v[i]))) {
        problems.push(`${field}[${i}] is ${show(v[i])} but must be a finite float32 number`);
        break;
      }
    }
  };
  checkValues('input', prod(layer.inputShape));
  checkValues('weight', prod(layer.weightShape));
  if (layer.bias !== null && layer.bias !== undefined) checkValues('bias', Cout);
  if (problems.length) return problems;

  const ax = axes(layer);
  ax.forEach((x, a) => {
    const limit = Math.max(x.s, x.d);
    if (x.op >= limit) problems.push(`outputPadding (${names[a]}) is ${x.op} but must be smaller than max(stride ${x.s}, dilation ${x.d}) = ${limit}`);
    if (x.out < 1) problems.push(`the output ${names[a]} is ${x.out} (full ${x.full} minus padding ${x.before} + ${x.after}) but must be at least 1`);
  });
  if (problems.length) return problems;

  // The mode must describe the pairs (a translation that writes padding='same' must get these numbers).
  if (layer.paddingMode === 'valid') {
    ax.forEach((x, a) => {
      if (x.before !== 0 || x.after !== 0) problems.push(`padding (${names[a]}) is [${x.before}, ${x.after}] but paddingMode 'valid' crops nothing`);
    });
  } else if (layer.paddingMode === 'same' || layer.paddingMode === 'same_lower') {
    ax.forEach((x, a) => {
      const want = layer.outputSize ? splitTotal(x.full - layer.outputSize[a], layer.paddingMode) : samePair(layer.paddingMode, x);
      if (want[0] !== x.before || want[1] !== x.after) {
        problems.push(`padding (${names[a]}) is [${x.before}, ${x.after}] but paddingMode '${layer.paddingMode}' gives [${want.join(', ')}]`);
      }
    });
  }
  if (layer.outputSize !== null && layer.outputSize !== undefined) {
    if (!Array.isArray(layer.outputSize) || layer.outputSize.length !== rank) {
      problems.push(`outputSize is ${show(layer.outputSize)} but must be null or ${rank} sizes`);
    } else {
      ax.forEach((x, a) => {
        if (layer.outputSize[a] !== x.out) problems.push(`outputSize (${names[a]}) is ${show(layer.outputSize[a])} but the layer's output ${names[a]} is ${x.out}`);
      });
    }
  }
  if (layer.values !== undefined && layer.values !== null) {
    for (const [key, field, count] of [['x', 'input', prod(layer.inputShape)], ['w', 'weight', prod(layer.weightShape)], ['b', 'bias', Cout]]) {
      const spec = layer.values[key];
      if (spec === undefined || spec === null || (spec.kind === 'list' && spec.values === undefined)) continue; // a list: the numbers are the layer's
      if (key === 'b' && !layer.bias) {
        problems.push('values.b is given but the layer has no bias');
        continue;
      }
      const r = specValues(spec, count, `values.${key}`);
      if (r.message) problems.push(r.message);
      else if (r.values.some((v, i) => Math.fround(v) !== Math.fround(layer[field][i]))) problems.push(`values.${key} does not give the numbers in ${field}`);
    }
  }
  return problems;
}

/** Throws an Error naming every problem; translations call it first. */
export function assertLayer(layer) {
  const problems = validateLayer(layer);
  if (problems.length) throw new Error(`The layer description is not valid: ${problems.join('; ')}`);
  return layer;
}
