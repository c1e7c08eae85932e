// The output shape with its formula filled in, and why output_padding exists (the output_padding question): a strided
// conv2d maps several sizes to the same size, and output_padding chooses which one comes back.
import { renderInto } from '../morph.js';
import { el } from '../dom.js';

/** Draws into box through web/morph.js, so an unchanged line keeps its nodes (no restyle, no relayout). */
export function render(box, ctx) {
  renderInto(box, (root) => build(root, ctx));
}

function build(box, ctx) {
  const P = ctx.get('shown').params;
  if (!P) return;
  const axes = [['H', 0, P.H, P.kH, P.Hout], ['W', 1, P.W, P.kW, P.Wout]];
  const lines = [el('p', { class: 'shape-total' }, `Output shape [N, C_out, H_out, W_out] = [1, ${P.Cout}, ${P.Hout}, ${P.Wout}]`)];
  for (const [A, a, n, k, out] of axes) {
    lines.push(el('p', { class: 'formula' },
      `${A}_out = (${A}−1)·s − 2·p + d·(k−1) + output_padding + 1 = (${n}−1)·${P.s[a]} − 2·${P.p[a]} + ${P.d[a]}·(${k}−1) + ${P.op[a]} + 1 = ${out}`));
  }
  for (const [A, a, n, k, out] of axes) {
    if (P.s[a] < 2) continue;
    const lo = out - P.op[a];
    const hi = lo + P.s[a] - 1;
    lines.push(el('p', { class: 'hint' },
      `Why output_padding exists (${A === 'H' ? 'height' : 'width'}): a conv2d with kernel ${k}, stride ${P.s[a]}, padding ${P.p[a]}, dilation ${P.d[a]} `
      + `turns every size from ${lo} to ${hi} into ${n}, so going back is ambiguous: output_padding 0…${P.s[a] - 1} picks one of ${lo}…${hi} (now ${P.op[a]} → ${out}).`));
    if (P.s[0] === P.s[1] && P.op[0] === P.op[1] && P.H === P.W && P.kH === P.kW && P.p[0] === P.p[1] && P.d[0] === P.d[1]) break;
  }
  box.append(...lines);
}
