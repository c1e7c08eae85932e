// Why is the corner 6 and the next cell 12? The corner question: 4×4 ones through the kernel 1…16, stride 2,
// padding 1 (PyTorch prints 6, 12, 14, … in the first row). Every number asked for comes from the engine.
import { yName, xOf, wOf, sumOf, count, list, eq, num, idx } from './words.js';

/** Canvas cell of output (r, c): padding crops `before` cells at the start of each axis. */
const canvasOf = (q, r, c) => {
  const before = q.geometry().padding.before;
  return [r + before[0], c + before[1]];
};

export default {
  id: 'corner',
  short: 'Why is the corner 6?',
  title: 'Why is the corner 6 and the next cell 12?',
  caption: '4×4 ones, kernel 1…16, stride 2, padding 1: only one tap reaches the corner, two reach the cell beside it.',
  state: { in: '4', k: '4', s: '2', p: '1', x: 'ones', w: 'arange', view: 'scatter' },
  steps: [
    {
      state: { cell: '0,0', step: '1' },
      spotlight: 'scatter-canvas',
      say: (q) => {
        const [u, v] = canvasOf(q, 0, 0);
        const t = q.terms(0, 0)[0];
        return [
          `x is ${q.P.H}×${q.P.W} ones and the kernel w holds 1…${q.P.kH * q.P.kW}. Each input cell stamps x·w onto the canvas, `
          + `[[stride]] ${q.P.s[1]} cells apart, and [[padding]] ${q.P.pb[0]} crops the outer ring (shaded).`,
          `Only the first stamp, ${xOf(q, t)}·w, is drawn so far. The pinned corner ${yName(q, 0, 0)} is canvas cell (${u}, ${v}); `
          + `this stamp is the only one that reaches it, with its tap ${wOf(q, t)} = ${num(t.w)}: that is the 6.`,
        ];
      },
      ask: {
        kind: 'number',
        prompt: (q) => `The next stamp lands ${q.P.s[1]} columns further right. What will ${yName(q, 0, 1)} be once every stamp is in?`,
        answer: (q) => q.y(0, 1),
        hint: (q) => {
          const [u, v] = canvasOf(q, 0, 1);
          const terms = q.terms(0, 1);
          const first = terms.find((t) => t.input[2] === 0 && t.input[3] === 0);
          const others = terms.filter((t) => t !== first).map((t) => xOf(q, t));
          return `${yName(q, 0, 1)} is canvas cell (${u}, ${v}). The first stamp already put ${first ? num(first.product) : 0} there`
            + `${first ? ` (${xOf(q, first)}·${wOf(q, first)})` : ''}. ${others.length ? `The stamp of ${list(others)} reaches it too: which of its taps lands on (${u}, ${v})?` : ''}`;
        },
        reveal: (q) => [
          eq(sumOf(q, 0, 1)),
          `Two stamps overlap on that cell because the stride ${q.P.s[1]} is smaller than the kernel ${q.P.kW}. The second stamp is now drawn.`,
        ],
        then: { step: '2', cell: '0,1' },
      },
    },
    {
      state: {},
      spotlight: 'scatter-canvas',
      say: () => `Now every stamp is in. Where stamps overlap, an output cell is a sum of several products; near the border fewer stamps reach.`,
      ask: {
        kind: 'cell',
        prompt: () => 'Click an output cell whose number is a sum of exactly two products (or use the arrow keys on the canvas, then Enter).',
        cells: (q) => q.cells((r, c) => q.terms(r, c).length === 2),
        hint: (q, [r, c]) => {
          const n = q.terms(r, c).length;
          return `${sumOf(q, r, c)}: ${count(n, 'product')}. `
            + (n > 2 ? 'Fewer stamps reach the cells along the border.' : 'Only one stamp reaches a corner; the cells beside it on the border get more.');
        },
        reveal: (q, given) => [
          eq(sumOf(q, ...(given || q.cells((r, c) => q.terms(r, c).length === 2)[0]))),
          `Along each axis a kernel of ${q.P.kW} with stride ${q.P.s[1]} covers every canvas cell ${q.P.kW / q.P.s[1]} times, except at the ends. `
          + `So inside the output every cell sums ${count(q.terms(3, 3).length, 'product')}, the border cells ${q.terms(0, 3).length}, the corners ${q.terms(0, 0).length}.`,
        ],
      },
    },
    {
      state: { view: 'matrix', cell: '0,1' },
      spotlight: 'matrix',
      say: (q) => `The matrix view computes the same output as one product, y = Cᵀ·vec(x). Each output cell is one row of Cᵀ; `
        + `the pinned ${yName(q, 0, 1)}'s row is outlined, and each coloured entry is a kernel tap, coloured as in the kernel.`,
      ask: {
        kind: 'number',
        prompt: (q) => `How many nonzero entries does the row of ${yName(q, 0, 1)} hold?`,
        answer: (q) => q.ctRow(0, 1).length,
        hint: () => 'Count the coloured cells of the outlined row; the columns are the input cells x[i,j] in reading order.',
        reveal: (q) => {
          const row = q.ctRow(0, 1);
          return [
            `${count(row.length, 'nonzero')}: ${list(row.map((e) => `w${idx(...e.tap.slice(2))} = ${num(e.value)} in the column of x${idx(...e.input.slice(1))}`))}.`,
            eq(sumOf(q, 0, 1)),
            'The same products as the overlapping stamps: Cᵀ·vec(x) does in one matrix product what the stamps do one at a time.',
          ];
        },
      },
    },
    {
      state: { view: 'padded_direct', cell: '0,0' },
      spotlight: 'padded-direct-input',
      say: (q) => `The padded direct view gets the same numbers from an ordinary convolution: it inserts [[stride]] − 1 = ${q.P.s[0] - 1} `
        + 'zero between the input cells, pads the result, and slides the kernel rotated by 180° over it.',
      ask: {
        kind: 'number',
        prompt: () => 'How many rows of zero padding go above the zero-inserted input?',
        answer: (q) => q.padded().padding.before[0],
        hint: (q) => `The padding is [[dilation]]·(kernel − 1) − [[padding]], here with dilation ${q.P.d[0]}, kernel ${q.P.kH} and padding ${q.P.pb[0]}.`,
        reveal: (q) => {
          const t = q.terms(0, 0)[0];
          const k = q.P.kH - 1;
          return [
            eq(`${q.P.d[0]}·(${q.P.kH} − 1) − ${q.P.pb[0]} = ${q.padded().padding.before[0]}`),
            `So the window of ${yName(q, 0, 0)} covers padding and a single input cell, ${xOf(q, t)}, under the rotated kernel's `
            + `position (${k - t.weight[2]}, ${k - t.weight[3]}), which holds ${wOf(q, t)} = ${num(t.w)}: the same ${num(q.y(0, 0))}.`,
          ];
        },
      },
    },
    {
      state: {},
      spotlight: 'scatter-canvas',
      curtain: ['output'],
      say: () => 'Back to the stamps, with the canvas hidden: the last corner works like the first.',
      ask: {
        kind: 'number',
        prompt: (q) => `Predict ${yName(q, q.P.Hout - 1, q.P.Wout - 1)}, the bottom-right corner of the output.`,
        answer: (q) => q.y(q.P.Hout - 1, q.P.Wout - 1),
        hint: (q) => {
          const [u, v] = canvasOf(q, q.P.Hout - 1, q.P.Wout - 1);
          return `It is canvas cell (${u}, ${v}). The last stamp, x${idx(q.P.H - 1, q.P.W - 1)}'s, starts at (${(q.P.H - 1) * q.P.s[0]}, ${(q.P.W - 1) * q.P.s[1]}): `
            + 'which of its taps lands there, and does any other stamp reach it?';
        },
        reveal: (q) => [
          eq(sumOf(q, q.P.Hout - 1, q.P.Wout - 1)),
          `One product again: the crop removes the canvas's last ${q.P.pb[0]} row and column, so the bottom-right corner, like the top-left, `
          + `is reached by one tap. In general y[r,c] = Σ x[i,j]·w[r + p − i·s, c + p − j·s] over the taps that exist.`,
        ],
        then: (q) => ({ cell: `${q.P.Hout - 1},${q.P.Wout - 1}` }),
      },
    },
  ],
};
