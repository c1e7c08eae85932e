// Code export: the page's exact state as a PyTorch, NumPy, TensorFlow or JAX script. Pure functions from
// the parsed state (web/state.js) to text, no DOM, so Node tests can run them. The values are the page's own: the
// same materialize() the page computes with, printed so Python parses them to the same float32 numbers.
//
// Every script prints the output shape, then, as its LAST line, the result as a nested list [N][C_out][H_out][W_out]
// (y.tolist()), so a reader can compare it with the page and the tests can compare it with window.tconv.result().
import { materialize, formatValues } from './state.js';
import { axisSizes, effectiveKernel, inputShapeOf, weightShapeOf } from './sizes.js';

export const LANGUAGES = {
  pytorch: 'PyTorch',
  numpy: 'NumPy',
  tensorflow: 'TensorFlow / Keras',
  jax: 'JAX',
};

/** Shapes, parameters and values of a state, or throws an Error naming the problem (e.g. groups not dividing). */
export function exportContext(st) {
  const [H, W] = st.in, [kH, kW] = st.k;
  const Cin = st.cin, Cout = st.cout, g = st.g;
  if (Cin % g !== 0 || Cout % g !== 0) throw new Error(`groups is ${g} but must divide channels in ${Cin} and channels out ${Cout}`);
  const Cig = Cin / g, Cog = Cout / g;
  const count = (shape) => shape.reduce((a, b) => a * b, 1);
  const xv = materialize(st.x, count(inputShapeOf(st)), 'Input values');
  if (xv.message) throw new Error(xv.message);
  const wv = materialize(st.w, count(weightShapeOf(st)), 'Kernel values');
  if (wv.message) throw new Error(wv.message);
  const axes = [0, 1].map((a) => axisSizes({ n: st.in[a], k: st.k[a], s: st.s[a], p: st.p[a], op: st.op[a], d: st.d[a] }));
  return {
    H, W, kH, kW, Cin, Cout, g, Cig, Cog,
    s: st.s.slice(), p: st.p.slice(), op: st.op.slice(), d: st.d.slice(),
    Hout: axes[0].out, Wout: axes[1].out, axes,
    x: { spec: st.x, values: xv.values }, w: { spec: st.w, values: wv.values },
  };
}

// ------------------------------------------------------------------ Python literals

/** A number as Python reads it back to the same double (JS prints the shortest round-trip form). */
export function pyNumber(v) {
  if (Number.isNaN(v)) return "float('nan')";
  if (v === Infinity) return "float('inf')";
  if (v === -Infinity) return "float('-inf')";
  if (Object.is(v, -0)) return '-0.0';
  return String(v); // integers stay integers (the arrays are float32 by dtype), e.g. the page's rand:SEED values
}

/** Nested Python list of a row-major tensor, one innermost row per line for readability. */
function pyNested(values, shape, indent) {
  const rec = (offset, dim, pad) => {
    if (dim === shape.length - 1) return `[${values.slice(offset, offset + shape[dim]).map(pyNumber).join(', ')}]`;
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const parts = Array.from({ length: shape[dim] }, (_, i) => rec(offset + i * stride, dim + 1, `${pad} `));
    return `[${parts.join(`,\n${pad} `)}]`;
  };
  return rec(0, 0, indent);
}

const pair = ([a, b]) => `(${a}, ${b})`;
const shapeText = (shape) => shape.join(', ');

/**
 * `name = ...` building a float32 array of the given shape in the style of `lib` ('torch' | 'np' | 'jnp').
 * ones and arange keep their short forms; seeded random values and custom lists are printed literally.
 */
function tensorLine(name, tensor, shape, lib, comment) {
  const n = shape.reduce((a, b) => a * b, 1);
  const dtype = `${lib}.float32`;
  if (tensor.spec.kind === 'ones') return `${name} = ${lib}.ones((${shapeText(shape)}), dtype=${dtype})  # ${comment}`;
  if (tensor.spec.kind === 'arange') {
    return `${name} = ${lib}.arange(1, ${n + 1}, dtype=${dtype}).reshape(${shapeText(shape)})  # ${comment}, values 1, 2, …, ${n}`;
  }
  const origin = tensor.spec.kind === 'rand' ? `, the page's ${formatValues(tensor.spec)} values` : '';
  const head = `${name} = ${lib === 'torch' ? 'torch.tensor' : `${lib}.array`}(`;
  return `# ${comment}${origin}\n${head}${pyNested(tensor.values, shape, ' '.repeat(head.length))}, dtype=${dtype})`;
}

function header(ctx, link, lang) {
  const lines = [
    `# Transposed convolution (PyTorch's conv_transpose2d), exported from the playground as ${LANGUAGES[lang]}.`,
  ];
  if (link) lines.push(`# State: ${String(link).replace(/[\r\n]/g, '')}`);
  lines.push(
    `# input x: [N, C_in, H, W] = [1, ${ctx.Cin}, ${ctx.H}, ${ctx.W}]; weight w: [C_in, C_out/groups, kH, kW] = [${ctx.Cin}, ${ctx.Cog}, ${ctx.kH}, ${ctx.kW}]`,
    `# stride ${pair(ctx.s)}, padding ${pair(ctx.p)}, output_padding ${pair(ctx.op)}, dilation ${pair(ctx.d)}, groups ${ctx.g}`,
    `# output y: [N, C_out, H_out, W_out] = [1, ${ctx.Cout}, ${ctx.Hout}, ${ctx.Wout}]; the last line printed is y as a nested list.`,
  );
  return lines.join('\n');
}

// ------------------------------------------------------------------ generators

function pytorch(ctx, link) {
  return `${header(ctx, link, 'pytorch')}
import torch
import torch.nn.functional as F

${tensorLine('x', ctx.x, [1, ctx.Cin, ctx.H, ctx.W], 'torch', 'input [N, C_in, H, W]')}
${tensorLine('w', ctx.w, [ctx.Cin, ctx.Cog, ctx.kH, ctx.kW], 'torch', 'weight [C_in, C_out/groups, kH, kW]')}

y = F.conv_transpose2d(x, w, stride=${pair(ctx.s)}, padding=${pair(ctx.p)}, output_padding=${pair(ctx.op)},
                       groups=${ctx.g}, dilation=${pair(ctx.d)})
# The same as a layer: nn.ConvTranspose2d(${ctx.Cin}, ${ctx.Cout}, kernel_size=${pair([ctx.kH, ctx.kW])}, stride=${pair(ctx.s)}, padding=${pair(ctx.p)},
#   output_padding=${pair(ctx.op)}, groups=${ctx.g}, dilation=${pair(ctx.d)}, bias=False) with layer.weight.data = w

print(list(y.shape))  # [${shapeText([1, ctx.Cout, ctx.Hout, ctx.Wout])}]
print(y.tolist())
`;
}

function numpy(ctx, link) {
  return `${header(ctx, link, 'numpy')}
import numpy as np


def conv_transpose2d(x, w, stride, padding, output_padding, dilation, groups):
    """PyTorch's conv_transpose2d by scatter: every input value stamps value × kernel onto a canvas, overlaps add,
    then padding is cropped from every side. x: [N, C_in, H, W], w: [C_in, C_out/groups, kH, kW]."""
    N, C_in, H, W = x.shape
    _, C_out_per_group, kH, kW = w.shape
    (sH, sW), (pH, pW), (opH, opW), (dH, dW) = stride, padding, output_padding, dilation
    C_in_per_group = C_in // groups
    # Uncropped canvas: the last stamp ends at (H-1)*s + d*(k-1); output_padding adds rows/columns at the bottom/right.
    Hc = (H - 1) * sH + dH * (kH - 1) + 1 + opH
    Wc = (W - 1) * sW + dW * (kW - 1) + 1 + opW
    canvas = np.zeros((N, C_out_per_group * groups, Hc, Wc), dtype=x.dtype)
    for ci in range(C_in):
        group = ci // C_in_per_group  # input channel ci feeds only the output channels of its group
        out_channels = slice(group * C_out_per_group, (group + 1) * C_out_per_group)
        for i in range(H):
            for j in range(W):
                # x[:, ci, i, j] times the kernel w[ci] (all its output channels), taps spaced by the dilation,
                # added with its top-left corner at (i*s, j*s)
                rows = slice(i * sH, i * sH + dH * (kH - 1) + 1, dH)
                cols = slice(j * sW, j * sW + dW * (kW - 1) + 1, dW)
                canvas[:, out_channels, rows, cols] += x[:, ci, i, j][:, None, None, None] * w[ci][None]
    # Padding crops pH rows and pW columns from every side.
    H_out, W_out = Hc - 2 * pH, Wc - 2 * pW
    return canvas[:, :, pH:pH + H_out, pW:pW + W_out]


${tensorLine('x', ctx.x, [1, ctx.Cin, ctx.H, ctx.W], 'np', 'input [N, C_in, H, W]')}
${tensorLine('w', ctx.w, [ctx.Cin, ctx.Cog, ctx.kH, ctx.kW], 'np', 'weight [C_in, C_out/groups, kH, kW]')}

y = conv_transpose2d(x, w, stride=${pair(ctx.s)}, padding=${pair(ctx.p)}, output_padding=${pair(ctx.op)},
                     dilation=${pair(ctx.d)}, groups=${ctx.g})
print(list(y.shape))  # [${shapeText([1, ctx.Cout, ctx.Hout, ctx.Wout])}]
print(y.tolist())
`;
}

/**
 * How the TensorFlow snippet maps the state. tf.nn.conv2d_transpose has no groups argument and cannot combine
 * dilation > 1 with stride > 1 (its CPU kernel takes no dilation at all), so:
 *   - dilation is written into the kernel (zeros between taps), which gives the same numbers;
 *   - groups run as one conv2d_transpose per group, concatenated;
 *   - when a TF padding string gives PyTorch's crop on both axes, it is used with output_shape = the output size;
 *     otherwise 'VALID' computes the uncropped canvas and slicing crops PyTorch's padding.
 */
export function tensorflowPlan(ctx) {
  const dilated = ctx.d[0] > 1 || ctx.d[1] > 1;
  const direct = !dilated && ['SAME', 'VALID'].find((pad) => ctx.axes.every((a) => a.tf[pad]));
  if (direct) return { dilated, padding: direct, outputSize: [ctx.Hout, ctx.Wout], crop: null, extra: [0, 0] };
  // 'VALID' canvas: (n−1)s + k_eff rows, plus the rows the crop reaches beyond it (output_padding past the padding).
  // TF accepts up to s − 1 extra rows in output_shape; beyond that (only when output_padding ≥ stride) pad zeros.
  const base = [0, 1].map((a) => ((a ? ctx.W : ctx.H) - 1) * ctx.s[a] + effectiveKernel(a ? ctx.kW : ctx.kH, ctx.d[a]));
  const beyond = [0, 1].map((a) => Math.max(0, ctx.op[a] - ctx.p[a]));
  const inShape = beyond.map((b, a) => (b < ctx.s[a] ? b : 0));
  return {
    dilated,
    padding: 'VALID',
    outputSize: [base[0] + inShape[0], base[1] + inShape[1]],
    extra: beyond.map((b, a) => b - inShape[a]),
    crop: { top: ctx.p[0], left: ctx.p[1], height: ctx.Hout, width: ctx.Wout },
  };
}

function tensorflow(ctx, link) {
  const plan = tensorflowPlan(ctx);
  const notes = [];
  const cannot = [];
  if (ctx.g > 1) cannot.push(`groups ${ctx.g}: tf.nn.conv2d_transpose and keras.layers.Conv2DTranspose have no groups argument`);
  if ((ctx.d[0] > 1 || ctx.d[1] > 1) && (ctx.s[0] > 1 || ctx.s[1] > 1)) {
    cannot.push(`dilation ${pair(ctx.d)} with stride ${pair(ctx.s)}: TensorFlow's conv2d_transpose does not support dilation > 1 together with stride > 1`);
  } else if (plan.dilated) {
    notes.push("dilation > 1: TensorFlow's conv2d_transpose takes it only on GPU, so the dilation is written into the kernel");
  }
  const keras = ctx.axes[0].keras.find((k) => ctx.axes[1].keras.some((q) => q.padding === k.padding && q.outputPadding === k.outputPadding && k.outputPadding === null))
    || ctx.axes[0].keras.find((k) => ctx.axes[1].keras.some((q) => q.padding === k.padding));
  const kerasOp = keras && (() => {
    const o = [0, 1].map((a) => ctx.axes[a].keras.find((q) => q.padding === keras.padding).outputPadding);
    return o.every((v) => v === null) ? 'None' : pair(o.map((v) => v ?? 0));
  })();
  const lines = [header(ctx, link, 'tensorflow')];
  if (cannot.length) {
    lines.push(
      '#',
      `# TensorFlow cannot express this configuration directly: ${cannot.join('; ')}.`,
      `# This script computes the same numbers anyway:${ctx.g > 1 ? ' one conv2d_transpose per group, concatenated;' : ''}`
      + `${plan.dilated ? ' the dilation written into the kernel (zeros between taps);' : ''} 'VALID' padding, then slicing.`,
    );
  }
  for (const n of notes) lines.push(`# Note: ${n}.`);
  lines.push(
    'import numpy as np',
    'import tensorflow as tf',
    '',
  );
  if (cannot.length) lines.push(`print(${JSON.stringify(`TensorFlow cannot express this directly (${cannot.map((c) => c.split(':')[0]).join(', ')}); computing it by the workaround in the comments`)})`, '');
  lines.push(
    tensorLine('x', ctx.x, [1, ctx.Cin, ctx.H, ctx.W], 'np', "input in PyTorch's layout [N, C_in, H, W]"),
    tensorLine('w', ctx.w, [ctx.Cin, ctx.Cog, ctx.kH, ctx.kW], 'np', "weight in PyTorch's layout [C_in, C_out/groups, kH, kW]"),
    '',
  );
  let kernel = 'w';
  if (plan.dilated) {
    lines.push(
      `# Dilation ${pair(ctx.d)}: put the taps ${ctx.d[0]} rows and ${ctx.d[1]} columns apart, zeros between them.`,
      `w_dilated = np.zeros((${ctx.Cin}, ${ctx.Cog}, ${effectiveKernel(ctx.kH, ctx.d[0])}, ${effectiveKernel(ctx.kW, ctx.d[1])}), dtype=np.float32)`,
      `w_dilated[:, :, ::${ctx.d[0]}, ::${ctx.d[1]}] = w`,
      '',
    );
    kernel = 'w_dilated';
  }
  lines.push(
    'x_nhwc = tf.constant(x.transpose(0, 2, 3, 1))  # TensorFlow wants channels last: [N, H, W, C]',
    '# conv2d_transpose wants the filter as [kH, kW, C_out, C_in]',
  );
  const call = (xIn, filt, outC) => `tf.nn.conv2d_transpose(${xIn}, ${filt}, output_shape=[1, ${plan.outputSize[0]}, ${plan.outputSize[1]}, ${outC}],\n`
    + `                           strides=[${ctx.s.join(', ')}], padding='${plan.padding}')`;
  if (ctx.g > 1) {
    lines.push(
      'parts = []',
      `for g in range(${ctx.g}):  # group g: input channels g*${ctx.Cig}…, output channels g*${ctx.Cog}…`,
      `    f = tf.constant(${kernel}[g * ${ctx.Cig}:(g + 1) * ${ctx.Cig}].transpose(2, 3, 1, 0))`,
      `    parts.append(${call(`x_nhwc[..., g * ${ctx.Cig}:(g + 1) * ${ctx.Cig}]`, 'f', ctx.Cog).replace('\n', '\n    ')})`,
      'y = tf.concat(parts, axis=3)',
    );
  } else {
    lines.push(
      `f = tf.constant(${kernel}.transpose(2, 3, 1, 0))`,
      `y = ${call('x_nhwc', 'f', ctx.Cout)}`,
    );
  }
  if (plan.crop) {
    if (plan.extra[0] || plan.extra[1]) {
      lines.push(`# output_padding reaches past the last stamp: those rows/columns are zeros`,
        `y = tf.pad(y, [[0, 0], [0, ${plan.extra[0]}], [0, ${plan.extra[1]}], [0, 0]])`);
    }
    lines.push(
      `# PyTorch's padding ${pair(ctx.p)} crops that many rows/columns from every side of the uncropped result;`,
      `# output_padding ${pair(ctx.op)} keeps that many more at the bottom/right.`,
      `y = y[:, ${plan.crop.top}:${plan.crop.top + plan.crop.height}, ${plan.crop.left}:${plan.crop.left + plan.crop.width}, :]`,
    );
  } else {
    lines.push(`# padding='${plan.padding}' with this output_shape crops exactly what PyTorch's padding ${pair(ctx.p)} and output_padding ${pair(ctx.op)} do.`);
  }
  if (keras && !cannot.length && !plan.dilated) {
    lines.push(`# As a Keras layer: tf.keras.layers.Conv2DTranspose(${ctx.Cout}, ${pair([ctx.kH, ctx.kW])}, strides=${pair(ctx.s)}, padding='${keras.padding}',`
      + `\n#   output_padding=${kerasOp}, use_bias=False) with layer.set_weights([w.transpose(2, 3, 1, 0)])`);
  }
  lines.push(
    'y = tf.transpose(y, [0, 3, 1, 2])  # back to [N, C_out, H_out, W_out]',
    `print(y.shape.as_list())  # [${shapeText([1, ctx.Cout, ctx.Hout, ctx.Wout])}]`,
    'print(y.numpy().tolist())',
    '',
  );
  return lines.join('\n');
}

function jax(ctx, link) {
  const pads = [0, 1].map((a) => {
    const before = ctx.d[a] * ((a ? ctx.kW : ctx.kH) - 1) - ctx.p[a];
    return `(${before}, ${before + ctx.op[a]})`;
  });
  return `${header(ctx, link, 'jax')}
# Padded direct form: insert stride-1 zeros between input cells (lhs_dilation), pad every side by
# dilation*(k-1) - padding (negative = crop) plus output_padding at the bottom/right, and slide the kernel rotated
# by 180 degrees with stride 1. jax.lax.conv_transpose computes the same thing.
import numpy as np
import jax.numpy as jnp
from jax import lax

${tensorLine('x', ctx.x, [1, ctx.Cin, ctx.H, ctx.W], 'np', 'input [N, C_in, H, W]')}
${tensorLine('w', ctx.w, [ctx.Cin, ctx.Cog, ctx.kH, ctx.kW], 'np', "weight in PyTorch's layout [C_in, C_out/groups, kH, kW]")}

# lax wants the kernel as [C_out, C_in/groups, kH, kW] (OIHW), output channels grouped like PyTorch's; then rotate it.
kernel = w.reshape(${ctx.g}, ${ctx.Cig}, ${ctx.Cog}, ${ctx.kH}, ${ctx.kW}).transpose(0, 2, 1, 3, 4).reshape(${ctx.Cout}, ${ctx.Cig}, ${ctx.kH}, ${ctx.kW})
kernel = kernel[:, :, ::-1, ::-1]  # the 180-degree rotation

y = lax.conv_general_dilated(
    jnp.asarray(x), jnp.asarray(kernel.copy()),
    window_strides=(1, 1),
    padding=[${pads.join(', ')}],
    lhs_dilation=${pair(ctx.s)},
    rhs_dilation=${pair(ctx.d)},
    dimension_numbers=('NCHW', 'OIHW', 'NCHW'),
    feature_group_count=${ctx.g},
)
print(list(y.shape))  # [${shapeText([1, ctx.Cout, ctx.Hout, ctx.Wout])}]
print(np.asarray(y).tolist())
`;
}

const GENERATORS = { pytorch, numpy, tensorflow, jax };

/** state -> script text for lang ('pytorch' | 'numpy' | 'tensorflow' | 'jax'); link is printed in the header. */
export function exportCode(lang, st, link = '') {
  const gen = GENERATORS[lang];
  if (!gen) throw new Error(`language is "${lang}" but must be one of ${Object.keys(GENERATORS).join(', ')}`);
  return gen(exportContext(st), link);
}
