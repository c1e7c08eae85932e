// "Why this is the gradient of conv2d" (the Cᵀ-and-the-gradient question): conv_transpose(g, w) equals the forward
// convolution's input gradient for an upstream gradient g, and Cᵀ·y, which the question computed, is something else.
// 1-D and 2-D layers with the same crop at both ends of each axis (model.js's gradientOf says why not otherwise).
import { renderInto } from '../morph.js';
import { el, figure } from '../dom.js';
import { makeGrid } from '../grid.js';
import { planeOf } from '../plane.js';
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
  const conv = `conv${P.rank}d`, convT = `conv_transpose${P.rank}d`;
  const shape = (list) => list.join('×');
  if (result.unavailable) {
    box.append(el('p', {}, `The gradient comparison is not shown here: ${result.unavailable}.`));
    return;
  }
  if (result.mismatch) {
    box.append(el('p', {}, `Here ${conv} maps ${shape(P.outSize)} to ${shape(result.mismatch)}, not back to ${shape(P.inSize)} (output_padding is at least the stride), so the pairing below does not apply to this configuration.`));
    return;
  }
  if (result.error) {
    box.append(el('p', {}, `The gradient comparison is not available here: ${result.error}`));
    return;
  }
  const { grad, ctY, plain } = result;
  const sv = `stride ${P.stride.join('×')}, padding ${P.before.join('×')}, dilation ${P.dilation.join('×')}`;
  const noBias = result.bias ? ' (without the bias: a gradient has none, so the bias is left out of both)' : '';
  box.append(
    el('p', {}, `Take a ${conv} with the same weight and ${sv}. It maps z of shape ${P.Cout}×${shape(P.outSize)} (this page's output shape) `
      + `to y = ${conv}(z, w) of shape ${P.Cin}×${shape(P.inSize)} (this page's input shape). In the backward pass an upstream gradient g = ∂L/∂y `
      + 'arrives; let g be this page\'s input x.'),
    el('p', { class: 'equation' }, `∂L/∂z = ${conv} input gradient(g) and ${convT}(g, w)${noBias}: max |difference| = ${num(result.gradDifference)}. They are the same numbers: ${convT} is ${conv}'s backward pass, Cᵀ·g.`),
  );
  const show = (t, caption) => {
    const s = planeOf(t, 0, co);
    const mx = maxAbs(t.data);
    const widest = Math.max(...Array.from({ length: s.rows * s.cols }, (_, q) => num(s.at(Math.floor(q / s.cols), q % s.cols)).length));
    return figure(caption, el('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': caption }, makeGrid({
      rows: s.rows, cols: s.cols, name: caption, label: caption, cell: Math.max(24, 8 * widest + 6), palette: pal,
      text: (i, j) => num(s.at(i, j)), bg: (i, j) => tint(s.at(i, j), mx, pal),
    })));
  };
  if (grad) box.append(el('div', { class: 'row' }, show(grad, `${conv} input gradient, ∂L/∂z`), show(plain, `${convT}(g, w)`)));
  box.append(
    el('p', {}, 'The question multiplied Cᵀ by the forward output y instead of by the gradient g. '
      + `With z = 1, 2, 3, … (arange), y = ${conv}(z, w) and Cᵀ·y = ${convT}(y, w) differ from the gradient: max |difference| = ${num(result.ctyDifference)}. `
      + 'Cᵀ·y depends on z; the gradient does not, because L = sum(y·g) is linear in z. Multiply Cᵀ by the gradient arriving from above (ones, for L = sum(y)), never by y.'),
    el('p', { class: 'hint' }, 'The question\'s own numbers: ',
      el('a', { href: QUESTION_LINK }, 'a 2×2 gradient of ones through a 3×3 kernel'), ' (z is then its x = 1…16, 4×4).'),
  );
  if (ctY) box.append(el('div', { class: 'row' }, show(ctY, 'Cᵀ·y (not a gradient)')));
}
