// Two sizes, one way back (the output_padding question): a strided conv2d maps several input sizes to the same
// output size, so its transposed convolution must be told which one to return: output_padding, or output_size.
import { yName, sumOf, list, eq, num } from './words.js';

/** The output heights the engine accepts for this input: one per output_padding it allows, {size, outputPadding}. */
function reachable(q) {
  const out = [];
  for (let op = 0; op < Math.max(q.P.s[0], q.P.d[0]); op++) {
    const size = q.outputSize({ outputPadding: [op, q.P.op[1]] });
    if (size) out.push({ size: size[0], outputPadding: op });
  }
  return out;
}

const formula = (q, op = q.P.op[0]) => `(${q.P.H} − 1)·${q.P.s[0]} − 2·${q.P.pb[0]} + ${q.P.d[0]}·(${q.P.kH} − 1) + ${op} + 1`;

export default {
  id: 'sizes',
  short: 'Two inputs, one output size: output_padding',
  title: 'Two sizes, one way back: output_padding and output_size',
  caption: 'Stride 2 maps sizes 3 and 4 to 2; output_padding 1 picks 4 on the way back, and output_size says it in PyTorch\'s forward().',
  state: { in: '2', k: '3', s: '2', p: '1', x: 'arange', w: 'arange', view: 'scatter' },
  steps: [
    {
      state: {},
      spotlight: 'shape',
      curtain: ['shape', 'sizes', 'output'],
      say: (q) => {
        const biggest = reachable(q).at(-1).size;
        return `A conv2d with kernel ${q.P.kH}, [[stride]] ${q.P.s[0]} and [[padding]] ${q.P.pb[0]} maps a ${biggest}×${biggest} input to `
          + `${q.P.H}×${q.P.W}, this page's input. A transposed convolution with the same settings is meant to go back.`;
      },
      ask: {
        kind: 'number',
        prompt: (q) => `What height does conv_transpose2d give for the ${q.P.H}×${q.P.W} input, with [[output_padding]] ${q.P.op[0]}?`,
        answer: (q) => q.outputSize()[0],
        hint: (q) => `H_out = (H − 1)·s − 2·p + d·(k − 1) + output_padding + 1, with H = ${q.P.H}, s = ${q.P.s[0]}, p = ${q.P.pb[0]}, `
          + `d = ${q.P.d[0]}, k = ${q.P.kH} and output_padding = ${q.P.op[0]}.`,
        reveal: (q) => {
          const r = reachable(q);
          return [
            eq(`${formula(q)} = ${q.outputSize()[0]}`),
            `${q.outputSize()[0]}, not ${r.at(-1).size}: conv2d rounds down, so it maps ${list(r.map((z) => z.size))} all to ${q.P.H}, `
            + 'and the way back returns the smallest of them.',
          ];
        },
      },
    },
    {
      state: {},
      spotlight: 'sizes',
      curtain: ['sizes'],
      say: (q) => `So conv2d maps ${list(reachable(q).map((z) => z.size))} to ${q.P.H}, and the way back has to be told which size to return. `
        + '[[output_padding]] adds that many rows at the bottom and columns at the right.',
      ask: {
        kind: 'number',
        prompt: (q) => `Which output_padding returns ${reachable(q).at(-1).size}×${reachable(q).at(-1).size}?`,
        answer: (q) => {
          const biggest = reachable(q).at(-1).size;
          return q.geometry({ outputSize: [biggest, biggest] }).outputPadding[0];
        },
        hint: (q) => `Without output_padding the output is ${q.outputSize()[0]}; each unit of output_padding adds one row.`,
        reveal: (q) => {
          const r = reachable(q);
          return [
            eq(`output_padding = ${r.at(-1).size} − ${r[0].size} = ${r.at(-1).outputPadding}`),
            `output_padding picks among the sizes conv2d maps to ${q.P.H}; it must stay below the stride (or the dilation), so with `
            + `stride ${q.P.s[0]} it is ${list(r.map((z) => z.outputPadding)).replace(/ and /, ' or ')}. The output-size panel lists them. It is now set.`,
          ];
        },
        then: (q) => ({ op: String(reachable(q).at(-1).outputPadding) }),
      },
    },
    {
      state: { op: '1' },
      spotlight: 'scatter-canvas',
      curtain: ['output', 'explain'],
      say: (q) => `With output_padding ${q.P.op[0]} the output is ${q.P.Hout}×${q.P.Wout}. Its last row and column (hatched) come from the `
        + 'canvas, where the padding used to crop them.',
      ask: {
        kind: 'number',
        prompt: (q) => `What is ${yName(q, q.P.Hout - 1, q.P.Wout - 1)}, the new bottom-right corner?`,
        answer: (q) => q.y(q.P.Hout - 1, q.P.Wout - 1),
        hint: (q) => {
          const before = q.geometry().padding.before;
          return `It is canvas cell (${q.P.Hout - 1 + before[0]}, ${q.P.Wout - 1 + before[1]}): padding crops ${before[0]} at the start, and `
            + 'output_padding gives a row and a column back at the end. Which stamp reaches that cell, with which tap?';
        },
        reveal: (q) => [
          eq(sumOf(q, q.P.Hout - 1, q.P.Wout - 1)),
          'output_padding adds no zeros to the input and pads no zeros onto the output: the new cells hold real sums, from canvas '
          + 'cells that the padding would otherwise crop.',
        ],
        then: (q) => ({ cell: `${q.P.Hout - 1},${q.P.Wout - 1}` }),
      },
    },
    {
      state: { op: '1' },
      spotlight: 'sizes',
      curtain: ['sizes', 'shape'],
      say: () => 'PyTorch can pick output_padding for you: `ConvTranspose2d(…)(x, output_size=[H, W])` accepts a size that conv2d maps '
        + 'back to the input, and sets output_padding from it.',
      ask: {
        kind: 'number',
        prompt: (q) => `What is the largest output_size this layer accepts for the ${q.P.H}×${q.P.W} input?`,
        answer: (q) => Math.max(...reachable(q).map((z) => z.size)),
        hint: (q) => `output_size minus ${q.outputSize({ outputPadding: [0, 0] })[0]} becomes output_padding, and output_padding must be `
          + `smaller than the stride ${q.P.s[0]} (or the dilation ${q.P.d[0]}).`,
        reveal: (q) => {
          const biggest = Math.max(...reachable(q).map((z) => z.size));
          return [
            eq(`output_size = ${reachable(q)[0].size} + output_padding ${reachable(q).at(-1).outputPadding} = ${biggest}`),
            `${biggest} is the largest. One more is refused; the engine says why:`,
            eq(q.refusal({ outputSize: [biggest + 1, biggest + 1] }) || '(accepted)'),
          ];
        },
      },
    },
    {
      state: { k: '4' },
      spotlight: 'shape',
      curtain: ['shape', 'output', 'sizes'],
      say: (q) => `Kernel ${q.P.kH}, stride ${q.P.s[0]}, padding ${q.P.pb[0]} is the usual 2× upsampling layer of decoders and GANs.`,
      ask: {
        kind: 'number',
        prompt: (q) => `What output height does it give for the ${q.P.H}×${q.P.W} input?`,
        answer: (q) => q.outputSize()[0],
        hint: (q) => `H_out = (H − 1)·s − 2·p + d·(k − 1) + output_padding + 1, with H = ${q.P.H}, s = ${q.P.s[0]}, p = ${q.P.pb[0]}, `
          + `d = ${q.P.d[0]}, k = ${q.P.kH} and output_padding = ${q.P.op[0]}.`,
        reveal: (q) => [
          eq(`${formula(q)} = ${q.outputSize()[0]}`),
          `${num(q.outputSize()[0])} = ${q.P.s[0]}·${q.P.H} exactly: with k = s + 2p the output is s times the input for every size. `
          + `conv2d still maps ${list(reachable(q).map((z) => z.size))} to ${q.P.H}, so output_padding ${reachable(q).at(-1).outputPadding} `
          + `would give ${reachable(q).at(-1).size}.`,
        ],
      },
    },
  ],
};
