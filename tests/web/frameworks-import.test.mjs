// The import box's parser (web/frameworks/import.js): each documented example gives its configuration, the calls
// that the translations print import back to the same layer, and junk gets a message: never an exception, never
// an evaluation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { mulberry32 } from '../../web/random.js';
import { importLayer, layerFromParts, exportCode, axes } from '../../web/frameworks/index.js';

const ok = (text) => {
  const r = importLayer(text);
  assert.ok(!r.error, `${text}: ${r.error}`);
  return r;
};
const err = (text) => {
  const r = importLayer(text);
  assert.ok(r.error, `${text} should be refused, got ${JSON.stringify(r)}`);
  assert.equal(Object.keys(r).length, 1);
  return r.error;
};

test('the examples give their configurations', () => {
  const torch = ok('nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1, output_padding=1, groups=2)');
  assert.equal(torch.framework, 'pytorch');
  assert.equal(torch.call, 'nn.ConvTranspose2d');
  assert.deepEqual(torch.config, {
    rank: 2, cin: 16, cout: 8, kernel: [4, 4], stride: [2, 2], padding: [[1, 1], [1, 1]], outputPadding: [1, 1], groups: 2, dilation: [1, 1], bias: true,
  });
  assert.match(torch.notes.join(), /bias=True is the default/);

  const keras = ok("layers.Conv2DTranspose(8, 3, strides=2, padding='same')");
  assert.equal(keras.framework, 'keras');
  assert.deepEqual(keras.config, { rank: 2, groups: 1, cout: 8, kernel: [3, 3], stride: [2, 2], dilation: [1, 1], bias: true, padding: 'same', outputPadding: [0, 0] });
  assert.match(keras.notes.join(), /filters 8 is the number of output channels; the input channels are not part of a Keras layer .* the current ones are kept/);

  // The TensorFlow 'same' question: Keras' own rule for 'same' with output_padding, as per-side crops of the full 6×6.
  const third = ok("layers.Conv2DTranspose(1, 3, strides=2, padding='same', output_padding=1)");
  assert.deepEqual(third.config.padding, [[0, 2], [0, 2]]);
  assert.deepEqual(third.config.outputPadding, [1, 1]);
  assert.match(third.notes.join(), /padding='same' with output_padding \(1, 1\) is its own rule/);

  const attrs = ok('kernel_shape=[3,3], strides=[2,2], pads=[0,0,1,1], output_padding=[1,1], group=2');
  assert.equal(attrs.framework, 'onnx');
  assert.deepEqual(attrs.config, { rank: 2, kernel: [3, 3], stride: [2, 2], outputPadding: [1, 1], groups: 2, padding: [[0, 1], [0, 1]] });
  assert.match(attrs.notes.join(), /pads lists every axis's start, then every axis's end/);
  assert.deepEqual(ok('auto_pad="SAME_UPPER", strides=[2, 2]').config, { rank: 2, stride: [2, 2], padding: 'same' });
  assert.deepEqual(ok('auto_pad="SAME_LOWER" strides=[2]').config, { rank: 1, stride: [2], padding: 'same_lower' });
  assert.deepEqual(ok("{'auto_pad': b'SAME_UPPER', 'strides': [2]}").config, { rank: 1, stride: [2], padding: 'same' }, 'bytes, as onnx.helper prints them');
  assert.deepEqual(ok("{'kernel_shape': [3, 3], 'strides': [3, 2], 'output_shape': [10, 8]}").config,
    { rank: 2, kernel: [3, 3], stride: [3, 2], outputSize: [10, 8], padding: 'same_lower' });
  const node = ok("onnx.helper.make_node('ConvTranspose', ['X', 'W', 'B'], ['Y'], name='up', strides=[3, 2], pads=[1, 2, 1, 2])");
  assert.deepEqual(node.config, { rank: 2, stride: [3, 2], padding: [[1, 1], [2, 2]], bias: true });
  assert.match(ok("helper.make_node('ConvTranspose', ['X', 'W'], ['Y'], output_shape=[6], pads=[0, 3])").notes.join(), /output_shape 6 takes precedence over pads/);
});

test('more calls: modules, functions, Keras 1-D and 3-D, tf.nn', () => {
  assert.deepEqual(ok('self.up = torch.nn.ConvTranspose1d(4, 2, 5, stride=3, bias=False)').config,
    { rank: 1, cin: 4, cout: 2, kernel: [5], stride: [3], padding: [[0, 0]], outputPadding: [0], groups: 1, dilation: [1], bias: false });
  assert.deepEqual(ok('nn.ConvTranspose3d(2, 4, (1, 2, 3), (1, 2, 2), (0, 1, 1), dilation=2)').config.padding, [[0, 0], [1, 1], [1, 1]]);
  const f = ok('F.conv_transpose2d(x, w, b, stride=2, padding=1)');
  assert.deepEqual(f.config, { rank: 2, stride: [2, 2], padding: [[1, 1], [1, 1]], bias: true });
  assert.match(f.notes.join(), /the kernel size and the channels come from the weight/);
  assert.equal(ok('torch.nn.functional.conv_transpose1d(x, w)').config.bias, false);
  const k3 = ok('keras.layers.Conv3DTranspose(filters=2, kernel_size=(2, 3, 3), strides=(1, 2, 2), input_shape=(4, 8, 8, 3), use_bias=False)');
  assert.deepEqual([k3.config.cin, k3.config.in, k3.config.bias, k3.config.padding], [3, [4, 8, 8], false, 'valid']);
  assert.deepEqual(ok("tf.keras.layers.Conv1DTranspose(4, 2, strides=3, padding='valid')").config.outputPadding, [1],
    "Keras 'valid' with a kernel shorter than the stride gives in·stride cells: the extra one is output_padding");
  const nn = ok("tf.nn.conv2d_transpose(x, w, output_shape=[1, 4, 4, 8], strides=[1, 2, 2, 1], padding='SAME')");
  assert.equal(nn.framework, 'tensorflow');
  assert.deepEqual(nn.config, { rank: 2, groups: 1, bias: false, stride: [2, 2], padding: 'same', batch: 1, cout: 8, outputSize: [4, 4] });
  assert.deepEqual(ok('tf.nn.conv2d_transpose(x, w, [2, 5, 6, 3], 2, [[0, 0], [1, 0], [0, 1], [0, 0]])').config.padding, [[1, 0], [0, 1]]);
  assert.deepEqual(ok("tf.nn.conv1d_transpose(x, w, output_shape=[1, 9, 2], strides=3, padding='VALID')").config.outputSize, [9]);
});

test('an imported configuration becomes a layer with the current state filling in the rest', () => {
  const current = { in: [5, 5], cin: 4, cout: 2, kernel: [3, 3], x: 'rand:1', w: 'rand:2' };
  for (const text of [
    "layers.Conv2DTranspose(8, 3, strides=2, padding='same')",
    'kernel_shape=[3,3], strides=[2,2], pads=[0,0,1,1], output_padding=[1,1], group=2',
    "tf.nn.conv2d_transpose(x, w, output_shape=[1, 10, 10, 2], strides=2, padding='SAME')",
    "tf.nn.conv2d_transpose(x, w, output_shape=[1, 11, 11, 2], strides=2, padding='VALID')",
    'F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1)',
  ]) {
    const { config } = ok(text);
    const bias = config.bias ? 'ones' : null;
    const r = layerFromParts({ ...current, ...config, b: bias });
    assert.ok(r.layer, `${text}: ${r.error}`);
  }
  // TensorFlow's 'SAME' with output_shape 10 from 5 cells, kernel 3, stride 2: the full 11 cropped 0 + 1.
  const { layer } = layerFromParts({ ...current, ...ok("tf.nn.conv2d_transpose(x, w, output_shape=[1, 10, 10, 2], strides=2, padding='SAME')").config });
  assert.deepEqual(layer.padding, [[0, 1], [0, 1]]);
  const keras = layerFromParts({ ...current, ...ok("layers.Conv2DTranspose(1, 3, strides=2, padding='same', output_padding=1)").config, in: 2, cin: 1 });
  assert.deepEqual(axes(keras.layer).map((x) => x.out), [4, 4], "the TensorFlow 'same' question's 4×4");
});

test("the calls the translations print import back to the same layer", () => {
  const next = mulberry32(20240601);
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const geometry = (l) => axes(l).map((x) => [x.before, x.out]);
  let checked = 0;
  for (let i = 0; i < 300; i++) {
    const rank = int(1, 3);
    const per = (f) => Array.from({ length: rank }, f);
    const g = int(1, 2);
    const stride = per(() => int(1, 3));
    const parts = {
      in: per(() => int(1, 4)), cin: g * int(1, 2), cout: g * int(1, 2), groups: g, kernel: per(() => int(1, 4)), stride,
      dilation: per(() => int(1, 2)), outputPadding: per((_, a) => int(0, stride[a] - 1)), padding: [per(() => int(0, 2)), 'same', 'same_lower', 'valid'][int(0, 3)],
      x: 'rand:3', w: 'rand:4', b: int(0, 1) ? 'ones' : null,
    };
    const { layer } = layerFromParts(parts);
    if (!layer) continue;
    const keep = { in: parts.in, cin: parts.cin, cout: parts.cout, x: parts.x, w: parts.w, b: parts.b };

    // PyTorch: the nn.ConvTranspose call, when the plan needs no slice
    const torch = exportCode('pytorch', layer);
    if (!torch.plan.post.some((s) => s.op !== 'bias')) {
      const call = /layer = (nn\.ConvTranspose\dd\([\s\S]*?bias=(?:True|False)\))/.exec(torch.code)[1];
      const back = layerFromParts({ ...keep, ...ok(call).config });
      assert.ok(back.layer, `${call}: ${back.error}`);
      assert.deepEqual(geometry(back.layer), geometry(layer), call);
      checked++;
    }
    // ONNX: the node's attribute list
    const onnx = exportCode('onnx', layer);
    if (!onnx.plan.post.length) {
      const attrs = /'ConvTranspose', \[[^\]]*\], \['y'\],\n {4}(.*)\)/.exec(onnx.code)[1];
      const back = layerFromParts({ ...keep, kernel: parts.kernel, groups: g, ...ok(attrs).config });
      assert.ok(back.layer, `${attrs}: ${back.error}`);
      assert.deepEqual(geometry(back.layer), geometry(layer), attrs);
      checked++;
    }
    // Keras: the layer call (one group, no slice)
    const keras = exportCode('keras', layer);
    if (g === 1 && !keras.plan.keras.post.length) {
      const call = /(tf\.keras\.layers\.Conv\dDTranspose\(.*\))\n/.exec(keras.code)[1];
      const back = layerFromParts({ ...keep, ...ok(call).config });
      assert.ok(back.layer, `${call}: ${back.error}`);
      assert.deepEqual(geometry(back.layer), geometry(layer), call);
      checked++;
    }
  }
  assert.ok(checked > 300, `${checked} round trips`);
});

test('bad arguments: a message naming the argument, its value and the rule', () => {
  assert.equal(err("os.system('x')").split(';')[0], 'os.system is not a transposed convolution');
  assert.match(err('nn.ConvTranspose2d(1, 1, 3, bogus=2)'), /nn.ConvTranspose2d has no argument bogus \(its arguments: in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias, dilation/);
  assert.match(err('nn.ConvTranspose2d(1, 1, 3, stride=(2, 2)'), /the text ends before '\)' closes the '\(' at character 19/);
  assert.match(err('nn.ConvTranspose2d(1, 1, 3))'), /unexpected "\)" at character 28 after the call/);
  assert.match(err('nn.ConvTranspose2d(1, 1, [3, 3)'), /expected '\]' but found "\)" at character 31 \(to close the '\[' at character 26\)/);
  assert.match(err('x'.repeat(10240)), /the text is 10240 characters long; a layer call fits in 2000/);
  assert.match(err('nn.ConvTranspose2d(1, 1, 3, stride=-1)'), /stride is -1 but must be at least 1/);
  assert.match(err('nn.ConvTranspose2d(1, 1, 3, stride=(2, 0))'), /stride \(width\) is 0 but must be at least 1/);
  assert.match(err('nn.ConvTranspose2d(1, 1, (3, 3, 3))'), /kernel_size is \(3, 3, 3\) but must be one number or 2 \(height, width\)/);
  assert.match(err('nn.ConvTranspose2d(1, 1, 2.5)'), /kernel_size is 2.5 but must be a whole number/);
  assert.match(err("nn.ConvTranspose2d(1, 1, '3')"), /kernel_size is '3' but must be a whole number/);
  assert.match(err('nn.ConvTranspose2d(1, 1, 3, stride=2, output_padding=2)'), /output_padding \(height\) is 2 but must be smaller than max\(stride 2, dilation 1\) = 2/);
  assert.match(err('nn.ConvTranspose2d(3, 1, 3, groups=2)'), /groups is 2 but must divide in_channels 3/);
  assert.match(err("nn.ConvTranspose2d(1, 1, 3, padding='same')"), /PyTorch has no 'same' for transposed convolutions/);
  assert.match(err('nn.ConvTranspose2d(1, 1, 3, stride=2, stride=2)'), /the argument stride is given twice/);
  assert.match(err('nn.ConvTranspose2d(1, 1, 3, 2, stride=2)'), /stride is given twice \(by position and by name\)/);
  assert.match(err('nn.ConvTranspose2d(1, 1)'), /needs in_channels, out_channels and kernel_size; kernel_size is missing/);
  assert.match(err('nn.ConvTranspose2d(1, 1, 3, bias=1)'), /bias is 1 but must be True or False/);
  assert.match(err("layers.Conv2DTranspose(1, 3, strides=2, padding='causal')"), /padding is 'causal' but layers.Conv2DTranspose takes 'valid' or 'same'/);
  assert.match(err('layers.Conv2DTranspose(1, 3, strides=2, output_padding=2)'), /output_padding \(height\) is 2 but Keras needs it smaller than the stride 2/);
  assert.match(err("layers.Conv2DTranspose(1, 4, strides=2, padding='same', output_padding=0)"), /an even kernel span 4: Keras then asks for \(in − 1\)·stride cells, which TensorFlow refuses/);
  assert.match(err('layers.Conv2DTranspose(1, 3, groups=2)'), /has no argument groups/);
  assert.match(err("tf.nn.conv2d_transpose(x, w, [1, 4, 4, 1], 2, padding='same')"), /takes 'SAME' or 'VALID' \(upper case\)/);
  assert.match(err("tf.nn.conv2d_transpose(x, w, [1, 4, 4], 2, 'SAME')"), /output_shape is \[1, 4, 4\] but must have 4 entries/);
  assert.match(err("tf.nn.conv2d_transpose(x, w, [1, 4, 4, 1], [2, 2, 2, 2], 'SAME')"), /its batch and channel entries must be 1/);
  assert.match(err('strides=[2, 2], kernel_shape=[3]'), /strides is \[2, 2\], which is 2-D, but kernel_shape is 1-D/);
  assert.match(err('pads=[1, 1, 1], strides=[2]'), /pads is \[1, 1, 1\] but must have 2, 4 or 6 entries/);
  assert.match(err('auto_pad="SAME", strides=[2]'), /auto_pad is "SAME" but must be NOTSET, SAME_UPPER, SAME_LOWER or VALID/);
  assert.match(err('auto_pad="VALID", pads=[1, 1]'), /pads and auto_pad VALID are both given, which ONNX refuses/);
  assert.match(err('dilation=[2, 2]'), /ConvTranspose has no attribute dilation \(its attributes: kernel_shape, strides, pads, auto_pad, output_padding, output_shape, dilations, group\)/);
  assert.match(err("helper.make_node('Conv', ['X', 'W'], ['Y'])"), /op_type is 'Conv' but the import box takes 'ConvTranspose'/);
  assert.match(err("{'strides': [2, 2], 3: 1}"), /the dict key 3 must be a string/);
  assert.match(err(''), /the text is empty/);
  assert.match(err('nn.ConvTranspose2d'), /is not a call/);
  assert.match(err("nn.ConvTranspose2d(1, 1, 3, padding_mode='reflect')"), /padding_mode is 'reflect' but nn.ConvTranspose2d supports only 'zeros'/);
  assert.match(err('nn.ConvTranspose2d(1, 1, 3); import os'), /the character ";" at character 28 is not part of a layer call/);
  assert.match(err('nn.ConvTranspose2d(1, 1, 3, stride=2 if True else 1)'), /expected '\)' but found "if"/);
  assert.match(err('nn.ConvTranspose2d(1, 1, 3, stride=0x10)'), /"0x" at character 36 is not a number/);
  assert.match(err(`nn.ConvTranspose2d(1, 1, ${'['.repeat(12)}3${']'.repeat(12)})`), /nested more than 8 deep/);
  assert.match(err("nn.ConvTranspose2d(1, 1, 3, padding='1)"), /the string starting at character 37 is not closed/);
  assert.ok(err(`nn.ConvTranspose2d(1, 1, 3, name='${'a'.repeat(500)}')`).length < 400, 'a long value is clipped in the message');
});

test('junk never throws and never evaluates', () => {
  const marker = '/tmp/tconv-import-must-not-exist';
  rmSync(marker, { force: true });
  for (const text of [
    `__import__('os').system('touch ${marker}')`, `eval("open('${marker}', 'w')")`, 'exec("1")', 'lambda: 0', 'import os',
    'nn.ConvTranspose2d(*args)', 'nn.ConvTranspose2d(**kw)', "nn.ConvTranspose2d(1, 1, 3)['x']", null, undefined, 42, {}, '\u0000', '</script><script>alert(1)</script>',
  ]) {
    const r = importLayer(text);
    assert.ok(typeof r.error === 'string' && r.error.length > 0, `${String(text)}: ${JSON.stringify(r)}`);
  }
  assert.equal(existsSync(marker), false);
  assert.equal(globalThis.alert, undefined);
  // Random token soup: always an object with either an error or a configuration.
  const next = mulberry32(99);
  const pieces = ['nn.ConvTranspose2d', 'layers.Conv2DTranspose', 'make_node', '(', ')', '[', ']', '{', '}', ',', '=', ':', '.', '-', '1', '2', '0', '3.5', "'same'", '"SAME_UPPER"',
    'stride', 'padding', 'strides', 'pads', 'output_padding', 'groups', 'True', 'None', 'x', ' ', '\n', '#', '\\', "'", '"', 'kernel_shape', '1e309'];
  for (let i = 0; i < 3000; i++) {
    const n = 1 + Math.floor(next() * 30);
    let text = '';
    for (let j = 0; j < n; j++) text += pieces[Math.floor(next() * pieces.length)];
    const r = importLayer(text);
    assert.ok(r && (typeof r.error === 'string' || (r.config && Array.isArray(r.notes))), text);
  }
});
