// Wires the state (web/state.js, the share link) to the engine (web/engine.js) and the views (web/views/*.js).
// Flow: link -> state -> validate with engine.outputShape -> compute -> render controls, shape, active view,
// explanation, agreement, gradient -> write the link (replaceState). An invalid edit keeps the last valid render
// (greyed) and puts the reason next to the control; the controls always stay usable.
import { createEngine } from './engine.js';
import {
  validate, computeModel, configKeyOf, computedInBackground, sizeOf, artifactOf, agreementOf, gradientOf,
} from './model.js';
import { startBackground } from './background.js';
import * as S from './state.js';
import { el, makeGrid, tint, maxAbs, figure, slice2d, keepFocus, resetColors } from './grid.js';
import { num, factor, sum, idx } from './format.js';
import * as matrixView from './views/matrix.js';
import * as scatterView from './views/scatter.js';
import * as directView from './views/direct.js';
import { axisSizes } from './sizes.js';
import { exportCode, LANGUAGES } from './export.js';
import { startEmbedMessaging, postState, embedSnippet } from './embed.js';
import { renderGallery } from './gallery.js';
import { panelToSVG, svgToPNG, download } from './image.js';

const VIEWS = { matrix: matrixView, scatter: scatterView, direct: directView };
const $ = (id) => document.getElementById(id);
const PAIR_KEYS = ['in', 'k', 's', 'p', 'op', 'd'];
// engine error .parameter -> the link key whose control shows the message
const PARAM_TO_KEY = {
  input: 'in', weight: 'k', stride: 's', padding: 'p', output_padding: 'op', dilation: 'd', groups: 'g', limits: 'in', cell: 'cell',
};

let engine;
let state;
let model = null; // last valid computation
let fieldErrors = {}; // key -> message for fields whose text could not be parsed
let resolveReady;
const ready = new Promise((r) => { resolveReady = r; });

/** An Error that says a view's artifact is still being computed in the background (see renderViews). */
class Pending extends Error {}

/** A model's artifact cache: computed here for small models, requested from the worker for background ones. */
function withArtifacts(m, inBackground) {
  const cache = new Map(); // name -> {v} | {e}
  const artifact = (name) => {
    if (!cache.has(name)) {
      if (inBackground) {
        requestArtifact(m, cache, name);
        throw new Pending(name);
      }
      try {
        cache.set(name, { v: artifactOf(engine, m, name) });
      } catch (e) {
        cache.set(name, { e });
      }
    }
    const r = cache.get(name);
    if (r.pending) throw new Pending(name);
    if (r.e) throw r.e;
    return r.v;
  };
  return { ...m, inBackground, artifact };
}

function requestArtifact(m, cache, name) {
  cache.set(name, { pending: true });
  track(background.request({ op: 'artifact', configKey: m.configKey, name })).then(
    (v) => cache.set(name, { v }),
    (e) => cache.set(name, { e }),
  ).then(() => { if (model && model.configKey === m.configKey) renderViews(); });
}

// ---------------------------------------------------------------- background work

let background; // web/background.js: requests to the worker
let inFlight = 0;
let settledWaiters = [];
/** Counts a background request until it ends, so that window.tconv.settled() can wait for all of them. */
function track(promise) {
  inFlight += 1;
  const done = () => {
    inFlight -= 1;
    // The answer's own handlers run after this one and may ask for more (a model's view then wants its artifact),
    // so look again once they have run.
    if (inFlight === 0) {
      setTimeout(() => {
        if (inFlight !== 0) return;
        const waiters = settledWaiters;
        settledWaiters = [];
        for (const w of waiters) w();
      }, 0);
    }
  };
  promise.then(done, done);
  return promise;
}
function settled() {
  return inFlight === 0 ? Promise.resolve() : new Promise((r) => settledWaiters.push(r));
}

// The configuration being computed in the background (at most one counts: an older answer is dropped), and the
// error it gave, if any.
let pending = null; // {configKey, params}
let backgroundError = null; // {configKey, error}
function computeInBackground(checked) {
  if (pending && pending.configKey === checked.configKey) return;
  pending = { configKey: checked.configKey, params: checked.params };
  const mine = pending;
  track(background.request({ op: 'model', state: structuredClone(state) })).then((m) => {
    if (pending !== mine) return;
    pending = null;
    model = withArtifacts(m, true);
    update();
  }, (error) => {
    if (pending !== mine) return;
    pending = null;
    backgroundError = { configKey: mine.configKey, error };
    update();
  });
}

function renderBusy() {
  const busy = $('busy');
  busy.hidden = !pending;
  $('views').classList.toggle('computing', Boolean(pending));
  if (!pending) { busy.textContent = ''; return; }
  const P = pending.params;
  const { work } = sizeOf(P);
  busy.textContent = `Computing the ${P.Cout}×${P.Hout}×${P.Wout} output (${work.toLocaleString('en-US')} multiply-adds) in the background`
    + `${model ? '; the greyed result below is the previous one' : ''}. The controls stay usable.`;
}

// ---------------------------------------------------------------- link handling

// The address bar, the "Open in full playground" link and the embed host's state message follow the state once
// edits pause for LINK_DELAY ms, in idle time: history.replaceState costs several ms a call, so rewriting the link on
// every arrow key or typed digit cost more than a frame. Everything that hands the link out (link(), copy, export,
// leaving or hiding the page) writes it first.
const LINK_DELAY = 250;
let linkTimer = null;
function scheduleLink() {
  clearTimeout(linkTimer);
  linkTimer = setTimeout(() => {
    if (window.requestIdleCallback) requestIdleCallback(flushLink, { timeout: 500 });
    else writeLink();
  }, LINK_DELAY);
}
function writeLink() {
  clearTimeout(linkTimer);
  linkTimer = null;
  const url = `${location.pathname}${S.serialize(state)}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, '', url);
  const full = S.serialize({ ...state, embed: false, controls: null, views: null });
  $('open-full').href = `${location.pathname}${full}`;
  postState(state, location.href);
}
/** Writes the link now if an edit is waiting for it. */
function flushLink() {
  if (linkTimer !== null) writeLink();
}
/** The share link of the current state. */
function currentLink() {
  flushLink();
  return location.href;
}

function showLinkMessages(messages) {
  const box = $('link-messages');
  box.replaceChildren(...messages.map((m) => el('p', { role: 'alert', class: 'message' }, m,
    el('button', { type: 'button', class: 'dismiss', 'aria-label': 'Dismiss message', onclick: (ev) => ev.target.closest('p').remove() }, '×'))));
}

/**
 * A link can be well-formed but invalid as a whole (op=2 with s=2). Drop the offending parameter back to its
 * default, say so, and try again: the valid rest of the link still applies and the page never starts blank.
 */
function repairLoadedState(st, messages) {
  for (let attempt = 0; attempt < 16; attempt++) {
    try {
      validate(engine, st);
      break;
    } catch (e) {
      const key = PARAM_TO_KEY[e.parameter] || e.parameter;
      const reset = key in st ? [key] : Object.keys(st);
      messages.push(`${e.message} (link parameter ${reset.join(', ')}, ignored)`);
      const def = S.defaults();
      for (const k of reset) st[k] = def[k];
      if (attempt === 15) Object.assign(st, S.defaults());
    }
  }
  return st;
}

/** Pinned cell and channel pickers must fall inside the current shapes. */
function clampToModel(st, m, messages) {
  const P = m.params;
  if (st.cell && (st.cell[0] >= P.Hout || st.cell[1] >= P.Wout)) {
    if (messages) messages.push(`cell ${st.cell.join(',')} is outside the ${P.Hout}×${P.Wout} output (link parameter cell, ignored)`);
    st.cell = messages ? null : [Math.min(st.cell[0], P.Hout - 1), Math.min(st.cell[1], P.Wout - 1)];
  }
  if (st.ci >= P.Cin) { if (messages) messages.push(`ci ${st.ci} is not an input channel (link parameter ci, ignored)`); st.ci = 0; }
  if (st.co >= P.Cout) { if (messages) messages.push(`co ${st.co} is not an output channel (link parameter co, ignored)`); st.co = 0; }
}

// ---------------------------------------------------------------- controls

function fillControls() {
  for (const key of PAIR_KEYS) {
    const f = $(`f-${key}`);
    if (!(key in fieldErrors)) {
      const text = S.SCHEMA.find((r) => r.key === key).format(state[key]);
      if (f.value !== text && document.activeElement !== f) f.value = text;
    }
  }
  for (const key of ['cin', 'cout', 'g']) {
    const f = $(`f-${key}`);
    if (!(key in fieldErrors) && document.activeElement !== f) f.value = String(state[key]);
  }
  for (const key of ['x', 'w']) {
    const spec = state[key];
    $(`f-${key}`).value = spec.kind;
    const seed = $(`f-${key}-seed`);
    seed.value = spec.kind === 'rand' ? String(spec.seed) : '';
    seed.disabled = spec.kind !== 'rand';
    $(`b-${key}-seed`).disabled = false;
    const list = $(`f-${key}-list`);
    if (!(key in fieldErrors) && document.activeElement !== list) {
      const data = model && model.configKey === configKeyOf(state) ? model[key === 'x' ? 'input' : 'weight'].data : null;
      // Hundreds of KB of text in a textarea make every later layout slow (seconds, for 16×64×64 inputs), so big
      // tensors are not listed; pasting a list still replaces them.
      const listed = data && data.length <= MAX_LISTED_VALUES;
      list.value = listed ? Array.from(data, num).join(', ').replaceAll('−', '-') : '';
      list.placeholder = data && !listed ? `${data.length} values: too many to list here; paste a list to replace them` : '';
    }
  }
  const fillSelect = (sel, n, value, label) => {
    if (sel.options.length !== n) sel.replaceChildren(...Array.from({ length: n }, (_, i) => el('option', { value: i }, `${label} ${i}`)));
    sel.value = String(value);
    sel.disabled = n <= 1;
  };
  const P = model ? model.params : null;
  fillSelect($('f-ci'), P ? P.Cin : 1, state.ci, 'channel');
  fillSelect($('f-co'), P ? P.Cout : 1, state.co, 'channel');
}
/** Largest tensor whose values are written into the value-list box. */
const MAX_LISTED_VALUES = 4096;

function showFieldErrors(engineError) {
  drawnFor.delete('errors'); // also called between updates, for text that does not parse
  const all = { ...fieldErrors };
  if (engineError) {
    const key = PARAM_TO_KEY[engineError.parameter] || engineError.parameter;
    if (!(key in all)) all[key] = engineError.message;
  }
  for (const f of document.querySelectorAll('.field-error')) {
    const key = f.id.slice(2);
    f.textContent = all[key] || '';
    const input = $(`f-${key}`);
    if (input) input.toggleAttribute('aria-invalid', Boolean(all[key]));
  }
  const err = $('config-error');
  const first = Object.values(all)[0];
  err.hidden = !first;
  err.textContent = first ? `${first}. ${model ? 'Showing the last valid result (greyed).' : ''}` : '';
  $('views').classList.toggle('stale', Boolean(first) && Boolean(model));
  $('gradient').classList.toggle('stale', Boolean(first) && Boolean(model));
}

/** Values keep their (channel, row, column) place when a size changes, new places are 0. */
function resizeList(values, oldShape, newShape) {
  const out = new Array(newShape.reduce((a, b) => a * b)).fill(0);
  const [A, B, H, W] = oldShape, [A2, B2, H2, W2] = newShape;
  for (let a = 0; a < Math.min(A, A2); a++) for (let b = 0; b < Math.min(B, B2); b++)
    for (let i = 0; i < Math.min(H, H2); i++) for (let j = 0; j < Math.min(W, W2); j++)
      out[((a * B2 + b) * H2 + i) * W2 + j] = values[((a * B + b) * H + i) * W + j];
  return out;
}

/** Apply a partial state from the UI or window.tconv.set (values already parsed). */
function applyPartial(partial) {
  const before = { ...state };
  Object.assign(state, partial);
  // custom lists follow shape changes instead of becoming invalid
  const shapeOf = (st, key) => (key === 'x' ? [1, st.cin, st.in[0], st.in[1]] : [st.cin, st.g ? st.cout / st.g : st.cout, st.k[0], st.k[1]]);
  for (const key of ['x', 'w']) {
    if (state[key].kind === 'list' && !(key in partial)) {
      const a = shapeOf(before, key), b = shapeOf(state, key);
      // Only a list that fitted the old shape can keep its places; one of the wrong length stays as it is, and
      // validation says how many values the new shape needs.
      const fitted = a.every(Number.isInteger) && state[key].values.length === a.reduce((u, v) => u * v);
      if (JSON.stringify(a) !== JSON.stringify(b) && b.every(Number.isInteger) && fitted) {
        state[key] = { kind: 'list', values: resizeList(state[key].values, a, b) };
      }
    }
  }
  update();
}

function onFieldInput(key, text) {
  const r = S.parseParam(key, text);
  if ('message' in r) {
    fieldErrors[key] = r.message;
    showFieldErrors(null);
    return;
  }
  delete fieldErrors[key];
  applyPartial({ [key]: r.value });
}

function wireControls() {
  $('editors').addEventListener('toggle', redrawEditors);
  for (const key of [...PAIR_KEYS, 'cin', 'cout', 'g']) {
    const f = $(`f-${key}`);
    f.addEventListener('input', () => onFieldInput(key, f.value));
    if (PAIR_KEYS.includes(key)) {
      // ArrowUp/ArrowDown step every axis by one, so a text field is as quick as a number field.
      f.addEventListener('keydown', (ev) => {
        if (ev.key !== 'ArrowUp' && ev.key !== 'ArrowDown') return;
        const r = S.parseParam(key, f.value);
        if ('message' in r) return;
        ev.preventDefault();
        const step = ev.key === 'ArrowUp' ? 1 : -1;
        f.value = S.SCHEMA.find((row) => row.key === key).format(r.value.map((v) => Math.max(0, v + step)));
        onFieldInput(key, f.value);
      });
    }
  }
  for (const key of ['ci', 'co']) $(`f-${key}`).addEventListener('change', (ev) => applyPartial({ [key]: Number(ev.target.value) }));
  for (const key of ['x', 'w']) {
    const sel = $(`f-${key}`), seed = $(`f-${key}-seed`), list = $(`f-${key}-list`);
    sel.addEventListener('change', () => {
      delete fieldErrors[key];
      if (sel.value === 'list') {
        const current = model ? Array.from(model[key === 'x' ? 'input' : 'weight'].data) : [];
        applyPartial({ [key]: { kind: 'list', values: current } });
      } else if (sel.value === 'rand') applyPartial({ [key]: { kind: 'rand', seed: state[key].seed ?? 1 } });
      else applyPartial({ [key]: { kind: sel.value } });
    });
    seed.addEventListener('input', () => onFieldInput(key, `rand:${seed.value}`));
    $(`b-${key}-seed`).addEventListener('click', () => {
      applyPartial({ [key]: { kind: 'rand', seed: Math.floor(Math.random() * 100000) } });
    });
    list.addEventListener('change', () => onFieldInput(key, list.value));
  }
  $('controls').addEventListener('submit', (ev) => ev.preventDefault());

  const allTabs = [...document.querySelectorAll('#views [role=tab]')];
  for (const t of allTabs) {
    t.addEventListener('click', () => applyPartial({ view: t.dataset.view }));
    t.addEventListener('keydown', (ev) => {
      const tabs = allTabs.filter((x) => !x.hidden);
      const i = tabs.indexOf(t);
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[ev.key];
      if (next === undefined) return;
      ev.preventDefault();
      const target = tabs[(next + tabs.length) % tabs.length];
      applyPartial({ view: target.dataset.view });
      target.focus();
    });
  }
}

/** Click-and-type editors for the shown slices of x and w. */
function renderEditors() {
  const boxX = $('edit-x'), boxW = $('edit-w');
  boxX.replaceChildren();
  boxW.replaceChildren();
  if (!model || !$('editors').open) return;
  const P = model.params;
  const cl = state.co % P.Cog;
  const editor = (key, rows, cols, offset, name, title) => {
    if (rows * cols > 400) return el('p', { class: 'hint' }, `${title}: too many cells to edit one by one; paste a list above.`);
    const t = key === 'x' ? model.input : model.weight;
    const g = el('div', { class: 'editor', style: { gridTemplateColumns: `repeat(${cols}, 3.2em)` } });
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
      const q = offset + i * cols + j;
      const inp = el('input', { value: num(t.data[q]).replace('−', '-'), 'aria-label': name(i, j), inputmode: 'decimal', 'data-focus': `${key}-${q}` });
      inp.addEventListener('change', () => {
        const v = Number(inp.value.trim().replace('−', '-'));
        if (inp.value.trim() === '' || !Number.isFinite(v)) {
          fieldErrors[key] = `${name(i, j)} is "${inp.value}" but must be a number`;
          showFieldErrors(null);
          return;
        }
        delete fieldErrors[key];
        const values = Array.from(t.data);
        values[q] = v;
        applyPartial({ [key]: { kind: 'list', values } });
      });
      g.append(inp);
    }
    return figure(title, g);
  };
  const chan = P.Cin > 1 || P.Cout > 1;
  boxX.append(editor('x', P.H, P.W, state.ci * P.H * P.W, (i, j) => (chan ? `x[${state.ci},${i},${j}]` : `x[${i},${j}]`), `Input x${chan ? ` (channel ${state.ci})` : ''}`));
  boxW.append(editor('w', P.kH, P.kW, (state.ci * P.Cog + cl) * P.kH * P.kW,
    (i, j) => (chan ? `w[${state.ci},${cl},${i},${j}]` : `w[${i},${j}]`), `Kernel w${chan ? `[${state.ci},${cl}]` : ''}`));
}

// ---------------------------------------------------------------- panels

// The sizes of the state on the page: ahead of the model while a big one is computed in the background.
let shapeParams = null;
function renderShape() {
  const box = $('shape');
  box.replaceChildren();
  if (!model && !shapeParams) return;
  const P = shapeParams || model.params;
  const axes = [['H', 0, P.H, P.kH, P.Hout], ['W', 1, P.W, P.kW, P.Wout]];
  const lines = [el('p', { class: 'shape-total' }, `Output shape [N, C_out, H_out, W_out] = [1, ${P.Cout}, ${P.Hout}, ${P.Wout}]`)];
  for (const [A, a, n, k, out] of axes) {
    lines.push(el('p', { class: 'formula' },
      `${A}_out = (${A}−1)·s − 2·p + d·(k−1) + output_padding + 1 = (${n}−1)·${P.s[a]} − 2·${P.p[a]} + ${P.d[a]}·(${k}−1) + ${P.op[a]} + 1 = ${out}`));
  }
  // Seed 003: a strided conv2d maps several sizes to the same size; output_padding chooses which one comes back.
  for (const [A, a, n, k, out] of axes) {
    if (P.s[a] < 2) continue;
    const lo = out - P.op[a];
    const hi = lo + P.s[a] - 1;
    lines.push(el('p', { class: 'hint' },
      `Why output_padding exists (${A === 'H' ? 'height' : 'width'}): a conv2d with kernel ${k}, stride ${P.s[a]}, padding ${P.p[a]}, dilation ${P.d[a]} `
      + `turns every size from ${lo} to ${hi} into ${n}, so going back is ambiguous: output_padding 0…${P.s[a] - 1} picks one of ${lo}…${hi} (now ${P.op[a]} → ${out}).`));
    if (P.s[0] === P.s[1] && P.op[0] === P.op[1] && P.H === P.W && P.kH === P.kW && P.p[0] === P.p[1] && P.d[0] === P.d[1]) break;
  }
  box.append(...lines);
}

function termName(kind, a, P) {
  const chan = P.Cin > 1 || P.Cout > 1;
  if (kind === 'x') return chan ? `x${idx(a[1], a[2], a[3])}` : `x${idx(a[2], a[3])}`;
  return chan ? `w${idx(...a)}` : `w${idx(a[2], a[3])}`;
}

function explainCell(r, c) {
  const m = model;
  return engine.explain(m.input, m.weight, m.cfg.options, [0, state.co, r, c]);
}

function renderExplain() {
  const box = $('explain-body');
  box.replaceChildren();
  if (!model) return;
  const P = model.params;
  const example = !state.cell;
  const [r, c] = state.cell || [0, 0];
  let ex;
  try {
    ex = explainCell(r, c);
  } catch (e) {
    box.append(el('p', { class: 'note' }, `This cell cannot be explained: ${e.message}`));
    return;
  }
  const chan = P.Cin > 1 || P.Cout > 1;
  const yName = chan ? `y${idx(state.co, r, c)}` : `y${idx(r, c)}`;
  if (example) box.append(el('p', { class: 'hint' }, 'Click or tap an output cell in any view (or focus a grid and use the arrow keys) to pin it. Example, the corner cell:'));
  const MAX = 24;
  const shown = ex.terms.slice(0, MAX);
  const more = ex.terms.length > MAX ? ` + … (${ex.terms.length - MAX} more terms)` : '';
  let line;
  if (ex.terms.length === 0) {
    line = `${yName} = 0: no kernel tap lands on this cell (it lies in the output_padding strip or between stamps).`;
  } else {
    const symbolic = shown.map((t) => `${termName('x', t.input, P)}·${termName('w', t.weight, P)}`).join(' + ') + more;
    const numbers = shown.map((t) => `${factor(t.x)}·${factor(t.w)}`).join(' + ') + more;
    const products = sum(shown.map((t) => t.product)) + more;
    line = `${yName} = ${symbolic} = ${numbers}${ex.terms.length > 1 ? ` = ${products}` : ''} = ${num(ex.value)}`;
  }
  box.append(el('p', { class: 'equation', 'data-testid': 'explanation' }, line));
  const taps = P.kH * P.kW * P.Cig;
  const u = r + P.p[0], v = c + P.p[1];
  box.append(el('p', {},
    ex.terms.length > 1 ? `In short: ${num(ex.value)} = ${sum(ex.terms.map((t) => t.product))}. ` : '',
    `${ex.terms.length} of the ${taps} kernel taps${P.Cig > 1 ? ' (over all input channels of this group)' : ''} reach ${yName}. `
    + `Input x[i,j] puts tap w[kh,kw] on canvas cell (i·${P.s[0]} + kh·${P.d[0]}, j·${P.s[1]} + kw·${P.d[1]}), and ${yName} is canvas cell `
    + `(${r} + ${P.p[0]}, ${c} + ${P.p[1]}) = (${u}, ${v}) because padding crops ${P.p[0]} row(s) and ${P.p[1]} column(s). `
    + (ex.terms.length ? `Here that is ${ex.terms.map((t) => `${termName('x', t.input, P)} with ${termName('w', t.weight, P)}`).slice(0, 6).join(', ')}${ex.terms.length > 6 ? ', …' : ''}; `
      + `the other taps land on cells that padding crops or on other output cells.` : '')));
  if (!example) {
    box.append(el('button', { type: 'button', onclick: () => applyPartial({ cell: null }) }, 'Unpin'));
  }
}

// The agreement line and the gradient panel run seven more engine calls: at once for small models, in the worker
// for the ones computed there (at 16×64×64 inputs with 16 output channels and 5×5 kernels they took over a second).
let checks = { configKey: null, agreement: null, gradient: null };
function renderChecks() {
  if (!model) return;
  if (checks.configKey !== model.configKey) {
    const m = model;
    const small = m.params.Hout * m.params.Wout <= 100 && m.params.H * m.params.W <= 100;
    checks = { configKey: m.configKey, agreement: null, gradient: null, small };
    if (!m.inBackground) {
      checks.agreement = agreementOf(engine, m);
      checks.gradient = gradientOf(engine, m, small);
    } else {
      const mine = checks;
      const answer = (key) => (value) => {
        mine[key] = value;
        if (checks === mine) { renderAgreement(); renderGradient(); }
      };
      track(background.request({ op: 'agreement', configKey: m.configKey })).then(answer('agreement'),
        (e) => answer('agreement')({ worst: 0, skipped: [], error: e.message }));
      track(background.request({ op: 'gradient', configKey: m.configKey, withTensors: small })).then(answer('gradient'),
        (e) => answer('gradient')({ error: e.message }));
    }
  }
  renderAgreement();
  renderGradient();
}

function renderAgreement() {
  const a = checks.agreement;
  if (!a) {
    $('agree').textContent = 'Agreement: checking the four methods in the background…';
    return;
  }
  if (a.error) {
    $('agree').textContent = `Agreement: the check could not run (${a.error}).`;
    return;
  }
  // Summation order differs between methods, so big sums can differ in the last float32 bits; say how much that is.
  const largest = maxAbs(model.output.data);
  const relative = a.worst && largest ? ` (${(a.worst / largest).toExponential(1)} of the largest output value, float32 rounding)` : '';
  $('agree').textContent = `Agreement: the matrix, scatter, direct and fast methods give the same output, max |difference| = ${num(a.worst)}${relative}`
    + `${a.skipped.length ? `; ${a.skipped.join('; ')}` : ''}.`;
}

let gradientShown = null;
function renderGradient() {
  const box = $('gradient-body');
  if (!model) return;
  const result = checks.gradient;
  if (gradientShown && gradientShown.result === result && gradientShown.co === state.co && box.childElementCount) return;
  gradientShown = { result, co: state.co };
  box.replaceChildren();
  if (!result) {
    box.append(el('p', {}, 'Computing the gradient comparison in the background…'));
    return;
  }
  const P = model.params;
  if (result.mismatch) {
    box.append(el('p', {}, `Here conv2d maps ${P.Hout}×${P.Wout} to ${result.mismatch[0]}×${result.mismatch[1]}, not back to ${P.H}×${P.W} (output_padding is at least the stride), so the pairing below does not apply to this configuration.`));
    return;
  }
  if (result.error) {
    box.append(el('p', {}, `The gradient comparison is not available here: ${result.error}`));
    return;
  }
  const { grad, ctY } = result;
  const tconv = model.output;
  const sv = `stride ${P.s.join('×')}, padding ${P.p.join('×')}, dilation ${P.d.join('×')}`;
  box.append(
    el('p', {}, `Take a conv2d with the same weight and ${sv}. It maps z of shape ${P.Cout}×${P.Hout}×${P.Wout} (this page's output shape) `
      + `to y = conv2d(z, w) of shape ${P.Cin}×${P.H}×${P.W} (this page's input shape). In the backward pass an upstream gradient g = ∂L/∂y `
      + 'arrives; let g be this page\'s input x.'),
    el('p', { class: 'equation' }, `∂L/∂z = conv2d input gradient(g) and conv_transpose2d(g, w): max |difference| = ${num(result.gradDifference)}. They are the same numbers: conv_transpose2d is conv2d's backward pass, Cᵀ·g.`),
  );
  const small = Boolean(grad);
  const show = (t, ch, caption) => {
    const s = slice2d(t, 0, ch);
    const m = maxAbs(t.data);
    const widest = Math.max(...Array.from({ length: s.rows * s.cols }, (_, q) => num(s.at(Math.floor(q / s.cols), q % s.cols)).length));
    return figure(caption, el('div', { class: 'scroll' }, makeGrid({
      rows: s.rows, cols: s.cols, name: caption, label: caption, cell: Math.max(24, 8 * widest + 6),
      text: (i, j) => num(s.at(i, j)), bg: (i, j) => tint(s.at(i, j), m),
    })));
  };
  if (small) {
    box.append(el('div', { class: 'row' },
      show(grad, state.co, 'conv2d input gradient, ∂L/∂z'), show(tconv, state.co, 'conv_transpose2d(g, w)')));
  }
  box.append(
    el('p', {}, 'Seed question 000 multiplied Cᵀ by the forward output y instead of by the gradient g. '
      + `With z = 1, 2, 3, … (arange), y = conv2d(z, w) and Cᵀ·y = conv_transpose2d(y, w) differ from the gradient: max |difference| = ${num(result.ctyDifference)}. `
      + 'Cᵀ·y depends on z; the gradient does not, because L = sum(y·g) is linear in z. Multiply Cᵀ by the gradient arriving from above (ones, for L = sum(y)), never by y.'),
    el('p', { class: 'hint' }, 'Seed 000\'s own numbers: ',
      el('a', { href: '?in=2&k=3&x=ones&w=rand:7&view=matrix' }, 'a 2×2 gradient of ones through a 3×3 kernel'),
      ' (z is then their x = 1…16, 4×4).'),
  );
  if (small) box.append(el('div', { class: 'row' }, show(ctY, state.co, 'Cᵀ·y (not a gradient)')));
}

// ---------------------------------------------------------------- views

function contributions() {
  if (!model || !state.cell) return { inputCells: [], taps: [], terms: [] };
  const ex = explainCell(...state.cell);
  const cl = state.co % model.params.Cog;
  return {
    terms: ex.terms,
    inputCells: ex.terms.filter((t) => t.input[1] === state.ci).map((t) => [t.input[2], t.input[3]]),
    taps: ex.terms.filter((t) => t.weight[0] === state.ci && t.weight[1] === cl).map((t) => [t.weight[2], t.weight[3]]),
  };
}

function renderViews() {
  for (const [name] of Object.entries(VIEWS)) {
    const active = state.view === name;
    const tab = $(`tab-${name}`);
    tab.hidden = Boolean(state.views) && !state.views.includes(name);
    tab.setAttribute('aria-selected', String(active));
    tab.tabIndex = active ? 0 : -1;
    $(`panel-${name}`).hidden = !active;
  }
  if (!model) return;
  const container = $(`panel-${state.view}`);
  const data = {
    params: model.params, input: model.input, weight: model.weight, output: model.output, configKey: model.configKey,
    artifact: model.artifact, ci: state.ci, co: state.co, pinned: state.cell, contributions: contributions(),
    overlap: state.overlap, onOverlap: (on) => applyPartial({ overlap: on }),
    onPin: (r, c, co) => applyPartial({ cell: [r, c], ...(co !== undefined && co !== state.co ? { co } : {}) }),
  };
  // A model computed in the background gets its view's artifact from the worker too: the first render asks for it
  // (artifact() throws Pending, which a view may also catch) and the answer renders the view again.
  let waiting = false;
  data.artifact = (name) => {
    try {
      return model.artifact(name);
    } catch (e) {
      if (e instanceof Pending) waiting = true;
      throw e;
    }
  };
  try {
    keepFocus(container, () => VIEWS[state.view].render(container, data));
  } catch (e) {
    if (!waiting) {
      container.replaceChildren(el('p', { class: 'note' }, `This view cannot be drawn: ${e.message}`));
      console.warn(e); // eslint-disable-line no-console
    }
  }
  if (waiting) {
    const what = { matrix: 'the matrix C', scatter: 'the scatter canvas', direct: 'the zero-inserted, padded input' }[state.view];
    container.replaceChildren(el('p', { class: 'note', role: 'status' }, `Computing ${what} in the background…`));
  }
}

// ---------------------------------------------------------------- output sizes (seed 003), embedding, export

const AXIS_NAMES = ['Height', 'Width'];

/** Which conv2d input sizes map to this input size, how output_padding picks one, and TensorFlow's equivalents. */
function renderSizes() {
  const box = $('sizes-body');
  box.replaceChildren();
  if (!model) return;
  const P = model.params;
  const info = [0, 1].map((a) => ({
    a, n: a ? P.W : P.H, k: a ? P.kW : P.kH, s: P.s[a], p: P.p[a], op: P.op[a], d: P.d[a],
  })).map((q) => ({ ...q, r: axisSizes(q) }));
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

/** Embed mode, controls=…, and the "Open in full playground" link. */
function renderMode() {
  const controls = state.controls || (state.embed ? 'compact' : 'full');
  const body = document.body.classList;
  body.toggle('embed', state.embed);
  for (const c of ['none', 'compact', 'full']) body.toggle(`controls-${c}`, controls === c);
}

const EMBED_VIEWS = () => [...$('embed-views').querySelectorAll('input:checked')].map((i) => i.value);

function embedSource() {
  const chosen = $('embed-controls').value;
  const views = EMBED_VIEWS();
  const st = {
    ...state,
    embed: true,
    controls: chosen === 'compact' ? null : chosen,
    views: views.length === 3 || views.length === 0 ? null : views,
  };
  return `${location.origin}${location.pathname}${S.serialize(st)}`;
}

function fillEmbedDialog() {
  const src = embedSource();
  $('embed-snippet').value = embedSnippet(src);
  $('embed-preview').href = src;
}

/** Clipboard with a fallback for browsers or contexts without the async Clipboard API. */
async function copyText(text, statusId, what) {
  const status = $(statusId);
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = `${what} copied`;
  } catch {
    const area = el('textarea', { class: 'offscreen', 'aria-hidden': 'true' });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand && document.execCommand('copy');
    area.remove();
    status.textContent = ok ? `${what} copied` : `Copying failed: select the text and copy it by hand`;
  }
  clearTimeout(copyText[statusId]);
  copyText[statusId] = setTimeout(() => { status.textContent = ''; }, 4000);
}

let codeLang = 'pytorch';
function fillCodeDialog() {
  let text;
  try {
    text = exportCode(codeLang, state, currentLink());
  } catch (e) {
    text = `# The current state is not valid: ${e.message}`;
  }
  $('code-text').firstElementChild.textContent = text;
  const notes = {
    pytorch: 'Runs with python3 and PyTorch; the last line printed is the output, equal to this page\'s.',
    numpy: 'Plain NumPy, the scatter method; the last line printed is the output, equal to this page\'s.',
    tensorflow: 'tf.nn.conv2d_transpose, channels last; it says so when TensorFlow cannot express the configuration directly.',
    jax: 'jax.lax.conv_general_dilated on the zero-inserted, padded input with the rotated kernel (the padded direct view).',
  };
  $('code-note').textContent = notes[codeLang];
  $('code-download').textContent = 'Download .py';
}

function viewTitle() {
  const P = model.params;
  const t = { matrix: 'Matrix', scatter: 'Scatter', direct: 'Padded direct' }[state.view];
  return `${t} view: conv_transpose2d, input ${P.H}×${P.W}, kernel ${P.kH}×${P.kW}, stride ${P.s.join('×')}, padding ${P.p.join('×')}`
    + `${P.op.some(Boolean) ? `, output_padding ${P.op.join('×')}` : ''}${P.d.some((d) => d > 1) ? `, dilation ${P.d.join('×')}` : ''}`
    + `${P.g > 1 ? `, groups ${P.g}` : ''} → ${P.Hout}×${P.Wout}`;
}
const currentSVG = () => panelToSVG($(`panel-${state.view}`), model ? viewTitle() : '');

function wireShare() {
  $('b-copy-link').addEventListener('click', () => copyText(currentLink(), 'share-status', 'Link'));
  for (const b of document.querySelectorAll('dialog [data-close]')) {
    b.addEventListener('click', () => $(b.dataset.close).close());
  }
  $('b-embed').addEventListener('click', () => { fillEmbedDialog(); $('embed-dialog').showModal(); });
  $('embed-controls').addEventListener('change', fillEmbedDialog);
  $('embed-views').addEventListener('change', fillEmbedDialog);
  $('embed-copy').addEventListener('click', () => copyText($('embed-snippet').value, 'embed-status', 'Snippet'));

  const langs = $('code-langs');
  for (const [lang, label] of Object.entries(LANGUAGES)) {
    const input = el('input', { type: 'radio', name: 'code-lang', value: lang, checked: lang === codeLang });
    input.addEventListener('change', () => { codeLang = lang; fillCodeDialog(); });
    langs.append(el('label', {}, input, label));
  }
  $('b-code').addEventListener('click', () => { fillCodeDialog(); $('code-dialog').showModal(); });
  $('code-copy').addEventListener('click', () => copyText($('code-text').textContent, 'code-status', 'Code'));
  $('code-download').addEventListener('click', () => download(`conv_transpose2d_${codeLang}.py`, $('code-text').textContent, 'text/x-python'));

  const name = () => `conv_transpose2d_${state.view}`;
  $('b-svg').addEventListener('click', () => { if (model) download(`${name()}.svg`, currentSVG(), 'image/svg+xml'); });
  $('b-png').addEventListener('click', async () => {
    if (!model) return;
    try {
      download(`${name()}.png`, await svgToPNG(currentSVG()), 'image/png');
    } catch (e) {
      $('share-status').textContent = `PNG export failed: ${e.message}`;
    }
  });
}

// ---------------------------------------------------------------- main loop

function update() {
  // views=… limits the tabs; the shown view must be one of them.
  if (state.views && !state.views.includes(state.view)) state.view = state.views[0];
  let error = null;
  let stateKey = null; // configKeyOf(state), once: for a pasted list it is long
  try {
    if (Object.keys(fieldErrors).length === 0) {
      // Validation is cheap at every size, so a bad edit is answered at once; the numbers are computed only when
      // they changed, here when they are small and in the worker when they are big.
      const checked = validate(engine, state);
      stateKey = checked.configKey;
      shapeParams = checked.params;
      if (model && model.configKey === checked.configKey) {
        pending = null;
      } else if (backgroundError && backgroundError.configKey === checked.configKey) {
        throw backgroundError.error;
      } else if (computedInBackground(checked.params)) {
        computeInBackground(checked);
      } else {
        pending = null;
        model = withArtifacts(computeModel(engine, state, checked), false);
      }
      clampToModel(state, checked, null);
    }
  } catch (e) {
    error = e;
    pending = null;
  }
  scheduleLink();
  // Each panel is redrawn only when what it shows changed: a pin moved by an arrow key redraws the view and the
  // explanation, not the controls, the editors or the output-size tables.
  // Keys are lists of parts compared with ===, so a long configuration key is not copied into another string.
  const modelKey = model ? model.configKey : null;
  const P = model ? model.params : null;
  redrawIf('mode', [state.embed, state.controls, String(state.views)], renderMode);
  redrawIf('controls', [stateKey ?? configKeyOf(state), Object.keys(fieldErrors).join(), modelKey, state.ci, state.co], fillControls);
  redrawIf('errors', [error && error.message, error && error.parameter, JSON.stringify(fieldErrors), Boolean(model)], () => showFieldErrors(error));
  renderBusy();
  redrawIf('shape', [JSON.stringify(shapeParams || P)], renderShape);
  renderViews();
  redrawIf('explain', [modelKey, String(state.cell), state.co], renderExplain);
  renderChecks();
  redrawEditors();
  redrawIf('sizes', [JSON.stringify(P)], renderSizes);
}

/**
 * The single-value editors, built only while their <details> is open: a closed one showed nothing for the ~80
 * inputs it rebuilt on every new value (their styles alone cost milliseconds).
 */
function redrawEditors() {
  const open = $('editors').open;
  redrawIf('editors', [model ? model.configKey : null, state.ci, state.co, open], () => keepFocus($('editors'), renderEditors));
}

const drawnFor = new Map(); // panel -> the key parts it was last drawn for
function redrawIf(panel, parts, draw) {
  const drawn = drawnFor.get(panel);
  if (drawn && drawn.length === parts.length && drawn.every((part, i) => part === parts[i])) return;
  draw();
  drawnFor.set(panel, parts);
}

async function main() {
  try {
    engine = await createEngine();
  } catch (e) {
    $('config-error').hidden = false;
    $('config-error').textContent = `The engine could not start: ${e.message}`;
    throw e;
  }
  const parsed = S.parse(location.search);
  state = repairLoadedState(parsed.state, parsed.messages);
  try {
    clampToModel(state, validate(engine, state), parsed.messages);
  } catch { /* repairLoadedState already made it valid */ }
  showLinkMessages(parsed.messages);
  background = startBackground(engine);
  renderGallery($('gallery-list'));
  wireControls();
  wireShare();
  startEmbedMessaging((partial, messages = []) => {
    if (messages.length) showLinkMessages(messages);
    return window.tconv.set(partial);
  });
  update();
  writeLink();
  // Leaving or hiding the page must not lose an edit made in the last LINK_DELAY ms (reload, back/forward cache).
  window.addEventListener('pagehide', flushLink);
  document.addEventListener('visibilitychange', flushLink);
  window.addEventListener('resize', () => { clearTimeout(main.t); main.t = setTimeout(renderViews, 150); });
  // Grids and matrices are drawn on canvases in the scheme's colours: a switch to dark mode (or back) draws them again.
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    resetColors();
    drawnFor.clear();
    update();
  });
  // Ready once the first numbers are on the page, also when a big link has them computed in the background.
  await settled();
  resolveReady();
}

window.tconv = {
  ready,
  state: () => structuredClone(state),
  /** Merge a partial state ({s: '2'} or {s: [2, 2]}); resolves with {messages} after the render. */
  async set(partial) {
    await ready;
    const messages = [];
    const parsed = {};
    for (const [key, value] of Object.entries(partial)) {
      const r = S.parseParam(key, value);
      if ('message' in r) messages.push(r.message);
      else { parsed[key] = r.value; delete fieldErrors[key]; }
    }
    if (messages.length) showLinkMessages(messages);
    applyPartial(parsed);
    await settled();
    await new Promise((r) => requestAnimationFrame(() => r()));
    return { messages };
  },
  /** Resolves when no computation is running in the background (result() then matches state(), or an error shows). */
  settled,
  result: () => (model ? { shape: model.output.shape.slice(), data: Array.from(model.output.data) } : null),
  explain: (r, c) => {
    const ex = explainCell(r, c);
    return { value: ex.value, terms: ex.terms.map((t) => ({ ...t, input: Array.from(t.input), weight: Array.from(t.weight) })) };
  },
  link: () => currentLink(),
  /** The current state as a script: 'pytorch', 'numpy', 'tensorflow' or 'jax' (web/export.js). */
  exportCode: (lang) => exportCode(lang, state, currentLink()),
  /** The current view as SVG text, and as a PNG data URL. */
  exportSVG: () => currentSVG(),
  exportPNG: () => svgToPNG(currentSVG()),
};

main();
