// Scatter view: every input cell stamps value × kernel onto an uncropped canvas at i·s + k·d along each axis;
// overlaps add; then padding crops each side by its own amount (engine.scatter's window), and the bias, when there
// is one, lands last on every output cell. Step-through replays the stamps, then the bias. A 1-D layer is one row;
// a 3-D layer shows the canvas depth slice of the chosen output depth, with the stamps that reach it.
import { el, listen, figure, cellSize, scroller, contentWidth } from '../dom.js';
import { renderInto, keepFocus } from '../morph.js';
import { makeGrid } from '../grid.js';
import { tapColor, tapLabel, tint, fade, maxAbs } from '../colors.js';
import { player } from '../player.js';
import { num } from '../format.js';
import { planeOf, spatial, cellName, cropWords, ofSize, sidesText, stampDepths, isCropped } from '../plane.js';
import { pinActions, pinNote, pinnedAt } from './pinning.js';

/** Columns of the uncropped canvas: the full result along the plane's last axis, extended where the crop is < 0. */
const canvasWidth = (P) => P.full2[1] + Math.max(0, -P.pa[1]);

/**
 * The view's figures as data, for the page and the figure export alike: {rows: [[{caption, grid}]], …}, each grid
 * web/grid.js's options. cells: {small, canvas} cell sizes in px, and pins (web/views/pinning.js) to make the grids
 * pin targets.
 * get, state: the store's (tracked while drawing). Returns {note} when there is nothing to draw yet.
 */
export function layout(get, state, pal, cells) {
  const a = get('artifact scatter');
  if (a.pending) return { note: 'Computing the scatter canvas in the background…', pending: true };
  if (a.error) return { note: `This view cannot be drawn: ${a.error.message}` };
  const m = get('shown').model;
  const data = {
    params: m.params, input: m.input, weight: m.weight, bias: m.bias, ci: state.ci, co: state.co, pinned: state.cell,
    contributions: get('highlight'), dz: P3(m.params, state.dz),
  };
  const P = data.params;
  const r = P.rank;
  const sc = a.value;
  const cs = sc.canvas.shape.slice(2);
  const Hc = r === 1 ? 1 : cs[r - 2], Wc = cs[r - 1], Dc = r === 3 ? cs[0] : 1;
  // The window (the output) in the drawn plane, from the engine's window per axis; 3-D: the canvas depth drawn.
  const ws = sc.window.start, wn = sc.window.size;
  const win = r === 1 ? { top: 0, left: ws[0], height: 1, width: wn[0] } : { top: ws[r - 2], left: ws[r - 1], height: wn[r - 2], width: wn[r - 1] };
  const u = r === 3 ? data.dz + ws[0] : 0;
  const group = Math.floor(data.co / P.Cog), cl = data.co % P.Cog;
  const ciFirst = group * P.Cig;
  const depths = stampDepths(P, data.dz);
  const perChannel = depths.length * P.H * P.W;
  const stamps = P.Cig * perChannel;
  const total = get('steps');
  const st = { t: state.step ?? total, heat: state.overlap };
  if (!(st.t <= total)) st.t = total;
  const biasValue = data.bias ? data.bias.data[data.co] : 0;
  const withBias = Boolean(data.bias) && st.t >= total;

  /** Stamp t: input channel, the depth it comes from (and the kernel depth that lands on the drawn slice), i, j. */
  const stampAt = (t) => {
    const q = t % perChannel, dd = depths[Math.floor(q / (P.H * P.W))];
    return { ci: ciFirst + Math.floor(t / perChannel), depth: dd.depth, kd: dd.kd, i: Math.floor(q / P.W) % P.H, j: q % P.W };
  };
  const wAt = (ci, kd, kh, kw) => planeOf(data.weight, ci, cl, kd).at(kh, kw);
  const xAt = (ci, depth, i, j) => planeOf(data.input, 0, ci, depth).at(i, j);

  // Canvas values: the engine's canvas (its drawn slice) when all stamps are in; a running sum while stepping.
  let values;
  const plane = Hc * Wc;
  if (st.t >= stamps) {
    // A view of the engine's canvas for channel co, not a copy: at the element cap it holds 4 million values.
    const at = (data.co * Dc + u) * plane;
    values = sc.canvas.data.subarray(at, at + plane);
  } else {
    values = new Float64Array(plane);
    for (let t = 0; t < st.t; t++) {
      const { ci, depth, kd, i, j } = stampAt(t);
      const x = xAt(ci, depth, i, j);
      for (let kh = 0; kh < P.kH; kh++) for (let kw = 0; kw < P.kW; kw++) {
        values[(i * P.s[0] + kh * P.d[0]) * Wc + j * P.s[1] + kw * P.d[1]] += x * wAt(ci, kd, kh, kw);
      }
    }
  }
  const inWindow = (uu, v) => uu >= win.top && uu < win.top + win.height && v >= win.left && v < win.left + win.width;
  // The bias is the last layer: it lands on every output cell, nowhere else.
  const shownValue = (uu, v) => values[uu * Wc + v] + (withBias && inWindow(uu, v) ? biasValue : 0);
  // While stepping, the stamp just added is highlighted; with all stamps in (and the bias, if any), nothing is.
  const current = st.t >= 1 && st.t <= stamps && st.t < total ? stampAt(st.t - 1) : null;
  const shownCi = current ? current.ci : data.ci;
  const shownDepth = current ? current.depth : (depths[0] || { depth: 0 }).depth;
  const shownKd = current ? current.kd : (depths[0] || { kd: 0 }).kd;
  // current stamp footprint: canvas cell -> tap index
  const foot = new Map();
  // A pinned input cell shows its own stamp the same way: which tap lands where (cropped cells too).
  const h = data.contributions;
  const pinX = pinnedAt(h.kind === 'x' ? h.pinX : null, shownDepthOf(current, depths));
  const stamp = current || (pinX ? { i: pinX[0], j: pinX[1] } : null);
  if (stamp) {
    for (let kh = 0; kh < P.kH; kh++) for (let kw = 0; kw < P.kW; kw++) {
      foot.set((stamp.i * P.s[0] + kh * P.d[0]) * Wc + stamp.j * P.s[1] + kw * P.d[1], kh * P.kW + kw);
    }
  }
  // No stamp reaches past the last one's end: the output_padding strip and an extension hold only the bias.
  const reach = [P.full2[0] - P.op[0], P.full2[1] - P.op[1]];
  const opStrip = (uu, v) => uu >= reach[0] || v >= reach[1];
  const beyond = (uu, v) => uu >= P.full2[0] || v >= P.full2[1];
  // What output_padding adds: the output rows (columns) past where the window would end without it. The ones before
  // the last stamp's end hold real sums the crop would otherwise remove; the rest only zeros (and the bias).
  const endNoOp = [0, 1].map((a) => P.full2[a] - P.op[a] - P.pa[a]);
  const kept = (uu, v) => inWindow(uu, v) && (uu >= endNoOp[0] || v >= endNoOp[1]);
  const vMax = Math.max(maxAbs(values), withBias ? Math.abs(maxAbs(values) + Math.abs(biasValue)) : 0);
  const overlapAt = (uu, v) => sc.overlap.data[u * plane + uu * Wc + v];
  const oMax = maxAbs(sc.overlap.data);
  const xSl = planeOf(data.input, 0, shownCi, shownDepth);
  const xMax = maxAbs(data.input.data);
  const contribIn = shownCi === data.ci ? data.contributions.inputCells.filter((_, q) => r !== 3 || data.contributions.inputDepths[q] === shownDepth) : [];
  const contribTaps = shownCi === data.ci ? data.contributions.taps.filter((_, q) => r !== 3 || data.contributions.tapDepths[q] === shownKd) : [];
  const pinCanvas = data.pinned ? [data.pinned[0] + win.top, data.pinned[1] + win.left] : null;
  const reached = h.outputCells.map(([i, j]) => [i + win.top, j + win.left]);
  const pins = cells.pins;
  const xName = (ci, depth, i, j) => cellName('x', [ci], spatial(P, i, j, depth), P);
  const canvasAt = (uu, v) => (r === 1 ? `${v}` : `(${uu}, ${v})`);
  const outName = (uu, v) => cellName('y', [data.co], spatial(P, uu - win.top, v - win.left, data.dz), P);
  const kernelName = r === 3 ? `w[${shownCi},${cl},${shownKd}]` : `w[${shownCi},${cl}]`;
  const grids = {
    input: {
      rows: P.H, cols: P.W, name: 'scatter-input', same: [data.input, shownCi, shownDepth, current && current.i, current && current.j, pal], label: `Input x, channel ${shownCi}${r === 3 ? `, depth ${shownDepth}` : ''}`, cell: cells.small,
      text: (i, j) => num(xSl.at(i, j)), value: (i, j) => xSl.at(i, j), bg: (i, j) => tint(xSl.at(i, j), xMax, pal),
      cls: (i, j) => (current && current.i === i && current.j === j ? 'current' : ''), palette: pal, marks: { contrib: contribIn },
      pinned: shownCi === data.ci ? pinnedAt(h.pinX, shownDepth) : null, pickWhat: 'an input cell',
      onPick: pins && ((i, j) => pins.x(i, j, shownDepth, shownCi === data.ci ? null : [shownCi])), onClear: pins && pins.clear,
      title: (i, j) => `${xName(shownCi, shownDepth, i, j)} = ${num(xSl.at(i, j))}: stamps at canvas ${canvasAt(i * P.s[0], j * P.s[1])}`,
    },
    kernel: {
      rows: P.kH, cols: P.kW, name: 'scatter-kernel', same: [data.weight, shownCi, cl, shownKd, pal], label: `Kernel ${kernelName}`, cell: cells.small,
      text: (ka, kb) => num(wAt(shownCi, shownKd, ka, kb)), bg: (ka, kb) => tapColor(ka * P.kW + kb).bg, fg: (ka, kb) => tapColor(ka * P.kW + kb).fg,
      tag: (ka, kb) => tapLabel(ka * P.kW + kb),
      title: (ka, kb) => `${cellName('w', [shownCi, cl], spatial(P, ka, kb, shownKd), P)} = ${num(wAt(shownCi, shownKd, ka, kb))}`,
      palette: pal, marks: { contrib: contribTaps },
      pinned: shownCi === data.ci ? pinnedAt(h.pinW, shownKd) : null, pickWhat: 'a kernel tap',
      onPick: pins && ((ka, kb) => pins.w(ka, kb, shownKd, shownCi === data.ci ? null : [shownCi, cl])), onClear: pins && pins.clear,
    },
    canvas: {
      rows: Hc, cols: Wc, name: 'scatter-canvas', same: [sc, data.co, u, st.t, st.heat, withBias, pal, stamp && stamp.i, stamp && stamp.j], cell: cells.canvas, pinned: pinCanvas,
      marks: { contrib: reached },
      label: `Uncropped canvas, ${ofSize(P, r === 1 ? [Wc] : [Hc, Wc], 'grid')}${st.t < total ? `, after ${Math.min(st.t, stamps)} of ${stamps} stamps` : ''}; the output is the unshaded ${r === 1 ? `${win.width} cells` : `${win.height}×${win.width} window`}`,
      text: (uu, v) => (st.heat ? `×${overlapAt(uu, v)}` : num(shownValue(uu, v))),
      value: (uu, v) => (st.heat ? overlapAt(uu, v) : shownValue(uu, v)),
      cls: (uu, v) => (inWindow(uu, v) ? '' : 'crop') + (opStrip(uu, v) ? ' opstrip' : '') + (kept(uu, v) ? ' kept' : '')
        + (foot.has(uu * Wc + v) ? ' stamp' : ''),
      bg: (uu, v) => {
        if (foot.has(uu * Wc + v)) return tapColor(foot.get(uu * Wc + v)).bg;
        if (st.heat) return oMax ? fade(pal.heat, Math.round(100 * overlapAt(uu, v) / oMax)) : null;
        return tint(shownValue(uu, v), vMax, pal);
      },
      fg: (uu, v) => (foot.has(uu * Wc + v) ? tapColor(foot.get(uu * Wc + v)).fg : null),
      tag: (uu, v) => (foot.has(uu * Wc + v) ? tapLabel(foot.get(uu * Wc + v)) : ''),
      title: (uu, v) => {
        const o = inWindow(uu, v) ? `output ${outName(uu, v)}${withBias ? ` (stamps ${num(values[uu * Wc + v])} + bias ${num(biasValue)})` : ''}` : 'cropped (padding)';
        const strip = beyond(uu, v) ? '; past the full result: no stamp reaches it, only the bias' : opStrip(uu, v) ? '; output_padding strip: no stamp reaches it, only the bias' : '';
        const keptBy = kept(uu, v) && !opStrip(uu, v) ? '; kept by output_padding (the crop would remove it otherwise)' : '';
        return `canvas ${canvasAt(uu, v)} = ${num(shownValue(uu, v))}; ${overlapAt(uu, v)} tap(s) land here; ${o}${strip}${keptBy}`;
      },
      palette: pal,
      onPick: pins && ((uu, v) => pins.y(
        Math.max(0, Math.min(win.height - 1, uu - win.top)), Math.max(0, Math.min(win.width - 1, v - win.left)))),
      onClear: pins && pins.clear,
    },
    // The output on its own: the canvas's unshaded window, cut out.
    output: {
      rows: win.height, cols: win.width, name: 'scatter-output', same: [sc, data.co, u, st.t, withBias, win.top, win.left, pal], cell: cells.canvas,
      pinned: data.pinned, marks: { contrib: h.outputCells }, label: `Output y, the window cut out of the canvas, ${r === 1 ? `${win.width} cells` : `${win.height}×${win.width}`}`,
      text: (i, j) => num(shownValue(i + win.top, j + win.left)), value: (i, j) => shownValue(i + win.top, j + win.left),
      bg: (i, j) => tint(shownValue(i + win.top, j + win.left), vMax, pal),
      cls: (i, j) => (opStrip(i + win.top, j + win.left) ? 'opstrip' : '') + (kept(i + win.top, j + win.left) ? ' kept' : ''),
      title: (i, j) => `${outName(i + win.top, j + win.left)} = ${num(shownValue(i + win.top, j + win.left))} (canvas ${canvasAt(i + win.top, j + win.left)})`,
      palette: pal, pickWhat: 'an output cell',
      onPick: pins && ((i, j) => pins.y(i, j)), onClear: pins && pins.clear,
    },
  };
  const slice = r === 3 ? ` at depth ${u} (output depth ${data.dz})` : '';
  const canvasSize = r === 1 ? `${Wc} cells` : `${Hc}×${Wc}`;
  const outSize = r === 1 ? `${win.width} cells` : `${win.height}×${win.width}`;
  const captions = {
    input: `Input x${P.Cin > 1 ? ` (channel ${shownCi}` : ''}${r === 3 ? `${P.Cin > 1 ? ', ' : ' ('}depth ${shownDepth})` : P.Cin > 1 ? ')' : ''}`,
    kernel: P.Cin > 1 || P.Cout > 1 || r === 3 ? `Kernel ${kernelName}` : 'Kernel w',
    canvas: st.heat
      ? `Overlap count: how many kernel taps land on each canvas cell${slice} (a checkerboard appears when k is not a multiple of s)`
      : `Canvas before cropping (${canvasSize})${slice}; output = the window outlined by the hatched crop (${outSize})${data.bias ? (withBias ? `, bias ${num(biasValue)} added` : ', bias not added yet') : ''}`,
    output: `Output y (${outSize}): what the crop leaves`,
  };
  return {
    P, st, total, stamps, current, xAt, grids, captions, withBias, biasValue, win, depths, u, highlight: h,
    out: planeOf(m.output, 0, data.co, data.dz),
    rows: [[{ caption: captions.input, grid: grids.input }, { caption: captions.kernel, grid: grids.kernel }],
      [{ caption: captions.canvas, grid: grids.canvas }, { caption: captions.output, grid: grids.output }]],
  };
}

/** The input depth the scatter view draws: the current stamp's, else the first that reaches the drawn slice. */
const shownDepthOf = (current, depths) => (current ? current.depth : (depths[0] || { depth: 0 }).depth);

/** The shown output depth of a 3-D layer (0 below 3-D), kept inside the output. */
function P3(P, dz) {
  return P.rank === 3 ? Math.min(dz || 0, P.Dout - 1) : 0;
}

/** The view's opening sentences: where stamps go, what is cropped on each side, what output_padding and the bias add. */
function lede(P, L) {
  const r = P.rank;
  const stamp = r === 1
    ? `Each input cell x[i] stamps x[i] × kernel onto a line of canvas cells starting at i·${P.s[1]}; where stamps overlap they add.`
    : `Each input cell x[${r === 3 ? 'z,' : ''}i,j] stamps x × kernel onto the canvas with its top-left at (i·${P.s[0]}, j·${P.s[1]})${r === 3 ? ` and at depth z·${P.sD} + k_d·${P.dD}` : ''}; where stamps overlap they add.`;
  const cropped = isCropped(P);
  const crop = ` Then ${cropWords(P)}${cropped ? ': shaded' : ''}.`;
  const op = outputPaddingWords(P, L);
  const bias = P.bias ? ` Last, the bias${P.Cout > 1 ? ' of the output channel' : ''}, ${num(L.biasValue)}, lands on every output cell (the last step of the step-through).` : '';
  const slice = r === 3 ? ` A 3-D layer: this is depth slice ${L.u} of the canvas, which is output depth ${L.u - P.pbD}; the stamps are the input cells whose kernel reaches it (input depth${L.depths.length === 1 ? '' : 's'} ${L.depths.map((q) => q.depth).join(', ') || 'none'}).` : '';
  return `${stamp}${crop}${op}${bias}${slice} What is left is the output.`;
}

/**
 * What output_padding does in this state, from its geometry: which output rows and columns it adds, and whether they
 * hold real sums (stamps reach them, and the crop would otherwise remove them) or only zeros (no stamp reaches them).
 */
export function outputPaddingWords(P, L) {
  if (!P.outputPadding.some(Boolean)) return '';
  const r = P.rank;
  const start = [L.win.top, L.win.left];
  const list = (vals) => (vals.length > 6 ? `${vals.slice(0, 6).map(num).join(', ')}, …` : vals.map(num).join(', '));
  const adds = [], says = [];
  let croppedStrip = false;
  for (const a of r === 1 ? [1] : [0, 1]) {
    const n = P.op[a];
    if (!n) continue;
    const noun = r === 1 ? 'cell' : a === 0 ? 'row' : 'column';
    adds.push(`${n} more ${noun}${n > 1 ? 's' : ''} ${r === 1 ? 'at the end' : a === 0 ? 'at the bottom' : 'at the right'}`);
    const reach = P.full2[a] - n; // the canvas index just past the last stamp
    const from = P.full2[a] - n - P.pa[a]; // where the output ends without output_padding
    for (let q = from; q < from + n; q++) {
      const o = q - start[a];
      const where = `${r === 1 ? 'Output cell' : a === 0 ? 'Output row' : 'Output column'} ${o} (canvas ${noun} ${q})`;
      if (q < reach) {
        const vals = r === 1 ? [L.out.at(0, o)] : a === 0 ? Array.from({ length: P.Wout }, (_, j) => L.out.at(o, j)) : Array.from({ length: P.Hout }, (_, i) => L.out.at(i, o));
        says.push(`${where} holds real ${vals.length > 1 ? 'sums' : 'sum'}, ${list(vals)}, that the padding would otherwise crop (dashed outline).`);
      } else {
        says.push(`${where} lies past the last stamp: no stamp reaches it, so it holds only zeros${P.bias ? ' and the bias' : ''} (hatched).`);
      }
    }
    if (P.pa[a] >= n) croppedStrip = true;
  }
  const depth = r === 3 && P.outputPadding[0] ? ` (and ${P.outputPadding[0]} depth slice(s) at the back)` : '';
  return ` output_padding ${P.outputPadding.join('×')} keeps ${adds.join(' and ')} of the output${depth}. ${says.join(' ')}`
    + (croppedStrip ? ' The hatched strip past the last stamp is cropped anyway.' : '');
}

/** Draws the scatter view into box from the store's derived values (ctx: web/app.js's view context). */
export function render(container, ctx) {
  const P = ctx.get('shown').model.params;
  const L = layout(ctx.get, ctx.state, ctx.palette, {
    small: cellSize(container, P.W + P.kW, { min: 18, max: 34, reserve: 60 }),
    // the canvas and the output beside it, at one cell size (on a phone the output goes below)
    canvas: cellSize(container, canvasWidth(P) + (contentWidth(container) >= 640 ? P.Wout + 2 : 0), { min: 14, max: 40, reserve: 60 }),
    pins: pinActions(ctx, P),
  });
  if (L.note) {
    container.replaceChildren(el('p', { class: 'note', ...(L.pending ? { role: 'status' } : {}) }, L.note));
    return;
  }
  const { st, total, stamps, current, xAt } = L;
  keepFocus(container, () => renderInto(container, (root) => {
    // The heat map is part of the link (overlap=1).
    const heat = el('input', { type: 'checkbox', id: 'scatter-heat', 'data-focus': 'heat', checked: st.heat });
    listen(heat, 'change', (ev) => ctx.set({ overlap: ev.currentTarget.checked }));
    root.append(
      el('p', { class: 'lede' }, lede(P, L)),
      el('div', { class: 'toolbar' },
        player({ t: st.t, total, playing: ctx.state.playing, speed: ctx.state.speed, noun: P.bias ? 'stamps, then the bias' : 'stamps' }, ctx.set),
        el('label', { class: 'check' }, heat, 'Overlap count heat map')),
    );

    const row = el('div', { class: 'row' });
    const inGrid = makeGrid(L.grids.input);
    const kGrid = makeGrid(L.grids.kernel);
    row.append(
      figure(L.captions.input, inGrid),
      figure(L.captions.kernel, kGrid),
    );
    if (current) {
      const at = P.rank === 1 ? `cells ${current.j * P.s[1]}… of the canvas` : `rows ${current.i * P.s[0]}… and columns ${current.j * P.s[1]}… of the canvas`;
      row.append(el('p', { class: 'stamp-note', 'aria-live': 'polite' },
        `Stamp ${st.t} of ${stamps}: ${cellName('x', [current.ci], spatial(P, current.i, current.j, current.depth), P)} = `
        + `${num(xAt(current.ci, current.depth, current.i, current.j))}, times the kernel${P.rank === 3 ? ` (its depth ${current.kd})` : ''}, added at ${at}.`
        + (P.bias && st.t === stamps ? ' Next: the bias.' : '')));
    } else if (L.withBias) {
      row.append(el('p', { class: 'stamp-note', 'aria-live': 'polite' },
        `Last step (${total} of ${total}): the bias ${num(L.biasValue)} lands on every output cell, the ${ofSize(P, P.rank === 1 ? [L.win.width] : [L.win.height, L.win.width], 'window')}, and on nothing that is cropped.`));
    }
    root.append(row, pinNote(L.highlight));

    const canvasGrid = makeGrid(L.grids.canvas);
    const canvasFig = figure(L.captions.canvas, scroller('The uncropped canvas', canvasGrid));
    canvasFig.classList.add('fit'); // its caption wraps at the canvas's width, so the output fits beside it
    root.append(el('div', { class: 'row' }, canvasFig,
      contentWidth(container) >= 640 ? el('span', { class: 'arrow', 'aria-hidden': 'true' }, 'crop →') : null,
      figure(L.captions.output, scroller('The output', makeGrid(L.grids.output)))));
    const strip = P.op.some(Boolean) || P.pa.some((a) => a < 0);
    const cropped = isCropped(P);
    const legend = el('p', { class: 'legend' },
      cropped ? [el('span', { class: 'swatch crop' }), ` cropped by padding (${sidesText(P, P.before, P.after.map((a) => Math.max(0, a)))})  `] : null,
      strip ? [el('span', { class: 'swatch opstrip' }), P.bias ? ' no stamp lands here: it holds only the bias  ' : ' no stamp lands here (output_padding)  '] : null,
      P.op.some(Boolean) ? [el('span', { class: 'swatch kept' }), ' added by output_padding  '] : null,
      el('span', { class: 'swatch pin' }), ' pinned cell  ', el('span', { class: 'swatch contrib' }), ' what it connects to');
    root.append(legend);
  }));
}
