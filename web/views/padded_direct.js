// Padded direct view: insert stride−1 zeros between input cells, pad each side by dilation·(k−1) minus that side's
// crop (engine.paddedDirect's per-side padding: a crop where it is negative, output_padding added at the end), then
// slide the 180°-rotated kernel with stride 1 and add the bias. Kernel taps keep their colours from the other views,
// so the flip is visible. A 1-D layer is one row; a 3-D layer draws the output depth chosen, from the padded depth
// slices its window covers (one per kernel depth).
import { el, listen, figure, cellSize, scroller } from '../dom.js';
import { renderInto, keepFocus } from '../morph.js';
import { makeGrid } from '../grid.js';
import { tapColor, tapLabel, tint, maxAbs } from '../colors.js';
import { player } from '../player.js';
import { num, factor } from '../format.js';
import { planeOf, spatial, cellName, sidesText, cropWords, isCropped } from '../plane.js';
import { pinActions, pinNote, pinnedAt } from './pinning.js';

/** Columns of the zero-inserted, padded input along the plane's last axis. */
const paddedWidth = (P) => (P.W - 1) * P.s[1] + 1 + 2 * P.d[1] * (P.kW - 1) - P.pb[1] - P.pa[1] + P.op[1];

/**
 * The view's figures as data, for the page and the figure export alike: {rows: [[{caption, grid}]], …}, each grid
 * web/grid.js's options. cells: {kernel, padded, output} cell sizes in px, and pins (web/views/pinning.js) to make
 * the grids pin targets. get, state: the store's (tracked while drawing). Returns {note} when there is nothing to draw yet.
 */
export function layout(get, state, pal, cells) {
  const a = get('artifact padded_direct');
  if (a.pending) return { note: 'Computing the zero-inserted, padded input in the background…', pending: true };
  if (a.error) return { note: `This view cannot be drawn: ${a.error.message}` };
  const m = get('shown').model;
  const P = m.params;
  const r = P.rank;
  const dz = r === 3 ? Math.min(state.dz || 0, P.Dout - 1) : 0;
  const data = { input: m.input, weight: m.weight, output: m.output, bias: m.bias, ci: state.ci, co: state.co, pinned: state.cell };
  const pd = a.value;
  const ps = pd.padded.shape.slice(2);
  const Hp = r === 1 ? 1 : ps[r - 2], Wp = ps[r - 1];
  const group = Math.floor(data.co / P.Cog), cl = data.co % P.Cog;
  const ciLocal = data.ci - group * P.Cig;
  const connected = ciLocal >= 0 && ciLocal < P.Cig;
  const total = get('steps');
  const st = { t: state.step ?? total };
  if (!(st.t <= total)) st.t = total;

  // What each padded cell holds, per axis: an input index, −1 an inserted zero, −2 padding (engine.paddedDirect).
  const rowSource = r === 1 ? null : pd.sources[r - 2], colSource = pd.sources[r - 1];
  const depthSource = r === 3 ? pd.sources[0] : null;
  // The window's depths (3-D): rotated kernel depth ka reads padded depth dz + ka·dilation.
  const windowDepths = r === 3 ? Array.from({ length: P.kD }, (_, ka) => ({ ka, depth: dz + ka * P.dD })) : [{ ka: 0, depth: 0 }];
  const wAt = (kd, ka, kb) => planeOf(data.weight, data.ci, cl, kd).at(ka, kb);
  // Rotated position (a, b) holds original tap (kH−1−a, kW−1−b): colour it by the original tap.
  const origTap = (ka, kb) => (P.kH - 1 - ka) * P.kW + (P.kW - 1 - kb);
  // Window: while stepping, at output cell t−1; otherwise at the pinned cell.
  const stepping = st.t >= 1 && st.t < total;
  const pos = stepping ? [Math.floor((st.t - 1) / P.Wout), (st.t - 1) % P.Wout] : data.pinned;
  const windowTap = new Map();
  if (pos && connected) {
    for (let ka = 0; ka < P.kH; ka++) for (let kb = 0; kb < P.kW; kb++) {
      windowTap.set((pos[0] + ka * P.d[0]) * Wp + pos[1] + kb * P.d[1], [ka, kb]);
    }
  }
  const kindAt = (depth) => (uu, v) => {
    const rs = rowSource ? rowSource[uu] : 0, c = colSource[v], ds = depthSource ? depthSource[depth] : 0;
    if (rs === -2 || c === -2 || ds === -2) return 'padding';
    if (rs === -1 || c === -1 || ds === -1) return 'inserted';
    return 'data';
  };
  const kind = kindAt(windowDepths[0].depth);
  // What the pin connects to: input cells are found in the padded input through its sources, taps in both kernels.
  const h = get('highlight');
  const pins = cells.pins;
  const inputKey = (i, j, z) => `${z},${i},${j}`;
  const reachedInputs = new Set(h.inputCells.map(([i, j], q) => inputKey(i, j, r === 3 ? h.inputDepths[q] : 0)));
  const pinnedInput = h.pinX ? inputKey(h.pinX.at[0], h.pinX.at[1], h.pinX.depth) : null;
  const sourceKey = (depth, uu, v) => inputKey(rowSource ? rowSource[uu] : 0, colSource[v], depthSource ? depthSource[depth] : 0);
  const paddedMarks = (depth) => {
    const contrib = [], pinned = [];
    if (!reachedInputs.size && !pinnedInput) return { contrib, pinned: null };
    for (let uu = 0; uu < Hp; uu++) for (let v = 0; v < Wp; v++) {
      if (kindAt(depth)(uu, v) !== 'data') continue;
      const key = sourceKey(depth, uu, v);
      if (key === pinnedInput) pinned.push([uu, v]);
      else if (reachedInputs.has(key)) contrib.push([uu, v]);
    }
    return { contrib, pinned: pinned[0] || null };
  };
  // Rotated position (a, b) holds tap (kH−1−a, kW−1−b).
  const rotatedOf = (list) => list.map(([ka, kb]) => [P.kH - 1 - ka, P.kW - 1 - kb]);
  const tapsAt = (kd) => h.taps.filter((_, q) => r !== 3 || h.tapDepths[q] === kd);
  const xMax = maxAbs(data.input.data);
  const ySl = planeOf(data.output, 0, data.co, dz);
  const yMax = maxAbs(data.output.data);
  const at = (uu, v) => (r === 1 ? `${v}` : `(${uu}, ${v})`);
  const sourceName = (depth, uu, v) => cellName('x', [data.ci], spatial(P, rowSource ? rowSource[uu] : 0, colSource[v], depthSource ? depthSource[depth] : 0), P);
  const paddedGrid = ({ depth, ka }) => {
    const padded = planeOf(pd.padded, 0, data.ci, depth);
    const k = kindAt(depth);
    const marked = paddedMarks(depth);
    return {
      marks: { contrib: marked.contrib }, pinned: marked.pinned, pickWhat: 'an input cell (a cell that holds one)', onClear: pins && pins.clear,
      onPick: pins && ((uu, v) => {
        if (k(uu, v) !== 'data') return; // an inserted zero or padding is no input cell
        pins.x(rowSource ? rowSource[uu] : 0, colSource[v], depthSource ? depthSource[depth] : 0);
      }),
      rows: Hp, cols: Wp, name: r === 3 ? `padded-direct-input-${ka}` : 'padded-direct-input', same: [pd, data.ci, depth, connected, pos && pos[0], pos && pos[1], pal], cell: cells.padded,
      label: `Zero-inserted, padded input (channel ${data.ci}${r === 3 ? `, depth ${depth}` : ''}), ${r === 1 ? `${Wp} cells` : `${Hp}×${Wp}`}`,
      text: (uu, v) => num(padded.at(uu, v)), value: (uu, v) => padded.at(uu, v),
      cls: (uu, v) => `${k(uu, v)}${windowTap.has(uu * Wp + v) ? ' window' : ''}`,
      bg: (uu, v) => {
        const t = windowTap.get(uu * Wp + v);
        if (t) return tapColor(origTap(t[0], t[1])).bg;
        return k(uu, v) === 'data' ? tint(padded.at(uu, v), xMax, pal) : null;
      },
      fg: (uu, v) => {
        const t = windowTap.get(uu * Wp + v);
        return t ? tapColor(origTap(t[0], t[1])).fg : null;
      },
      tag: (uu, v) => {
        const t = windowTap.get(uu * Wp + v);
        return t ? tapLabel(origTap(t[0], t[1])) : '';
      },
      title: (uu, v) => {
        const kk = k(uu, v);
        if (kk === 'data') return `${sourceName(depth, uu, v)} = ${num(padded.at(uu, v))}`;
        return kk === 'inserted' ? 'inserted zero (stride)' : 'zero padding';
      },
      palette: pal,
    };
  };
  const rotatedGrid = ({ ka }) => {
    const rotated = planeOf(pd.rotatedKernel, data.co, ciLocal, ka);
    const from = r === 3 ? P.kD - 1 - ka : 0;
    const pinW = pinnedAt(h.pinW, from);
    return {
      marks: { contrib: rotatedOf([...tapsAt(from), ...(pinW ? [pinW] : [])]) },
      pickWhat: 'a kernel tap', onClear: pins && pins.clear,
      onPick: pins && ((ka2, kb) => pins.w(P.kH - 1 - ka2, P.kW - 1 - kb, from)),
      rows: P.kH, cols: P.kW, name: r === 3 ? `padded-direct-rotated-${ka}` : 'padded-direct-rotated', same: [pd, data.co, ciLocal, ka, pal], label: 'Kernel rotated by 180 degrees', cell: cells.kernel,
      text: (ka2, kb) => num(rotated.at(ka2, kb)), bg: (ka2, kb) => tapColor(origTap(ka2, kb)).bg, fg: (ka2, kb) => tapColor(origTap(ka2, kb)).fg,
      tag: (ka2, kb) => tapLabel(origTap(ka2, kb)),
      title: (ka2, kb) => `rotated${spatialText(P, ka, ka2, kb)} = w${spatialText(P, from, P.kH - 1 - ka2, P.kW - 1 - kb)} = ${num(rotated.at(ka2, kb))}`, palette: pal,
      at: rotated.at,
    };
  };
  const grids = {
    kernel: {
      rows: P.kH, cols: P.kW, name: 'padded-direct-kernel', same: [data.weight, data.ci, cl, pal], label: 'Kernel w as stored', cell: cells.kernel,
      text: (ka, kb) => num(wAt(r === 3 ? P.kD - 1 : 0, ka, kb)), bg: (ka, kb) => tapColor(ka * P.kW + kb).bg, fg: (ka, kb) => tapColor(ka * P.kW + kb).fg,
      tag: (ka, kb) => tapLabel(ka * P.kW + kb),
      title: (ka, kb) => `w${spatialText(P, P.kD - 1, ka, kb)} = ${num(wAt(r === 3 ? P.kD - 1 : 0, ka, kb))}`, palette: pal,
      marks: { contrib: tapsAt(r === 3 ? P.kD - 1 : 0) }, pinned: pinnedAt(h.pinW, r === 3 ? P.kD - 1 : 0), pickWhat: 'a kernel tap',
      onPick: pins && ((ka, kb) => pins.w(ka, kb, r === 3 ? P.kD - 1 : 0)), onClear: pins && pins.clear,
    },
    rotated: connected ? rotatedGrid(windowDepths[0]) : null,
    padded: paddedGrid(windowDepths[0]),
    output: {
      rows: P.Hout, cols: P.Wout, name: 'padded-direct-output', same: [data.output, data.co, dz, st.t, pos && pos[0], pos && pos[1], pal], label: `Output y (channel ${data.co}${r === 3 ? `, depth ${dz}` : ''})`, cell: cells.output,
      pinned: data.pinned, marks: { contrib: h.outputCells }, onClear: pins && pins.clear,
      text: (i, j) => (st.t >= total || i * P.Wout + j < st.t ? num(ySl.at(i, j)) : ''),
      value: (i, j) => (st.t >= total || i * P.Wout + j < st.t ? ySl.at(i, j) : 0),
      bg: (i, j) => (st.t >= total || i * P.Wout + j < st.t ? tint(ySl.at(i, j), yMax, pal) : null),
      cls: (i, j) => (pos && pos[0] === i && pos[1] === j ? 'current' : ''),
      title: (i, j) => `${cellName('y', [data.co], spatial(P, i, j, dz), P)} = ${num(ySl.at(i, j))}: window at padded ${at(i, j)}`,
      onPick: pins && pins.y, palette: pal,
    },
  };
  const outSize = r === 1 ? `${P.Wout} cells` : `${P.Hout}×${P.Wout}`;
  const captions = {
    kernel: P.Cin > 1 || P.Cout > 1 || r === 3 ? `Kernel w[${data.ci},${cl}${r === 3 ? `,${P.kD - 1}` : ''}]` : 'Kernel w',
    rotated: 'Rotated 180°',
    padded: `Zero-inserted, padded input (${r === 1 ? `${Wp} cells` : `${Hp}×${Wp}`})`,
    output: `Output y (${outSize})${r === 3 ? `, depth ${dz}` : ''}`,
  };
  let rows;
  const slices = [];
  if (r === 3) {
    // One row per kernel depth: the padded slice the window reads there, and the rotated kernel's slice.
    for (const wd of windowDepths) {
      const pg = wd.ka === 0 ? grids.padded : paddedGrid(wd);
      const rg = connected ? (wd.ka === 0 ? grids.rotated : rotatedGrid(wd)) : null;
      slices.push({ ...wd, padded: pg, rotated: rg });
    }
    rows = slices.map((q) => [
      { caption: `Padded input, depth ${q.depth} (window depth ${q.ka})`, grid: q.padded },
      ...(q.rotated ? [{ caption: `Rotated kernel, depth ${q.ka} (w's depth ${P.kD - 1 - q.ka})`, grid: q.rotated }] : []),
    ]);
    rows.push([{ caption: captions.output, grid: grids.output }]);
  } else {
    const kernels = [{ caption: captions.kernel, grid: grids.kernel }];
    if (connected) kernels.push({ caption: captions.rotated, grid: grids.rotated });
    rows = [kernels, [{ caption: captions.padded, grid: grids.padded }, { caption: captions.output, grid: grids.output }]];
    slices.push({ ...windowDepths[0], padded: grids.padded, rotated: grids.rotated });
  }
  return {
    P, pd, st, total, pos, connected, windowTap, kind, kindAt, grids, captions, Hp, Wp, cl, dz, slices, bias: data.bias, highlight: h,
    rows,
  };
}

/** The switch for the unturned-kernel contrast (in the link: unturned=1). */
function unturnedToggle(ctx) {
  const box = el('input', { type: 'checkbox', id: 'pd-unturned', 'data-focus': 'unturned', checked: Boolean(ctx.state.unturned) });
  listen(box, 'change', (ev) => ctx.set({ unturned: ev.currentTarget.checked }));
  return el('label', { class: 'check' }, box, 'Compare with the unturned kernel (conv2d without the flip)');
}

/**
 * The one line of PyTorch that the contrast is about: conv with the kernel flipped equals the transposed convolution,
 * conv with the kernel as stored does not. With stride 1 it is said on x itself; otherwise on the padded input shown.
 */
export function unturnedCode(P) {
  const r = P.rank;
  const conv = `F.conv${r}d`, convT = `F.conv_transpose${r}d`;
  const flip = r === 1 ? 'w.flip(-1)' : 'w.flip(-1, -2)';
  const swap = P.Cin > 1 || P.Cout > 1 ? '.transpose(0, 1)' : '';
  const tuple = (list) => (r === 1 ? `${list[0]}` : `(${list.join(', ')})`);
  const dil = P.dilation.some((d) => d > 1) ? `, dilation=${tuple(P.dilation)}` : '';
  const groups = P.g > 1 ? `, groups=${P.g}` : '';
  const q = P.kSize.map((k, a) => P.dilation[a] * (k - 1) - P.before[a]);
  const simple = P.stride.every((v) => v === 1) && P.outputPadding.every((v) => v === 0)
    && P.before.every((b, a) => b === P.after[a]) && q.every((v) => v >= 0);
  const x = simple ? 'x' : 'x_padded';
  const pad = simple && q.some(Boolean) ? `, padding=${tuple(q)}` : '';
  const convTArgs = `x, w${P.before.some(Boolean) && simple ? `, padding=${tuple(P.before)}` : P.stride.some((v) => v > 1) || !simple ? ', …' : ''}${dil}${groups}`;
  return {
    right: `${conv}(${x}, ${flip}${swap}${pad}${dil}${groups}) == ${convT}(${convTArgs})`,
    wrong: `${conv}(${x}, w${swap}${pad}${dil}${groups}) != ${convT}(${convTArgs})`,
    note: `${simple ? '' : 'x_padded is the zero-inserted, padded input above. '}PyTorch's conv${r}d does not flip the kernel (it is a cross-correlation)${swap ? '; with channels its weight also has its first two axes swapped' : ''}${P.g > 1 ? ', within each group' : ''}.`,
  };
}

/** The unturned-kernel contrast: conv with w as stored, the right result, and their difference (outlined where not 0). */
function unturnedPart(P, ctx, cell) {
  const u = ctx.get('unturned');
  if (u.pending) return [el('p', { class: 'note', role: 'status' }, 'Computing the unturned contrast in the background…')];
  if (u.error) return [el('p', { class: 'note' }, `The unturned contrast is not available here: ${u.error.message}`)];
  if (!u.value) return [];
  if (u.value.unavailable) return [el('p', { class: 'note' }, `The unturned contrast is not shown here: ${u.value.unavailable}.`)];
  const pal = ctx.palette, co = ctx.state.co;
  const code = unturnedCode(P);
  const wrong = planeOf(u.value.wrong, 0, co), right = planeOf(u.value.right, 0, co), diff = planeOf(u.value.difference, 0, co);
  const mx = Math.max(maxAbs(u.value.wrong.data), maxAbs(u.value.right.data));
  const differs = [];
  for (let i = 0; i < P.Hout; i++) for (let j = 0; j < P.Wout; j++) if (diff.at(i, j) !== 0) differs.push([i, j]);
  const grid = (name, label, s, m) => scroller(label, makeGrid({
    rows: P.Hout, cols: P.Wout, name, label, cell, palette: pal, marks: { contrib: differs },
    text: (i, j) => num(s.at(i, j)), value: (i, j) => s.at(i, j), bg: (i, j) => tint(s.at(i, j), m, pal),
  }));
  const noBias = P.bias ? ' (both without the bias)' : '';
  const verdict = u.value.worst === 0
    ? `Here the kernel looks the same turned by 180°, so both give the same numbers: max |difference| = 0${noBias}. Try an asymmetric kernel (arange).`
    : `They differ: max |difference| = ${num(u.value.worst)}${noBias}; the ${differs.length} cell${differs.length === 1 ? '' : 's'} that differ are outlined. Only the rotated kernel gives the transposed convolution.`;
  return [
    el('p', { class: 'equation unturned-code' }, el('code', {}, code.right), el('br'), el('code', {}, code.wrong)),
    el('p', { class: 'hint' }, code.note),
    el('div', { class: 'row unturned' },
      figure('Unturned: the kernel as stored (wrong)', grid('padded-direct-unturned', 'conv with the kernel not rotated', wrong, mx)),
      figure('Rotated: the transposed convolution', grid('padded-direct-turned', 'conv with the rotated kernel', right, mx)),
      figure('Difference (unturned − rotated)', grid('padded-direct-difference', 'difference, unturned minus rotated', diff, maxAbs(u.value.difference.data)))),
    el('p', { class: 'unturned-verdict', 'aria-live': 'polite' }, verdict),
  ];
}

/** "[1,0]" for a plane position (with the depth in 3-D; one index in 1-D). */
const spatialText = (P, z, i, j) => `[${spatial(P, i, j, z).join(',')}]`;

/** Draws the padded direct view into box from the store's derived values (ctx: web/app.js's view context). */
export function render(container, ctx) {
  const P = ctx.get('shown').model.params;
  const L = layout(ctx.get, ctx.state, ctx.palette, {
    kernel: cellSize(container, 2 * P.kW + 2, { min: 18, max: 34, reserve: 120 }),
    padded: cellSize(container, paddedWidth(P), { min: 14, max: 40, reserve: 16 }),
    output: cellSize(container, P.Wout, { min: 14, max: 40, reserve: 16 }),
    pins: pinActions(ctx, P),
  });
  if (L.note) {
    container.replaceChildren(el('p', { class: 'note', ...(L.pending ? { role: 'status' } : {}) }, L.note));
    return;
  }
  const { pd, st, total, pos, connected, windowTap, kindAt, Wp, slices, dz } = L;
  const data = { ci: ctx.state.ci, co: ctx.state.co };
  const r = P.rank;
  keepFocus(container, () => renderInto(container, (root) => {
    const pad = pd.padding;
    const reach = P.kSize.map((k, a) => P.dilation[a] * (k - 1));
    const perSide = (list) => list.map((n) => (n >= 0 ? `${n}` : `−${-n} (a crop)`));
    const insert = r === 1
      ? `1. Insert ${P.s[1] - 1} zero(s) between input cells (stride ${P.s[1]}). `
      : `1. Insert ${r === 3 ? `${P.sD - 1} zero slice(s), ` : ''}${P.s[0] - 1} zero row(s) and ${P.s[1] - 1} zero column(s) between input cells (stride ${P.stride.join('×')}). `;
    root.append(
      el('p', { class: 'lede' },
        insert
        + `2. Pad each side by dilation·(k−1) = ${reach.join(', ')} minus what padding crops there${P.outputPadding.some(Boolean) ? ', plus output_padding at the end' : ''}: `
        + `${sidesText(P, perSide(pad.before), perSide(pad.after))}. `
        + `3. Slide the kernel, rotated by 180°, one cell at a time: each window position gives one output cell${P.bias ? `, plus the bias ${num(L.bias.data[data.co])}` : ''}.`
        + (isCropped(P) || P.after.some((v) => v < 0) ? ` The windows give exactly the output: ${cropWords(P)}.` : '')
        + (r === 3 ? ` A 3-D layer: the window for output depth ${dz} covers the padded depth slice${P.kD > 1 ? 's' : ''} ${slices.map((q) => q.depth).join(', ')}, one per kernel depth, drawn below.` : '')),
      el('div', { class: 'toolbar' },
        player({ t: st.t, total, playing: ctx.state.playing, speed: ctx.state.speed, noun: 'window positions' }, ctx.set),
        r === 3 ? null : unturnedToggle(ctx)),
    );

    const why = el('p', { class: 'why' },
      connected
        ? `Why rotated: in the scatter view input cell i sends tap k to output i·s + k·d. Seen from an output cell, tap k `
          + 'comes from the input k·d positions before it, so a window sliding forward meets the kernel backwards: '
          + `last tap first. Rotating by 180° (${r === 1 ? 'reversing it' : r === 3 ? 'reversing every axis' : 'flipping rows and columns'}) lets the window read it in order.`
        : `Input channel ${data.ci} is not in output channel ${data.co}'s group, so it does not contribute (groups = ${P.g}).`);
    const legendOf = (grid) => {
      const cropSides = r === 1 ? [] : ['top', 'bottom', 'left', 'right'].filter((s) => pad[s] < 0);
      for (const s of cropSides) grid.classList.add(`crop-${s}`);
      return el('p', { class: 'legend' },
        el('span', { class: 'swatch data' }), ' input value  ',
        el('span', { class: 'swatch inserted' }), ' inserted zero (stride)  ',
        el('span', { class: 'swatch padding' }), ' padding zero',
        cropSides.length ? `  · red dashed edge: cropped (${cropSides.map((s) => `${-pad[s]} on the ${s}`).join(', ')}), because padding > dilation·(k−1)` : '');
    };
    const oGrid = makeGrid(L.grids.output);
    const outFig = figure(L.captions.output, scroller('The output', oGrid));
    if (r === 3) {
      root.append(why);
      for (const q of slices) {
        const pGrid = makeGrid(q.padded);
        const fig = figure(`Padded input, depth ${q.depth} (window depth ${q.ka})`, scroller(`The padded input, depth ${q.depth}`, pGrid));
        const row = el('div', { class: 'row' }, fig);
        if (q.rotated) {
          row.append(el('span', { class: 'arrow', 'aria-hidden': 'true' }, '⊛'),
            figure(`Rotated kernel, depth ${q.ka} (w's depth ${P.kD - 1 - q.ka})`, makeGrid(q.rotated)));
        }
        root.append(row);
      }
      root.append(legendOf(el('div')), el('div', { class: 'row' }, outFig));
    } else {
      const kRow = el('div', { class: 'row' });
      kRow.append(figure(L.captions.kernel, makeGrid(L.grids.kernel)));
      if (connected) kRow.append(el('span', { class: 'arrow', 'aria-hidden': 'true' }, '⟳ 180°'), figure(L.captions.rotated, makeGrid(L.grids.rotated)));
      kRow.append(why);
      root.append(kRow);
      const pGrid = makeGrid(L.grids.padded);
      const padFig = figure(L.captions.padded, scroller('The zero-inserted, padded input', pGrid));
      padFig.append(legendOf(pGrid));
      root.append(el('div', { class: 'row' }, padFig, outFig));
    }
    root.append(pinNote(L.highlight));

    if (r !== 3 && ctx.state.unturned) root.append(...unturnedPart(P, ctx, L.grids.output.cell));

    // the window's arithmetic
    if (pos && connected) {
      let zeros = 0;
      const terms = [];
      for (const q of slices) {
        const k = kindAt(q.depth);
        const padded = planeOf(pd.padded, 0, data.ci, q.depth);
        const rotated = planeOf(pd.rotatedKernel, data.co, data.ci - Math.floor(data.co / P.Cog) * P.Cig, q.ka);
        for (const [cell, [ka, kb]] of windowTap) {
          const uu = Math.floor(cell / Wp), v = cell % Wp;
          const val = padded.at(uu, v);
          if (val === 0 && k(uu, v) !== 'data') zeros++;
          else terms.push(`${factor(val)}·${factor(rotated.at(ka, kb))}`);
        }
      }
      const note = P.Cig > 1 ? ` (this is channel ${data.ci}'s share; the explanation below sums all ${P.Cig} input channels)` : '';
      const bias = L.bias ? `, then + ${factor(L.bias.data[data.co])} (the bias)` : '';
      root.append(el('p', { class: 'window-note', 'aria-live': 'polite' },
        `Window at ${cellName('y', [data.co], spatial(P, pos[0], pos[1], dz), P)}: ${zeros} of ${windowTap.size * slices.length} kernel cells sit on inserted zeros or padding; `
        + `the rest give ${terms.join(' + ') || '0'}${bias}${note}.`));
    }
  }));
}
