// The output shape with its formula filled in, per axis, with the crop the engine resolved (a number on both sides,
// per side, 'same' or output_size), the crop in words, and why output_padding exists (the output_padding question):
// a strided forward convolution maps several sizes to the same size, and output_padding chooses which one comes back.
import { renderInto } from '../morph.js';
import { el } from '../dom.js';
import { axisSizes, sizesText } from '../sizes.js';
import { cropWords } from '../plane.js';

/** Axis letters by rank: L; H, W; D, H, W (a 1-D layer never says H or W). */
export const axisLetters = (rank) => (rank === 1 ? ['L'] : rank === 3 ? ['D', 'H', 'W'] : ['H', 'W']);

/** Draws into box through web/morph.js, so an unchanged line keeps its nodes (no restyle, no relayout). */
export function render(box, ctx) {
  renderInto(box, (root) => build(root, ctx));
}

function build(box, ctx) {
  const P = ctx.get('shown').params;
  if (!P) return;
  const letters = axisLetters(P.rank);
  const lines = [el('p', { class: 'shape-total' },
    `Output shape [N, C_out, ${letters.map((A) => `${A}_out`).join(', ')}] = [1, ${P.Cout}, ${P.outSize.join(', ')}]`)];
  const forward = `conv${P.rank}d`;
  const axes = P.inSize.map((n, a) => ({
    A: letters[a], name: P.names[a], n, k: P.kSize[a], s: P.stride[a], d: P.dilation[a], op: P.outputPadding[a],
    before: P.before[a], after: P.after[a], out: P.outSize[a], os: P.outputSize ? P.outputSize[a] : null,
  }));
  for (const x of axes) {
    let text;
    if (P.mode === 'symmetric') {
      text = `${x.A}_out = (${x.A}−1)·s − 2·p + d·(k−1) + output_padding + 1 = (${x.n}−1)·${x.s} − 2·${x.before} + ${x.d}·(${x.k}−1) + ${x.op} + 1 = ${x.out}`;
    } else {
      text = `${x.A}_out = (${x.A}−1)·s + d·(k−1) + 1 + output_padding − before − after = (${x.n}−1)·${x.s} + ${x.d}·(${x.k}−1) + 1 + ${x.op} − ${x.before} ${x.after < 0 ? `+ ${-x.after}` : `− ${x.after}`} = ${x.out}`;
      if (P.mode === 'same' || P.mode === 'same_lower') {
        text += ` (padding '${P.mode}'${x.os === null ? `: the output is ${x.A}·s = ${x.n}·${x.s}` : ''}, so the crop is ${x.before} at the start and ${x.after} at the end)`;
      }
    }
    if (x.os !== null) text += `; output_size ${x.os} picks output_padding ${x.op}`;
    lines.push(el('p', { class: 'formula' }, text));
  }
  const words = cropWords(P);
  lines.push(el('p', { class: 'crop-words' }, `${words[0].toUpperCase()}${words.slice(1)}.`));
  if (P.mode !== 'same' && P.mode !== 'same_lower') {
    for (const x of axes) {
      if (x.s < 2) continue;
      const r = axisSizes(x);
      const list = r.sizes.map((z) => z.size);
      const pad = x.before === x.after ? `padding ${x.before}` : `padding ${x.before} before and ${x.after} after`;
      lines.push(el('p', { class: 'hint' },
        `Why output_padding exists (${x.name}): a ${forward} with kernel ${x.k}, stride ${x.s}, ${pad}, dilation ${x.d} `
        + `turns every size from ${r.lowest} to ${r.lowest + x.s - 1} into ${x.n}, so going back is ambiguous: output_padding 0…${x.s - 1} picks one of ${sizesText(list).replace(/^sizes |^only size /, '')} (now ${x.op} → ${x.out}).`));
      if (axes.every((y) => y.s === x.s && y.op === x.op && y.n === x.n && y.k === x.k && y.before === x.before && y.after === x.after && y.d === x.d)) break;
    }
  }
  box.append(...lines);
}
