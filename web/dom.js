// Building and wiring elements: el() (no innerHTML anywhere: text goes in as text nodes, never as markup), listen()
// (handlers that web/morph.js can carry over to the live node), and the small helpers every panel uses.

export const HANDLERS = Symbol('handlers');

/** el('div', {class: 'a', onclick: f}, child, 'text') -> element. */
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

/** The one listener listen() adds per event type: it calls the handlers in the node's table. */
export function dispatchToHandlers(ev) {
  const list = ev.currentTarget[HANDLERS][ev.type];
  if (list) for (const f of list) f.call(ev.currentTarget, ev);
}

/**
 * addEventListener that renderInto() (web/morph.js) can carry over to the live node. A handler must find its element
 * through ev.currentTarget, never through a variable holding the element it was built with.
 */
export function listen(node, type, fn) {
  const table = node[HANDLERS] || (node[HANDLERS] = {});
  if (!table[type]) {
    table[type] = [];
    node.addEventListener(type, dispatchToHandlers);
  }
  table[type].push(fn);
}

/** <figure> with a caption above the content. */
export function figure(caption, ...content) {
  return el('figure', { class: 'fig' }, el('figcaption', {}, caption), ...content);
}

const KEY_MOVES = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
/**
 * The keys of a grid that pins cells (o: {rows, cols, pinned, onPick, onClear}): an arrow moves the pin one cell (the
 * first press pins the top-left cell), Enter or Space pins the pinned cell (the top-left one when none is), Escape
 * unpins.
 */
export function pickByKey(ev, o) {
  if (ev.key === 'Escape' && o.onClear) {
    ev.preventDefault();
    o.onClear();
    return;
  }
  const m = KEY_MOVES[ev.key];
  if (!m && ev.key !== 'Enter' && ev.key !== ' ') return;
  ev.preventDefault();
  const [r, c] = o.pinned || [0, 0];
  if (!m) {
    o.onPick(r, c);
    return;
  }
  o.onPick(Math.max(0, Math.min(o.rows - 1, o.pinned ? r + m[0] : 0)), Math.max(0, Math.min(o.cols - 1, o.pinned ? c + m[1] : 0)));
}

const contentWidths = new WeakMap(); // element -> its content-box width, kept current by a ResizeObserver
let resizeObserver = null;

/**
 * Width of an element's content box, without forcing a layout each time: reading clientWidth while a view is half
 * rebuilt made the browser lay out the whole page, once per grid (tens of ms per change). The first call measures;
 * a ResizeObserver keeps the number current afterwards. Falls back to the window's width for an element that is
 * hidden or not on the page.
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

/**
 * Calls f once, when node first comes within `margin` of the screen (IntersectionObserver; at once where there is
 * none). What is drawn only there (the framework panel) then costs a first visit nothing.
 */
export function whenNear(node, f, margin = '600px') {
  const win = node.ownerDocument.defaultView;
  if (!win || !win.IntersectionObserver) return void f();
  const observer = new win.IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    observer.disconnect();
    f();
  }, { rootMargin: margin });
  observer.observe(node);
}

/**
 * A region that scrolls sideways when its content is wider than the column. It is named and, unless its content can
 * take focus itself (a pickable grid), focusable, so the keyboard can scroll it too. When the content's width is
 * known and wider than `avail`, a hint says so (style.css also fades the edge that has more to show).
 */
export function scroller(label, content, { width = 0, avail = Infinity } = {}) {
  const focusable = content.tabIndex >= 0;
  const wide = width > avail;
  return el('div', { class: 'scroll', role: 'region', 'aria-label': label, ...(focusable ? {} : { tabindex: 0 }) },
    wide ? el('p', { class: 'scroll-hint' }, 'Wider than the column: scroll sideways →') : null, content);
}
