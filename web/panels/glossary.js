// Words for everyone: the glossary panel that the views' and lessons' terms link to, the one plain sentence at the
// top of each view, and the small text marks that lesson texts use: [[term]] or [[term|shown words]] links a term
// here, `text` is set as code. Text always goes in as text nodes, never as markup.
import { renderInto } from '../morph.js';
import { el } from '../dom.js';

/** The terms, in the order the glossary lists them: id -> {name, text} (text may link other terms). */
export const TERMS = {
  kernel: {
    name: 'kernel, tap',
    text: 'The small grid of weights w that is stamped (scatter view) or slid (padded direct view). Each of its cells is a tap. '
      + 'PyTorch stores it as [C_in, C_out/groups, kH, kW].',
  },
  stamp: {
    name: 'stamp, canvas',
    text: 'A stamp is one input cell\'s contribution: the whole [[kernel]] times that cell\'s value, added onto the canvas at '
      + 'the cell\'s position times the [[stride]]. The canvas is the full result before [[padding]] crops it: every stamp lands '
      + 'on it, and where stamps overlap they add up (scatter view).',
  },
  vec: {
    name: 'vec(x)',
    text: 'The input read row by row (and channel by channel) as one long column, so that a convolution becomes one matrix '
      + 'product ([[transpose|C and Cᵀ]]). Its entry for x[i,j] of a W-wide input is number i·W + j.',
  },
  fast: {
    name: 'fast method',
    text: 'The engine\'s optimized code, the one a program calling the library gets: it computes each [[phase]] as a small '
      + 'convolution with packed weights. The page checks that it gives the same numbers as the matrix, scatter and padded '
      + 'direct methods.',
  },
  stride: {
    name: 'stride',
    text: 'How far the forward convolution\'s window moves per output cell. The transposed convolution goes back: its input cells '
      + 'stamp the kernel stride cells apart, which the padded direct view writes as stride − 1 zeros between them. The output '
      + 'grows about stride times.',
  },
  padding: {
    name: 'padding',
    text: 'Zeros the forward convolution adds around its input. The transposed convolution undoes it: it crops padding cells '
      + 'off each side of its full result (scatter view), which the padded direct view writes as padding its zero-inserted '
      + 'input by dilation·(k − 1) − padding.',
  },
  output_padding: {
    name: 'output_padding',
    text: 'Extra rows at the bottom and columns at the right of the output, below max(stride, dilation). A strided conv2d maps '
      + 'several input sizes to one size; output_padding says which one to return. It adds no zeros: the extra cells hold real sums.',
  },
  output_size: {
    name: 'output_size',
    text: 'The output size asked for directly, as in PyTorch\'s forward(x, output_size=…) or TensorFlow\'s output_shape; the '
      + '[[output_padding]] that gives it is picked for you.',
  },
  dilation: {
    name: 'dilation',
    text: 'Spacing between the kernel\'s taps: tap k sits at k·dilation, so the kernel spans dilation·(k − 1) + 1 cells.',
  },
  channels: {
    name: 'channels',
    text: 'Stacked grids of the same size (colours of an image, features of a layer). Every output channel sums over the input '
      + 'channels of its [[groups|group]].',
  },
  groups: {
    name: 'groups',
    text: 'Splits the channels into groups that do not mix: output channel co sees only the C_in/groups input channels of its '
      + 'group, through weight w[ci, co mod (C_out/groups)].',
  },
  transpose: {
    name: 'C and Cᵀ',
    text: 'C is the matrix of the ordinary convolution (conv2d) from this layer\'s output space back to its input space. The '
      + 'transposed convolution multiplies by Cᵀ, its transpose. Cᵀ·g for an upstream [[gradient]] g is conv2d\'s input gradient.',
  },
  gradient: {
    name: 'upstream gradient',
    text: '∂L/∂y: what backpropagation hands a layer from the layers above it, in the shape of the layer\'s output. The '
      + 'gradient of L = sum(y) is all ones.',
  },
  phase: {
    name: 'phase',
    text: 'For a stride s, the output cells whose row and column leave the same remainders when divided by s: s_h·s_w phases. '
      + 'Each is an ordinary stride-1 convolution with only the kernel taps that reach it (the sub-pixel view).',
  },
  overlap: {
    name: 'overlap count, checkerboard',
    text: 'How many kernel taps land on an output cell. When it changes from cell to cell (a kernel size that is not a '
      + 'multiple of the stride), neighbouring outputs sum different numbers of products: a checkerboard pattern.',
  },
};

/** <a> to a term of the glossary (the shown words default to the term's id). */
export function termLink(id, shown) {
  return el('a', { href: `#term-${id}`, class: 'term', 'data-term': id }, shown || id);
}

/** Text with the marks [[term]], [[term|words]] and `code` -> nodes (text nodes, links, <code>). */
export function richText(text) {
  const out = [];
  for (const part of String(text).split(/(\[\[[^\]]+\]\]|`[^`]+`)/)) {
    if (!part) continue;
    const term = /^\[\[([^\]|]+)(?:\|([^\]]+))?\]\]$/.exec(part);
    if (term && TERMS[term[1]]) out.push(termLink(term[1], term[2] || term[1]));
    else if (term) out.push(term[2] || term[1]);
    else if (part.startsWith('`') && part.endsWith('`') && part.length > 1) out.push(el('code', {}, part.slice(1, -1)));
    else out.push(part);
  }
  return out;
}

/** Paragraphs of lesson or view text: a string, {equation}, or a list of them -> <p> elements. */
export function paragraphs(content) {
  const list = Array.isArray(content) ? content : content ? [content] : [];
  return list.map((p) => (p && typeof p === 'object' && 'equation' in p
    ? el('p', { class: 'equation' }, p.equation)
    : el('p', {}, richText(p))));
}

/** Fills the glossary (drawn once: it does not depend on the state). */
export function render(list) {
  list.replaceChildren(...Object.entries(TERMS).flatMap(([id, t]) => [
    el('dt', { id: `term-${id}`, tabindex: '-1' }, t.name),
    el('dd', {}, richText(t.text)),
  ]));
}

/** A term link opens the glossary at the term, moves focus there and marks it for a moment. */
export function wire(doc) {
  doc.addEventListener('click', (ev) => {
    const a = ev.target.closest && ev.target.closest('a.term[data-term]');
    if (!a) return;
    const dt = doc.getElementById(`term-${a.dataset.term}`);
    if (!dt) return;
    ev.preventDefault();
    const details = dt.closest('details');
    if (details) details.open = true;
    for (const old of doc.querySelectorAll('#glossary .flash')) old.classList.remove('flash');
    dt.classList.add('flash');
    dt.nextElementSibling?.classList.add('flash');
    dt.focus({ preventScroll: true });
    dt.scrollIntoView({ block: 'center' });
  });
}

/** The one plain sentence at the top of each view (a second one names what the state adds: groups, dilation…). */
const VIEW_SENTENCES = {
  matrix: 'The output is one matrix product: Cᵀ times [[vec]], the input read as one long column, where [[transpose|C]] is the '
    + 'matrix of the ordinary convolution that this one transposes; each nonzero of C is one [[kernel|tap]] (one weight) of the kernel.',
  scatter: 'Each input cell [[stamp|stamps]] a copy of the [[kernel]] (its cells are its taps), scaled by its value, onto a larger '
    + '[[stamp|canvas]], [[stride]] cells apart; where stamps overlap they add up, and the [[padding]] is cut off the edges.',
  padded_direct: 'The same numbers from an ordinary convolution: spread the input out with [[stride]] − 1 zeros between its cells, '
    + 'pad it, and slide the [[kernel]] over it rotated by 180° (PyTorch\'s own convolution slides it unrotated, which gives other numbers).',
  subpixel: 'The output splits into [[phase|phases]], the cells whose row and column leave the same remainders after dividing by '
    + 'the [[stride]]; each phase is a small ordinary convolution, and together they are the output.',
};

/** Draws the shown view's plain sentence into box (#view-sentence). */
export function renderViewSentence(box, ctx) {
  const m = ctx.get('shown').model;
  const P = m && m.params;
  const extra = [];
  if (P && P.d.some((d) => d > 1)) extra.push('[[dilation]] spreads the kernel\'s taps apart');
  if (P && P.op.some(Boolean)) extra.push('[[output_padding]] adds cells at the bottom and right');
  if (P && P.g > 1) extra.push(`with [[groups]] ${P.g}, each output channel sees only its group's input channels`);
  const text = VIEW_SENTENCES[ctx.state.view] || '';
  const more = extra.length ? ` Here ${extra.join('; ')}.` : '';
  renderInto(box, (root) => root.append(...richText(text + more)));
}
