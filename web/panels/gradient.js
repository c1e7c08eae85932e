// "Why this is the gradient of conv2d" (the Cᵀ-and-the-gradient question): conv_transpose(g, w) equals the forward
// convolution's input gradient for an upstream gradient g, and Cᵀ·y, which the question computed, is something else.
// 1-D and 2-D layers with the same crop at both ends of each axis (model.js's gradientOf says why not otherwise).
import { renderInto } from '../morph.js';
import { el, listen, figure, scroller, contentWidth } from '../dom.js';
import { makeGrid } from '../grid.js';
import { planeOf } from '../plane.js';
import { tint, maxAbs } from '../colors.js';
import { num } from '../format.js';
import * as S from '../state.js';
import { termLink } from './glossary.js';

/**
 * The question's own numbers: z = 1…16 (4×4) through a 3×3 kernel gives a 2×2 y; its upstream gradient is ones.
 * On this page that is a 2×2 input of ones (g) and a 3×3 kernel; the forward input z is always 1, 2, 3, ….
 */
const QUESTION = { dims: 2, in: [2, 2], k: [3, 3], s: [1, 1], p: [0, 0], op: [0, 0], os: null, d: [1, 1], cin: 1, cout: 1, g: 1, x: { kind: 'ones' }, w: { kind: 'rand', seed: 7 }, b: null };

/** Draws into box through web/morph.js, so an unchanged line keeps its nodes (no restyle, no relayout). */
export function render(box, ctx) {
  renderInto(box, (root) => build(root, ctx, box));
}

function build(box, ctx, live) {
  const m = ctx.get('shown').model;
  if (!m) return;
  const co = ctx.state.co;
  const pal = ctx.palette;
  const g = ctx.get('gradient');
  if (g.pending) {
    box.append(el('p', {}, 'Computing the gradient comparison in the background…'));
    return;
  }
  const P = m.params;
  const result = g.error ? { error: g.error.message } : g.value;
  const conv = `conv${P.rank}d`, convT = `conv_transpose${P.rank}d`;
  const shape = (list) => list.join('×');
  if (result.unavailable) {
    box.append(el('p', {}, `The gradient comparison is not shown here: ${result.unavailable}.`), questionLink(ctx));
    return;
  }
  if (result.mismatch) {
    box.append(el('p', {}, `Here ${conv} maps ${shape(P.outSize)} to ${shape(result.mismatch)}, not back to ${shape(P.inSize)} (output_padding is at least the stride), so the pairing below does not apply to this configuration.`), questionLink(ctx));
    return;
  }
  if (result.error) {
    box.append(el('p', {}, `The gradient comparison is not available here: ${result.error}`), questionLink(ctx));
    return;
  }
  const { grad, ctY, plain, y, z } = result;
  const sv = `stride ${P.stride.join('×')}, padding ${P.before.join('×')}, dilation ${P.dilation.join('×')}`;
  const noBias = result.bias ? ' (without the bias: a gradient has none, so the bias is left out of both)' : '';
  // Roles, one name each while this panel is read: z the forward input, y = conv(z, w) its output, g the upstream
  // gradient (this page's input x), ∂L/∂z the gradient (this page's output).
  box.append(
    el('p', { class: 'roles' }, `Read this page backwards. A forward ${conv} with the same weight w and ${sv} takes `,
      el('strong', {}, 'z'), ` (${P.Cout}×${shape(P.outSize)}, this page's output shape) to `, el('strong', {}, `y = ${conv}(z, w)`),
      ` (${P.Cin}×${shape(P.inSize)}, this page's input shape). Backpropagation hands it an `, termLink('gradient', 'upstream gradient'), ' ',
      el('strong', {}, 'g = ∂L/∂y'), ' of y\'s shape: here g is this page\'s input x. The gradient it passes on is ',
      el('strong', {}, `∂L/∂z = ${convT}(g, w)`), ', this page\'s output.'),
    el('p', { class: 'equation' }, `∂L/∂z from ${conv}'s backward pass and ${convT}(g, w)${noBias}: max |difference| = ${num(result.gradDifference)}. They are the same numbers: ${convT} is ${conv}'s backward pass, Cᵀ·g.`),
  );
  const avail = contentWidth(live);
  const show = (t, caption, name) => {
    const s = planeOf(t, 0, co);
    const mx = maxAbs(t.data);
    const widest = Math.max(...Array.from({ length: s.rows * s.cols }, (_, q) => num(s.at(Math.floor(q / s.cols), q % s.cols)).length));
    const cell = Math.max(24, 8 * widest + 6);
    return figure(caption, scroller(caption, makeGrid({
      rows: s.rows, cols: s.cols, name, label: caption, cell, palette: pal,
      text: (i, j) => num(s.at(i, j)), value: (i, j) => s.at(i, j), bg: (i, j) => tint(s.at(i, j), mx, pal),
    }), { width: s.cols * (cell + 1) + 1, avail }));
  };
  if (grad) {
    box.append(el('div', { class: 'row' },
      show(m.input, 'g = ∂L/∂y, the upstream gradient (this page\'s x)', 'gradient-g'),
      show(grad, `∂L/∂z from ${conv}'s backward pass`, 'gradient-grad'),
      show(plain, `${convT}(g, w)`, 'gradient-convT')));
  }
  box.append(
    el('p', {}, `The question multiplied Cᵀ by the forward output y instead of by the gradient g. With z = 1, 2, 3, … (arange), y = ${conv}(z, w) and Cᵀ·y = ${convT}(y, w) differ from the gradient: max |difference| = ${num(result.ctyDifference)}. `
      + 'Cᵀ·y depends on z; the gradient does not, because L = sum(y·g) is linear in z. Multiply Cᵀ by the gradient arriving from above (ones, for L = sum(y)), never by y.'),
    questionLink(ctx),
  );
  if (ctY) {
    box.append(el('div', { class: 'row' },
      show(z, 'z, the forward input (1, 2, 3, …)', 'gradient-z'),
      show(y, `y = ${conv}(z, w)`, 'gradient-y'),
      show(ctY, 'Cᵀ·y (not a gradient)', 'gradient-cty')));
  }
}

/**
 * The link to the question's own numbers: a real link (it opens in a new tab too); a click sets them here and keeps
 * this panel in view.
 */
function questionLink(ctx) {
  const a = el('a', { href: S.serialize({ ...S.defaults(), ...QUESTION, view: ctx.state.view }), 'data-focus': 'question-link' },
    'z = 1…16 (4×4), a 3×3 kernel and an upstream gradient of ones');
  listen(a, 'click', (ev) => {
    ev.preventDefault();
    ctx.set({ ...QUESTION, cell: null, step: null });
    const panel = ev.currentTarget.closest('details');
    if (panel) {
      panel.open = true;
      requestAnimationFrame(() => requestAnimationFrame(() => panel.scrollIntoView({ block: 'start' })));
    }
  });
  return el('p', { class: 'hint' }, 'The question\'s own numbers: ', a, ' (g is then this page\'s 2×2 input, the grids below its z and y).');
}
