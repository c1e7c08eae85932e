// Shapes and sizes, the one definition of each for the page: the tensors' shapes of a state (PyTorch's weight layout
// [C_in, C_out/groups, k...]), and output-size arithmetic for one axis, used by the model, the store's rules and the
// output-size panel. Pure functions, no DOM, so Node tests can check them.
//
// Along one axis the transposed convolution's full result is (n − 1)·s + d·(k − 1) + 1 + output_padding cells; padding
// crops `before` cells from its start and `after` from its end. A forward convolution with kernel k, stride s and the
// same padding maps size L to ⌊(L + before + after − d·(k − 1) − 1)/s⌋ + 1, so with s > 1 several L map to the same
// size n: output_padding (or output_size) says which one the transposed convolution returns (the output_padding
// question).

/** The input's shape [N, C_in, ...spatial] of a state (parsed link); the page always has a batch of one. */
export const inputShapeOf = (st) => [1, st.cin, ...st.in];

/** The weight's shape [C_in, C_out/groups, ...kernel]: PyTorch's layout for a transposed convolution. */
export const weightShapeOf = (st) => [st.cin, st.cout / st.g, ...st.k];

/** Kernel extent with dilation: d·(k−1) + 1. */
export const effectiveKernel = (k, d) => d * (k - 1) + 1;

/** Forward convolution output size for input size n and symmetric padding p (may be < 1 when n is too small). */
export const convOutputSize = (n, k, s, p, d) => Math.floor((n + 2 * p - effectiveKernel(k, d)) / s) + 1;

/** conv_transpose output size with PyTorch's symmetric padding p. */
export const transposedOutputSize = (n, k, s, p, op, d) => (n - 1) * s - 2 * p + effectiveKernel(k, d) + op;

/**
 * The crop [before, after] per axis that a state's padding says without asking the engine: numbers (both sides),
 * per-side pairs and 'valid'; null for 'same' and 'same_lower', whose crop depends on the whole configuration.
 */
export function statedCrop(st) {
  if (st.p === 'valid') return st.in.map(() => [0, 0]);
  if (typeof st.p === 'string' || !Array.isArray(st.p)) return null;
  return st.p.map((e) => (Array.isArray(e) ? [e[0], e[1]] : [e, e]));
}

/**
 * The output's spatial size per axis by the engine's rules, as arithmetic (web/derive.js keeps the pinned cell
 * inside it on every edit, without an engine call): output_size when given; 'same' is in·s; otherwise the full
 * result minus the crop. Entries may be < 1 for an invalid state.
 */
export function outputSizesOf(st) {
  if (Array.isArray(st.os)) return st.os.slice();
  if (st.p === 'same' || st.p === 'same_lower') return st.in.map((n, a) => n * st.s[a]);
  const crop = statedCrop(st);
  return st.in.map((n, a) => (n - 1) * st.s[a] + effectiveKernel(st.k[a], st.d[a]) + st.op[a] - (crop ? crop[a][0] + crop[a][1] : 0));
}

/**
 * Everything the output-size panel says about one axis with an explicit crop (numbers, pairs, 'valid').
 *   n: the transposed convolution's input size; k, s, d, op: its parameters; before, after: the crop.
 * Returns {full0 (the full result without output_padding), lowest (the output with output_padding 0), out, sizes:
 * [{size, outputPadding}] (the sizes the forward convolution maps back to n, lowest first), reachable (out is one of
 * them: output_padding below the stride)}.
 */
export function axisSizes({ n, k, s, d, op, before, after }) {
  const full0 = (n - 1) * s + effectiveKernel(k, d);
  const lowest = full0 - before - after;
  const sizes = [];
  for (let extra = 0; extra < s; extra++) {
    if (lowest + extra >= 1) sizes.push({ size: lowest + extra, outputPadding: extra });
  }
  // output_padding ≥ stride (allowed when dilation > stride) overshoots: the forward convolution maps out elsewhere.
  return { full0, lowest, out: lowest + op, sizes, reachable: op < s };
}

/** "sizes 7 and 8", "only size 5", "sizes 5, 6 and 7". */
export function sizesText(list) {
  if (list.length === 0) return 'no size';
  if (list.length === 1) return `only size ${list[0]}`;
  return `sizes ${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}
