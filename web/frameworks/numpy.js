// NumPy: the definition itself, for any rank. Every kernel tap adds (input × that tap) onto the full result at
// offset tap·dilation, stepping by the stride (the scatter view, one tap at a time instead of one input cell at a
// time: the same sums); then each axis is cropped per side (a negative end extends it with zeros), then the bias.
import { assertLayer, axes } from './layer.js';
import { header, layerTensors, printLines } from './python.js';

const FUNCTION = `def conv_transpose(x, w, b, stride, padding, output_padding, dilation, groups):
    """PyTorch's conv_transpose1d/2d/3d with per-side padding, by scatter.
    x: [N, C_in, *in], w: [C_in, C_out/groups, *kernel], b: None or [C_out];
    padding: a (before, after) pair per axis, cropped from the full result
    full = (in - 1) * stride + dilation * (kernel - 1) + 1 + output_padding (after < 0 extends with zeros)."""
    n, c_in = x.shape[:2]
    size, kernel = x.shape[2:], w.shape[2:]
    c_in_g, c_out_g = c_in // groups, w.shape[1]
    full = [(i - 1) * s + d * (k - 1) + 1 + op
            for i, k, s, d, op in zip(size, kernel, stride, dilation, output_padding)]
    y = np.zeros((n, c_out_g * groups, *full), dtype=np.float32)
    for g in range(groups):  # input channels of group g feed only its output channels
        xg = x[:, g * c_in_g:(g + 1) * c_in_g]
        out = slice(g * c_out_g, (g + 1) * c_out_g)
        for tap in np.ndindex(*kernel):
            # input cell i lands on output cell i * stride + tap * dilation
            cells = tuple(slice(t * d, t * d + (i - 1) * s + 1, s)
                          for t, i, s, d in zip(tap, size, stride, dilation))
            wt = w[(slice(g * c_in_g, (g + 1) * c_in_g), slice(None)) + tap]  # [C_in/groups, C_out/groups]
            y[(slice(None), out) + cells] += np.einsum('nc...,co->no...', xg, wt)
    keep = []
    for axis, (before, after) in enumerate(padding):
        if after < 0:  # extended at the end: zeros (the bias lands there too)
            extra = [(0, 0)] * y.ndim
            extra[2 + axis] = (0, -after)
            y = np.pad(y, extra)
            after = 0
        keep.append(slice(before, y.shape[2 + axis] - after))
    y = y[(slice(None), slice(None)) + tuple(keep)]
    if b is not None:
        y = y + b.reshape(1, -1, *([1] * len(size)))
    return y`;

export function plan(layer) {
  assertLayer(layer);
  const ax = axes(layer);
  return {
    function: 'conv_transpose',
    args: {
      stride: layer.stride.slice(),
      padding: ax.map((x) => [x.before, x.after]),
      output_padding: layer.outputPadding.slice(),
      dilation: layer.dilation.slice(),
      groups: layer.groups,
      bias: Boolean(layer.bias),
    },
    warnings: [],
  };
}

export function translate(layer, { link = '' } = {}) {
  const p = plan(layer);
  const a = p.args;
  const t = layerTensors(layer, 'np');
  const tuple = (v) => (v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`);
  const lines = [header(layer, 'NumPy', link), 'import numpy as np', '', ''];
  if (t.randDef) lines.push(t.randDef, '', '');
  lines.push(FUNCTION, '', '', ...t.lines, '');
  lines.push(
    `y = conv_transpose(x, w, ${a.bias ? 'b' : 'None'}, stride=${tuple(a.stride)}, padding=(${a.padding.map(([b, e]) => `(${b}, ${e})`).join(', ')}${a.padding.length === 1 ? ',' : ''}),`,
    `                   output_padding=${tuple(a.output_padding)}, dilation=${tuple(a.dilation)}, groups=${a.groups})`,
    ...printLines(layer),
    '',
  );
  return { code: lines.join('\n'), plan: p, warnings: p.warnings };
}
