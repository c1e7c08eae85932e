// Small shared drawing helpers: a DOM builder (no innerHTML anywhere), the tap palette, and number grids.
import { num } from './format.js';

/** el('div', {class: 'a', onclick: f}, child, 'text') -> element. Text goes in as text nodes, never as markup. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'style' && typeof v === 'object') Object.assign(node.style, v);
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/**
 * One colour per kernel tap: Paul Tol's "muted" scheme, chosen to stay distinguishable with colour-vision
 * deficiencies. Kernels with more than nine taps reuse colours; the tap index is always in the tooltip too.
 */
const MUTED = [
  ['#CC6677', '#000'], ['#88CCEE', '#000'], ['#DDCC77', '#000'], ['#117733', '#fff'], ['#332288', '#fff'],
  ['#AA4499', '#fff'], ['#44AA99', '#000'], ['#999933', '#000'], ['#882255', '#fff'],
];
export function tapColor(tap) {
  const [bg, fg] = MUTED[((tap % MUTED.length) + MUTED.length) % MUTED.length];
  return { bg, fg };
}

/** Pixel size for grid cells so `cols` cells fit the container, within [min, max]. */
export function cellSize(container, cols, { min = 14, max = 40, reserve = 0 } = {}) {
  const cs = getComputedStyle(container);
  const padding = (parseFloat(cs.paddingLeft) || 0) + (parseFloat(cs.paddingRight) || 0);
  const width = (container.clientWidth || document.documentElement.clientWidth || 800) - padding - reserve;
  // each column also takes a 1px gap, plus the grid's 1px border on both sides
  return Math.max(min, Math.min(max, Math.floor((width - 2) / Math.max(cols, 1)) - 1));
}

/** Background tint for a value: blue for positive, orange for negative (Tol bright), strength by |v| / maxAbs. */
export function tint(v, maxAbs) {
  if (!v || !maxAbs) return null;
  const t = Math.min(1, Math.abs(v) / maxAbs);
  const pct = Math.round(12 + 48 * t);
  return `color-mix(in srgb, var(${v > 0 ? '--pos' : '--neg'}) ${pct}%, transparent)`;
}

const maxAbsCache = new WeakMap(); // typed array -> its max |value|: tensors never change once computed
/** Largest |value| of an array (NaN and ±Inf count as 0 here: they get no tint). */
export const maxAbs = (data) => {
  if (maxAbsCache.has(data)) return maxAbsCache.get(data);
  let m = 0;
  for (let i = 0, n = data.length; i < n; i++) {
    const a = Math.abs(data[i]);
    if (a > m && a !== Infinity) m = a;
  }
  if (ArrayBuffer.isView(data)) maxAbsCache.set(data, m);
  return m;
};

/**
 * A grid of numbers as DOM cells (CSS grid). Options:
 *   rows, cols, name (data-grid attribute), label (accessible name), cell (px),
 *   text(i,j), value(i,j) -> the number (used by big canvas grids), cls(i,j) -> class string, bg(i,j) -> CSS colour, fg(i,j), title(i,j),
 *   pinned: [r,c] | null, onPick(i,j): makes the grid a pin target (click/tap, arrow keys, Enter), 
 *   onHover(i,j | null): transient highlight.
 * Cells carry data-r/data-c so tests and other code can find them.
 */
export function makeGrid(o) {
  if (o.rows * o.cols > MAX_DOM_CELLS) return canvasGrid(o);
  const small = o.cell < 22;
  const g = el('div', {
    class: `grid${small ? ' small' : ''}${o.onPick ? ' pickable' : ''}`,
    'data-grid': o.name,
    role: 'group',
    'aria-label': o.label,
    style: { gridTemplateColumns: `repeat(${o.cols}, ${o.cell}px)`, gridAutoRows: `${o.cell}px` },
  });
  for (let i = 0; i < o.rows; i++) {
    for (let j = 0; j < o.cols; j++) {
      const cls = o.cls ? o.cls(i, j) : '';
      const text = o.text ? o.text(i, j) : '';
      const c = el('div', { class: `cell ${cls || ''}`, 'data-r': i, 'data-c': j, title: o.title ? o.title(i, j) : undefined });
      const bg = o.bg && o.bg(i, j);
      if (bg) c.style.background = bg;
      const fg = o.fg && o.fg(i, j);
      if (fg) c.style.color = fg;
      if (text !== '') c.append(el('span', {}, text));
      g.append(c);
    }
  }
  if (o.pinned) {
    const [r, c] = o.pinned;
    if (r < o.rows && c < o.cols) g.children[r * o.cols + c].classList.add('pin');
  }
  const at = (ev) => {
    const c = ev.target.closest('.cell');
    return c && g.contains(c) ? [Number(c.dataset.r), Number(c.dataset.c)] : null;
  };
  if (o.onPick) {
    g.tabIndex = 0;
    g.setAttribute('aria-keyshortcuts', 'ArrowUp ArrowDown ArrowLeft ArrowRight');
    g.setAttribute('aria-description', 'Click a cell or use the arrow keys to pin an output cell');
    g.addEventListener('click', (ev) => {
      const p = at(ev);
      if (p) o.onPick(...p);
    });
    g.addEventListener('keydown', (ev) => {
      const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
      const m = moves[ev.key];
      if (!m && ev.key !== 'Enter' && ev.key !== ' ') return;
      ev.preventDefault();
      const [r, c] = o.pinned || [0, 0];
      if (!m) return o.onPick(r, c);
      const nr = Math.max(0, Math.min(o.rows - 1, (o.pinned ? r + m[0] : 0)));
      const nc = Math.max(0, Math.min(o.cols - 1, (o.pinned ? c + m[1] : 0)));
      o.onPick(nr, nc);
    });
  }
  if (o.onHover) {
    g.addEventListener('mouseover', (ev) => o.onHover(at(ev)));
    g.addEventListener('mouseleave', () => o.onHover(null));
  }
  return g;
}

const parsedColors = new Map(); // CSS colour -> [r, g, b, alpha 0..1]
/** Any CSS colour the canvas understands, as numbers (parsed by a 1×1 canvas once per colour). */
function rgbaOf(color) {
  let rgba = parsedColors.get(color);
  if (rgba) return rgba;
  rgbaOf.ctx = rgbaOf.ctx || Object.assign(document.createElement('canvas'), { width: 1, height: 1 }).getContext('2d', { willReadFrequently: true });
  const c = rgbaOf.ctx;
  c.clearRect(0, 0, 1, 1);
  c.fillStyle = '#000';
  c.fillStyle = color;
  c.fillRect(0, 0, 1, 1);
  const d = c.getImageData(0, 0, 1, 1).data;
  rgba = [d[0], d[1], d[2], d[3] / 255];
  parsedColors.set(color, rgba);
  return rgba;
}

/** Beyond this many cells a grid is drawn on a <canvas>: tens of thousands of DOM cells would freeze the tab. */
const MAX_DOM_CELLS = 3600;

/** A canvas grid draws at most this many rows and columns: a 2048×2048 grid drawn whole took over 30 s. */
const MAX_CANVAS_SIDE = 160;

/**
 * The same grid drawn on a canvas: colours and outlines from the same cls/bg callbacks (CSS colour expressions are
 * approximated), numbers only in the tooltip, the same click and arrow-key picking. A grid larger than
 * MAX_CANVAS_SIDE on a side is drawn as a window around the pinned cell (or the top-left corner), with a note that
 * says so, inside a wrapper element.
 */
function canvasGrid(o) {
  const rows = Math.min(o.rows, MAX_CANVAS_SIDE), cols = Math.min(o.cols, MAX_CANVAS_SIDE);
  const [pr, pc] = o.pinned || [0, 0];
  const r0 = Math.max(0, Math.min(o.rows - rows, pr - (rows >> 1)));
  const c0 = Math.max(0, Math.min(o.cols - cols, pc - (cols >> 1)));
  const cs = Math.max(2, Math.min(o.cell, Math.floor(1400 / Math.max(rows, cols))));
  const canvas = el('canvas', { class: 'grid-canvas', 'data-grid': o.name, role: 'img', 'aria-label': `${o.label} (${o.rows}×${o.cols}, drawn without numbers; hover for values)` });
  // Backing pixels per CSS pixel: the device ratio, but at most 1024 pixels a side. Allocating a 1280×1280 backing
  // store alone took ~30 ms; the browser scales the rest (image-rendering: pixelated keeps the cells sharp).
  const dpr = Math.min(window.devicePixelRatio || 1, 1024 / (Math.max(rows, cols) * cs));
  canvas.width = Math.ceil(cols * cs * dpr);
  canvas.height = Math.ceil(rows * cs * dpr);
  canvas.style.imageRendering = 'pixelated';
  canvas.style.width = `${cols * cs}px`;
  canvas.style.height = `${rows * cs}px`;
  // Looked up once: getPropertyValue per cell was most of the drawing time.
  const css = getComputedStyle(document.documentElement);
  const colors = Object.fromEntries(['--panel', '--line', '--bg', '--pos', '--neg', '--crop', '--heat', '--accent', '--hl']
    .map((n) => [n, css.getPropertyValue(n).trim()]));
  const v = (n) => colors[n];
  const ctx = canvas.getContext('2d');
  const values = new Float64Array(rows * cols);
  let m = 0;
  for (let i = r0; i < r0 + rows; i++) for (let j = c0; j < c0 + cols; j++) {
    // value(i, j) when the caller has the number; parsing text(i, j) back costs more on big windows.
    const x = o.value ? o.value(i, j) : o.text ? Number(String(o.text(i, j)).replace('−', '-').replace('×', '')) : 0;
    const q = (i - r0) * cols + (j - c0);
    values[q] = Number.isFinite(x) ? x : 0;
    m = Math.max(m, Math.abs(values[q]));
  }
  // One pixel per cell, blended here and scaled up once: a fillRect per cell took 150–300 ms for a 160×160 window
  // on a software canvas.
  const image = new ImageData(cols, rows);
  const px = image.data;
  const blend = (k, color, alpha = 1) => {
    const [r, g, b, a] = rgbaOf(color);
    const t = a * alpha;
    px[k] += (r - px[k]) * t;
    px[k + 1] += (g - px[k + 1]) * t;
    px[k + 2] += (b - px[k + 2]) * t;
  };
  const panel = rgbaOf(v('--panel'));
  const outlines = [];
  for (let i = r0; i < r0 + rows; i++) for (let j = c0; j < c0 + cols; j++) {
    const cls = o.cls ? o.cls(i, j) || '' : '';
    const bg = o.bg && o.bg(i, j);
    const q = (i - r0) * cols + (j - c0), k = 4 * q;
    const x = values[q];
    px[k] = panel[0]; px[k + 1] = panel[1]; px[k + 2] = panel[2]; px[k + 3] = 255;
    if (bg && bg.startsWith('#')) blend(k, bg);
    else if (cls.includes('padding')) blend(k, v('--line'));
    else if (cls.includes('inserted')) blend(k, v('--bg'));
    else if (x && m) blend(k, x > 0 ? v('--pos') : v('--neg'), 0.12 + 0.5 * Math.abs(x) / m);
    if (cls.includes('crop')) blend(k, v('--crop'));
    if (cls.includes('opstrip')) blend(k, v('--heat'), 0.45);
    if (cls && /\b(current|contrib)\b/.test(cls)) outlines.push([i, j, v('--accent')]);
  }
  const cells = document.createElement('canvas');
  cells.width = cols;
  cells.height = rows;
  cells.getContext('2d').putImageData(image, 0, 0);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(cells, 0, 0, cols * cs, rows * cs);
  if (o.pinned) outlines.push([o.pinned[0], o.pinned[1], v('--hl')]);
  ctx.lineWidth = Math.max(1, Math.min(3, cs / 4));
  for (const [i, j, color] of outlines) {
    if (i < r0 || j < c0 || i >= r0 + rows || j >= c0 + cols) continue;
    ctx.strokeStyle = color;
    ctx.strokeRect((j - c0) * cs + 0.5, (i - r0) * cs + 0.5, cs - 1, cs - 1);
  }
  const at = (ev) => {
    const r = canvas.getBoundingClientRect();
    const i = r0 + Math.floor((ev.clientY - r.top) / cs), j = c0 + Math.floor((ev.clientX - r.left) / cs);
    return i >= r0 && j >= c0 && i < r0 + rows && j < c0 + cols ? [i, j] : null;
  };
  canvas.addEventListener('mousemove', (ev) => {
    const p = at(ev);
    canvas.title = p && o.title ? o.title(...p) : '';
  });
  if (o.onPick) {
    canvas.tabIndex = 0;
    canvas.style.cursor = 'pointer';
    canvas.addEventListener('click', (ev) => { const p = at(ev); if (p) o.onPick(...p); });
    canvas.addEventListener('keydown', (ev) => {
      const mv = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[ev.key];
      if (!mv) return;
      ev.preventDefault();
      const [r, c] = o.pinned || [0, 0];
      o.onPick(Math.max(0, Math.min(o.rows - 1, o.pinned ? r + mv[0] : 0)), Math.max(0, Math.min(o.cols - 1, o.pinned ? c + mv[1] : 0)));
    });
  }
  if (rows === o.rows && cols === o.cols) return canvas;
  return el('div', { class: 'grid-window' },
    el('p', { class: 'note' }, `Showing rows ${r0}–${r0 + rows - 1} and columns ${c0}–${c0 + cols - 1} of this ${o.rows}×${o.cols} grid: `
      + `a grid this large is not drawn cell by cell, which would freeze the page. ${o.onPick ? 'Pin a cell (arrow keys) to move the window.' : 'The window follows the pinned cell.'}`),
    canvas);
}

/** Mark cells of a grid element with a class (used for transient hover highlights, cheap: no re-render). */
export function markCells(gridEl, cells, className) {
  if (!gridEl.classList.contains('grid')) return; // large grids (canvas): highlights are drawn at render time only
  for (const c of gridEl.querySelectorAll(`.${className}`)) c.classList.remove(className);
  const cols = gridEl.style.gridTemplateColumns.match(/repeat\((\d+)/);
  const n = cols ? Number(cols[1]) : 0;
  for (const [i, j] of cells) {
    const c = gridEl.children[i * n + j];
    if (c && j < n) c.classList.add(className);
  }
}

/**
 * Rebuild `container` with fn() while keeping keyboard focus: the focused element's data-focus (or data-grid) key is
 * looked up again afterwards, so arrow keys and Play/Pause keep working across re-renders.
 */
export function keepFocus(container, fn) {
  const a = document.activeElement;
  const key = a && container.contains(a) ? a.getAttribute('data-focus') || a.getAttribute('data-grid') : null;
  fn();
  if (!key) return;
  const again = container.querySelector(`[data-focus="${CSS.escape(key)}"], [data-grid="${CSS.escape(key)}"]`);
  if (again) again.focus({ preventScroll: true });
}

/** <figure> with a caption above the content. */
export function figure(caption, ...content) {
  return el('figure', { class: 'fig' }, el('figcaption', {}, caption), ...content);
}

/** A 2-D slice [rows, cols] of a 4-D tensor {shape, data}. */
export function slice2d(t, a, b) {
  const [, B, H, W] = t.shape;
  const off = (a * B + b) * H * W;
  return { rows: H, cols: W, at: (i, j) => t.data[off + i * W + j] };
}

export { num };
