// Shapes and sizes, the one definition of each for the page: the tensors' shapes of a state (PyTorch's weight layout
// [C_in, C_out/groups, kH, kW]), and output-size arithmetic for one axis, used by the model, the output-size panel
// and the code export. Pure functions, no DOM, so Node tests can check them.
//
// A forward conv2d with kernel k, stride s, padding p, dilation d maps size n to floor((n + 2p − d(k−1) − 1)/s) + 1.
// With s > 1 several n map to the same size, so the transposed convolution (which goes back) must be told which one:
// that is output_padding (the output_padding question). TensorFlow instead takes the wanted size as output_shape,
// plus 'SAME'/'VALID'.

/** The input's shape [N, C_in, H, W] of a state (parsed link); the page always has a batch of one. */
export const inputShapeOf = (st) => [1, st.cin, st.in[0], st.in[1]];

/** The weight's shape [C_in, C_out/groups, kH, kW]: PyTorch's layout for a transposed convolution. */
export const weightShapeOf = (st) => [st.cin, st.cout / st.g, st.k[0], st.k[1]];

/** Kernel extent with dilation: d·(k−1) + 1. */
export const effectiveKernel = (k, d) => d * (k - 1) + 1;

/** Forward conv2d output size for input size n (may be < 1 when n is too small). */
export const convOutputSize = (n, k, s, p, d) => Math.floor((n + 2 * p - effectiveKernel(k, d)) / s) + 1;

/** conv_transpose2d output size (PyTorch). */
export const transposedOutputSize = (n, k, s, p, op, d) => (n - 1) * s - 2 * p + effectiveKernel(k, d) + op;

/**
 * TensorFlow's conv2d_transpose with an explicit output size `size` (it is conv2d's input gradient for an input of
 * that size): is the size accepted, and how many rows does it crop from the top of the uncropped canvas?
 * 'VALID': conv2d pads nothing, so the crop is 0 and ceil((size − k_eff + 1)/s) must equal n.
 * 'SAME': conv2d pads max((n−1)s + k_eff − size, 0) in total, the smaller half on top; ceil(size/s) must equal n.
 */
export function tfTransposed(padding, n, size, k, s, d) {
  const ke = effectiveKernel(k, d);
  if (padding === 'VALID') {
    return { accepted: size >= ke && Math.ceil((size - ke + 1) / s) === n, cropTop: 0 };
  }
  const total = Math.max((n - 1) * s + ke - size, 0);
  return { accepted: size >= 1 && Math.ceil(size / s) === n, cropTop: Math.floor(total / 2) };
}

/**
 * Everything the output-size panel says about one axis.
 *   n: the transposed conv's input size; k, s, p, op, d: its parameters.
 * Returns {out, sizes: [{size, outputPadding}] (the forward input sizes that conv2d maps to n), reachable (out is one
 * of them), tf: {SAME, VALID} (true when tf.nn.conv2d_transpose with output_shape = out and that padding gives the same
 * numbers), keras: [{padding, outputPadding}] (Conv2DTranspose arguments that give out and the same crop)}.
 */
export function axisSizes({ n, k, s, p, op, d }) {
  const out = transposedOutputSize(n, k, s, p, op, d);
  const lowest = transposedOutputSize(n, k, s, p, 0, d);
  const sizes = [];
  for (let extra = 0; extra < s; extra++) {
    if (lowest + extra >= 1) sizes.push({ size: lowest + extra, outputPadding: extra });
  }
  const reachable = op < s; // output_padding ≥ stride (allowed when dilation > stride) overshoots: conv2d maps out elsewhere
  // Same numbers: TF crops the same rows from the same uncropped canvas (both extend it with zeros past the end).
  const sameAsTorch = (padding, size) => {
    const r = tfTransposed(padding, n, size, k, s, d);
    return r.accepted && size === out && r.cropTop === p;
  };
  const tf = { SAME: sameAsTorch('SAME', out), VALID: sameAsTorch('VALID', out) };
  // Keras Conv2DTranspose computes output_shape itself (keras.utils.conv_utils.deconv_output_length), then calls the
  // same op; output_padding must be smaller than the stride there.
  const ke = effectiveKernel(k, d);
  const keras = [];
  const kerasSize = (padding, o) => {
    if (o === null) return padding === 'valid' ? n * s + Math.max(ke - s, 0) : n * s;
    return (n - 1) * s + ke - 2 * (padding === 'same' ? Math.floor(ke / 2) : 0) + o;
  };
  for (const padding of ['valid', 'same']) {
    for (const o of [null, ...Array.from({ length: s }, (_, i) => i)]) {
      const size = kerasSize(padding, o);
      if (sameAsTorch(padding.toUpperCase(), size)) { keras.push({ padding, outputPadding: o }); break; }
    }
  }
  return { out, sizes, reachable, tf, keras };
}
