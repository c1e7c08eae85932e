// Re-rendering without rebuilding the page. Views render a fresh tree off the page and renderInto() carries it over
// to the live one, node by node: only what differs is written (a moved highlight is a class or two), so the browser
// restyles, lays out and paints only that, keyboard focus and scroll positions stay, and canvases keep their pixel
// buffers. Replacing a view's ~2000 nodes on every change cost more in style, layout and paint than the view's own
// code.
//
// Event handlers move with the nodes (web/dom.js's listen()). A node can take over its own morph (takeOver(): a grid
// writes its cell data into the live grid), and canvases are painted once the page's nodes are all written
// (paintCanvas(), whenWritten()).
import { HANDLERS, dispatchToHandlers } from './dom.js';

const LIVE = Symbol('live');
const PAINT = Symbol('paint');
const TAKE_OVER = Symbol('take over');
let building = 0; // > 0 while renderInto() builds a fresh tree: canvases are painted once they are live
let morphing = 0; // > 0 while renderInto() writes a fresh tree into the page: drawing waits until it is done
const paintJobs = []; // drawing queued while morphing

/** True while renderInto() builds a fresh tree (off the page). */
export const isBuilding = () => building > 0;

/**
 * Draws a canvas now, or, while renderInto() builds a fresh tree, once the canvas is live: into the live canvas
 * that takes its place (same size: no new pixel buffer, whose allocation alone took tens of ms), or into itself.
 * paint(target) must draw into target.
 */
export function paintCanvas(canvas, paint) {
  if (building) canvas[PAINT] = paint;
  else paint(canvas);
}

/** Runs job now, or once renderInto() has written the page's nodes (drawing text makes the browser restyle first). */
export function whenWritten(job) {
  if (morphing) paintJobs.push(job);
  else job();
}

/**
 * Lets a fresh node morph itself: write(target) is called with the live node it becomes (or with itself when it is
 * inserted as is), and its children are not morphed one by one.
 */
export function takeOver(node, write) {
  node[TAKE_OVER] = write;
  if (building) takers.push(node);
  else write(node);
}
const takers = []; // fresh nodes that take over their morph, in the tree being built

/** The live node a node of a fresh tree became after renderInto() (itself when it was inserted as is). */
export function liveOf(node) {
  return (node && node[LIVE]) || node;
}

const keyOf = (n) => (n.nodeType === 1 ? n.getAttribute('data-grid') || n.getAttribute('data-focus') || n.id || '' : '');
const sameKind = (a, b) => a.nodeType === b.nodeType && a.nodeName === b.nodeName && keyOf(a) === keyOf(b);

/** Paints the canvases and lets the nodes that take over their morph write themselves, in a subtree inserted as is. */
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
  if (fresh[TAKE_OVER]) {
    const write = fresh[TAKE_OVER];
    delete fresh[TAKE_OVER];
    write(live);
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
    // Those inserted as they were write themselves now.
    for (const node of takers.splice(0)) {
      const write = node[TAKE_OVER];
      if (!write) continue;
      delete node[TAKE_OVER];
      if (node.isConnected) write(node);
    }
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

