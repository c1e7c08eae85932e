// Sub-pixel view (Shi et al. 2016, "Is the deconvolution layer the same as a convolutional layer?"): a stride-s
// transposed convolution is s_h·s_w ordinary stride-1 convolutions. The output cells whose row and column leave the
// same remainders mod the stride form a phase; the phase reads the input with only the kernel taps that reach it (its
// sub-kernel), and interleaving the phases' small outputs gives the output: a convolution, then PixelShuffle. The
// engine's fast method computes it this way; engine.subpixel hands over each phase's taps, sub-kernel and output.
// Tap counts that differ between phases are what a checkerboard is made of, so the diagnosis sits beside the
// overlap counts.
import { el, figure, cellSize, contentWidth, scroller } from '../dom.js';
import { renderInto, keepFocus } from '../morph.js';
import { makeGrid } from '../grid.js';
import { fade, tint, maxAbs } from '../colors.js';
import { interleave } from '../model.js';
import { num, idx, factor } from '../format.js';
import { pinActions, pinNote, pinnedAt } from './pinning.js';

/**
 * One colour per phase: the Okabe–Ito colours without vermillion (the pin's colour), then two of Paul Tol's, so a
 * stride of 3 gets nine different ones; drawn as light tints under the numbers. More phases reuse them; the phase is
 * always named in the tooltip and the captions.
 */
export const PHASE_COLORS = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#CC79A7', '#999999', '#44AA99', '#AA4499'];
const phaseTint = (i) => fade(PHASE_COLORS[i % PHASE_COLORS.length], 38);
/** Per engine artifact, what the view computes from it once: the interleave check, the largest overlap count. */
const worstOf = new WeakMap();
const overlapMaxOf = new WeakMap();

/** Phase cards drawn at most; the rest are summarised (a stride of 8 has 64 phases). */
export const MAX_PHASES_DRAWN = 16;

/** A phase in two dimensions: 1-D phases get a height axis of one cell, so the same drawing serves both. */
function as2d(ph) {
  if (ph.first.length === 2) return ph;
  const one = (v, pad) => [pad, ...v];
  const [C, G, ...taps] = ph.kernel.shape;
  const [N, Co, ...counts] = ph.output.shape;
  return {
    ...ph, residue: one(ph.residue, 0), first: one(ph.first, 0), count: one(ph.count, 1), taps: one(ph.taps, [0]),
    inputStart: one(ph.inputStart, [0]), tapCounts: one(ph.tapCounts, 1),
    kernel: { shape: [C, G, 1, ...taps], data: ph.kernel.data }, output: { shape: [N, Co, 1, ...counts], data: ph.output.data },
  };
}

/** "phase (0,1)": rows ≡ 0, columns ≡ 1 (mod the stride). */
const phaseName = (ph) => `phase (${ph.first[0]},${ph.first[1]})`;

/**
 * Per axis, the tap count of each phase along it (phases named by their first output index): [{first, taps}].
 * From the engine's phases, so a stride larger than the output keeps only the phases that own cells.
 */
function axisTaps(phases, a) {
  const seen = new Map();
  for (const ph of phases) if (!seen.has(ph.first[a])) seen.set(ph.first[a], ph.taps[a].slice());
  return [...seen.entries()].sort((u, v) => u[0] - v[0]).map(([first, taps]) => ({ first, taps }));
}

const gcd = (a, b) => (b ? gcd(b, a % b) : a);

/** The checkerboard diagnosis: what the phases' tap counts say, in words, per axis and together. */
export function diagnosis(P, phases) {
  const names = ['rows', 'columns'];
  const k = [P.kH, P.kW];
  const lines = [];
  const uneven = [];
  const empty = [];
  for (let a = 0; a < 2; a++) {
    const counts = axisTaps(phases, a).map((t) => t.taps.length);
    if (P.s[a] === 1) continue;
    const distinct = [...new Set(counts)].sort((u, v) => v - u);
    const say = distinct.length === 1 ? `every phase gets ${distinct[0]}` : `the phases get ${distinct.join(' and ')}`;
    lines.push(`${names[a]}: kernel ${k[a]}${P.d[a] > 1 ? `, dilation ${P.d[a]}` : ''}, stride ${P.s[a]}: ${say} tap${distinct.length === 1 && distinct[0] === 1 ? '' : 's'}`);
    if (distinct.length > 1) uneven.push(a);
    if (counts.includes(0)) empty.push(a);
  }
  if (!lines.length) {
    return { lines: [], verdict: 'Stride 1: one phase, the whole kernel; nothing to interleave and no checkerboard from the stride.', uneven: false };
  }
  const products = phases.map((ph) => ph.tapCounts[0] * ph.tapCounts[1]);
  const shown = products.slice(0, 9);
  const perPhase = `${shown.slice(0, -1).join(', ')}${shown.length > 1 ? ' and ' : ''}${shown[shown.length - 1]}${products.length > 9 ? ', …' : ''}`;
  let verdict;
  if (empty.length) {
    verdict = `The phases use ${perPhase} taps: those with none are never written, so their outputs are always 0 (or the bias), a grid of holes.`;
  } else if (uneven.length) {
    verdict = `The phases use ${perPhase} taps, so away from the border neighbouring outputs are sums of different numbers of products: `
      + 'the checkerboard in the overlap counts, whatever the kernel\'s values.';
  } else {
    verdict = `Every phase uses ${products[0]} taps, so away from the border every output sums as many products: the stride leaves no checkerboard.`;
  }
  // What would even it out: a kernel size divisible by the stride, unless the dilation shares a factor with it.
  const fix = new Map(); // advice -> the axes it is for (the same advice for both axes is said once)
  for (const a of new Set([...uneven, ...empty])) {
    const g = gcd(P.d[a], P.s[a]);
    const text = g > 1
      ? `dilation ${P.d[a]} and stride ${P.s[a]} share the factor ${g}, so the taps reach only 1 in ${g} phases whatever the kernel size`
      : `a kernel of ${Math.ceil(k[a] / P.s[a]) * P.s[a]} (a multiple of the stride) would give every phase ${Math.ceil(k[a] / P.s[a])} tap${Math.ceil(k[a] / P.s[a]) === 1 ? '' : 's'}`;
    fix.set(text, [...(fix.get(text) || []), names[a]]);
  }
  const advice = [...fix].map(([text, axes]) => (fix.size > 1 || axes.length < 2 ? `Along the ${axes.join(' and ')}, ${text}` : `${text[0].toUpperCase()}${text.slice(1)}`)).join('. ');
  return { lines, verdict: advice ? `${verdict} ${advice}.` : verdict, uneven: uneven.length > 0 || empty.length > 0 };
}

/**
 * The view's figures as data, for the page and the figure export alike: {rows: [[{caption, grid}]], …}, each grid
 * web/grid.js's options. cells: {small, output, phase} cell sizes in px, and pins (web/views/pinning.js) to make
 * the grids pin targets. get, state: the store's (tracked while drawing). Returns {note} when there is nothing to draw yet.
 */
export function layout(get, state, pal, cells) {
  const a = get('artifact subpixel');
  if (a.pending) return { note: 'Computing the sub-pixel phases in the background…', pending: true };
  if (a.error) return { note: `This view cannot be drawn: ${a.error.message}` };
  const m = get('shown').model;
  const P = m.params;
  const co = state.co, cl = co % P.Cog, group = Math.floor(co / P.Cog);
  // The sub-kernels drawn are those of an input channel in co's group: the shown one if it is, else the group's first.
  const kci = state.ci >= group * P.Cig && state.ci < (group + 1) * P.Cig ? state.ci : group * P.Cig;
  const sub = a.value;
  const stride = sub.stride.length === 2 ? sub.stride : [1, ...sub.stride];
  const phases = sub.phases.map(as2d).sort((u, v) => u.first[0] - v.first[0] || u.first[1] - v.first[1]);
  const phaseAt = new Map(phases.map((ph, i) => [`${ph.first[0]},${ph.first[1]}`, i]));
  const phaseOf = (r, c) => phaseAt.get(`${r % stride[0]},${c % stride[1]}`) ?? -1;
  const yAt = (r, c) => m.output.data[(co * P.Hout + r) * P.Wout + c];
  const yMax = maxAbs(m.output.data);
  const pinned = state.cell;
  const contributions = get('highlight');
  const taps = state.ci === kci ? contributions.taps : [];
  const pins = cells.pins;
  const other = state.ci === kci ? null : [kci]; // the sub-kernels' input channel, when the shown one is not in co's group
  const reached = contributions.outputCells;
  const pinX = state.ci === kci ? pinnedAt(contributions.pinX) : null, pinW = state.ci === kci ? pinnedAt(contributions.pinW) : null;

  // Which phase each kernel tap serves (a tap reaches one row phase and one column phase).
  const tapPhase = new Map();
  phases.forEach((ph, i) => {
    for (const kh of ph.taps[0]) for (const kw of ph.taps[1]) tapPhase.set(kh * P.kW + kw, i);
  });
  const wAt = (kh, kw) => m.weight.data[((kci * P.Cog + cl) * P.kH + kh) * P.kW + kw];

  // The overlap counts of the output cells: the engine's scatter canvas counts, inside the crop window.
  const sc = get('artifact scatter');
  let overlap = null;
  if (sc.value) {
    const [Hc, Wc] = sc.value.overlap.shape.slice(-2);
    const start = sc.value.window.start.length === 2 ? sc.value.window.start : [0, ...sc.value.window.start];
    overlap = (r, c) => (Hc ? sc.value.overlap.data[(r + start[0]) * Wc + c + start[1]] : 0);
  }
  let oMax = 0;
  if (overlap) {
    if (!overlapMaxOf.has(sc.value)) {
      let most = 0;
      for (let r = 0; r < P.Hout; r++) for (let c = 0; c < P.Wout; c++) most = Math.max(most, overlap(r, c));
      overlapMaxOf.set(sc.value, most);
    }
    oMax = overlapMaxOf.get(sc.value);
  }

  const xAt = (i, j) => m.input.data[(kci * P.H + i) * P.W + j];
  const xMax = maxAbs(m.input.data);
  const grids = {
    input: {
      rows: P.H, cols: P.W, name: 'subpixel-input', label: `Input x (channel ${kci}), read by every phase`, cell: cells.small,
      same: [m.input, kci, pal], palette: pal, marks: { contrib: state.ci === kci ? contributions.inputCells : [] },
      pinned: pinX, pickWhat: 'an input cell', onPick: pins && ((i, j) => pins.x(i, j, 0, other)), onClear: pins && pins.clear,
      text: (i, j) => num(xAt(i, j)), value: (i, j) => xAt(i, j), bg: (i, j) => tint(xAt(i, j), xMax, pal),
      title: (i, j) => `x${idx(i, j)} = ${num(xAt(i, j))}`,
    },
    output: {
      rows: P.Hout, cols: P.Wout, name: 'subpixel-output', label: `Output y (channel ${co}), coloured by phase`, cell: cells.output,
      same: [m.output, co, sub, pal], pinned, palette: pal, marks: { contrib: reached }, onClear: pins && pins.clear,
      text: (r, c) => num(yAt(r, c)), value: (r, c) => yAt(r, c),
      bg: (r, c) => (phaseOf(r, c) >= 0 ? phaseTint(phaseOf(r, c)) : null),
      title: (r, c) => {
        const i = phaseOf(r, c);
        return `y${idx(r, c)} = ${num(yAt(r, c))}: ${i >= 0 ? `${phaseName(phases[i])}, its cell ${idx(Math.floor(r / stride[0]), Math.floor(c / stride[1]))}` : 'no phase'}`;
      },
      onPick: pins && pins.y,
    },
    kernel: {
      rows: P.kH, cols: P.kW, name: 'subpixel-kernel', label: `Kernel w[${kci},${cl}], coloured by the phase each tap serves`, cell: cells.small,
      same: [m.weight, kci, cl, sub, pal], palette: pal, marks: { contrib: taps },
      pinned: pinW, pickWhat: 'a kernel tap', onPick: pins && ((kh, kw) => pins.w(kh, kw, 0, other && [kci, cl])), onClear: pins && pins.clear,
      text: (kh, kw) => num(wAt(kh, kw)),
      bg: (kh, kw) => (tapPhase.has(kh * P.kW + kw) ? phaseTint(tapPhase.get(kh * P.kW + kw)) : null),
      cls: (kh, kw) => (tapPhase.has(kh * P.kW + kw) ? '' : 'crop'),
      title: (kh, kw) => `w${idx(kh, kw)} = ${num(wAt(kh, kw))}: ${tapPhase.has(kh * P.kW + kw) ? phaseName(phases[tapPhase.get(kh * P.kW + kw)]) : 'reaches no output (cropped)'}`,
    },
  };
  if (overlap) {
    grids.overlap = {
      rows: P.Hout, cols: P.Wout, name: 'subpixel-overlap', label: 'Overlap count of each output cell', cell: cells.output,
      same: [sc.value, pal], pinned, palette: pal, marks: { contrib: reached }, onClear: pins && pins.clear,
      text: (r, c) => `×${overlap(r, c)}`, value: (r, c) => overlap(r, c),
      bg: (r, c) => (oMax ? fade(pal.heat, Math.round(100 * overlap(r, c) / oMax)) : null),
      title: (r, c) => `y${idx(r, c)}: ${overlap(r, c)} kernel tap(s) per input channel land here`,
      onPick: pins && pins.y,
    };
  }

  const drawn = phases.slice(0, MAX_PHASES_DRAWN);
  const cards = drawn.map((ph, i) => {
    const [t0, t1] = ph.kernel.shape.slice(2);
    const [c0, c1] = ph.output.shape.slice(2);
    const kAt = (u, v) => ph.kernel.data[((kci * P.Cog + cl) * t0 + u) * t1 + v];
    const oAt = (u, v) => ph.output.data[(co * c0 + u) * c1 + v];
    const toOut = (u, v) => [ph.first[0] + u * stride[0], ph.first[1] + v * stride[1]];
    const pinHere = pinned && phaseOf(pinned[0], pinned[1]) === i ? [Math.floor(pinned[0] / stride[0]), Math.floor(pinned[1] / stride[1])] : null;
    // what the pin connects to, in this phase: its outputs (in the phase's own cells) and its taps (in the sub-kernel)
    const mine = reached.filter(([r, c]) => phaseOf(r, c) === i).map(([r, c]) => [Math.floor(r / stride[0]), Math.floor(c / stride[1])]);
    const subTap = ([kh, kw]) => [ph.taps[0].indexOf(kh), ph.taps[1].indexOf(kw)];
    const subTaps = [...taps, ...(pinW ? [pinW] : [])].map(subTap).filter(([u, v]) => u >= 0 && v >= 0);
    return {
      phase: ph, index: i,
      kernel: {
        rows: t0, cols: t1, name: `subpixel-sub-${i}`, label: `Sub-kernel of ${phaseName(ph)}`, cell: cells.small,
        same: [m.weight, kci, cl, sub, pal], palette: pal, marks: { contrib: subTaps },
        pickWhat: 'a kernel tap', onPick: pins && ((u, v) => pins.w(ph.taps[0][u], ph.taps[1][v], 0, other && [kci, cl])), onClear: pins && pins.clear,
        text: (u, v) => num(kAt(u, v)), bg: () => phaseTint(i),
        title: (u, v) => `w${idx(ph.taps[0][u], ph.taps[1][v])} = ${num(kAt(u, v))}`,
      },
      output: {
        rows: c0, cols: c1, name: `subpixel-phase-${i}`, label: `Output of ${phaseName(ph)}`, cell: cells.phase,
        same: [sub, co, pal], pinned: pinHere, palette: pal, marks: { contrib: mine }, onClear: pins && pins.clear,
        text: (u, v) => num(oAt(u, v)), value: (u, v) => oAt(u, v), bg: () => phaseTint(i),
        title: (u, v) => `its cell ${idx(u, v)} = ${num(oAt(u, v))} → y${idx(...toOut(u, v))}`,
        onPick: pins && ((u, v) => pins.y(...toOut(u, v))),
      },
      oAt, toOut,
    };
  });
  if (!worstOf.has(sub)) {
    const interleaved = interleave(sub, m.output.shape);
    let most = 0;
    for (let q = 0; q < interleaved.length; q++) most = Math.max(most, Math.abs(interleaved[q] - m.output.data[q]));
    worstOf.set(sub, most);
  }
  const worst = worstOf.get(sub);

  const captions = {
    output: `Output ${P.Hout}×${P.Wout}, coloured by phase: the phases interleaved`,
    overlap: 'Overlap count: taps landing on each output cell',
    kernel: 'Kernel, coloured by the phase each tap serves',
    input: P.Cin > 1 ? `Input x (channel ${kci}), read by every phase` : 'Input x, read by every phase',
  };
  const rows = [[
    { caption: captions.output, grid: grids.output },
    ...(grids.overlap ? [{ caption: captions.overlap, grid: grids.overlap }] : []),
  ], [
    { caption: captions.input, grid: grids.input },
    { caption: captions.kernel, grid: grids.kernel },
  ]];
  for (let i = 0; i < cards.length; i += 2) {
    rows.push(cards.slice(i, i + 2).flatMap((card) => [
      { caption: `${phaseName(card.phase)}: sub-kernel`, grid: card.kernel },
      { caption: `${phaseName(card.phase)}: its output`, grid: card.output },
    ]));
  }
  return {
    P, co, kci, cl, stride, phases, cards, grids, captions, rows, worst, yMax,
    diagnosis: diagnosis(P, phases), more: phases.length - drawn.length, m, highlight: contributions,
  };
}

/** The sum of a phase's first output, with the terms written out (the real products). */
function firstSum(L, card) {
  const { P, m, co, cl } = L;
  const ph = card.phase;
  const group = Math.floor(co / P.Cog);
  const chan = P.Cin > 1 || P.Cout > 1;
  const terms = [];
  for (let ci = group * P.Cig; ci < (group + 1) * P.Cig; ci++) {
    for (let j0 = 0; j0 < ph.taps[0].length; j0++) for (let j1 = 0; j1 < ph.taps[1].length; j1++) {
      const i = ph.inputStart[0][j0], j = ph.inputStart[1][j1];
      if (i < 0 || j < 0 || i >= P.H || j >= P.W) continue;
      const x = m.input.data[(ci * P.H + i) * P.W + j];
      const w = m.weight.data[((ci * P.Cog + cl) * P.kH + ph.taps[0][j0]) * P.kW + ph.taps[1][j1]];
      terms.push({ name: `${chan ? `x${idx(ci, i, j)}` : `x${idx(i, j)}`}·${chan ? `w${idx(ci, cl, ph.taps[0][j0], ph.taps[1][j1])}` : `w${idx(ph.taps[0][j0], ph.taps[1][j1])}`}`, text: `${factor(x)}·${factor(w)}` });
    }
  }
  const [r, c] = card.toOut(0, 0);
  const y = chan ? `y${idx(co, r, c)}` : `y${idx(r, c)}`;
  if (!terms.length) return `${y} = 0: no tap reaches this phase${ph.tapCounts[0] * ph.tapCounts[1] ? ' here (its taps read outside the input)' : ''}.`;
  const shown = terms.slice(0, 8);
  const more = terms.length > 8 ? ` + … (${terms.length - 8} more)` : '';
  return `${y} = ${shown.map((t) => t.name).join(' + ')}${more} = ${shown.map((t) => t.text).join(' + ')}${more} = ${num(card.oAt(0, 0))}`;
}

/** Draws the sub-pixel view into box from the store's derived values (ctx: web/app.js's view context). */
export function render(container, ctx) {
  const P = ctx.get('shown').model.params;
  const sw = P.s[P.s.length - 1];
  // Phase cards sit side by side, at least 17 rem (about 280 px) wide each: their grids share a card's width.
  const perRow = Math.max(1, Math.floor(contentWidth(container) / 290));
  const L = layout(ctx.get, ctx.state, ctx.palette, {
    small: cellSize(container, P.kW * 2 + 2, { min: 18, max: 30, reserve: 40 }),
    output: cellSize(container, P.Wout, { min: 14, max: 34, reserve: 16 }),
    phase: cellSize(container, (Math.ceil(P.Wout / sw) + 1) * perRow, { min: 12, max: 26, reserve: 40 }),
    pins: pinActions(ctx, P),
  });
  if (L.note) {
    container.replaceChildren(el('p', { class: 'note', ...(L.pending ? { role: 'status' } : {}) }, L.note));
    return;
  }
  const { stride, phases, cards, diagnosis: dx } = L;
  keepFocus(container, () => renderInto(container, (root) => {
    root.append(el('p', { class: 'lede' },
      `Stride ${stride.join('×')} splits the output into ${phases.length} phase${phases.length === 1 ? '' : 's'}, one per pair of remainders `
      + `(row mod ${stride[0]}, column mod ${stride[1]}). Phase (a,b) owns y[a::${stride[0]}, b::${stride[1]}] and is an ordinary stride-1 `
      + 'convolution of the input with the kernel taps that reach it; put back in place, the phases are the output. The fast method computes exactly this.'));

    const top = el('div', { class: 'row' });
    top.append(figure(L.captions.output, scroller('The output by phase', makeGrid(L.grids.output))));
    if (L.grids.overlap) top.append(figure(L.captions.overlap, scroller('The overlap counts', makeGrid(L.grids.overlap))));
    top.append(el('div', { class: 'why diagnosis', 'data-part': 'diagnosis', 'aria-live': 'polite' },
      el('p', {}, el('strong', {}, dx.uneven ? 'Checkerboard: ' : 'No checkerboard from the stride: '), dx.verdict),
      dx.lines.length ? el('ul', {}, dx.lines.map((line) => el('li', {}, line))) : null));
    root.append(top);

    const kRow = el('div', { class: 'row' });
    kRow.append(figure(L.captions.input, makeGrid(L.grids.input)), figure(L.captions.kernel, makeGrid(L.grids.kernel)));
    kRow.append(el('ul', { class: 'phase-legend', 'aria-label': 'Phases and their taps', 'data-part': 'phase-taps' },
      phases.slice(0, MAX_PHASES_DRAWN).map((ph, i) => el('li', {},
        el('span', { class: 'swatch', style: { background: PHASE_COLORS[i % PHASE_COLORS.length] } }),
        ` ${phaseName(ph)}: rows ${ph.first[0]}, ${ph.first[0] + stride[0]}, …, columns ${ph.first[1]}, ${ph.first[1] + stride[1]}, …; `
        + `taps kh ∈ {${ph.taps[0].join(', ')}}, kw ∈ {${ph.taps[1].join(', ')}}`))));
    root.append(kRow, pinNote(L.highlight));

    const grid = el('div', { class: 'phases' });
    for (const card of cards) {
      const [t0, t1] = card.phase.tapCounts;
      grid.append(el('section', { class: 'phase-card', 'data-part': 'phase', 'aria-label': phaseName(card.phase) },
        el('h3', {}, el('span', { class: 'swatch', style: { background: PHASE_COLORS[card.index % PHASE_COLORS.length] } }),
          ` ${phaseName(card.phase)}: ${t0}×${t1} tap${t0 * t1 === 1 ? '' : 's'}`),
        el('div', { class: 'row' },
          figure('Sub-kernel', t0 * t1 ? makeGrid(card.kernel) : el('p', { class: 'note' }, 'no taps')),
          figure(`slid over x with stride 1 gives its ${card.output.rows}×${card.output.cols} output`, scroller('This phase\'s output', makeGrid(card.output)))),
        el('p', { class: 'equation' }, `first cell: ${firstSum(L, card)}`)));
    }
    root.append(grid);
    if (L.more > 0) root.append(el('p', { class: 'note' }, `${L.more} more phases are not drawn (the first ${MAX_PHASES_DRAWN} are).`));
    root.append(el('p', { class: 'interleave' },
      `Interleaved: cell [t,u] of phase (a,b) goes to y[a + ${stride[0]}·t, b + ${stride[1]}·u]. Put back together, the phases equal the `
      + `output: max |difference| = ${num(L.worst)}.`));
  }));
}
