// Small shared drawing helpers: a DOM builder (no innerHTML anywhere), the tap palette, and number grids.
import { num } from './format.js';

/** el('div', {class: 'a', onclick: f}, child, 'text') -> element. Text goes in as text nodes, never as markup. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') listen(node, k.slice(2), v);
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

// ---------------------------------------------------------------- re-rendering without rebuilding the page
// Views render a fresh tree off the page and renderInto() carries it over to the live one, node by node: only
// what differs is written (a moved highlight is a class or two), so the browser restyles, lays out and paints only
// that, keyboard focus and scroll positions stay, and canvases keep their pixel buffers. Replacing a view's ~2000
// nodes on every change cost more in style, layout and paint than the view's own code.
//
// Event handlers move with the nodes: listen() keeps them in a table the live node takes over. A handler must find
// its element through ev.currentTarget, never through a variable holding the element it was built with.

const HANDLERS = Symbol('handlers');
const LIVE = Symbol('live');
const PAINT = Symbol('paint');
const CELLS = Symbol('cells'); // a fresh grid's cells as data, written into the live grid by renderInto()
const SHOWN = Symbol('shown'); // the cell data a live grid shows
const TITLES = Symbol('titles'); // a grid's title(i, j), asked when the pointer reaches a cell
let building = 0; // > 0 while renderInto() builds a fresh tree: canvases are painted once they are live
let morphing = 0; // > 0 while renderInto() writes a fresh tree into the page: grid canvases are drawn after it
const paintJobs = []; // grid drawing queued while morphing

function dispatchToHandlers(ev) {
  const list = ev.currentTarget[HANDLERS][ev.type];
  if (list) for (const f of list) f.call(ev.currentTarget, ev);
}

/** addEventListener that renderInto() can carry over to the live node. */
export function listen(node, type, fn) {
  const table = node[HANDLERS] || (node[HANDLERS] = {});
  if (!table[type]) {
    table[type] = [];
    node.addEventListener(type, dispatchToHandlers);
  }
  table[type].push(fn);
}

/**
 * Draws a canvas now, or, while renderInto() builds a fresh tree, once the canvas is live: into the live canvas
 * that takes its place (same size: no new pixel buffer, whose allocation alone took tens of ms), or into itself.
 * paint(target) must draw into target.
 */
export function paintCanvas(canvas, paint) {
  if (building) canvas[PAINT] = paint;
  else paint(canvas);
}

/** The live node a node of a fresh tree became after renderInto() (itself when it was inserted as is). */
export function liveOf(node) {
  return (node && node[LIVE]) || node;
}

const keyOf = (n) => (n.nodeType === 1 ? n.getAttribute('data-grid') || n.getAttribute('data-focus') || n.id || '' : '');
const sameKind = (a, b) => a.nodeType === b.nodeType && a.nodeName === b.nodeName && keyOf(a) === keyOf(b);

/** Paints the canvases and fills the grids of a subtree that renderInto() inserted as it was. */
function finishInserted(node) {
  if (node.nodeType !== 1) return;
  const canvases = node.nodeName === 'CANVAS' ? [node] : node.querySelectorAll('canvas');
  for (const c of canvases) {
    const paint = c[PAINT];
    if (paint) {
      delete c[PAINT];
      paintJobs.push(() => paint(c));
    }
  }
  const grids = node.classList.contains('grid') ? [node] : node.querySelectorAll('.grid');
  for (const g of grids) {
    if (g[CELLS]) { writeCells(g, g[CELLS]); delete g[CELLS]; }
  }
}

function morphNode(live, fresh, inserted) {
  fresh[LIVE] = live;
  if (live.nodeType !== 1) {
    if (live.nodeValue !== fresh.nodeValue) live.nodeValue = fresh.nodeValue;
    return;
  }
  const fa = fresh.attributes;
  for (let i = 0; i < fa.length; i++) {
    const { name, value } = fa[i];
    if (live.getAttribute(name) === value) continue;
    // The page's CSP (style-src 'self') blocks style attributes written as text; the CSSOM is allowed.
    if (name === 'style') live.style.cssText = fresh.style.cssText;
    else live.setAttribute(name, value);
  }
  const la = live.attributes;
  for (let i = la.length - 1; i >= 0; i--) if (!fresh.hasAttribute(la[i].name)) live.removeAttribute(la[i].name);
  const handlers = fresh[HANDLERS];
  if (handlers || live[HANDLERS]) {
    const table = {};
    for (const type of Object.keys(handlers || {})) {
      if (!live[HANDLERS] || !live[HANDLERS][type]) live.addEventListener(type, dispatchToHandlers);
      table[type] = handlers[type];
    }
    live[HANDLERS] = table;
  }
  if (live.nodeName === 'CANVAS') {
    // Same width and height attributes: the live buffer is reused (setting them, even unchanged, would clear it).
    if (fresh[PAINT]) {
      // drawn once the view's nodes are all written (see renderInto)
      const paint = fresh[PAINT];
      paintJobs.push(() => paint(live));
    } else {
      const ctx = live.getContext('2d');
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, live.width, live.height);
      ctx.drawImage(fresh, 0, 0);
    }
    return;
  }
  if (fresh[CELLS]) {
    live[TITLES] = fresh[TITLES];
    writeCells(live, fresh[CELLS]);
    return;
  }
  morphChildren(live, fresh, inserted);
  // Form state lives in properties, not attributes.
  if (live.nodeName === 'INPUT') {
    if (live.checked !== fresh.checked) live.checked = fresh.checked;
    if (live.value !== fresh.value) live.value = fresh.value;
  } else if (live.nodeName === 'SELECT' || live.nodeName === 'TEXTAREA') {
    if (live.value !== fresh.value) live.value = fresh.value;
  }
}

function morphChildren(live, fresh, inserted) {
  let cur = live.firstChild;
  for (let f = fresh.firstChild; f;) {
    const next = f.nextSibling;
    // One node fewer than before (a note that went away): drop it rather than rebuild everything after it.
    if (cur && !sameKind(cur, f) && cur.nextSibling && sameKind(cur.nextSibling, f)) {
      const gone = cur;
      cur = cur.nextSibling;
      gone.remove();
    }
    if (cur && sameKind(cur, f)) {
      morphNode(cur, f, inserted);
      cur = cur.nextSibling;
    } else {
      live.insertBefore(f, cur);
      inserted.push(f);
    }
    f = next;
  }
  while (cur) {
    const next = cur.nextSibling;
    cur.remove();
    cur = next;
  }
}

/**
 * Renders `container` with build(root): build fills a fresh, off-page element, and the container's children are then
 * made equal to root's, reusing every live node that can stay (see above).
 */
export function renderInto(container, build) {
  const root = document.createElement(container.nodeName);
  building += 1;
  try {
    build(root);
  } finally {
    building -= 1;
  }
  const inserted = [];
  morphing += 1;
  try {
    morphChildren(container, root, inserted);
    for (const node of inserted) finishInserted(node);
  } finally {
    morphing -= 1;
  }
  // Canvases are drawn once the page's nodes are all written: drawing text through a canvas element makes the
  // browser bring the page's style up to date first, which mid-morph meant restyling the half-written view per
  // canvas, and for the matrix per number.
  if (!morphing) {
    const jobs = paintJobs.splice(0);
    for (const job of jobs) job();
  }
}

// ---------------------------------------------------------------- colours and sizes

let cssVarCache = null; // custom property -> value, for the current colour scheme (resetColors() forgets it)
/**
 * The page's colour custom properties (--panel, --pos, …), read once per colour scheme: getComputedStyle right
 * after the page changed the DOM makes the browser recompute all styles first, and canvases need them on every draw.
 * Tints ask once per cell, so this is a plain lookup; the page calls resetColors() when the scheme changes (reading
 * a MediaQueryList's .matches here evaluated the query again on every call).
 */
export function cssVar(name) {
  if (!cssVarCache) cssVarCache = new Map();
  let value = cssVarCache.get(name);
  if (value === undefined) {
    value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    cssVarCache.set(name, value);
  }
  return value;
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

const contentWidths = new WeakMap(); // element -> its content-box width, kept current by a ResizeObserver
let resizeObserver = null;

/**
 * Width of an element's content box, without forcing a layout each time: reading clientWidth while a view is half
 * rebuilt made the browser lay out the whole page, once per grid (tens of ms per change). The first call measures;
 * a ResizeObserver keeps the number current afterwards (the page re-renders its views on resize). Falls back to
 * the window's width for an element that is hidden or not on the page.
 */
export function contentWidth(container) {
  let w = contentWidths.get(container);
  if (!w) {
    if (container.isConnected && container.clientWidth) {
      const cs = getComputedStyle(container);
      w = container.clientWidth - (parseFloat(cs.paddingLeft) || 0) - (parseFloat(cs.paddingRight) || 0);
      contentWidths.set(container, w);
      if (typeof ResizeObserver === 'function') {
        resizeObserver = resizeObserver || new ResizeObserver((entries) => {
          for (const e of entries) contentWidths.set(e.target, e.contentRect.width);
        });
        resizeObserver.observe(container);
      }
    } else {
      w = (document.documentElement.clientWidth || 800) - 32;
    }
  }
  return w;
}

/** Pixel size for grid cells so `cols` cells fit the container, within [min, max]. */
export function cellSize(container, cols, { min = 14, max = 40, reserve = 0 } = {}) {
  const width = contentWidth(container) - reserve;
  // each column also takes a 1px gap, plus the grid's 1px border on both sides
  return Math.max(min, Math.min(max, Math.floor((width - 2) / Math.max(cols, 1)) - 1));
}

/** Background tint for a value: blue for positive, orange for negative (Tol bright), strength by |v| / maxAbs. */
export function tint(v, maxAbs) {
  if (!v || !maxAbs) return null;
  const t = Math.min(1, Math.abs(v) / maxAbs);
  return fade(v > 0 ? '--pos' : '--neg', Math.round(12 + 48 * t));
}

let fades = null; // fade()'s strings for the current colour scheme (resetColors() forgets them)
/**
 * A colour custom property at pct % opacity, as plain rgba() (what color-mix with transparent gives): canvases and
 * SVG viewers cannot read custom properties. Each string is made once per colour scheme.
 */
export function fade(name, pct) {
  if (!fades) fades = new Map();
  const key = `${name} ${pct}`;
  let str = fades.get(key);
  if (!str) {
    const [r, g, b] = rgbaOf(cssVar(name));
    str = `rgba(${r}, ${g}, ${b}, ${pct / 100})`;
    fades.set(key, str);
  }
  return str;
}

/** Forgets the colours read for the current scheme (called when it changes, before anything is drawn again). */
export function resetColors() {
  cssVarCache = null;
  fades = null;
  palette = null;
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
 * A grid of numbers. Options:
 *   rows, cols, name (data-grid attribute), label (accessible name), cell (px),
 *   text(i,j), value(i,j) -> the number (used by big canvas grids), cls(i,j) -> class string, bg(i,j) -> CSS colour, fg(i,j), title(i,j),
 *   pinned: [r,c] | null, onPick(i,j): makes the grid a pin target (click/tap, arrow keys, Enter),
 *   onHover(i,j | null): transient highlight.
 *
 * The grid is a .grid element holding one <canvas> that draws every cell: its colour, outlines (pin, contrib,
 * hover, current), patterns (crop, opstrip, inserted, padding) and number. The same cells are kept inside the canvas
 * as .cell elements (data-r, data-c, the classes, the number): the canvas's fallback content, which the browser
 * neither lays out nor paints but screen readers read and tests query. Drawn as DOM cells, a grid of a few hundred
 * numbers cost 5 ms or more of style, layout and layerizing on every change, even when one cell changed; on the
 * canvas only the cells that changed are drawn again.
 */
export function makeGrid(o) {
  if (o.rows * o.cols > MAX_NUMBERED_CELLS) return canvasGrid(o);
  const g = el('div', {
    class: `grid${o.onPick ? ' pickable' : ''}`,
    'data-grid': o.name,
    role: 'group',
    // Screen readers read the fallback cells in order, one number each: the label says how they are laid out.
    'aria-label': `${o.label}: ${o.rows}×${o.cols} numbers, row by row`,
    // the part of its canvas in use (writeCells sets the same)
    style: { width: `${o.cols * (o.cell + 1) + 1}px`, height: `${o.rows * (o.cell + 1) + 1}px` },
  });
  // The cells as data first: only what differs from what the live grid shows is drawn and written.
  const n = o.rows * o.cols;
  const cells = {
    rows: o.rows, cols: o.cols, cell: o.cell, cls: new Array(n), text: new Array(n), bg: new Array(n), fg: new Array(n),
  };
  for (let i = 0, q = 0; i < o.rows; i++) {
    for (let j = 0; j < o.cols; j++, q++) {
      const cls = o.cls ? o.cls(i, j) : '';
      cells.cls[q] = cls ? `cell ${cls}` : 'cell';
      const text = o.text ? o.text(i, j) : '';
      cells.text[q] = text === undefined || text === null ? '' : String(text);
      cells.bg[q] = (o.bg && o.bg(i, j)) || '';
      cells.fg[q] = (o.fg && o.fg(i, j)) || '';
    }
  }
  if (o.pinned) {
    const [r, c] = o.pinned;
    if (r < o.rows && c < o.cols) cells.cls[r * o.cols + c] += ' pin';
  }
  if (building) g[CELLS] = cells;
  else writeCells(g, cells);
  if (o.title) g[TITLES] = o.title;
  // The cell under the pointer: from the fallback element a screen reader clicked, or from the canvas position.
  const at = (ev) => {
    const grid = ev.currentTarget;
    const fallback = ev.target.closest && ev.target.closest('.cell');
    if (fallback && grid.contains(fallback)) return [Number(fallback.dataset.r), Number(fallback.dataset.c)];
    const shown = grid[SHOWN];
    const canvas = grid.querySelector(':scope > canvas');
    if (!shown || !canvas) return null;
    const r = canvas.getBoundingClientRect();
    const pitch = shown.cell + 1;
    const i = Math.floor((ev.clientY - r.top - 1) / pitch), j = Math.floor((ev.clientX - r.left - 1) / pitch);
    return i >= 0 && j >= 0 && i < shown.rows && j < shown.cols ? [i, j] : null;
  };
  listen(g, 'mousemove', (ev) => {
    const grid = ev.currentTarget;
    const p = at(ev);
    const q = p ? p[0] * grid[SHOWN].cols + p[1] : -1;
    if (q === grid[POINTER]) return;
    setPointer(grid, q);
    const titles = grid[TITLES];
    grid.title = p && titles ? titles(...p) : '';
    if (o.onHover) o.onHover(p);
  });
  listen(g, 'mouseleave', (ev) => {
    setPointer(ev.currentTarget, -1);
    ev.currentTarget.title = '';
    if (o.onHover) o.onHover(null);
  });
  if (o.onPick) {
    g.tabIndex = 0;
    g.setAttribute('aria-keyshortcuts', 'ArrowUp ArrowDown ArrowLeft ArrowRight');
    g.setAttribute('aria-description', 'Click a cell or use the arrow keys to pin an output cell');
    listen(g, 'click', (ev) => {
      const p = at(ev);
      if (p) o.onPick(...p);
    });
    listen(g, 'keydown', (ev) => pickByKey(ev, o));
  }
  return g;
}

const KEY_MOVES = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
/**
 * A pickable grid's keys: an arrow moves the pin one cell (the first press pins the top-left cell), Enter or Space
 * pins the pinned cell again.
 */
function pickByKey(ev, o) {
  const m = KEY_MOVES[ev.key];
  if (!m && ev.key !== 'Enter' && ev.key !== ' ') return;
  ev.preventDefault();
  const [r, c] = o.pinned || [0, 0];
  if (!m) return o.onPick(r, c);
  o.onPick(Math.max(0, Math.min(o.rows - 1, o.pinned ? r + m[0] : 0)), Math.max(0, Math.min(o.cols - 1, o.pinned ? c + m[1] : 0)));
}

const DRAWN = Symbol('drawn'); // what a canvas grid last painted
const sameBytes = (a, b) => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};
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

/**
 * Beyond this many cells a grid is drawn without numbers, one pixel per cell (canvasGrid): numbers at the smallest
 * cell size stop being readable, and each cell of a numbered grid is also a fallback element in the page.
 */
const MAX_NUMBERED_CELLS = 3600;

/** A canvas grid draws at most this many rows and columns: a 2048×2048 grid drawn whole took over 30 s. */
const MAX_CANVAS_SIDE = 160;

/**
 * A grid too big for numbers: colours and outlines from the same cls/bg callbacks (CSS colour expressions are
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
  // One canvas pixel per cell, scaled up by the browser (image-rendering: pixelated keeps the cells sharp). A canvas
  // at screen resolution (up to 1024×1024) was copied for the compositor on every frame it changed, 10–15 ms each
  // here; 67×67 pixels cost nothing. Outlines are small elements over it (.grid-mark), not pixels.
  const box = el('div', {
    class: 'grid-canvas', 'data-grid': o.name, role: 'img',
    'aria-label': `${o.label} (${o.rows}×${o.cols}, drawn without numbers; hover for values)`,
    style: { width: `${cols * cs}px`, height: `${rows * cs}px` },
  });
  const canvas = el('canvas', { width: cols, height: rows, style: { width: `${cols * cs}px`, height: `${rows * cs}px` } });
  box.append(canvas);
  // Looked up once: getPropertyValue per cell was most of the drawing time.
  const colors = Object.fromEntries(['--panel', '--line', '--bg', '--pos', '--neg', '--crop', '--heat', '--accent', '--hl']
    .map((n) => [n, cssVar(n)]));
  const v = (n) => colors[n];
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
    if (cls && (cls.includes('current') || cls.includes('contrib'))) outlines.push([i, j, v('--accent')]);
  }
  if (o.pinned) outlines.push([o.pinned[0], o.pinned[1], v('--hl')]);
  const ring = Math.max(1, Math.min(3, Math.floor(cs / 4)));
  for (const [i, j, color] of outlines) {
    if (i < r0 || j < c0 || i >= r0 + rows || j >= c0 + cols) continue;
    box.append(el('div', {
      class: 'grid-mark',
      style: { left: `${(j - c0) * cs}px`, top: `${(i - r0) * cs}px`, width: `${cs}px`, height: `${cs}px`, boxShadow: `inset 0 0 0 ${ring}px ${color}` },
    }));
  }
  paintCanvas(canvas, (target) => {
    // Unchanged since the last paint of this canvas (a change elsewhere on the page): keep its pixels, so the
    // compositor need not take a new copy.
    const before = target[DRAWN];
    if (before && before.width === target.width && before.height === target.height && sameBytes(before.pixels, px)) return;
    target[DRAWN] = { width: target.width, height: target.height, pixels: px };
    target.getContext('2d').putImageData(image, 0, 0);
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

// ---------------------------------------------------------------- drawing a grid's cells

const POINTER = Symbol('pointer'); // the cell index under the mouse in a pickable grid, or -1
const PALETTE = Symbol('palette'); // the palette a grid's canvas was drawn with
const DPR = Symbol('dpr'); // canvas pixels per CSS pixel of a grid's canvas

let palette = null;
/** The colours, font and patterns cells are drawn with, read once per colour scheme (resetColors() forgets them). */
function currentPalette() {
  if (palette) return palette;
  const v = (n) => cssVar(n);
  const tile = (draw) => {
    const c = document.createElement('canvas');
    c.width = 6;
    c.height = 6;
    draw(c.getContext('2d'));
    return c;
  };
  palette = {
    panel: v('--panel'), fg: v('--fg'), muted: v('--muted'), line: v('--line'), accent: v('--accent'), hl: v('--hl'),
    heat: v('--heat'), crop: v('--crop'),
    font: getComputedStyle(document.body).fontFamily || 'sans-serif',
    size: parseFloat(v('--cell-font')) || 13,
    // 6-px pattern tiles: a dot for an inserted zero, a diagonal stripe for output_padding.
    dots: tile((t) => {
      t.fillStyle = v('--muted');
      t.beginPath();
      t.arc(3, 3, 1.1, 0, 2 * Math.PI);
      t.fill();
    }),
    stripes: tile((t) => {
      t.strokeStyle = v('--heat');
      t.globalAlpha = 0.55;
      t.lineWidth = 1.6;
      for (const d of [-6, 0, 6]) {
        t.beginPath();
        t.moveTo(d, 6);
        t.lineTo(d + 6, 0);
        t.stroke();
      }
    }),
  };
  return palette;
}

const CLASS_BITS = { pin: 1, contrib: 2, hover: 4, current: 8, stamp: 16, crop: 32, opstrip: 64, inserted: 128, padding: 256, window: 512 };
const classBits = (cls) => {
  let bits = 0;
  for (const name of cls.split(' ')) bits |= CLASS_BITS[name] || 0;
  return bits;
};

/**
 * How cell q looks, in CSS pixels inside the grid (the 1-px line around and between cells is the grid's):
 * {x, y, size, fill, tint, shade (a CSS colour over everything), padding, inserted, opstrip, box (inset rings:
 * [colour, width]), text, color, bold}. The canvas and the SVG export both draw from this.
 */
function cellLook(cells, q, pal) {
  const bits = classBits(cells.cls[q]);
  const pitch = cells.cell + 1;
  const i = Math.floor(q / cells.cols), j = q % cells.cols;
  const rings = [];
  if (bits & 2) rings.push([pal.hl, 3]);
  if (bits & 4) rings.push([pal.accent, 2]);
  if (bits & 1) rings.push([pal.hl, 3]);
  else if (bits & 8) rings.push([pal.accent, 3]);
  return {
    x: 1 + j * pitch, y: 1 + i * pitch, size: cells.cell,
    fill: pal.panel, tint: cells.bg[q] || null, padding: Boolean(bits & 256), inserted: Boolean(bits & 128),
    opstrip: Boolean(bits & 64), shade: bits & 32 ? pal.crop : null, rings,
    text: cells.text[q], color: cells.fg[q] || (bits & (128 | 256) ? pal.muted : pal.fg), bold: Boolean(bits & (1 | 2 | 16 | 512)),
  };
}

/**
 * What a grid element shows, for the SVG export: {width, height, line, fontSize, looks: cellLook() of every cell},
 * in CSS pixels inside its canvas; null for a grid too big to carry numbers (drawn by canvasGrid).
 */
export function gridLooks(gridEl) {
  const cells = gridEl[SHOWN];
  if (!cells) return null;
  const pal = currentPalette();
  return {
    width: cells.cols * (cells.cell + 1) + 1, height: cells.rows * (cells.cell + 1) + 1, line: pal.line, muted: pal.muted,
    heat: pal.heat, fontSize: fontSize(cells, pal), looks: cells.cls.map((_, q) => cellLook(cells, q, pal)),
  };
}

const fontSize = (cells, pal) => (cells.cell < 22 ? 9 : pal.size);

function paintCell(ctx, cells, q, pal, pointer, texts) {
  const c = cellLook(cells, q, pal);
  const { x, y, size } = c;
  ctx.fillStyle = c.fill;
  ctx.fillRect(x, y, size, size);
  if (c.padding) {
    ctx.globalAlpha = 0.22;
    ctx.fillStyle = pal.muted;
    ctx.fillRect(x, y, size, size);
    ctx.globalAlpha = 1;
  }
  if (c.tint) {
    ctx.fillStyle = c.tint;
    ctx.fillRect(x, y, size, size);
  }
  for (const [on, tile] of [[c.inserted, 'dots'], [c.opstrip, 'stripes']]) {
    if (!on) continue;
    ctx.fillStyle = patternFor(ctx, pal, tile);
    ctx.fillRect(x, y, size, size);
  }
  if (c.shade) {
    ctx.fillStyle = c.shade;
    ctx.fillRect(x, y, size, size);
  }
  for (const [color, width] of c.rings) {
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.strokeRect(x + width / 2, y + width / 2, size - width, size - width);
  }
  if (q === pointer) {
    ctx.strokeStyle = pal.hl;
    ctx.lineWidth = 2;
    ctx.setLineDash([3, 2]);
    ctx.strokeRect(x + 1, y + 1, size - 2, size - 2);
    ctx.setLineDash([]);
  }
  if (c.text) texts.push(c);
}

/**
 * Draws the numbers of the cells paintCell() queued in `texts`, normal weight first and bold second: each change of
 * ctx.font makes the browser resolve the font against the page's styles.
 */
function paintTexts(ctx, cells, pal, texts) {
  for (const bold of [false, true]) {
    let set = false;
    for (const c of texts) {
      if (c.bold !== bold) continue;
      if (!set) {
        ctx.font = `${bold ? '700 ' : ''}${fontSize(cells, pal)}px ${pal.font}`;
        set = true;
      }
      ctx.fillStyle = c.color;
      // Too wide for its cell (a long number in a small cell): squeezed to fit rather than cut off.
      ctx.fillText(c.text, c.x + c.size / 2, c.y + c.size / 2 + 0.5, c.size - 2);
    }
  }
  texts.length = 0;
}

const patterns = new WeakMap(); // canvas context -> {pal: the palette, dots, stripes}
/** A palette tile as a pattern of this context, made once per context and colour scheme. */
function patternFor(ctx, pal, tile) {
  let p = patterns.get(ctx);
  if (!p || p.pal !== pal) patterns.set(ctx, (p = { pal }));
  return p[tile] || (p[tile] = ctx.createPattern(pal[tile], 'repeat'));
}

function setPointer(g, q) {
  const before = g[POINTER] ?? -1;
  g[POINTER] = q;
  const cells = g[SHOWN];
  const canvas = g.querySelector(':scope > canvas');
  if (!cells || !canvas || !g.classList.contains('pickable') || before === q) return;
  const ctx = gridContext(surfaceOf(canvas), g[DPR]);
  const pal = currentPalette();
  const texts = [];
  for (const k of [before, q]) if (k >= 0 && k < cells.rows * cells.cols) paintCell(ctx, cells, k, pal, q, texts);
  paintTexts(ctx, cells, pal, texts);
}

const SURFACE = Symbol('surface'); // what a grid's canvas is drawn through
/**
 * The OffscreenCanvas a grid's canvas hands its drawing to, where the browser has them (else the canvas itself).
 * Drawn through the element, every fillText first brought the page's style up to date (to resolve the font), once
 * per number; an OffscreenCanvas has no element to style, and shows what was drawn at the next frame all the same.
 */
function surfaceOf(canvas) {
  if (!canvas[SURFACE]) {
    canvas[SURFACE] = typeof canvas.transferControlToOffscreen === 'function' ? canvas.transferControlToOffscreen() : canvas;
  }
  return canvas[SURFACE];
}

function gridContext(canvas, dpr) {
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  // "inherit" (the default) makes every fillText ask the canvas's computed style, a style update each time
  ctx.direction = 'ltr';
  return ctx;
}

/**
 * Draws cell data into a grid element: only the cells that differ from what the grid shows, unless its size or
 * the colour scheme changed. The fallback .cell elements inside the canvas follow, again only where they differ (a
 * grid of another shape keeps its cell nodes, renumbered, with any missing added and extras removed).
 */
function writeCells(g, cells) {
  let canvas = g.querySelector(':scope > canvas');
  if (!canvas) {
    canvas = document.createElement('canvas');
    g.append(canvas);
  }
  const surface = surfaceOf(canvas);
  let shown = g[SHOWN];
  g[SHOWN] = cells;
  const n = cells.rows * cells.cols;
  const pal = currentPalette();
  // Backing pixels: the device's, capped at 4096 a side (the largest numbered grid at 40 px cells on a 2× screen).
  const cssWidth = cells.cols * (cells.cell + 1) + 1, cssHeight = cells.rows * (cells.cell + 1) + 1;
  const dpr = Math.min(window.devicePixelRatio || 1, 4096 / Math.max(cssWidth, cssHeight));
  // A new pixel buffer took 15–20 ms here, so a grid that changes size (padding typed back and forth) keeps its
  // buffer when the grid fits in it and it is at most four times the area; the .grid element shows the part in use.
  const width = Math.ceil(cssWidth * dpr), height = Math.ceil(cssHeight * dpr);
  const fits = surface.width >= width && surface.height >= height && surface.width * surface.height <= 4 * width * height
    && g[DPR] === dpr;
  if (!fits) {
    surface.width = Math.min(Math.ceil(width * 1.25), 4096);
    surface.height = Math.min(Math.ceil(height * 1.25), 4096);
    canvas.style.width = `${surface.width / dpr}px`;
    canvas.style.height = `${surface.height / dpr}px`;
    g[DPR] = dpr;
  }
  if (g.style.width !== `${cssWidth}px`) g.style.width = `${cssWidth}px`;
  if (g.style.height !== `${cssHeight}px`) g.style.height = `${cssHeight}px`;
  const sameSize = fits && shown && shown.cell === cells.cell && shown.rows === cells.rows && shown.cols === cells.cols
    && g[PALETTE] === pal;
  g[PALETTE] = pal;
  const changed = [];
  for (let q = 0; q < n; q++) {
    if (sameSize && shown.cls[q] === cells.cls[q] && shown.text[q] === cells.text[q] && shown.bg[q] === cells.bg[q]
      && shown.fg[q] === cells.fg[q]) continue;
    changed.push(q);
  }
  const paint = () => {
    if (g[SHOWN] !== cells) return; // drawn again since
    const ctx = gridContext(surface, dpr);
    const pointer = g[POINTER] ?? -1;
    if (!sameSize) {
      ctx.fillStyle = pal.line;
      ctx.fillRect(0, 0, cssWidth, cssHeight);
    }
    const texts = [];
    for (const q of changed) paintCell(ctx, cells, q, pal, pointer, texts);
    paintTexts(ctx, cells, pal, texts);
  };
  if (changed.length) {
    if (morphing) paintJobs.push(paint);
    else paint();
  }

  const kids = canvas.children;
  if (!shown || kids.length !== shown.rows * shown.cols) { // new, or changed behind our back: write every part
    canvas.replaceChildren();
    shown = null;
  }
  for (let q = kids.length - 1; q >= n; q--) kids[q].remove();
  const renumber = !shown || shown.cols !== cells.cols;
  const old = kids.length;
  if (old < n) {
    const added = document.createDocumentFragment();
    for (let q = old; q < n; q++) added.append(document.createElement('div'));
    canvas.append(added);
  }
  for (let q = 0; q < n; q++) {
    const c = kids[q];
    const fresh = q >= old;
    if (fresh || renumber) {
      c.dataset.r = String(Math.floor(q / cells.cols));
      c.dataset.c = String(q % cells.cols);
    }
    if (fresh || shown.cls[q] !== cells.cls[q]) c.className = cells.cls[q];
    if (fresh ? cells.text[q] !== '' : shown.text[q] !== cells.text[q]) {
      if (c.firstChild && c.firstChild === c.lastChild && c.firstChild.nodeType === 3) c.firstChild.nodeValue = cells.text[q];
      else c.textContent = cells.text[q];
    }
  }
}

/** Mark cells of a grid element with a class (used for transient hover highlights, cheap: no re-render). */
export function markCells(gridEl, cells, className) {
  const pending = gridEl[CELLS];
  if (pending) { // a fresh grid inside renderInto(): mark its cell data
    for (const [i, j] of cells) {
      if (i >= 0 && j >= 0 && i < pending.rows && j < pending.cols) pending.cls[i * pending.cols + j] += ` ${className}`;
    }
    return;
  }
  const shown = gridEl[SHOWN];
  if (!shown) return; // large grids (canvas without numbers): highlights are drawn at render time only
  const cls = shown.cls.map((c) => (c.includes(className) ? c.split(' ').filter((x) => x !== className).join(' ') : c));
  for (const [i, j] of cells) {
    if (i >= 0 && j >= 0 && i < shown.rows && j < shown.cols) cls[i * shown.cols + j] += ` ${className}`;
  }
  writeCells(gridEl, { ...shown, cls });
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
  if (document.activeElement === a && a.isConnected) return; // renderInto() kept the element: focusing would restyle
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
