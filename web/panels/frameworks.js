// "The same layer in …": the current state as PyTorch, NumPy, TensorFlow / Keras, ONNX and JAX code (web/frameworks/,
// each translation's code, with its warnings as one-line notes where a framework cannot say the layer directly), copy
// and download, and "Import your layer": one pasted call (PyTorch, Keras, tf.nn or ONNX attributes), parsed by
// web/frameworks/import.js (never run), becomes the page's state, keeping what the call does not say.
//
// The tabs, buttons and import box are index.html's and wired once; render() fills in the code, the notes and the
// import's result. The chosen language (codeLang) and the import's result (importResult) are page state, not link.
import * as S from '../state.js';
import { el } from '../dom.js';
import { LANGUAGES } from '../frameworks/names.js';
import { copyText } from './share.js';
import { download } from '../save.js';

/** What each language's code runs with, and how the page's tests check it. */
export const NOTES = {
  pytorch: 'nn.ConvTranspose and the same call as F.conv_transpose: runs with python3 and PyTorch; the last line printed is the output, equal to this page\'s.',
  numpy: 'Plain NumPy, the scatter method for any rank; the last line printed is the output, equal to this page\'s.',
  keras: 'Keras\' Conv*DTranspose and tf.nn.conv*d_transpose, channels last, the weight transposed to [k…, C_out/groups, C_in] (no flip).',
  onnx: 'One ConvTranspose node, built with onnx.helper and run with onnxruntime; ONNX keeps PyTorch\'s layouts.',
  jax: 'jax.lax.conv_general_dilated on the zero-inserted, padded input with the kernel rotated by 180° (the padded direct view), and lax.conv_transpose.',
};
/** Code longer than this is shown cut (a pasted list of thousands of values); Copy and Download give all of it. */
const MAX_SHOWN = 200000;

const langOf = (st) => (Object.hasOwn(LANGUAGES, st.codeLang) ? st.codeLang : 'pytorch');

/** The code of the state in a language: {code, warnings} | {error: message}; null for an unknown language. */
export function codeOf(get, lang) {
  if (!Object.hasOwn(LANGUAGES, lang)) return null;
  const { first } = get('errors');
  if (first) return { error: `The current state is not valid: ${first}` };
  const r = get(`code ${lang}`);
  if (r.pending) return { error: 'Loading the translations…', pending: true };
  if (r.error) return { error: get('shown').pending ? 'Computing the layer in the background…' : `The code cannot be written: ${r.error.message}` };
  return r.value;
}

export function render(box, ctx) {
  const doc = box.ownerDocument;
  const $ = (id) => doc.getElementById(id);
  const lang = langOf(ctx.state);
  for (const tab of box.querySelectorAll('[role=tab]')) {
    const on = tab.dataset.lang === lang;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
  }
  $('code-panel').setAttribute('aria-labelledby', `code-tab-${lang}`);
  const r = codeOf(ctx.get, lang);
  const text = r.error ? `# ${r.error}` : r.code.length > MAX_SHOWN
    ? `${r.code.slice(0, MAX_SHOWN)}\n# … (${(r.code.length - MAX_SHOWN).toLocaleString('en-US')} more characters: Copy code or Download give the whole script)` : r.code;
  const code = $('code-text').firstElementChild;
  if (code.textContent !== text) code.textContent = text;
  const warnings = r.error ? [] : r.warnings;
  const list = $('code-warnings');
  if (list.dataset.shown !== JSON.stringify(warnings)) {
    list.replaceChildren(...warnings.map((w) => el('li', { class: 'code-warning' }, `${w}.`)));
    list.dataset.shown = JSON.stringify(warnings);
  }
  list.hidden = !warnings.length;
  const note = `${NOTES[lang]}${r.error || warnings.length ? '' : ` ${LANGUAGES[lang]} says this layer directly: no workaround is needed.`}`;
  if ($('code-note').textContent !== note) $('code-note').textContent = note;
  $('code-copy').disabled = Boolean(r.error);
  $('code-download').disabled = Boolean(r.error);

  const imported = ctx.state.importResult;
  const error = imported && imported.error ? imported.error : '';
  if ($('e-import').textContent !== error) $('e-import').textContent = error;
  $('f-import').toggleAttribute('aria-invalid', Boolean(error));
  const notes = imported && imported.notes ? imported.notes : [];
  const shown = JSON.stringify([imported && imported.call, notes]);
  const out = $('import-notes');
  if (out.dataset.shown !== shown) {
    out.replaceChildren(...(imported && imported.call ? [el('li', { class: 'import-done' }, `Imported ${imported.call}: the page now shows this layer.`)] : []),
      ...notes.map((n) => el('li', {}, `${n}.`)));
    out.dataset.shown = shown;
  }
}

/**
 * An imported configuration (web/frameworks/import.js's config, in layerFromParts' terms) as a partial page state,
 * keeping what the call does not say (the input size, a Keras layer's input channels, the values): {partial, notes}.
 */
export function stateFromImport(config, st) {
  const partial = {};
  const notes = [];
  partial.dims = config.rank ?? st.dims;
  if (config.in) partial.in = config.in;
  if (config.cin !== undefined) partial.cin = config.cin;
  if (config.cout !== undefined) partial.cout = config.cout;
  partial.g = config.groups ?? 1; // every framework's default
  if (config.kernel) partial.k = config.kernel;
  partial.s = config.stride ?? 1;
  partial.d = config.dilation ?? 1;
  if (typeof config.padding === 'string') partial.p = config.padding;
  else if (config.padding) partial.p = config.padding.every(([b, a]) => b === a) ? config.padding.map(([b]) => b) : config.padding;
  else partial.p = 0;
  partial.op = config.outputPadding ?? 0;
  partial.os = config.outputSize ?? null;
  if (config.bias === false && st.b) partial.b = null;
  if (config.bias === true && !st.b) {
    notes.push('the layer has a bias, whose values are learned rather than written in the call (Keras starts it at zeros, PyTorch at random): '
      + 'the page shows none until you choose its values under Values, Bias values');
  }
  if (config.batch !== undefined && config.batch !== 1) notes.push(`the batch is ${config.batch} in the call; the page shows one item (N = 1), which is computed the same way`);
  if (!config.in) notes.push(`the input size is not part of the call: the page keeps its ${(config.rank ?? st.dims) === st.dims ? row('in').format(st.in, st) : 'input size'}`);
  return { partial, notes };
}
const row = (key) => S.SCHEMA.find((r) => r.key === key);

/** Imports one pasted call into the store (ctx: {peek, set, track}); resolves with what it did: {error} | {call, notes}. */
export async function importInto(ctx, text) {
  // The parser loads on first use, like the translations (a first visit does not need it); settled() waits for it.
  const loading = import('../frameworks/import.js');
  const { importLayer } = await (ctx.track ? ctx.track(loading) : loading);
  const r = importLayer(text);
  if (r.error) {
    ctx.set({ importResult: { error: r.error } });
    return { error: r.error };
  }
  const st = ctx.peek();
  const { partial, notes } = stateFromImport(r.config, st);
  const parsed = S.parsePartial(partial, st.dims);
  if (parsed.messages.length) {
    const error = `The page cannot show this layer: ${parsed.messages.join('; ')}`;
    ctx.set({ importResult: { error } });
    return { error };
  }
  const fieldErrors = { ...st.fieldErrors };
  for (const key of Object.keys(parsed.values)) delete fieldErrors[key];
  const result = { call: r.call, framework: r.framework, notes: [...r.notes, ...notes] };
  ctx.set({ ...parsed.values, fieldErrors, importResult: result });
  return result;
}

/**
 * Wires the panel once: the language tabs (arrow keys move between them), copy, download, and the import box (the
 * Import button, or Ctrl/⌘+Enter in it). ctx: {peek, set, get, track, use}; use() is called before the panel is first
 * used (a pointer or the keyboard in it), so that it is drawn even before it scrolls into view.
 */
export function wire(doc, ctx) {
  const $ = (id) => doc.getElementById(id);
  for (const type of ['pointerdown', 'focusin']) $('frameworks').addEventListener(type, () => ctx.use && ctx.use());
  const tablist = $('code-tabs');
  const tabs = Object.entries(LANGUAGES).map(([lang, label]) => el('button', {
    type: 'button', role: 'tab', id: `code-tab-${lang}`, 'data-lang': lang, 'aria-controls': 'code-panel',
  }, label));
  tablist.replaceChildren(...tabs);
  for (const [i, tab] of tabs.entries()) {
    tab.addEventListener('click', () => ctx.set({ codeLang: tab.dataset.lang }));
    tab.addEventListener('keydown', (ev) => {
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[ev.key];
      if (next === undefined) return;
      ev.preventDefault();
      const target = tabs[(next + tabs.length) % tabs.length];
      ctx.set({ codeLang: target.dataset.lang });
      target.focus();
    });
  }
  const current = () => codeOf(ctx.get, langOf(ctx.peek()));
  $('code-copy').addEventListener('click', () => {
    const r = current();
    if (!r.error) copyText(doc, r.code, $('code-status'), 'Code');
  });
  $('code-download').addEventListener('click', () => {
    const r = current();
    const lang = langOf(ctx.peek());
    if (!r.error) download(`conv_transpose${ctx.peek().dims}d_${lang}.py`, r.code, 'text/x-python');
  });
  const field = $('f-import');
  const run = () => importInto(ctx, field.value);
  $('b-import').addEventListener('click', run);
  field.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      run();
    }
  });
}
