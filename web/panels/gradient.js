// "Why this is the gradient of conv2d" (the Cᵀ-and-the-gradient question): conv_transpose2d(g, w) equals conv2d's
// input gradient for an upstream gradient g, and Cᵀ·y, which the question computed, is something else.
import { renderInto } from '../morph.js';
import { el, figure } from '../dom.js';
import { makeGrid, slice2d } from '../grid.js';
import { tint, maxAbs } from '../colors.js';
import { num } from '../format.js';

/** The question's own numbers: a 2×2 gradient of ones through a 3×3 kernel (its z is x = 1…16, 4×4). */
const QUESTION_LINK = '?in=2&k=3&x=ones&w=rand:7&view=matrix';

/** Draws into box through web/morph.js, so an unchanged line keeps its nodes (no restyle, no relayout). */
export function render(box, ctx) {
  renderInto(box, (root) => build(root, ctx));
}

function build(box, ctx) {
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
  if (result.mismatch) {
    box.append(el('p', {}, `Here conv2d maps ${P.Hout}×${P.Wout} to ${result.mismatch[0]}×${result.mismatch[1]}, not back to ${P.H}×${P.W} (output_padding is at least the stride), so the pairing below does not apply to this configuration.`));
    return;
  }
  if (result.error) {
    box.append(el('p', {}, `The gradient comparison is not available here: ${result.error}`));
    return;
  }
  const { grad, ctY } = result;
  const sv = `stride ${P.s.join('×')}, padding ${P.p.join('×')}, dilation ${P.d.join('×')}`;
  box.append(
    el('p', {}, `Take a conv2d with the same weight and ${sv}. It maps z of shape ${P.Cout}×${P.Hout}×${P.Wout} (this page's output shape) `
      + `to y = conv2d(z, w) of shape ${P.Cin}×${P.H}×${P.W} (this page's input shape). In the backward pass an upstream gradient g = ∂L/∂y `
      + 'arrives; let g be this page\'s input x.'),
    el('p', { class: 'equation' }, `∂L/∂z = conv2d input gradient(g) and conv_transpose2d(g, w): max |difference| = ${num(result.gradDifference)}. They are the same numbers: conv_transpose2d is conv2d's backward pass, Cᵀ·g.`),
  );
  const show = (t, caption) => {
    const s = slice2d(t, 0, co);
    const mx = maxAbs(t.data);
    const widest = Math.max(...Array.from({ length: s.rows * s.cols }, (_, q) => num(s.at(Math.floor(q / s.cols), q % s.cols)).length));
    return figure(caption, el('div', { class: 'scroll' }, makeGrid({
      rows: s.rows, cols: s.cols, name: caption, label: caption, cell: Math.max(24, 8 * widest + 6), palette: pal,
      text: (i, j) => num(s.at(i, j)), bg: (i, j) => tint(s.at(i, j), mx, pal),
    })));
  };
  if (grad) box.append(el('div', { class: 'row' }, show(grad, 'conv2d input gradient, ∂L/∂z'), show(m.output, 'conv_transpose2d(g, w)')));
  box.append(
    el('p', {}, 'The question multiplied Cᵀ by the forward output y instead of by the gradient g. '
      + `With z = 1, 2, 3, … (arange), y = conv2d(z, w) and Cᵀ·y = conv_transpose2d(y, w) differ from the gradient: max |difference| = ${num(result.ctyDifference)}. `
      + 'Cᵀ·y depends on z; the gradient does not, because L = sum(y·g) is linear in z. Multiply Cᵀ by the gradient arriving from above (ones, for L = sum(y)), never by y.'),
    el('p', { class: 'hint' }, 'The question\'s own numbers: ',
      el('a', { href: QUESTION_LINK }, 'a 2×2 gradient of ones through a 3×3 kernel'), ' (z is then its x = 1…16, 4×4).'),
  );
  if (ctY) box.append(el('div', { class: 'row' }, show(ctY, 'Cᵀ·y (not a gradient)')));
}
