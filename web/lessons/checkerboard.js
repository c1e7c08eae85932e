// Where checkerboards come from: with all-ones input and kernel every output is the count of its products, and the
// counts alternate when the kernel size is not a multiple of the stride (Odena et al., Distill 2016). The sub-pixel
// view says why: each phase of the output gets its own number of kernel taps.
import { yName, sumOf, count, list, eq } from './words.js';

/** Taps of a phase: the product of its per-axis tap counts. */
const tapsOf = (phase) => phase.tapCounts.reduce((a, b) => a * b, 1);
/** The phase that owns output (r, c). */
const phaseOf = (q, r, c) => q.phases().phases.find((ph) => ph.first[0] === r % q.P.s[0] && ph.first[1] === c % q.P.s[1]);
const inside = (q, r, c) => r > 0 && c > 0 && r < q.P.Hout - 1 && c < q.P.Wout - 1;
const gcdOf = (a, b) => (b ? gcdOf(b, a % b) : a);
/** The products per cell along row r, inside the border: "4, 2, 4, 2". */
const along = (q, r) => Array.from({ length: Math.min(4, q.P.Wout - 2) }, (_, j) => q.terms(r, j + 1).length).join(', ');

export default {
  id: 'checkerboard',
  short: 'Checkerboard artifacts',
  title: 'Where checkerboards come from',
  caption: 'Kernel 3, stride 2: stamps overlap unevenly; the overlap heat map and the sub-pixel phases show the checkerboard.',
  state: { in: '5', k: '3', s: '2', x: 'ones', w: 'ones', view: 'scatter', overlap: '1' },
  steps: [
    {
      state: {},
      spotlight: 'scatter-canvas',
      curtain: ['output'],
      say: () => 'x and w are all ones, so every output is just the number of products in its sum. The overlap heat map counts the '
        + 'kernel taps that land on each canvas cell (hidden for now).',
      ask: {
        kind: 'number',
        prompt: (q) => `What is ${yName(q, 2, 2)}?`,
        answer: (q) => q.y(2, 2),
        hint: (q) => {
          const rows = [...new Set(q.terms(2, 2).map((t) => t.input[2]))];
          return `Row 2 of the canvas is reached by the stamps of input ${rows.length === 1 ? 'row' : 'rows'} ${list(rows)}: they start `
            + `${q.P.s[0]} rows apart and are ${q.P.kH} tall. Columns work the same way.`;
        },
        reveal: (q) => {
          const t = q.terms(2, 2);
          const rows = new Set(t.map((u) => u.input[2])).size, cols = new Set(t.map((u) => u.input[3])).size;
          return [eq(sumOf(q, 2, 2)), `${count(t.length, 'product')}: ${rows} stamps overlap along the rows, ${cols} along the columns.`];
        },
      },
    },
    {
      state: {},
      spotlight: 'scatter-canvas',
      say: () => 'Now look at the counts across the whole canvas.',
      ask: {
        kind: 'cell',
        prompt: () => 'Click an output cell away from the border whose sum has only one product.',
        cells: (q) => q.cells((r, c) => inside(q, r, c) && q.terms(r, c).length === 1),
        hint: (q, [r, c]) => `${yName(q, r, c)} sums ${count(q.terms(r, c).length, 'product')}`
          + `${inside(q, r, c) ? '' : ', and it is on the border'}. Odd rows are reached by one stamp, even rows by two; columns alike.`,
        reveal: (q, given) => [
          eq(sumOf(q, ...(given || q.cells((r, c) => inside(q, r, c) && q.terms(r, c).length === 1)[0]))),
          `Inside the output the counts alternate ${along(q, 2)} along row 2 and ${along(q, 3)} along row 3: a checkerboard. Whatever `
          + 'the kernel learns, neighbouring outputs are sums of different numbers of products.',
        ],
      },
    },
    {
      state: { view: 'subpixel' },
      spotlight: 'subpixel-phases',
      curtain: ['subkernels', 'diagnosis', 'output'],
      say: (q) => `The sub-pixel view splits the output into ${q.P.s[0]}×${q.P.s[1]} [[phase|phases]]: the cells whose row and column leave `
        + `the same remainders when divided by the [[stride]]. Each phase is a small ordinary convolution with only the taps that reach it.`,
      ask: {
        kind: 'number',
        prompt: (q) => `How many kernel taps does the phase of ${yName(q, 0, 0)} (even rows, even columns) use?`,
        answer: (q) => tapsOf(phaseOf(q, 0, 0)),
        hint: (q) => `Along the rows, tap kh lands on canvas rows i·${q.P.s[0]} + kh: the taps with the same remainder as the phase's rows reach it.`,
        reveal: (q) => {
          const ph = phaseOf(q, 0, 0);
          const others = q.phases().phases.filter((p) => p !== ph).map(tapsOf);
          return [
            eq(`${ph.tapCounts[0]} kernel rows (${list(ph.taps[0])}) × ${ph.tapCounts[1]} columns (${list(ph.taps[1])}) = ${tapsOf(ph)} taps`),
            `The other phases use ${list(others)}: neighbouring outputs sum different numbers of products, the checkerboard of the overlap counts.`,
          ];
        },
      },
    },
    {
      state: { view: 'subpixel', k: '4', p: '1' },
      spotlight: 'subpixel-phases',
      curtain: ['subkernels', 'diagnosis', 'output'],
      say: (q) => `Make the kernel a multiple of the stride: kernel ${q.P.kH} (padding ${q.P.pb[0]} keeps the output ${q.P.s[0]}× the input).`,
      ask: {
        kind: 'number',
        prompt: () => 'How many taps does each phase use now?',
        answer: (q) => tapsOf(q.phases().phases[0]),
        hint: (q) => `Along each axis the ${q.P.kH} taps split by their remainder mod ${q.P.s[0]}.`,
        reveal: (q) => {
          const ph = q.phases().phases[0];
          return [
            eq(`${ph.tapCounts[0]} × ${ph.tapCounts[1]} = ${tapsOf(ph)} taps, in ${q.phases().phases.every((p) => tapsOf(p) === tapsOf(ph)) ? 'every' : 'the first'} phase`),
            'Away from the border each output sums the same number of products, so the stride leaves no checkerboard. The overlap '
            + 'counts beside the phases agree.',
          ];
        },
      },
    },
    {
      state: { view: 'subpixel', k: '2', s: '3' },
      spotlight: 'subpixel-phases',
      curtain: ['subkernels', 'diagnosis', 'output'],
      say: (q) => `A kernel smaller than the stride: kernel ${q.P.kH}, stride ${q.P.s[0]}.`,
      ask: {
        kind: 'number',
        prompt: (q) => `How many of the ${q.P.s[0]}×${q.P.s[1]} = ${q.P.s[0] * q.P.s[1]} phases get no tap at all?`,
        answer: (q) => q.phases().phases.filter((ph) => tapsOf(ph) === 0).length,
        hint: (q) => `Along each axis the ${q.P.kH} taps reach ${q.P.kH} of the ${q.P.s[0]} remainders.`,
        reveal: (q) => {
          const all = q.phases().phases;
          const empty = all.filter((ph) => tapsOf(ph) === 0).length;
          return [
            eq(`${all.length} phases − ${all.length - empty} with taps = ${empty}`),
            'Those rows and columns are never written. They stay 0 (or the bias): a grid of holes, the worst checkerboard.',
          ];
        },
      },
    },
    {
      state: { view: 'scatter', d: '2' },
      spotlight: 'scatter-canvas',
      say: (q) => `[[dilation]] ${q.P.d[0]} with stride ${q.P.s[0]}: the taps sit ${q.P.d[0]} cells apart, and the stamps ${q.P.s[0]} apart.`,
      ask: {
        kind: 'cell',
        prompt: () => 'Click an output cell that no kernel tap reaches.',
        cells: (q) => q.cells((r, c) => q.terms(r, c).length === 0),
        hint: (q, [r, c]) => `${yName(q, r, c)} sums ${count(q.terms(r, c).length, 'product')}. Every tap lands on a canvas row i·${q.P.s[0]} + kh·${q.P.d[0]}: which rows are those?`,
        reveal: (q, given) => [
          eq(sumOf(q, ...(given || q.cells((r, c) => q.terms(r, c).length === 0)[0]))),
          eq(`taps land on rows i·${q.P.s[0]} + kh·${q.P.d[0]} = ${Array.from({ length: 4 }, (_, t) => t * gcdOf(q.P.s[0], q.P.d[0])).join(', ')}, …`),
          `Every ${gcdOf(q.P.s[0], q.P.d[0]) === 2 ? 'odd' : 'other'} row and column stays 0: the dilation shares the factor `
          + `${gcdOf(q.P.s[0], q.P.d[0])} with the stride, so the taps reach only some of the phases, whatever the kernel size.`,
        ],
      },
    },
  ],
};
