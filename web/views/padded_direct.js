// Padded direct view: insert stride−1 zeros between input cells, pad by dilation·(k−1)−padding (a crop when that is
// negative, plus output_padding at the bottom/right), then slide the 180°-rotated kernel with stride 1
// (engine.paddedDirect). Kernel taps keep their colours from the other views, so the flip is visible.
import { el, figure, cellSize } from '../dom.js';
import { renderInto, keepFocus } from '../morph.js';
import { makeGrid, slice2d } from '../grid.js';
import { tapColor, tint, maxAbs } from '../colors.js';
import { player } from '../player.js';
import { num, idx, factor } from '../format.js';

/** Columns of the zero-inserted, padded input: (W−1)·s + 1 inserted, then d·(k−1) − p on each side, + output_padding. */
const paddedWidth = (P) => (P.W - 1) * P.s[1] + 1 + 2 * (P.d[1] * (P.kW - 1) - P.p[1]) + P.op[1];

/**
 * The view's figures as data, for the page and the figure export alike: {rows: [[{caption, grid}]], …}, each grid
 * web/grid.js's options. cells: {kernel, padded, output} cell sizes in px, and pin(r, c) to make the output a pin
 * target. get, state: the store's (tracked while drawing). Returns {note} when there is nothing to draw yet.
 */
export function layout(get, state, pal, cells) {
  const a = get('artifact padded_direct');
  if (a.pending) return { note: 'Computing the zero-inserted, padded input in the background…', pending: true };
  if (a.error) return { note: `This view cannot be drawn: ${a.error.message}` };
  const m = get('shown').model;
  const data = { params: m.params, input: m.input, weight: m.weight, output: m.output, ci: state.ci, co: state.co, pinned: state.cell };
  const P = data.params;
  const pd = a.value;
  const [, , Hp, Wp] = pd.padded.shape;
  const group = Math.floor(data.co / P.Cog), cl = data.co % P.Cog;
  const ciLocal = data.ci - group * P.Cig;
  const connected = ciLocal >= 0 && ciLocal < P.Cig;
  const total = get('steps');
  const st = { t: state.step ?? total };
  if (!(st.t <= total)) st.t = total;

  const padded = slice2d(pd.padded, 0, data.ci);
  const rotated = connected ? slice2d(pd.rotatedKernel, data.co, ciLocal) : null;
  const wAt = (a, b) => data.weight.data[((data.ci * P.Cog + cl) * P.kH + a) * P.kW + b];
  // Rotated position (a, b) holds original tap (kH−1−a, kW−1−b): colour it by the original tap.
  const origTap = (a, b) => (P.kH - 1 - a) * P.kW + (P.kW - 1 - b);
  // Window: while stepping, at output cell t−1; otherwise at the pinned cell.
  const stepping = st.t >= 1 && st.t < total;
  const pos = stepping ? [Math.floor((st.t - 1) / P.Wout), (st.t - 1) % P.Wout] : data.pinned;
  const windowTap = new Map();
  if (pos && connected) {
    for (let a = 0; a < P.kH; a++) for (let b = 0; b < P.kW; b++) {
      windowTap.set((pos[0] + a * P.d[0]) * Wp + pos[1] + b * P.d[1], [a, b]);
    }
  }
  const kind = (u, v) => {
    const r = pd.rowSource[u], c = pd.colSource[v];
    if (r === -2 || c === -2) return 'padding';
    if (r === -1 || c === -1) return 'inserted';
    return 'data';
  };
  const xMax = maxAbs(data.input.data);
  const ySl = slice2d(data.output, 0, data.co);
  const yMax = maxAbs(data.output.data);
  const grids = {
    kernel: {
      rows: P.kH, cols: P.kW, name: 'padded-direct-kernel', same: [data.weight, data.ci, cl, pal], label: 'Kernel w as stored', cell: cells.kernel,
      text: (a, b) => num(wAt(a, b)), bg: (a, b) => tapColor(a * P.kW + b).bg, fg: (a, b) => tapColor(a * P.kW + b).fg,
      title: (a, b) => `w${idx(a, b)} = ${num(wAt(a, b))}`, palette: pal,
    },
    rotated: connected ? {
        rows: P.kH, cols: P.kW, name: 'padded-direct-rotated', same: [pd, data.co, ciLocal, pal], label: 'Kernel rotated by 180 degrees', cell: cells.kernel,
        text: (a, b) => num(rotated.at(a, b)), bg: (a, b) => tapColor(origTap(a, b)).bg, fg: (a, b) => tapColor(origTap(a, b)).fg,
        title: (a, b) => `rotated[${a},${b}] = w[${P.kH - 1 - a},${P.kW - 1 - b}] = ${num(rotated.at(a, b))}`, palette: pal,
      } : null,
    padded: {
      rows: Hp, cols: Wp, name: 'padded-direct-input', same: [pd, data.ci, connected, pos && pos[0], pos && pos[1], pal], cell: cells.padded,
      label: `Zero-inserted, padded input (channel ${data.ci}), ${Hp}×${Wp}`,
      text: (u, v) => num(padded.at(u, v)), value: (u, v) => padded.at(u, v),
      cls: (u, v) => `${kind(u, v)}${windowTap.has(u * Wp + v) ? ' window' : ''}`,
      bg: (u, v) => {
        const t = windowTap.get(u * Wp + v);
        if (t) return tapColor(origTap(t[0], t[1])).bg;
        return kind(u, v) === 'data' ? tint(padded.at(u, v), xMax, pal) : null;
      },
      fg: (u, v) => {
        const t = windowTap.get(u * Wp + v);
        return t ? tapColor(origTap(t[0], t[1])).fg : null;
      },
      title: (u, v) => {
        const k = kind(u, v);
        if (k === 'data') return `x[${pd.rowSource[u]},${pd.colSource[v]}] = ${num(padded.at(u, v))}`;
        return k === 'inserted' ? 'inserted zero (stride)' : 'zero padding';
      },
      palette: pal,
    },
    output: {
      rows: P.Hout, cols: P.Wout, name: 'padded-direct-output', same: [data.output, data.co, st.t, pos && pos[0], pos && pos[1], pal], label: `Output y (channel ${data.co})`, cell: cells.output,
      pinned: data.pinned,
      text: (i, j) => (st.t >= total || i * P.Wout + j < st.t ? num(ySl.at(i, j)) : ''),
      value: (i, j) => (st.t >= total || i * P.Wout + j < st.t ? ySl.at(i, j) : 0),
      bg: (i, j) => (st.t >= total || i * P.Wout + j < st.t ? tint(ySl.at(i, j), yMax, pal) : null),
      cls: (i, j) => (pos && pos[0] === i && pos[1] === j ? 'current' : ''),
      title: (i, j) => `y${idx(i, j)} = ${num(ySl.at(i, j))}: window at padded (${i}, ${j})`,
      onPick: cells.pin, palette: pal,
    },
  };
  const captions = {
    kernel: P.Cin > 1 || P.Cout > 1 ? `Kernel w[${data.ci},${cl}]` : 'Kernel w',
    rotated: 'Rotated 180°',
    padded: `Zero-inserted, padded input (${Hp}×${Wp})`,
    output: `Output y (${P.Hout}×${P.Wout})`,
  };
  const kernels = [{ caption: captions.kernel, grid: grids.kernel }];
  if (connected) kernels.push({ caption: captions.rotated, grid: grids.rotated });
  return {
    P, pd, st, total, pos, connected, windowTap, kind, rotated, grids, captions, Hp, Wp, cl,
    rows: [kernels, [{ caption: captions.padded, grid: grids.padded }, { caption: captions.output, grid: grids.output }]],
  };
}

/** Draws the padded direct view into box from the store's derived values (ctx: web/app.js's view context). */
export function render(container, ctx) {
  const P = ctx.get('shown').model.params;
  const L = layout(ctx.get, ctx.state, ctx.palette, {
    kernel: cellSize(container, 2 * P.kW + 2, { min: 18, max: 34, reserve: 120 }),
    padded: cellSize(container, paddedWidth(P), { min: 14, max: 40, reserve: 16 }),
    output: cellSize(container, P.Wout, { min: 14, max: 40, reserve: 16 }),
    pin: (r, c) => ctx.set({ cell: [r, c] }),
  });
  if (L.note) {
    container.replaceChildren(el('p', { class: 'note', ...(L.pending ? { role: 'status' } : {}) }, L.note));
    return;
  }
  const { pd, st, total, pos, connected, windowTap, kind, rotated, Hp, Wp } = L;
  const data = { ci: ctx.state.ci, co: ctx.state.co };
  const pad = pd.padding;
  keepFocus(container, () => renderInto(container, (root) => {
    const padText = (n, side) => (n >= 0 ? `${n} on the ${side}` : `a crop of ${-n} on the ${side}`);
    root.append(
      el('p', { class: 'lede' },
        `1. Insert ${P.s[0] - 1} zero row(s) and ${P.s[1] - 1} zero column(s) between input cells (stride ${P.s[0]}×${P.s[1]}). `
        + `2. Pad by dilation·(k−1) − padding: ${padText(pad.top, 'top')}, ${padText(pad.left, 'left')}, `
        + `${padText(pad.bottom, 'bottom')}, ${padText(pad.right, 'right')}${P.op[0] || P.op[1] ? ' (bottom and right include output_padding)' : ''}. `
        + '3. Slide the kernel, rotated by 180°, one cell at a time: each window position gives one output cell.'),
      el('div', { class: 'toolbar' },
        player({ t: st.t, total, playing: ctx.state.playing, speed: ctx.state.speed, noun: 'window positions' }, ctx.set)),
    );

    // kernel and its rotation
    const kRow = el('div', { class: 'row' });
    const kGrid = makeGrid(L.grids.kernel);
    kRow.append(figure(L.captions.kernel, kGrid));
    if (connected) {
      const rGrid = makeGrid(L.grids.rotated);
      kRow.append(el('span', { class: 'arrow', 'aria-hidden': 'true' }, '⟳ 180°'), figure(L.captions.rotated, rGrid));
    }
    kRow.append(el('p', { class: 'why' },
      connected
        ? 'Why rotated: in the scatter view input cell i sends tap k to output i·s + k·d. Seen from an output cell, tap k '
          + 'comes from the input k·d positions before it, so a window sliding forward meets the kernel backwards: '
          + 'last tap first. Rotating by 180° (flip rows and columns) lets the window read it in order.'
        : `Input channel ${data.ci} is not in output channel ${data.co}'s group, so it does not contribute (groups = ${P.g}).`));
    root.append(kRow);

    // padded input
    const pGrid = makeGrid(L.grids.padded);
    const cropSides = ['top', 'bottom', 'left', 'right'].filter((s) => pad[s] < 0);
    for (const s of cropSides) pGrid.classList.add(`crop-${s}`);
    const padFig = figure(L.captions.padded, el('div', { class: 'scroll' }, pGrid));
    padFig.append(el('p', { class: 'legend' },
      el('span', { class: 'swatch data' }), ' input value  ',
      el('span', { class: 'swatch inserted' }), ' inserted zero (stride)  ',
      el('span', { class: 'swatch padding' }), ' padding zero',
      cropSides.length ? `  · red dashed edge: cropped (${cropSides.map((s) => `${-pad[s]} on the ${s}`).join(', ')}), because padding > dilation·(k−1)` : ''));

    // output
    const oGrid = makeGrid(L.grids.output);
    root.append(el('div', { class: 'row' }, padFig, figure(L.captions.output, el('div', { class: 'scroll' }, oGrid))));

    // the window's arithmetic
    if (pos && connected) {
      let zeros = 0;
      const terms = [];
      for (const [q, [a, b]] of windowTap) {
        const v = pd.padded.data[(data.ci * Hp) * Wp + q];
        if (v === 0 && kind(Math.floor(q / Wp), q % Wp) !== 'data') zeros++;
        else terms.push(`${factor(v)}·${factor(rotated.at(a, b))}`);
      }
      const note = P.Cig > 1 ? ` (this is channel ${data.ci}'s share; the explanation below sums all ${P.Cig} input channels)` : '';
      root.append(el('p', { class: 'window-note', 'aria-live': 'polite' },
        `Window at y${idx(pos[0], pos[1])}: ${zeros} of ${windowTap.size} kernel cells sit on inserted zeros or padding; `
        + `the rest give ${terms.join(' + ') || '0'}${note}.`));
    }
  }));
}
