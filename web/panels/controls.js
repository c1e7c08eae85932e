// The controls (index.html's form): the rank, sizes, padding (a number, per side, or a mode), output_padding and
// output_size, channels, value presets, seeds and lists for x, w and the bias. render() shows the state in them and
// each control's message; wire() turns edits into store changes. Text that does not parse stays in its field with
// its message (state.fieldErrors) and changes nothing else.
import * as S from '../state.js';
import { el } from '../dom.js';
import { num } from '../format.js';

const AXIS_KEYS = ['in', 'k', 's', 'p', 'op', 'os', 'd'];
const COUNT_KEYS = ['cin', 'cout', 'g'];
const VALUE_KEYS = ['x', 'w', 'b'];
/** Largest tensor whose values are written into the value-list box. */
const MAX_LISTED_VALUES = 4096;
const $ = (box, id) => box.ownerDocument.getElementById(id);
const row = (key) => S.SCHEMA.find((r) => r.key === key);

/** How the per-axis fields are written in each rank, and what padding takes. */
const HINTS = {
  1: '(one number each: a 1-D layer has one axis, its length)',
  2: '(N for square, or H×W like 2x1)',
  3: '(N for a cube, or D×H×W like 2x3x3)',
};
const PADDING_HINTS = {
  1: 'a number, per side (before,after), same, same_lower or valid',
  2: 'a number, H×W, per side (top,bottom,left,right), same, same_lower or valid',
  3: 'a number, D×H×W, per side (front,back,top,bottom,left,right), same, same_lower or valid',
};

/** Parses a control's text: a valid value applies, an invalid one becomes that control's message. */
export function applyText(ctx, key, text, also = {}) {
  const r = S.parseParam(key, text, ctx.peek().dims);
  const fieldErrors = { ...ctx.peek().fieldErrors };
  if ('message' in r) {
    fieldErrors[key] = r.message;
    ctx.set({ fieldErrors });
    return;
  }
  delete fieldErrors[key];
  ctx.set({ [key]: r.value, ...also, fieldErrors });
}

export function render(box, ctx) {
  const st = ctx.state;
  const fieldErrors = st.fieldErrors;
  const active = box.ownerDocument.activeElement;
  const P = ctx.get('shown').params;
  const valid = !ctx.get('errors').first;
  // With output_size and no output_padding of its own, the field shows the one the engine picked.
  const picked = st.os && P && valid && st.op.every((v) => v === 0) && P.outputPadding.length === st.dims;
  for (const key of [...AXIS_KEYS, ...COUNT_KEYS]) {
    const f = $(box, `f-${key}`);
    if (key in fieldErrors || active === f) continue;
    const value = key === 'op' && picked ? P.outputPadding : st[key];
    const text = value === null ? '' : row(key).format(value, { dims: st.dims });
    if (f.value !== text) f.value = text;
  }
  const dims = $(box, 'f-dims');
  if (dims.value !== String(st.dims)) dims.value = String(st.dims);
  const setText = (id, text) => { const n = $(box, id); if (n.textContent !== text) n.textContent = text; };
  setText('sizes-hint', HINTS[st.dims]);
  setText('h-p', PADDING_HINTS[st.dims]);
  setText('h-dims', `ConvTranspose${st.dims}d (the spatial rank)`);
  setText('h-op', picked ? `picked by output size ${row('os').format(st.os, st)}` : '');
  for (const key of VALUE_KEYS) {
    const spec = st[key];
    $(box, `f-${key}`).value = spec ? spec.kind : 'none';
    const seed = $(box, `f-${key}-seed`);
    if (active !== seed) seed.value = spec && spec.kind === 'rand' ? String(spec.seed) : '';
    seed.disabled = !spec || spec.kind !== 'rand';
    $(box, `b-${key}-seed`).disabled = key === 'b' && !spec;
  }
  $(box, 'f-b-list').disabled = !st.b;
  const fillSelect = (sel, n, value, word) => {
    if (sel.options.length !== n || sel.dataset.word !== word) {
      sel.replaceChildren(...Array.from({ length: n }, (_, i) => el('option', { value: i }, `${word} ${i}`)));
      sel.dataset.word = word;
    }
    sel.value = String(value);
    sel.disabled = n <= 1;
  };
  fillSelect($(box, 'f-ci'), P ? P.Cin : 1, st.ci, 'channel');
  fillSelect($(box, 'f-co'), P ? P.Cout : 1, st.co, 'channel');
  fillSelect($(box, 'f-dz'), P && P.rank === 3 ? P.Dout : 1, P && P.rank === 3 ? Math.min(st.dz, P.Dout - 1) : 0, 'depth');
  $(box, 'f-dz').closest('.field').hidden = !(P && P.rank === 3);

  // Each control's message: its own text first, then the engine's reason for the configuration.
  const { byKey } = ctx.get('errors');
  for (const f of box.querySelectorAll('.field-error')) {
    const key = f.id.slice(2);
    const text = byKey[key] || '';
    if (f.textContent !== text) f.textContent = text;
    const input = $(box, `f-${key}`);
    if (input) input.toggleAttribute('aria-invalid', Boolean(byKey[key]));
  }
}

/**
 * The value lists: the input's, the kernel's and the bias's numbers as text. Drawn after the frame that shows a
 * change (app.js adds it with {later: true}): writing a thousand numbers into a textarea costs a layout of its own.
 */
export function renderLists(box, ctx) {
  const st = ctx.state;
  const active = box.ownerDocument.activeElement;
  const model = ctx.get('shown').model;
  const config = ctx.get('config');
  const current = model && config.value && model.configKey === config.value.configKey ? model : null;
  for (const key of VALUE_KEYS) {
    const list = $(box, `f-${key}-list`);
    if (key in st.fieldErrors || active === list) continue;
    const tensor = current ? { x: current.input, w: current.weight, b: current.bias }[key] : null;
    const data = tensor ? tensor.data : null;
    // Hundreds of KB of text in a textarea make every later layout slow (seconds, for 16×64×64 inputs), so big
    // tensors are not listed; pasting a list still replaces them.
    const listed = data && data.length <= MAX_LISTED_VALUES;
    const text = listed ? Array.from(data, num).join(', ').replaceAll('−', '-') : '';
    if (list.value !== text) list.value = text;
    list.placeholder = data && !listed ? `${data.length} values: too many to list here; paste a list to replace them` : key === 'b' && !st.b ? 'no bias' : '';
  }
}

/** One step of ArrowUp / ArrowDown on every number of a per-axis value (a padding mode has none to step). */
function stepped(value, step) {
  if (typeof value === 'string') return null;
  return value.map((v) => (Array.isArray(v) ? v.map((n) => Math.max(0, n + step)) : Math.max(0, v + step)));
}

/** Listens to the controls once; every edit goes to the store. */
export function wire(box, ctx) {
  $(box, 'f-dims').addEventListener('change', (ev) => ctx.set({ dims: Number(ev.target.value) }));
  for (const key of [...AXIS_KEYS, ...COUNT_KEYS]) {
    const f = $(box, `f-${key}`);
    f.addEventListener('input', () => {
      const text = f.value;
      // output_size: an emptied field means "from the formula"; a typed size picks output_padding (the engine's rule).
      if (key === 'os' && text.trim() === '') applyText(ctx, 'os', null);
      else if (key === 'os') applyText(ctx, 'os', text, { op: new Array(ctx.peek().dims).fill(0) });
      else applyText(ctx, key, text);
    });
    if (!AXIS_KEYS.includes(key)) continue;
    // ArrowUp/ArrowDown step every axis by one, so a text field is as quick as a number field.
    f.addEventListener('keydown', (ev) => {
      if (ev.key !== 'ArrowUp' && ev.key !== 'ArrowDown') return;
      const dims = ctx.peek().dims;
      const r = S.parseParam(key, f.value, dims);
      if ('message' in r || r.value === null) return;
      const next = stepped(r.value, ev.key === 'ArrowUp' ? 1 : -1);
      if (!next) return;
      ev.preventDefault();
      f.value = row(key).format(next, { dims });
      applyText(ctx, key, f.value);
    });
  }
  for (const key of ['ci', 'co', 'dz']) $(box, `f-${key}`).addEventListener('change', (ev) => ctx.set({ [key]: Number(ev.target.value) }));
  for (const key of VALUE_KEYS) {
    const sel = $(box, `f-${key}`), seed = $(box, `f-${key}-seed`), list = $(box, `f-${key}-list`);
    const clear = () => {
      const fieldErrors = { ...ctx.peek().fieldErrors };
      delete fieldErrors[key];
      return fieldErrors;
    };
    sel.addEventListener('change', () => {
      const st = ctx.peek();
      let spec;
      if (sel.value === 'none') spec = null;
      else if (sel.value === 'list') {
        const m = ctx.get('shown').model;
        const t = m && { x: m.input, w: m.weight, b: m.bias }[key];
        spec = { kind: 'list', values: t ? Array.from(t.data) : key === 'b' ? new Array(st.cout).fill(0) : [] };
      } else if (sel.value === 'rand') spec = { kind: 'rand', seed: st[key]?.seed ?? 1 };
      else spec = { kind: sel.value };
      ctx.set({ [key]: spec, fieldErrors: clear() });
    });
    seed.addEventListener('input', () => applyText(ctx, key, `rand:${seed.value}`));
    $(box, `b-${key}-seed`).addEventListener('click', () => {
      ctx.set({ [key]: { kind: 'rand', seed: Math.floor(Math.random() * 100000) }, fieldErrors: clear() });
    });
    list.addEventListener('change', () => applyText(ctx, key, list.value));
  }
  box.addEventListener('submit', (ev) => ev.preventDefault());
}
