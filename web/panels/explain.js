// "Where the number comes from": the pinned output cell (or the corner, as an example) written out as a sum of
// real products, y[0,1] = x[0,1]·w[1,0] + x[0,0]·w[1,2] = 1·5 + 1·7 = 12 (then + b[0] when the layer has a bias),
// and where each tap lands. Any rank: a 1-D layer's cells have one index, a 3-D layer's three.
import { renderInto } from '../morph.js';
import { el } from '../dom.js';
import { num, factor, sum } from '../format.js';
import { indexName, cellName, spatial } from '../plane.js';

/** Terms beyond this many are summarised as "+ … (N more terms)". */
const MAX_TERMS = 24;

/** "x[0,1]" or "x[ci,0,1]" (with channels), "w[1,0]" or "w[ci,co,1,0]"; one index per axis of the rank. */
export function termName(kind, a, P) {
  return indexName(kind, a, P);
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
  if (ctx.state.pin) {
    // an input cell, a tap or an entry of C: what it connects to (engine.influence, through web/derive.js)
    const h = ctx.get('highlight');
    box.append(el('p', { class: 'equation', 'data-testid': 'explanation' }, h.sentence || ''),
      el('p', { class: 'hint' }, 'Pin an output cell to see its sum written out.'),
      el('button', { type: 'button', onclick: () => ctx.set({ cell: null, pin: null }) }, 'Unpin'));
    return;
  }
  const co = ctx.state.co;
  const dz = P.rank === 3 ? Math.min(ctx.state.dz || 0, P.Dout - 1) : 0;
  const [r, c] = cell || [0, 0];
  const result = ctx.get('explanation');
  if (result.error) {
    box.append(el('p', { class: 'note' }, `This cell cannot be explained: ${result.error.message}`));
    return;
  }
  const ex = result.value;
  const yName = cellName('y', [co], spatial(P, r, c, dz), P);
  const bName = `b[${co}]`;
  const bias = ex.bias ? ex.bias.value : null;
  if (!cell) box.append(el('p', { class: 'hint' }, `Click or tap an output cell in any view (or focus a grid and use the arrow keys) to pin it; an input cell, a kernel tap or an entry of C shows what it reaches. Example, the ${P.rank === 1 ? 'first' : 'corner'} cell:`));
  const shown = ex.terms.slice(0, MAX_TERMS);
  const more = ex.terms.length > MAX_TERMS ? ` + … (${ex.terms.length - MAX_TERMS} more terms)` : '';
  let line;
  if (ex.terms.length === 0) {
    line = bias === null
      ? `${yName} = 0: no kernel tap lands on this cell (it lies in the output_padding strip or between stamps).`
      : `${yName} = ${bName} = ${num(bias)}: no kernel tap lands on this cell (it lies in the output_padding strip or between stamps), so it holds only the bias.`;
  } else {
    const symbolic = shown.map((t) => `${termName('x', t.input, P)}·${termName('w', t.weight, P)}`).join(' + ') + more;
    const numbers = shown.map((t) => `${factor(t.x)}·${factor(t.w)}`).join(' + ') + more;
    const products = sum([...shown.map((t) => t.product), ...(bias === null ? [] : [bias])]) + more;
    const plusB = bias === null ? '' : ` + ${bName}`, plusValue = bias === null ? '' : ` + ${factor(bias)}`;
    const many = ex.terms.length > 1 || bias !== null;
    line = `${yName} = ${symbolic}${plusB} = ${numbers}${plusValue}${many ? ` = ${products}` : ''} = ${num(ex.value)}`;
  }
  box.append(el('p', { class: 'equation', 'data-testid': 'explanation' }, line));
  const taps = P.kD * P.kH * P.kW * P.Cig;
  const productSum = ex.terms.reduce((acc, t) => acc + t.product, 0);
  const short = ex.terms.length > 1 ? `In short: ${num(bias === null ? ex.value : productSum)} = ${sum(ex.terms.map((t) => t.product))}. ` : '';
  const withBias = bias === null ? '' : `The products sum to ${num(productSum)}; the bias is added last: ${num(productSum)} + ${bName} = ${num(ex.value)}. `;
  box.append(el('p', {}, short, withBias, `${ex.terms.length} of the ${taps} kernel taps${P.Cig > 1 ? ' (over all input channels of this group)' : ''} reach ${yName}. `
    + landing(P, yName, r, c, dz)
    + (ex.terms.length ? ` Here that is ${ex.terms.map((t) => `${termName('x', t.input, P)} with ${termName('w', t.weight, P)}`).slice(0, 6).join(', ')}${ex.terms.length > 6 ? ', …' : ''}; `
      + 'the other taps land on cells that padding crops or on other output cells.' : '')));
  if (cell) box.append(el('button', { type: 'button', class: 'unpin', onclick: () => ctx.set({ cell: null, pin: null }) }, 'Unpin'));
}

/** Where a tap lands on the uncropped canvas, and which canvas cell the output cell is (the crop at the start). */
function landing(P, yName, r, c, dz) {
  const [s0, s1] = P.s, [d0, d1] = P.d, [b0, b1] = P.pb;
  if (P.rank === 1) {
    return `Input x[i] puts tap w[k] on canvas cell i·${s1} + k·${d1}, and ${yName} is canvas cell ${c} + ${b1} = ${c + b1} `
      + `because padding crops ${b1} cell(s) at the start.`;
  }
  const depth = P.rank === 3 ? [`z·${P.sD} + kd·${P.dD}, `, `${dz} + ${P.pbD}, `, `${dz + P.pbD}, `] : ['', '', ''];
  const front = P.rank === 3 ? `${P.pbD} depth slice(s) at the front, ` : '';
  const ix = P.rank === 3 ? ['x[z,i,j]', 'w[kd,kh,kw]'] : ['x[i,j]', 'w[kh,kw]'];
  return `Input ${ix[0]} puts tap ${ix[1]} on canvas cell (${depth[0]}i·${s0} + kh·${d0}, j·${s1} + kw·${d1}), and ${yName} is canvas cell `
    + `(${depth[1]}${r} + ${b0}, ${c} + ${b1}) = (${depth[2]}${r + b0}, ${c + b1}) because padding crops ${front}${b0} row(s) at the top and ${b1} column(s) at the left.`;
}
