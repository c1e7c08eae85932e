// The drawn plane of a layer of any rank, for the views and panels: a 2-D layer is drawn as it is, a 1-D layer as
// one row (its length across), a 3-D layer one depth slice at a time (the last two axes across and down). Tensors are
// [N, C, ...spatial] (the weight [C_in, C_out/groups, ...kernel]); the model's params (web/model.js) carry the plane's
// sizes H, W (1-D: H = 1), the depth D (1 below 3-D) and the crop per side from the engine's geometry. Pure functions.
import { idx } from './format.js';

/** The plane of tensor t at (a, b) of its two leading axes and depth z (3-D): {rows, cols, at(i, j)}. */
export function planeOf(t, a, b, z = 0) {
  const sp = t.shape.slice(2);
  const r = sp.length;
  const W = sp[r - 1], H = r === 1 ? 1 : sp[r - 2], D = r === 3 ? sp[0] : 1;
  const off = ((a * t.shape[1] + b) * D + z) * H * W;
  return { rows: H, cols: W, at: (i, j) => t.data[off + i * W + j] };
}

/** A spatial index of the rank from plane coordinates: [j] in 1-D, [i, j] in 2-D, [z, i, j] in 3-D. */
export const spatial = (P, i, j, z = 0) => (P.rank === 1 ? [j] : P.rank === 3 ? [z, i, j] : [i, j]);

/** "x[0,1]", "x[3]" (1-D), "x[ci,0,1]" with channels; the same for y (channel co) and w ([ci, cl, …] with channels). */
export function cellName(letter, channels, sp, P) {
  const chan = P.Cin > 1 || P.Cout > 1;
  return chan ? `${letter}${idx(...channels, ...sp)}` : `${letter}${idx(...sp)}`;
}

/** An engine index ([n, c, ...spatial] or the weight's [ci, cl, ...k]) as the page names it. */
export function indexName(letter, index, P) {
  return letter === 'w' ? cellName('w', index.slice(0, 2), index.slice(2), P) : cellName(letter, [index[1]], index.slice(2), P);
}

/** Sizes as the page writes them: "6×6", "11" (1-D: a length), "4×4×4". */
export const sizeText = (list) => list.join('×');

/** "6×6 canvas" / "11-cell canvas", for one of the rank's tensors. */
export const ofSize = (P, list, noun) => (P.rank === 1 ? `${list[0]}-cell ${noun}` : `${sizeText(list)} ${noun}`);

const SIDE_NAMES = {
  1: [['at the start', 'at the end']],
  2: [['at the top', 'at the bottom'], ['at the left', 'at the right']],
  3: [['at the front', 'at the back'], ['at the top', 'at the bottom'], ['at the left', 'at the right']],
};

/** "0 at the top, 2 at the bottom, 0 at the left and 2 at the right" (an extension says "−1 (extended)"). */
export function sidesText(P, before, after) {
  const parts = [];
  SIDE_NAMES[P.rank].forEach(([b, a], i) => { parts.push(`${before[i]} ${b}`, `${after[i]} ${a}`); });
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * The crop in words, from the engine's geometry (params before/after/full/outSize): where the output sits in the
 * full result. E.g. "the 4×4 output is the top-left 4×4 of the 6×6 full result (padding crops 0 at the top, 2 at the
 * bottom, 0 at the left and 2 at the right)", or "the 10 outputs are cells 1–10 of the 11-cell full result".
 */
export function cropWords(P) {
  const { before, after, full, outSize } = P;
  const crop = after.map((a) => Math.max(0, a));
  const ext = after.map((a) => Math.max(0, -a));
  const whole = full.map((f, i) => f + ext[i]);
  const extended = ext.some(Boolean)
    ? `the ${ofSize(P, full, 'full result')} is extended by ${P.rank === 1 ? `${ext[0]} cell(s)` : ext.map((e, i) => `${e} along the ${P.names[i]}`).filter((_, i) => ext[i]).join(', ')} at the end, which hold only zeros${P.bias ? ' and the bias' : ''}`
    : '';
  if (before.every((b) => b === 0) && crop.every((c) => c === 0)) {
    return extended ? `nothing is cropped and ${extended}: the output is all ${P.rank === 1 ? `${whole[0]} cells` : sizeText(whole)}` : `nothing is cropped: the output is the whole ${ofSize(P, full, 'result')}`;
  }
  const even = [...before, ...crop].every((v) => v === before[0]);
  const how = `padding crops ${even ? `${before[0]} from every side` : sidesText(P, before, crop)}${extended ? `, and ${extended}` : ''}`;
  if (P.rank === 1) {
    return `the ${outSize[0]} outputs are cells ${before[0]}–${before[0] + outSize[0] - 1} of the ${whole[0]}-cell ${extended ? 'extended ' : ''}full result (${how})`;
  }
  const region = before.every((b) => b === 0) && ext.every((e) => e === 0) ? 'top-left '
    : before.every((b, i) => b === after[i]) ? 'centre ' : '';
  return region
    ? `the ${sizeText(outSize)} output is the ${region}${sizeText(outSize)} of the ${sizeText(whole)} full result (${how})`
    : `the ${sizeText(outSize)} output is the part starting at (${before.join(', ')}) of the ${sizeText(whole)} ${extended ? 'extended ' : ''}full result (${how})`;
}

/** Whether padding crops anything (an extension at the end is no crop). */
export const isCropped = (P) => P.before.some((b) => b > 0) || P.after.some((a) => a > 0);

/**
 * 3-D: the input depths whose stamps reach the drawn canvas depth (output depth dz + the crop at the front), each
 * with the kernel depth that lands there: [{depth, kd}]. 1-D and 2-D: one plane, [{depth: 0, kd: 0}].
 */
export function stampDepths(P, dz) {
  if (P.rank !== 3) return [{ depth: 0, kd: 0 }];
  const u = dz + P.pbD;
  const out = [];
  for (let depth = 0; depth < P.D; depth++) {
    const rest = u - depth * P.sD;
    if (rest >= 0 && rest % P.dD === 0 && rest / P.dD < P.kD) out.push({ depth, kd: rest / P.dD });
  }
  return out;
}
