// "Where the number comes from": the pinned output cell (or the corner, as an example) written out as a sum of
// real products, y[0,1] = x[0,1]·w[1,0] + x[0,0]·w[1,2] = 1·5 + 1·7 = 12, and where each tap lands.
import { renderInto } from '../morph.js';
import { el } from '../dom.js';
import { num, factor, sum, idx } from '../format.js';

/** Terms beyond this many are summarised as "+ … (N more terms)". */
const MAX_TERMS = 24;

/** "x[0,1]" or "x[ci,0,1]" (with channels), "w[1,0]" or "w[ci,co,1,0]". */
export function termName(kind, a, P) {
  const chan = P.Cin > 1 || P.Cout > 1;
  if (kind === 'x') return chan ? `x${idx(a[1], a[2], a[3])}` : `x${idx(a[2], a[3])}`;
  return chan ? `w${idx(...a)}` : `w${idx(a[2], a[3])}`;
}

/** Draws into box through web/morph.js, so an unchanged line keeps its nodes (no restyle, no relayout). */
export function render(box, ctx) {
  renderInto(box, (root) => build(root, ctx));
}

function build(box, ctx) {
  const m = ctx.get('shown').model;
  if (!m) return;
  const P = m.params;
  const cell = ctx.state.cell;
  const co = ctx.state.co;
  const [r, c] = cell || [0, 0];
  const result = ctx.get('explanation');
  if (result.error) {
    box.append(el('p', { class: 'note' }, `This cell cannot be explained: ${result.error.message}`));
    return;
  }
  const ex = result.value;
  const chan = P.Cin > 1 || P.Cout > 1;
  const yName = chan ? `y${idx(co, r, c)}` : `y${idx(r, c)}`;
  if (!cell) box.append(el('p', { class: 'hint' }, 'Click or tap an output cell in any view (or focus a grid and use the arrow keys) to pin it. Example, the corner cell:'));
  const shown = ex.terms.slice(0, MAX_TERMS);
  const more = ex.terms.length > MAX_TERMS ? ` + … (${ex.terms.length - MAX_TERMS} more terms)` : '';
  let line;
  if (ex.terms.length === 0) {
    line = `${yName} = 0: no kernel tap lands on this cell (it lies in the output_padding strip or between stamps).`;
  } else {
    const symbolic = shown.map((t) => `${termName('x', t.input, P)}·${termName('w', t.weight, P)}`).join(' + ') + more;
    const numbers = shown.map((t) => `${factor(t.x)}·${factor(t.w)}`).join(' + ') + more;
    const products = sum(shown.map((t) => t.product)) + more;
    line = `${yName} = ${symbolic} = ${numbers}${ex.terms.length > 1 ? ` = ${products}` : ''} = ${num(ex.value)}`;
  }
  box.append(el('p', { class: 'equation', 'data-testid': 'explanation' }, line));
  const taps = P.kH * P.kW * P.Cig;
  const u = r + P.p[0], v = c + P.p[1];
  box.append(el('p', {},
    ex.terms.length > 1 ? `In short: ${num(ex.value)} = ${sum(ex.terms.map((t) => t.product))}. ` : '',
    `${ex.terms.length} of the ${taps} kernel taps${P.Cig > 1 ? ' (over all input channels of this group)' : ''} reach ${yName}. `
    + `Input x[i,j] puts tap w[kh,kw] on canvas cell (i·${P.s[0]} + kh·${P.d[0]}, j·${P.s[1]} + kw·${P.d[1]}), and ${yName} is canvas cell `
    + `(${r} + ${P.p[0]}, ${c} + ${P.p[1]}) = (${u}, ${v}) because padding crops ${P.p[0]} row(s) and ${P.p[1]} column(s). `
    + (ex.terms.length ? `Here that is ${ex.terms.map((t) => `${termName('x', t.input, P)} with ${termName('w', t.weight, P)}`).slice(0, 6).join(', ')}${ex.terms.length > 6 ? ', …' : ''}; `
      + 'the other taps land on cells that padding crops or on other output cells.' : '')));
  if (cell) box.append(el('button', { type: 'button', onclick: () => ctx.set({ cell: null }) }, 'Unpin'));
}
