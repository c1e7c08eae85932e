// The controls (index.html's form): sizes, channels, value presets, seeds and lists. render() shows the state in them
// and each control's message; wire() turns edits into store changes. Text that does not parse stays in its field with
// its message (state.fieldErrors) and changes nothing else.
import * as S from '../state.js';
import { el } from '../dom.js';
import { num } from '../format.js';

const PAIR_KEYS = ['in', 'k', 's', 'p', 'op', 'd'];
const COUNT_KEYS = ['cin', 'cout', 'g'];
/** Largest tensor whose values are written into the value-list box. */
const MAX_LISTED_VALUES = 4096;
const $ = (box, id) => box.ownerDocument.getElementById(id);

/** Parses a control's text: a valid value applies, an invalid one becomes that control's message. */
export function applyText(ctx, key, text) {
  const r = S.parseParam(key, text);
  const fieldErrors = { ...ctx.peek().fieldErrors };
  if ('message' in r) {
    fieldErrors[key] = r.message;
    ctx.set({ fieldErrors });
    return;
  }
  delete fieldErrors[key];
  ctx.set({ [key]: r.value, fieldErrors });
}

export function render(box, ctx) {
  const st = ctx.state;
  const fieldErrors = st.fieldErrors;
  const active = box.ownerDocument.activeElement;
  for (const key of [...PAIR_KEYS, ...COUNT_KEYS]) {
    const f = $(box, `f-${key}`);
    if (key in fieldErrors || active === f) continue;
    const text = S.SCHEMA.find((r) => r.key === key).format(st[key]);
    if (f.value !== text) f.value = text;
  }
  for (const key of ['x', 'w']) {
    const spec = st[key];
    $(box, `f-${key}`).value = spec.kind;
    const seed = $(box, `f-${key}-seed`);
    if (active !== seed) seed.value = spec.kind === 'rand' ? String(spec.seed) : '';
    seed.disabled = spec.kind !== 'rand';
  }
  const P = ctx.get('shown').params;
  const fillSelect = (sel, n, value) => {
    if (sel.options.length !== n) sel.replaceChildren(...Array.from({ length: n }, (_, i) => el('option', { value: i }, `channel ${i}`)));
    sel.value = String(value);
    sel.disabled = n <= 1;
  };
  fillSelect($(box, 'f-ci'), P ? P.Cin : 1, st.ci);
  fillSelect($(box, 'f-co'), P ? P.Cout : 1, st.co);

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
 * The value lists: the input's and the kernel's numbers as text. Drawn after the frame that shows a change (app.js
 * adds it with {later: true}): writing a thousand numbers into a textarea costs a layout of its own.
 */
export function renderLists(box, ctx) {
  const st = ctx.state;
  const active = box.ownerDocument.activeElement;
  const model = ctx.get('shown').model;
  const config = ctx.get('config');
  const current = model && config.value && model.configKey === config.value.configKey ? model : null;
  for (const key of ['x', 'w']) {
    const list = $(box, `f-${key}-list`);
    if (key in st.fieldErrors || active === list) continue;
    const data = current ? current[key === 'x' ? 'input' : 'weight'].data : null;
    // Hundreds of KB of text in a textarea make every later layout slow (seconds, for 16×64×64 inputs), so big
    // tensors are not listed; pasting a list still replaces them.
    const listed = data && data.length <= MAX_LISTED_VALUES;
    const text = listed ? Array.from(data, num).join(', ').replaceAll('−', '-') : '';
    if (list.value !== text) list.value = text;
    list.placeholder = data && !listed ? `${data.length} values: too many to list here; paste a list to replace them` : '';
  }
}

/** Listens to the controls once; every edit goes to the store. */
export function wire(box, ctx) {
  for (const key of [...PAIR_KEYS, ...COUNT_KEYS]) {
    const f = $(box, `f-${key}`);
    f.addEventListener('input', () => applyText(ctx, key, f.value));
    if (!PAIR_KEYS.includes(key)) continue;
    // ArrowUp/ArrowDown step every axis by one, so a text field is as quick as a number field.
    f.addEventListener('keydown', (ev) => {
      if (ev.key !== 'ArrowUp' && ev.key !== 'ArrowDown') return;
      const r = S.parseParam(key, f.value);
      if ('message' in r) return;
      ev.preventDefault();
      const step = ev.key === 'ArrowUp' ? 1 : -1;
      f.value = S.SCHEMA.find((row) => row.key === key).format(r.value.map((v) => Math.max(0, v + step)));
      applyText(ctx, key, f.value);
    });
  }
  for (const key of ['ci', 'co']) $(box, `f-${key}`).addEventListener('change', (ev) => ctx.set({ [key]: Number(ev.target.value) }));
  for (const key of ['x', 'w']) {
    const sel = $(box, `f-${key}`), seed = $(box, `f-${key}-seed`), list = $(box, `f-${key}-list`);
    const clear = () => {
      const fieldErrors = { ...ctx.peek().fieldErrors };
      delete fieldErrors[key];
      return fieldErrors;
    };
    sel.addEventListener('change', () => {
      const st = ctx.peek();
      let spec;
      if (sel.value === 'list') {
        const m = ctx.get('shown').model;
        spec = { kind: 'list', values: m ? Array.from(m[key === 'x' ? 'input' : 'weight'].data) : [] };
      } else if (sel.value === 'rand') spec = { kind: 'rand', seed: st[key].seed ?? 1 };
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
