// TensorFlow's 'same' is a crop (the TensorFlow 'same' question): a 2×2 input, kernel 3, stride 2, output_padding 1.
// PyTorch (and Keras' 'valid') give 6×6; Keras' padding='same' gives 4×4, and that 4×4 is the top-left corner of the
// same 6×6, because TensorFlow crops the way its forward convolution pads: the odd cell at the end. ONNX's SAME_UPPER
// (the page's padding 'same') centres its 4×4 instead. Keras' own length rule is web/frameworks/layer.js's (checked
// against tfjs in the tests); every number asked for is the engine's.
import { kerasAxis } from '../frameworks/layer.js';
import { yName, sumOf, eq } from './words.js';

/** Keras' padding='same' with the layer's output_padding, per axis: {length, pair: [before, after]} (layer.js). */
const kerasSame = (q) => q.P.inSize.map((n, a) => kerasAxis('same', q.P.outputPadding[a], {
  n, s: q.P.stride[a], kEff: q.P.dilation[a] * (q.P.kSize[a] - 1) + 1,
}));
/** Those crops as the page's padding, per side: "0,2,0,2". */
const kerasPadding = (q) => kerasSame(q).map((k) => k.pair.join(',')).join(',');
/** The output size the engine gives for a padding (per-side pairs or a mode), or null. */
const sizeWith = (q, padding) => q.outputSize({ padding });
const full = (q) => sizeWith(q, q.P.inSize.map(() => [0, 0]));
/** "(2 − 1)·2 + 3 + 1" for an axis: the full result's length (no crop). */
const fullFormula = (q, a = 0) => `(${q.P.inSize[a]} − 1)·${q.P.stride[a]} + ${q.P.kSize[a]} + ${q.P.outputPadding[a]}`;

export default {
  id: 'same',
  short: 'TensorFlow\'s \'same\' is a crop',
  title: 'TensorFlow\'s \'same\' is a crop',
  caption: 'A 2×2 input, kernel 3, stride 2, output_padding 1: PyTorch gives 6×6, Keras\' padding=\'same\' the top-left 4×4 of it.',
  state: { in: '2', k: '3', s: '2', op: '1', x: 'arange', w: 'arange', view: 'scatter' },
  steps: [
    {
      state: { p: '0' },
      spotlight: 'shape',
      curtain: ['shape', 'output'],
      say: (q) => `PyTorch's ConvTranspose2d(1, 1, ${q.P.kSize[0]}, stride=${q.P.stride[0]}, output_padding=${q.P.outputPadding[0]}) on a `
        + `${q.P.inSize.join('×')} input, without [[padding]]: what Keras calls padding='valid'. Each input cell stamps the kernel `
        + `${q.P.stride[0]} cells apart, and [[output_padding]] adds one more row and column at the end.`,
      ask: {
        kind: 'number',
        prompt: () => 'How many rows does the output have?',
        answer: (q) => q.outputSize()[0],
        hint: (q) => `The last stamp starts at row (H − 1)·s = ${(q.P.inSize[0] - 1) * q.P.stride[0]} and is ${q.P.kSize[0]} rows tall; `
          + `output_padding adds ${q.P.outputPadding[0]}.`,
        reveal: (q) => [
          eq(`${fullFormula(q)} = ${q.outputSize()[0]}`),
          `Keras' padding='valid' with output_padding=${q.P.outputPadding[0]} gives the same ${q.outputSize().join('×')}: nothing is cropped. `
          + `Its corner is the first stamp's first tap: ${sumOf(q, 0, 0)}.`,
        ],
      },
    },
    {
      state: { p: '0' },
      spotlight: 'shape',
      say: (q) => `Keras' padding='same' computes its own output length: (in − 1)·stride + k − 2·⌊k/2⌋ + output_padding, then asks `
        + `TensorFlow for a result of that size. For stride ${q.P.stride[0]} that is meant to be in·stride.`,
      ask: {
        kind: 'number',
        prompt: () => 'How many rows does Keras\' padding=\'same\' give here?',
        answer: (q) => sizeWith(q, kerasSame(q).map((k) => k.pair))[0],
        hint: (q) => `With in = ${q.P.inSize[0]}, stride ${q.P.stride[0]}, k = ${q.P.kSize[0]} (so ⌊k/2⌋ = ${Math.floor(q.P.kSize[0] / 2)}) `
          + `and output_padding ${q.P.outputPadding[0]}.`,
        reveal: (q) => {
          const k = kerasSame(q)[0];
          return [
            eq(`(${q.P.inSize[0]} − 1)·${q.P.stride[0]} + ${q.P.kSize[0]} − 2·${Math.floor(q.P.kSize[0] / 2)} + ${q.P.outputPadding[0]} = ${k.length}`),
            `TensorFlow computes the same ${full(q).join('×')} full result and returns ${k.length} of its ${full(q)[0]} rows (and columns): `
            + `a crop. The page now crops the same way; the canvas shades what is cut.`,
          ];
        },
        then: (q) => ({ p: kerasPadding(q) }),
      },
    },
    {
      state: { p: '0,2,0,2' },
      spotlight: 'scatter-canvas',
      curtain: ['output', 'shape'],
      say: (q) => `Which ${q.P.outSize.join('×')} of the ${full(q).join('×')}? TensorFlow crops the way its forward convolution `
        + 'would pad: half of the padding at the start, rounded down, and the rest at the end.',
      ask: {
        kind: 'number',
        prompt: (q) => `What is ${yName(q, q.P.outSize[0] - 1, q.P.outSize[1] - 1)}, the last cell of Keras' ${q.P.outSize.join('×')}?`,
        answer: (q) => q.y(q.P.outSize[0] - 1, q.P.outSize[1] - 1),
        hint: (q) => {
          const n = q.P.inSize[0], s = q.P.stride[0], kEff = q.P.dilation[0] * (q.P.kSize[0] - 1) + 1;
          const total = Math.max((n - 1) * s + kEff - q.P.outSize[0], 0);
          return `First the crop: the forward convolution of a ${q.P.outSize[0]}-row input with kernel ${q.P.kSize[0]} and stride ${s} needs `
            + `(${n} − 1)·${s} + ${kEff} − ${q.P.outSize[0]} = ${total} row(s) of padding in all, and half of it, rounded down, goes at the top. `
            + 'Then: which stamps reach that canvas cell, and with which taps?';
        },
        reveal: (q) => {
          const g = q.geometry().padding;
          const [r, c] = [q.P.outSize[0] - 1, q.P.outSize[1] - 1];
          return [
            eq(`⌊${Math.max((q.P.inSize[0] - 1) * q.P.stride[0] + q.P.dilation[0] * (q.P.kSize[0] - 1) + 1 - q.P.outSize[0], 0)}/2⌋ = ${g.before[0]}`),
            `${g.before[0]} at the top and ${g.after[0]} at the bottom, the same at the left and the right: the ${q.P.outSize.join('×')} is the `
            + `top-left corner of the ${full(q).join('×')}, so every cell keeps PyTorch's number, and ${yName(q, r, c)} is canvas cell (${r + g.before[0]}, ${c + g.before[1]}):`,
            eq(sumOf(q, r, c)),
          ];
        },
      },
    },
    {
      state: { p: '0,2,0,2', view: 'padded_direct', cell: '0,0' },
      spotlight: 'padded-direct-input',
      say: (q) => `In the padded direct view a crop is less zero padding: each side gets [[dilation]]·(k − 1) = `
        + `${q.P.dilation[0] * (q.P.kSize[0] - 1)} minus what is cropped there, and output_padding is added at the end.`,
      ask: {
        kind: 'number',
        prompt: () => 'How many columns of zero padding are there to the right of the zero-inserted input?',
        answer: (q) => q.padded().padding.after[q.P.rank - 1],
        hint: (q) => `${q.P.dilation[1] * (q.P.kSize[1] - 1)} − ${q.geometry().padding.after[1]} (what 'same' crops at the right) `
          + `+ ${q.P.outputPadding[1]} (output_padding).`,
        reveal: (q) => {
          const after = q.padded().padding.after[q.P.rank - 1];
          return [
            eq(`${q.P.dilation[1]}·(${q.P.kSize[1]} − 1) − ${q.geometry().padding.after[1]} + ${q.P.outputPadding[1]} = ${after}`),
            `The left keeps all ${q.padded().padding.before[q.P.rank - 1]}: the crop is at the end only, so the window stops short on the right. `
            + `The pinned corner's window: ${sumOf(q, 0, 0)}.`,
          ];
        },
      },
    },
    {
      state: { p: 'same', view: 'scatter' },
      spotlight: 'scatter-canvas',
      curtain: ['output', 'shape', 'explain'],
      say: (q) => `The page's padding 'same' is ONNX's auto_pad SAME_UPPER. It also returns in·stride = ${q.P.outSize.join('×')}, but `
        + 'ONNX splits the transposed convolution\'s own crop in half (an odd cell goes at the end).',
      ask: {
        kind: 'number',
        prompt: (q) => `What is ${yName(q, 0, 0)} now?`,
        answer: (q) => q.y(0, 0),
        hint: (q) => `ONNX crops (in − 1)·s + output_padding + k − out = (${q.P.inSize[0]} − 1)·${q.P.stride[0]} + ${q.P.outputPadding[0]} `
          + `+ ${q.P.kSize[0]} − ${q.P.outSize[0]} rows in all, and SAME_UPPER takes half of it, rounded down, from the top: so which canvas cell is ${yName(q, 0, 0)}?`,
        reveal: (q) => {
          const g = q.geometry().padding;
          return [
            eq(`⌊(${q.P.full[0]} − ${q.P.outSize[0]})/2⌋ = ${g.before[0]}`),
            `${g.before[0]} at the top and ${g.after[0]} at the bottom: the centre ${q.P.outSize.join('×')}, not Keras' top-left one, so `
            + `${yName(q, 0, 0)} is canvas cell (${g.before[0]}, ${g.before[1]}):`,
            eq(sumOf(q, 0, 0)),
            'Same size, other numbers: a model\'s weights move between frameworks only with the crop written out.',
          ];
        },
      },
    },
    {
      state: { p: '0,2,0,2', view: 'matrix' },
      spotlight: 'matrix',
      say: (q) => `In the matrix view, y = Cᵀ·vec(x): one row of Cᵀ per output cell. PyTorch's ${full(q).join('×')} layer has a row `
        + 'for every cell of the full result.',
      ask: {
        kind: 'number',
        prompt: () => 'How many rows does Cᵀ have for Keras\' padding=\'same\'?',
        answer: (q) => q.P.Cout * q.P.outSize.reduce((a, b) => a * b, 1),
        hint: (q) => `One row per output cell, and the output is ${q.P.outSize.join('×')}.`,
        reveal: (q) => {
          const kept = q.P.outSize.reduce((a, b) => a * b, 1), all = full(q).reduce((a, b) => a * b, 1);
          return [
            eq(`${q.P.outSize.join('·')} = ${kept}`),
            `${kept} of the ${all} rows of the uncropped layer's Cᵀ: the crop deletes the rows of the cells it cuts, and nothing else `
            + `changes; the first row is still the corner's, ${sumOf(q, 0, 0)}. Pin an input cell or a kernel tap to see which rows it reaches.`,
          ];
        },
      },
    },
  ],
};

/** Keras' padding='same' crop of a lesson state's layer as the page's per-side padding (the lesson tests check the steps). */
export { kerasPadding };
