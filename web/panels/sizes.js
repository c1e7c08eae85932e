// The output-size panel (the output_padding question): which conv2d input sizes map to this input size, how
// output_padding picks among them, and TensorFlow's 'same'/'valid' equivalents (the facts come from web/sizes.js).
import { renderInto } from '../morph.js';
import { el } from '../dom.js';

const AXIS_NAMES = ['Height', 'Width'];

/** Which conv2d input sizes map to this input size, how output_padding picks one, and TensorFlow's equivalents. */
/** Draws into box through web/morph.js, so an unchanged line keeps its nodes (no restyle, no relayout). */
export function render(box, ctx) {
  renderInto(box, (root) => build(root, ctx));
}

function build(box, ctx) {
  const info = ctx.get('sizes');
  if (!info) return;
  const P = ctx.get('shown').model.params;
  const same = JSON.stringify({ ...info[0], a: 0 }) === JSON.stringify({ ...info[1], a: 0 });
  for (const q of same ? [info[0]] : info) {
    const { r } = q;
    const axis = same ? 'Both axes' : AXIS_NAMES[q.a];
    const list = r.sizes.map((z) => z.size);
    const sizesText = list.length === 1 ? `only size ${list[0]}` : `sizes ${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
    const section = el('section', { class: 'axis-sizes', 'aria-label': `${axis}: output size` });
    section.append(el('h3', {}, axis),
      el('p', {}, `A conv2d with kernel ${q.k}, stride ${q.s}, padding ${q.p}, dilation ${q.d} maps input ${sizesText} to ${q.n}, this page's input size. `
        + (list.length > 1
          ? 'Going back is ambiguous, so output_padding says which size to return (0 ≤ output_padding < stride):'
          : 'Going back is unambiguous: output_padding 0 returns it.')));
    const table = el('table', { class: 'sizes-table' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'conv2d input'), el('th', { scope: 'col' }, 'conv2d output'),
        el('th', { scope: 'col' }, 'output_padding that returns it'))),
      el('tbody', {}, r.sizes.map((z) => el('tr', { class: z.size === r.out ? 'current' : '' },
        el('td', {}, String(z.size)), el('td', {}, String(q.n)),
        el('td', {}, `${z.outputPadding}${z.size === r.out ? ' (now)' : ''}`)))));
    section.append(el('div', { class: 'scroll' }, table));
    if (!r.reachable) {
      section.append(el('p', { class: 'note' }, `Now output_padding is ${q.op}, not below the stride ${q.s} (allowed because dilation ${q.d} is larger), `
        + `so the output size ${r.out} is none of these: conv2d would map ${r.out} to ${Math.floor((r.out + 2 * q.p - q.d * (q.k - 1) - 1) / q.s) + 1}, not back to ${q.n}.`));
    }
    const tf = ['SAME', 'VALID'].filter((pad) => r.tf[pad]);
    const keras = r.keras.map((k) => `padding='${k.padding}', output_padding=${k.outputPadding === null ? 'None' : k.outputPadding}`);
    section.append(el('p', {}, tf.length
      ? `TensorFlow: tf.nn.conv2d_transpose with output size ${r.out} and padding='${tf.join("' or '")}' gives the same numbers`
        + `${keras.length ? `; Keras Conv2DTranspose with ${keras.join(', or ')}` : ''}.`
      : `TensorFlow: neither 'SAME' nor 'VALID' crops ${q.p} from both ends here (TensorFlow's 'SAME' crops the smaller half at the start), `
        + `so use 'VALID' and slice off padding ${q.p} on each side, as the exported TensorFlow code does.`));
    box.append(section);
  }
  if (P.d.some((d) => d > 1) && P.s.some((s) => s > 1)) {
    box.append(el('p', { class: 'note' }, 'TensorFlow\'s conv2d_transpose does not support dilation > 1 together with stride > 1; the exported code writes the dilation into the kernel instead.'));
  }
}

