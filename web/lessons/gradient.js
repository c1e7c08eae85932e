// Cᵀ·y is not the gradient (the Cᵀ-and-the-gradient question): the question built conv2d's matrix C for a 4×4 z and
// a 3×3 kernel, multiplied Cᵀ by conv2d's output y instead of by the upstream gradient, and ran the padded direct
// convolution of section 4.3 without rotating the kernel. Here the page's input x is the upstream gradient g.
import { sumOf, count, list, eq, num, idx, factor } from './words.js';

/** (Cᵀ·v)[r, c] for a vector v over the page's input cells, from the entries of Cᵀ's row: {terms, value}. */
function ctTimes(q, r, c, v) {
  const terms = q.ctRow(r, c).map((e) => ({ e, x: v.data[(e.input[0] * q.P.H + e.input[1]) * q.P.W + e.input[2]] }));
  return { terms, value: terms.reduce((s, t) => s + t.e.value * t.x, 0) };
}

export default {
  id: 'gradient',
  short: 'Cᵀ and the gradient',
  title: 'Cᵀ·y is not the gradient',
  caption: 'Multiply Cᵀ by the upstream gradient (ones here), not by conv2d\'s output; the padded direct form needs the rotated kernel.',
  state: { in: '2', k: '3', x: 'ones', w: 'rand:7', view: 'matrix' },
  steps: [
    {
      state: { transposed: '0' },
      spotlight: 'matrix',
      say: (q) => `The question's conv2d slides a ${q.P.kH}×${q.P.kW} kernel over a ${q.P.Hout}×${q.P.Wout} input z and gives a `
        + `${q.P.H}×${q.P.W} output y = C·vec(z). Here the matrix view shows C itself: one row per output of conv2d, one column per cell of z.`,
      ask: {
        kind: 'number',
        prompt: () => 'How many nonzero entries does each row of C hold?',
        answer: (q) => q.cRow(0, 0).length,
        hint: () => 'A row of C is one position of the kernel over z: count the coloured cells of the first row.',
        reveal: (q) => {
          // conv2d's z is 1, 2, 3, … in reading order (the question's torch.arange(1, 17)), as in the gradient panel
          const row = q.cRow(0, 0);
          const z = (e) => e.output[1] * q.P.Wout + e.output[2] + 1;
          return [
            eq(`y1[0,0] = ${row.map((e) => `z${idx(e.output[1], e.output[2])}·w${idx(e.tap[2], e.tap[3])}`).join(' + ')}`),
            eq(`= ${row.map((e) => `${z(e)}·${factor(e.value)}`).join(' + ')} = ${num(q.gradient().y.data[0])}`),
            `${row.length} nonzeros: each output of conv2d sums the ${q.P.kH}×${q.P.kW} products of its window. A column of C, one cell `
            + `of z, holds between ${Math.min(...q.cells(() => true).map(([r, c]) => q.ctRow(r, c).length))} and `
            + `${Math.max(...q.cells(() => true).map(([r, c]) => q.ctRow(r, c).length))}: the number of windows that cover it.`,
          ];
        },
      },
    },
    {
      state: { view: 'scatter' },
      spotlight: 'scatter-canvas',
      curtain: ['output', 'explain', 'gradient'],
      say: (q) => [
        `The backward pass runs conv2d the other way: the upstream [[gradient]] g = ∂L/∂y arrives in y's shape (${q.P.H}×${q.P.W}), and `
        + '∂L/∂z = Cᵀ·g, which is conv_transpose2d(g, w): every cell of g stamps the kernel. This page\'s input x is g: all ones, the '
        + 'gradient of L = sum(y) that the question\'s `y1.backward(torch.ones_like(y1))` sends.',
      ],
      ask: {
        kind: 'number',
        prompt: () => 'What is ∂L/∂z[0,0], the first number of `x1.grad` in the question\'s code?',
        answer: (q) => q.y(0, 0),
        hint: (q) => `z[0,0] is the canvas's corner: ${count(q.terms(0, 0).length, 'stamp')} of g reach${q.terms(0, 0).length === 1 ? 'es' : ''} it. `
          + 'Which tap of the kernel lands there? g is all ones.',
        reveal: (q) => [
          'On this page x is g, and y is ∂L/∂z:',
          eq(sumOf(q, 0, 0)),
          `That is \`x1.grad[0,0]\`. In the matrix view it is row 0 of Cᵀ, which holds ${list(q.ctRow(0, 0).map((e) => `w${idx(...e.tap.slice(2))}`))}, `
          + 'times g. The gradient panel below checks all '
          + `${q.P.Hout * q.P.Wout} numbers against conv2d's own backward pass: max |difference| = ${num(q.gradient().gradDifference)}.`,
        ],
        then: { cell: '0,0' },
      },
    },
    {
      state: {},
      spotlight: 'gradient',
      curtain: ['gradient'],
      say: (q) => {
        const y = q.gradient().y;
        const rows = Array.from({ length: q.P.H }, (_, i) => `[${Array.from({ length: q.P.W }, (_, j) => num(y.data[i * q.P.W + j])).join(', ')}]`);
        return `The question multiplied Cᵀ by y1 = conv2d(z, w), the forward output, not by the gradient. With z = 1…${q.P.Hout * q.P.Wout} `
          + `(${q.P.Hout}×${q.P.Wout}), y1 = [${rows.join(', ')}].`;
      },
      ask: {
        kind: 'number',
        prompt: () => 'What is (Cᵀ·y1)[0], the number the question got for z[0,0]?',
        answer: (q) => q.gradient().ctY.data[0],
        hint: (q) => {
          const { terms } = ctTimes(q, 0, 0, q.gradient().y);
          return `Row 0 of Cᵀ holds ${list(terms.map((t) => `w${idx(...t.e.tap.slice(2))} = ${num(t.e.value)}`))}; this time multiply by y1's `
            + `number${terms.length > 1 ? 's' : ''} instead of g's ones.`;
        },
        reveal: (q) => {
          const { terms, value } = ctTimes(q, 0, 0, q.gradient().y);
          return [
            eq(`(Cᵀ·y1)[0] = ${terms.map((t) => `${num(t.e.value)}·${num(t.x)}`).join(' + ')} = ${num(value)}`),
            `The gradient is ${num(q.y(0, 0))}. Cᵀ·y1 depends on z (it differs from the gradient by up to ${num(q.gradient().ctyDifference)}); `
            + 'the gradient does not, because L = sum(y·g) is linear in z. Multiply Cᵀ by the gradient that arrives from above, never by y.',
          ];
        },
      },
    },
    {
      state: { view: 'padded_direct' },
      spotlight: 'padded-direct-rotated',
      curtain: ['rotated'],
      say: (q) => `Section 4.3 computes the same thing as a direct convolution: pad g by [[dilation]]·(k − 1) − [[padding]] = `
        + `${q.padded().padding.before[0]} and slide the kernel over it. But the kernel has to be rotated by 180° first.`,
      ask: {
        kind: 'number',
        prompt: () => 'Which value of w sits at the top-left corner of the rotated kernel?',
        answer: (q) => q.padded().rotatedKernel.data[0],
        hint: (q) => `Rotating by 180° sends w[i,j] to position [${q.P.kH - 1} − i, ${q.P.kW - 1} − j].`,
        reveal: (q) => `w${idx(q.P.kH - 1, q.P.kW - 1)} = ${num(q.w(q.P.kH - 1, q.P.kW - 1))}: the rotated kernel is w read backwards in both `
          + 'directions. A window over the padded g meets the gradient cells in the order opposite to the stamps of the scatter view.',
      },
    },
    {
      state: { view: 'padded_direct', cell: '0,0' },
      spotlight: 'padded-direct-output',
      say: () => 'The question ran `F.conv2d(y1, w1, padding=2)` with w as stored, not rotated.',
      ask: {
        kind: 'number',
        prompt: (q) => `With g all ones, what does \`F.conv2d(g, w, padding=${q.padded().padding.before[0]})\` give at [0,0], without the rotation?`,
        answer: (q) => q.conv2d(q.padded().padded, q.weight, {}).data[0],
        hint: (q) => `The top-left window covers ${q.padded().padding.before[0]} rows and columns of padding and g[0,0] only, `
          + 'under the kernel\'s bottom-right tap.',
        reveal: (q) => {
          const wrong = q.conv2d(q.padded().padded, q.weight, {}).data[0];
          return [
            eq(`conv2d(g, w, padding=${q.padded().padding.before[0]})[0,0] = ${num(wrong)}`),
            'but conv_transpose2d(g, w) gives',
            eq(sumOf(q, 0, 0)),
            'Without the rotation the window multiplies g[0,0] by the opposite tap. With the rotated kernel (this view) the direct '
            + 'convolution equals conv_transpose2d everywhere: the agreement line below the view says so.',
          ];
        },
      },
    },
  ],
};
