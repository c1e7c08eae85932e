// JAX: the padded direct form, which is what lax computes. lax.conv_general_dilated with lhs_dilation = stride
// inserts stride − 1 zeros between input cells, pads each axis by (dilation·(k − 1) − before,
// dilation·(k − 1) − after + output_padding) (negative = crop), and slides the kernel rotated by 180° with stride 1
// and rhs_dilation = dilation. Groups are feature_group_count with the kernel regrouped to [C_out, C_in/groups, k...].
// For groups 1 the code also calls lax.conv_transpose(..., transpose_kernel=True), which flips the kernel, swaps its
// I/O axes and calls the same conv_general_dilated; lax.conv_transpose has no feature_group_count.
import { assertLayer, axes, axisLetters, channelsOut } from './layer.js';
import { header, layerTensors, printLines, pyTuple } from './python.js';

/** lax dimension numbers for rank r in PyTorch's layouts: ('NCHW', 'OIHW', 'NCHW') in 2-D. */
export function dimensionNumbers(r) {
  const s = r === 1 ? 'H' : r === 2 ? 'HW' : 'DHW';
  return [`NC${s}`, `OI${s}`, `NC${s}`];
}

export function plan(layer) {
  assertLayer(layer);
  const r = layer.rank;
  const ax = axes(layer);
  const G = layer.groups;
  const padding = ax.map((x) => [x.d * (x.k - 1) - x.before, x.d * (x.k - 1) - x.after + x.op]);
  const dn = dimensionNumbers(r);
  const warnings = [];
  if (G > 1) warnings.push(`groups ${G}: lax.conv_transpose has no feature_group_count, so the code calls lax.conv_general_dilated (which lax.conv_transpose is built on) with feature_group_count=${G}`);
  return {
    kernel: {
      // PyTorch [C_in, C_out/g, k...] -> [C_out, C_in/g, k...] with output channel g·(C_out/g) + o, then flipped
      groups: G,
      channels: { in: layer.inputShape[1] / G, out: layer.weightShape[1] },
      shape: [channelsOut(layer), layer.inputShape[1] / G, ...layer.weightShape.slice(2)],
      flip: true,
    },
    conv_general_dilated: {
      window_strides: new Array(r).fill(1),
      padding,
      lhs_dilation: layer.stride.slice(),
      rhs_dilation: layer.dilation.slice(),
      dimension_numbers: dn,
      feature_group_count: G,
    },
    conv_transpose: G === 1 ? {
      strides: layer.stride.slice(),
      padding,
      rhs_dilation: layer.dilation.slice(),
      dimension_numbers: dn,
      transpose_kernel: true,
    } : null,
    bias: Boolean(layer.bias),
    warnings,
  };
}

const pyPairs = (pairs) => `[${pairs.map(([a, b]) => `(${a}, ${b})`).join(', ')}]`;
const pyStrings = (v) => `(${v.map((s) => `'${s}'`).join(', ')})`;

export function translate(layer, { link = '' } = {}) {
  const p = plan(layer);
  const r = layer.rank;
  const L = axisLetters(r);
  const k = layer.weightShape.slice(2);
  const t = layerTensors(layer, 'np');
  const c = p.conv_general_dilated;
  const { groups: G, channels } = p.kernel;
  const lines = [header(layer, 'JAX', link)];
  for (const w of p.warnings) lines.push(`# Note: ${w}.`);
  lines.push(
    '# How this is checked: JAX does not run where the playground is tested, so its tests execute this script\'s plan',
    '# with an implementation of lax.conv_general_dilated\'s documented semantics (and of lax.conv_transpose, which',
    '# flips and transposes the kernel and calls it) and compare the result with PyTorch\'s.',
    '#',
    '# The padded direct form: lhs_dilation = stride puts stride − 1 zeros between input cells; each axis is padded',
    '# by (dilation·(k − 1) − before, dilation·(k − 1) − after + output_padding), negative = cropped; the kernel,',
    '# rotated by 180°, slides over that with stride 1 and rhs_dilation = dilation.',
    'import numpy as np',
    'import jax.numpy as jnp',
    'from jax import lax',
    '',
  );
  if (t.randDef) lines.push('', t.randDef, '', '');
  lines.push(...t.lines, '');
  const kAxes = k.map((_, i) => i + 3).join(', ');
  lines.push(
    `# The kernel as lax wants it: [C_out, C_in/groups, ${L.map((l) => `k${l}`).join(', ')}] (${c.dimension_numbers[1]}), output channel g·${channels.out} + o of group g,`,
    '# then rotated by 180° (every spatial axis reversed).',
    `kernel = w.reshape(${G}, ${channels.in}, ${channels.out}, ${k.join(', ')}).transpose(0, 2, 1, ${kAxes}).reshape(${p.kernel.shape.join(', ')})`,
    `kernel = kernel[:, :${', ::-1'.repeat(r)}]`,
    '',
    'y = lax.conv_general_dilated(',
    '    jnp.asarray(x), jnp.asarray(kernel.copy()),',
    `    window_strides=${pyTuple(c.window_strides)},`,
    `    padding=${pyPairs(c.padding)},`,
    `    lhs_dilation=${pyTuple(c.lhs_dilation)},`,
    `    rhs_dilation=${pyTuple(c.rhs_dilation)},`,
    `    dimension_numbers=${pyStrings(c.dimension_numbers)},`,
    `    feature_group_count=${c.feature_group_count},`,
    '    precision=lax.Precision.HIGHEST)  # float32 products on every device',
  );
  if (p.conv_transpose) {
    const ct = p.conv_transpose;
    lines.push(
      '# The same with lax.conv_transpose: transpose_kernel=True flips PyTorch\'s weight and swaps its first two axes itself.',
      'y_transpose = lax.conv_transpose(',
      '    jnp.asarray(x), jnp.asarray(w),',
      `    strides=${pyTuple(ct.strides)}, padding=${pyPairs(ct.padding)}, rhs_dilation=${pyTuple(ct.rhs_dilation)},`,
      `    dimension_numbers=${pyStrings(ct.dimension_numbers)}, transpose_kernel=True,`,
      '    precision=lax.Precision.HIGHEST)',
      'np.testing.assert_allclose(np.asarray(y), np.asarray(y_transpose), rtol=1e-5, atol=1e-4)',
    );
  }
  lines.push('y = np.asarray(y)');
  if (p.bias) lines.push(`y = y + b.reshape(1, -1${', 1'.repeat(r)})  # the bias lands on every output cell`);
  lines.push('', ...printLines(layer), '');
  return { code: lines.join('\n'), plan: p, warnings: p.warnings };
}
