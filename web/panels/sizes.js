// The output-size panel (the output_padding question): which forward-convolution input sizes map to this input size,
// how output_padding (or output_size) picks among them, what 'same' does instead, and which Keras padding gives the
// same crop (the facts come from web/sizes.js and web/frameworks/layer.js; the store's `sizes` derivation).
import { renderInto } from '../morph.js';
import { el, scroller } from '../dom.js';
import { effectiveKernel, sizesText } from '../sizes.js';
import { kerasAxis, tfAxis } from '../frameworks/layer.js';

/** Draws into box through web/morph.js, so an unchanged line keeps its nodes (no restyle, no relayout). */
export function render(box, ctx) {
  renderInto(box, (root) => build(root, ctx));
}

const same = (a, b) => JSON.stringify({ ...a, a: 0, name: '' }) === JSON.stringify({ ...b, a: 0, name: '' });

function build(box, ctx) {
  const info = ctx.get('sizes');
  if (!info) return;
  const alike = info.every((q) => same(q, info[0]));
  const rank = info[0].rank;
  for (const q of alike ? [info[0]] : info) {
    const axis = alike ? (rank === 1 ? 'Length' : 'Every axis') : q.name[0].toUpperCase() + q.name.slice(1);
    const section = el('section', { class: 'axis-sizes', 'aria-label': `${axis}: output size` });
    section.append(el('h3', {}, axis), ...(q.mode === 'same' || q.mode === 'same_lower' ? sameMode(q) : explicit(q, rank)));
    section.append(el('p', {}, kerasLine(q, rank)));
    box.append(section);
  }
  const m = ctx.get('shown').model;
  if (m && m.params.dilation.some((d) => d > 1) && m.params.stride.some((s) => s > 1)) {
    box.append(el('p', { class: 'note' }, 'TensorFlow does not support dilation > 1 together with stride > 1; the TensorFlow code in "The same layer in …" writes the dilation into the kernel instead.'));
  }
}

/** Numbers or per-side padding (and 'valid'): the sizes that map back, the table, and what output_size says. */
function explicit(q, rank) {
  const { r } = q;
  const list = r.sizes.map((z) => z.size);
  const pad = q.before === q.after ? `padding ${q.before}` : `padding ${q.before} at the start and ${q.after} at the end`;
  const forward = `conv${rank}d`;
  const out = [el('p', {}, `A ${forward} with kernel ${q.k}, stride ${q.s}, ${pad}, dilation ${q.d} maps input ${sizesText(list)} to ${q.n}, this page's input size. `
    + (list.length > 1
      ? 'Going back is ambiguous, so output_padding (or output_size, which picks it) says which size to return (0 ≤ output_padding < stride):'
      : 'Going back is unambiguous: output_padding 0 returns it.'))];
  const now = q.refused ? null : r.out;
  const table = el('table', { class: 'sizes-table' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, `${forward} input`), el('th', { scope: 'col' }, `${forward} output`),
      el('th', { scope: 'col' }, 'output_padding that returns it'))),
    el('tbody', {}, r.sizes.map((z) => el('tr', { class: z.size === now ? 'current' : '' },
      el('td', {}, String(z.size)), el('td', {}, String(q.n)),
      el('td', {}, `${z.outputPadding}${z.size === now ? ' (now)' : ''}`)))));
  out.push(scroller('Input sizes and output sizes', table));
  const both = list.length > 1
    ? `sizes ${list.slice(0, -1).join(', ')} and ${list[list.length - 1]} ${list.length > 2 ? 'all' : 'both'} map back to ${q.n} under stride ${q.s}`
    : `only size ${list[0]} maps back to ${q.n} under stride ${q.s}`;
  if (q.os !== null && q.os !== undefined) {
    if (q.refused) {
      out.push(el('p', { class: 'note', 'data-testid': 'output-size-why' },
        `output_size ${q.os} is not reachable: ${both}, and ${q.os} is none of them, so no output_padding gives it. `
        + `The engine says: ${q.refused}.`));
    } else {
      out.push(el('p', { class: 'equation', 'data-testid': 'output-size-why' },
        `${both[0].toUpperCase()}${both.slice(1)}; output_size ${q.os} means output_padding ${q.op}.`));
    }
  }
  if (!q.refused && !r.reachable) {
    out.push(el('p', { class: 'note' }, `Now output_padding is ${q.op}, not below the stride ${q.s} (allowed because dilation ${q.d} is larger), `
      + `so the output size ${r.out} is none of these: the ${forward} maps ${r.out} to ${Math.floor((r.out + q.before + q.after - effectiveKernel(q.k, q.d)) / q.s) + 1}, not back to ${q.n}.`));
  }
  return out;
}

/** 'same' / 'same_lower': the output is in·stride (or output_size), and output_padding moves the crop instead. */
function sameMode(q) {
  const full = (q.n - 1) * q.s + effectiveKernel(q.k, q.d) + q.op;
  const target = q.os ?? q.n * q.s;
  const split = q.mode === 'same' ? '⌊total/2⌋ at the start, the rest at the end' : 'the larger half at the start';
  const text = q.os === null || q.os === undefined
    ? `Padding '${q.mode}' (ONNX auto_pad ${q.mode === 'same' ? 'SAME_UPPER' : 'SAME_LOWER'}) makes the output in·stride = ${q.n}·${q.s} = ${target} long, whatever output_padding is: `
    : `Padding '${q.mode}' with output_size ${q.os} follows ONNX's output_shape rule: the output is ${q.os} long, and `;
  const total = full - target;
  return [el('p', {}, `${text}the crop total = full − ${q.os === null || q.os === undefined ? 'in·stride' : 'output_size'} = ${full} − ${target} = ${total} `
    + (total < 0 ? `is negative, so nothing is cropped and the output is extended by ${-total} cell(s) at the end (they hold only zeros and the bias).`
      : `is split ${split}: ${q.before} and ${q.after}.`)
    + (q.op ? ` output_padding ${q.op} lengthens the full result, and so moves the crop, not the output size.` : ''))];
}

/**
 * Which TensorFlow calls give this axis's crop: tf.nn's conv_transpose with this output size and 'SAME' or 'VALID'
 * (TensorFlow crops the way its forward convolution pads), and Keras' Conv*DTranspose (padding, output_padding),
 * by Keras' own length rule.
 */
function kerasLine(q, rank) {
  const axis = { n: q.n, s: q.s, kEff: effectiveKernel(q.k, q.d) };
  const outLen = q.refused ? q.os : q.r.out;
  const tf = ['SAME', 'VALID'].filter((pad) => {
    const t = tfAxis(pad, outLen, axis);
    return t.accepted && t.before === q.before;
  });
  const keras = [];
  for (const padding of ['valid', 'same']) {
    for (const o of [null, ...Array.from({ length: q.s }, (_, i) => i)]) {
      const k = kerasAxis(padding, o, axis);
      const bare = `padding='${padding}', output_padding=None`;
      // output_padding=0 says nothing more than None, when None gives the same crop
      if (k.accepted && k.before === q.before && k.length === outLen && !(o === 0 && keras.includes(bare))) keras.push(o === null ? bare : `padding='${padding}', output_padding=${o}`);
    }
  }
  const rule = keras.some((f) => /^padding='same', output_padding=\d/.test(f))
    ? ' (Keras\' \'same\' with output_padding is its own rule: length (in − 1)·stride + k − 2·⌊k/2⌋ + output_padding, cropped the way TensorFlow\'s \'SAME\' convolution pads: nothing at the start, the rest at the end)'
    : '';
  const layer = `Keras Conv${rank}DTranspose with ${keras.join(', or ')}${rule}`;
  if (tf.length) {
    return `TensorFlow: tf.nn.conv${rank}d_transpose with output size ${outLen} and padding='${tf.join("' or '")}' gives the same numbers${keras.length ? `; ${layer}` : ''}.`;
  }
  if (keras.length) return `TensorFlow: ${layer} gives the same numbers.`;
  return `TensorFlow: neither 'SAME' nor 'VALID' crops ${q.before} at the start and ${q.after} at the end here (TensorFlow's 'SAME' crops the smaller half at the start), `
    + 'so the TensorFlow code in "The same layer in …" uses \'VALID\' and a slice.';
}
