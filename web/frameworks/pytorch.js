// PyTorch: nn.ConvTranspose1d/2d/3d (with forward(x, output_size=...) when the layer has one) and
// F.conv_transpose1d/2d/3d. PyTorch's `padding` crops the same amount from both sides of an axis, so a per-side or
// 'same' crop is written as the symmetric part in the call and the rest as a slice; an extension at the end is
// output_padding when that stays below max(stride, dilation), else F.pad with the bias added after it.
import { assertLayer, axes, axisNames, axisLetters, channelsIn, channelsOut } from './layer.js';
import { header, layerTensors, printLines, pyAxes, pyList, pySlice } from './python.js';

/** The translation as data: the call's arguments and every post-step, in the order the code runs them. */
export function plan(layer) {
  assertLayer(layer);
  const r = layer.rank;
  const names = axisNames(r);
  const ax = axes(layer);
  const warnings = [];
  const padding = [], outputPadding = [], cropStart = [], padEnd = [];
  const size = ax.map((x) => x.out);
  const callOut = [];
  for (const x of ax) {
    if (x.after >= 0) {
      const p = Math.min(x.before, x.after);
      padding.push(p);
      outputPadding.push(x.op);
      cropStart.push(x.before - p);
      callOut.push(x.full - 2 * p);
      padEnd.push(0);
    } else {
      // Extension at the end: the same zeros as output_padding (the bias lands there too), if PyTorch allows it;
      // else zeros after the call, enough to reach the end of the crop.
      const op = x.op - x.after;
      const fits = op < Math.max(x.s, x.d);
      padding.push(0);
      outputPadding.push(fits ? op : x.op);
      cropStart.push(x.before);
      callOut.push(x.full0 + (fits ? op : x.op));
      padEnd.push(Math.max(0, x.before + x.out - callOut[callOut.length - 1]));
    }
  }
  const needsPad = padEnd.some((e) => e > 0);
  const needsCrop = ax.some((x, a) => cropStart[a] !== 0 || size[a] !== callOut[a] + padEnd[a]);
  const post = [];
  if (needsPad) post.push({ op: 'pad', end: padEnd });
  if (needsCrop) post.push({ op: 'slice', start: cropStart, size });
  const biasInCall = Boolean(layer.bias) && !needsPad;
  if (layer.bias && !biasInCall) post.push({ op: 'bias' });

  const asymmetric = ax.map((x, a) => (x.before !== x.after ? a : -1)).filter((a) => a >= 0);
  if (asymmetric.length) {
    const what = asymmetric.map((a) => `${names[a]} [${ax[a].before}, ${ax[a].after}]`).join(', ');
    const mode = layer.paddingMode === 'explicit' ? 'per-side padding' : `padding '${layer.paddingMode}'`;
    const how = [];
    if (outputPadding.some((o, a) => o !== ax[a].op)) how.push('writes the extension at the end as output_padding');
    if (needsPad) how.push('zero-extends the end with F.pad (the bias is added after it)');
    if (needsCrop) how.push('crops the rest with a slice');
    warnings.push(`${mode} (${what}): PyTorch's padding crops the same amount from both sides, so the call crops ${pyAxes(padding)} and the code ${how.join(', ') || 'needs nothing more'}`);
  }
  // forward(output_size=...) picks output_padding in [0, stride − 1] for the call's own (symmetric) padding.
  let outputSize = null;
  if (layer.outputSize) {
    const direct = !needsCrop && !needsPad && outputPadding.every((o, a) => o === ax[a].op && o < ax[a].s);
    if (direct) outputSize = layer.outputSize.slice();
    else warnings.push(`output_size ${pyAxes(layer.outputSize)}: PyTorch's forward(output_size=...) only picks output_padding (below the stride) for symmetric padding, so the code gives output_padding ${pyAxes(outputPadding)} and the crop instead`);
  }
  return {
    module: `nn.ConvTranspose${r}d`,
    functional: `F.conv_transpose${r}d`,
    args: {
      in_channels: channelsIn(layer),
      out_channels: channelsOut(layer),
      kernel_size: layer.weightShape.slice(2),
      stride: layer.stride.slice(),
      padding,
      output_padding: outputPadding,
      groups: layer.groups,
      dilation: layer.dilation.slice(),
      bias: biasInCall,
    },
    outputSize,
    callOutput: callOut,
    post,
    warnings,
  };
}

export function translate(layer, { link = '' } = {}) {
  const p = plan(layer);
  const r = layer.rank;
  const a = p.args;
  const L = axisLetters(r);
  const t = layerTensors(layer, 'torch');
  const lines = [header(layer, 'PyTorch', link)];
  for (const w of p.warnings) lines.push(`# Note: ${w}.`);
  lines.push('import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '');
  if (t.randDef) lines.push('', t.randDef, '', '');
  lines.push(...t.lines, '');
  const common = `stride=${pyAxes(a.stride)}, padding=${pyAxes(a.padding)}`;
  const op = `output_padding=${pyAxes(a.output_padding)}`;
  const tail = `groups=${a.groups}, dilation=${pyAxes(a.dilation)}`;
  const open = `layer = nn.ConvTranspose${r}d(`;
  lines.push(
    `${open}${a.in_channels}, ${a.out_channels}, kernel_size=${pyAxes(a.kernel_size)}, ${common},`
    + `${p.outputSize ? '' : ` ${op},`}\n${' '.repeat(open.length)}${tail}, bias=${a.bias ? 'True' : 'False'})`,
    'with torch.no_grad():',
    '    layer.weight.copy_(w)  # the same layout: [C_in, C_out/groups, kernel…], no permutation, no flip',
  );
  if (a.bias) lines.push('    layer.bias.copy_(b)');
  if (p.outputSize) {
    lines.push(
      `    # output_size ${pyList(p.outputSize)} makes forward() choose output_padding ${pyAxes(a.output_padding)}: of the sizes its forward`,
      '    # convolution maps back to the input size, the one asked for (the output_padding question).',
      `    y = layer(x, output_size=${pyList(p.outputSize)})`,
    );
  } else {
    lines.push('    y = layer(x)');
  }
  lines.push(
    '    # The same call as a function:',
    `    y_function = F.conv_transpose${r}d(x, w, ${a.bias ? 'b' : 'None'}, ${common}, ${op}, ${tail})`,
    'assert torch.allclose(y, y_function)',
  );
  for (const step of p.post) {
    if (step.op === 'slice') {
      lines.push(
        '# The rest of the per-side crop: keep these cells of each axis (start:end)',
        `y = y[:, :, ${step.start.map((s, i) => pySlice(s, step.size[i])).join(', ')}]`,
      );
    } else if (step.op === 'pad') {
      // F.pad lists the last axis first: (start, end) pairs from the innermost axis outwards.
      const pads = step.end.map((e) => [0, e]).reverse().flat();
      lines.push(`# The extension at the end: zeros (${step.end.map((e, i) => `${L[i]} +${e}`).join(', ')}); the bias is added after them`, `y = F.pad(y, ${`(${pads.join(', ')})`})`);
    } else if (step.op === 'bias') {
      lines.push(`y = y + b.view(1, -1${', 1'.repeat(r)})  # the bias lands on every output cell`);
    }
  }
  lines.push('', ...printLines(layer), '');
  return { code: lines.join('\n'), plan: p, warnings: p.warnings };
}
