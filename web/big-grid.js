// Grids too big for numbers: one canvas pixel per cell, scaled up sharp by the browser (image-rendering: pixelated),
// with outlines as small elements over it. A canvas at screen resolution (up to 1024×1024) was copied for the
// compositor on every frame it changed, 10–15 ms each here; 67×67 pixels cost nothing. A grid larger than
// MAX_SIDE on a side is drawn as a window around the pinned cell, with a note that says so.
//
// bigGridImage() is the pure part (the pixels and outlines, from the same options as web/grid.js's grids), which the
// figure export (web/figure.js) uses too.
import { el, listen, pickByKey } from './dom.js';
import { paintCanvas } from './morph.js';
import { rgbaOf } from './colors.js';

/**
 * Beyond this many cells a grid is drawn without numbers, one pixel per cell: numbers at the smallest cell size stop
 * being readable, and each cell of a numbered grid is also a fallback element in the page.
 */
export const MAX_NUMBERED_CELLS = 3600;

/** A big grid draws at most this many rows and columns: a 2048×2048 grid drawn whole took over 30 s. */
const MAX_SIDE = 160;

const DRAWN = Symbol('drawn'); // what a big grid's canvas last painted
const sameBytes = (a, b) => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * The window of a big grid and its pixels, from makeGrid()'s options (cls/bg/value callbacks, pinned, palette):
 * {rows, cols, r0, c0, pixels: Uint8ClampedArray (RGBA, one per cell), outlines: [[i, j, colour]]}. No DOM.
 */
export function bigGridImage(o) {
  const rows = Math.min(o.rows, MAX_SIDE), cols = Math.min(o.cols, MAX_SIDE);
  const [pr, pc] = o.pinned || [0, 0];
  const r0 = Math.max(0, Math.min(o.rows - rows, pr - (rows >> 1)));
  const c0 = Math.max(0, Math.min(o.cols - cols, pc - (cols >> 1)));
  const win = { rows, cols, r0, c0 };
  const img = memoized(o, win) || baseImage(o, win);
  const outlines = img.outlines.slice();
  for (const [i, j] of (o.marks && o.marks.contrib) || []) outlines.push([i, j, o.palette.accent]);
  if (o.pinned) outlines.push([o.pinned[0], o.pinned[1], o.palette.hl]);
  return { ...img, outlines: outlines.filter(([i, j]) => i >= r0 && j >= c0 && i < r0 + rows && j < c0 + cols) };
}

const images = new WeakMap(); // o.same[0] -> {same, window, img}: the last image made from it
/** The image made last time from the same o.same (compared one by one), window and palette, or null. */
function memoized(o, w) {
  if (!o.same || typeof o.same[0] !== 'object' || o.same[0] === null) return null;
  const last = images.get(o.same[0]);
  const same = last && last.pal === o.palette && last.same.length === o.same.length && last.same.every((v, i) => v === o.same[i])
    && last.rows === o.rows && last.cols === o.cols && ['rows', 'cols', 'r0', 'c0'].every((k) => last.window[k] === w[k]);
  return same ? last.img : null;
}

/** The pixels and the outlines the callbacks ask for (not the pin's or the marks'). */
function baseImage(o, { rows, cols, r0, c0 }) {
  const pal = o.palette;
  const values = new Float64Array(rows * cols);
  let m = 0;
  for (let i = r0; i < r0 + rows; i++) for (let j = c0; j < c0 + cols; j++) {
    // value(i, j) when the caller has the number; parsing text(i, j) back costs more on big windows.
    const x = o.value ? o.value(i, j) : o.text ? Number(String(o.text(i, j)).replace('−', '-').replace('×', '')) : 0;
    const q = (i - r0) * cols + (j - c0);
    values[q] = Number.isFinite(x) ? x : 0;
    m = Math.max(m, Math.abs(values[q]));
  }
  // One pixel per cell, blended here: a fillRect per cell took 150–300 ms for a 160×160 window on a software canvas.
  const px = new Uint8ClampedArray(rows * cols * 4);
  const blend = (k, color, alpha = 1) => {
    const [r, g, b, a] = rgbaOf(color);
    const t = a * alpha;
    px[k] += (r - px[k]) * t;
    px[k + 1] += (g - px[k + 1]) * t;
    px[k + 2] += (b - px[k + 2]) * t;
  };
  const panel = rgbaOf(pal.panel);
  const outlines = [];
  for (let i = r0; i < r0 + rows; i++) for (let j = c0; j < c0 + cols; j++) {
    const cls = o.cls ? o.cls(i, j) || '' : '';
    const bg = o.bg && o.bg(i, j);
    const q = (i - r0) * cols + (j - c0), k = 4 * q;
    const x = values[q];
    px[k] = panel[0]; px[k + 1] = panel[1]; px[k + 2] = panel[2]; px[k + 3] = 255;
    if (bg && bg.startsWith('#')) blend(k, bg);
    else if (cls.includes('padding')) blend(k, pal.line);
    else if (cls.includes('inserted')) blend(k, pal.bg);
    else if (x && m) blend(k, x > 0 ? pal.pos : pal.neg, 0.12 + 0.5 * Math.abs(x) / m);
    if (cls.includes('crop')) blend(k, pal.crop);
    if (cls.includes('opstrip')) blend(k, pal.heat, 0.45);
    if (cls && (cls.includes('current') || cls.includes('contrib'))) outlines.push([i, j, pal.accent]);
  }
  const img = { rows, cols, r0, c0, pixels: px, outlines };
  if (o.same && typeof o.same[0] === 'object' && o.same[0] !== null) {
    images.set(o.same[0], { same: o.same, pal, rows: o.rows, cols: o.cols, window: { rows, cols, r0, c0 }, img });
  }
  return img;
}

/** The pixel size of a big grid's cell on the page: at most o.cell, and the window at most 1400 px. */
export const bigCellSize = (o, img) => Math.max(2, Math.min(o.cell, Math.floor(1400 / Math.max(img.rows, img.cols))));

/**
 * A grid too big for numbers: colours and outlines from the same callbacks as a numbered grid, numbers only in the
 * tooltip, the same click and arrow-key picking.
 */
export function bigGrid(o) {
  const img = bigGridImage(o);
  const { rows, cols, r0, c0 } = img;
  const cs = bigCellSize(o, img);
  const box = el('div', {
    class: 'grid-canvas', 'data-grid': o.name, role: 'img',
    'aria-label': `${o.label} (${o.rows}×${o.cols}, drawn without numbers; hover for values)`,
    style: { width: `${cols * cs}px`, height: `${rows * cs}px` },
  });
  const canvas = el('canvas', { width: cols, height: rows, style: { width: `${cols * cs}px`, height: `${rows * cs}px` } });
  box.append(canvas);
  const ring = Math.max(1, Math.min(3, Math.floor(cs / 4)));
  for (const [i, j, color] of img.outlines) {
    box.append(el('div', {
      class: 'grid-mark',
      style: { left: `${(j - c0) * cs}px`, top: `${(i - r0) * cs}px`, width: `${cs}px`, height: `${cs}px`, boxShadow: `inset 0 0 0 ${ring}px ${color}` },
    }));
  }
  const px = img.pixels;
  paintCanvas(canvas, (target) => {
    // Unchanged since the last paint of this canvas (a change elsewhere on the page): keep its pixels, so the
    // compositor need not take a new copy.
    const before = target[DRAWN];
    if (before && before.width === target.width && before.height === target.height && sameBytes(before.pixels, px)) return;
    target[DRAWN] = { width: target.width, height: target.height, pixels: px };
    target.getContext('2d').putImageData(new ImageData(px, cols, rows), 0, 0);
  });
  const at = (ev) => {
    const r = ev.currentTarget.getBoundingClientRect();
    const i = r0 + Math.floor((ev.clientY - r.top) / cs), j = c0 + Math.floor((ev.clientX - r.left) / cs);
    return i >= r0 && j >= c0 && i < r0 + rows && j < c0 + cols ? [i, j] : null;
  };
  listen(box, 'mousemove', (ev) => {
    const p = at(ev);
    ev.currentTarget.title = p && o.title ? o.title(...p) : '';
  });
  if (o.onPick) {
    box.tabIndex = 0;
    box.style.cursor = 'pointer';
    listen(box, 'click', (ev) => { const p = at(ev); if (p) o.onPick(...p); });
    listen(box, 'keydown', (ev) => pickByKey(ev, o));
  }
  if (rows === o.rows && cols === o.cols) return box;
  return el('div', { class: 'grid-window' },
    el('p', { class: 'note' }, `Showing rows ${r0}–${r0 + rows - 1} and columns ${c0}–${c0 + cols - 1} of this ${o.rows}×${o.cols} grid: `
      + `a grid this large is not drawn cell by cell, which would freeze the page. ${o.onPick ? 'Pin a cell (arrow keys) to move the window.' : 'The window follows the pinned cell.'}`),
    box);
}

