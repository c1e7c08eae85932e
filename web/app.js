// The page's wiring, and nothing else: the link becomes the store's state (web/store.js), the store derives what
// every panel and view needs (web/derive.js, the only code that calls the engine), and each panel (web/panels/) and
// view (web/views/) is an effect that draws again only when something it read changed, once per frame. The share
// link, the clock of the step-through and the frame protocol are subscribers. See docs/architecture.md.
import { createEngine } from './engine.js';
import * as S from './state.js';
import { createStore } from './store.js';
import { derivations, normalize, outputIndex } from './derive.js';
import { modelOptions, influenceOf } from './model.js';
import { openLink, initialState } from './session.js';
import { whenNear } from './dom.js';
import { startBackground } from './background.js';
import { PALETTES } from './colors.js';
import { figureSVG, figureTitle } from './figure.js';
import { svgToPNG } from './save.js';
import { ALIASES } from './frameworks/names.js';
import { startFrameMessaging, postState, linkHash } from './frame.js';
import { stepMs } from './player.js';
import * as controls from './panels/controls.js';
import * as editors from './panels/editors.js';
import * as shape from './panels/shape.js';
import * as explain from './panels/explain.js';
import * as agreement from './panels/agreement.js';
import * as gradient from './panels/gradient.js';
import * as sizes from './panels/sizes.js';
import * as messages from './panels/messages.js';
import * as status from './panels/status.js';
import * as share from './panels/share.js';
import * as gallery from './panels/gallery.js';
import * as frameworks from './panels/frameworks.js';
import * as lesson from './panels/lesson.js';
import * as glossary from './panels/glossary.js';
import * as matrixView from './views/matrix.js';
import * as scatterView from './views/scatter.js';
import * as paddedDirectView from './views/padded_direct.js';
import * as subpixelView from './views/subpixel.js';

const VIEWS = { matrix: matrixView, scatter: scatterView, padded_direct: paddedDirectView, subpixel: subpixelView };
const $ = (id) => document.getElementById(id);
const dark = matchMedia('(prefers-color-scheme: dark)');
let resolveReady;
const ready = new Promise((r) => { resolveReady = r; });

async function main() {
  let engine;
  try {
    engine = await createEngine();
  } catch (e) {
    $('config-error').hidden = false;
    $('config-error').textContent = `The engine could not start: ${e.message}`;
    throw e;
  }
  // A lesson's link (?lesson=corner&lstep=2) brings its step's parameters, where the link gives none.
  const parsed = openLink(engine, location.search);
  const background = startBackground(engine);
  const store = createStore({
    state: initialState(parsed, { scheme: dark.matches ? 'dark' : 'light', width: innerWidth, height: innerHeight }),
    derive: derivations(engine, (message) => background.request(message), { base: `${location.origin}${location.pathname}` }),
    normalize,
    schedule: (flush) => requestAnimationFrame(flush),
    // after the frame's rendering: a task queued from within the frame runs once it is painted
    later: (run) => setTimeout(run, 0),
  });

  // ------------------------------------------------------------ panels and views: effects of the store
  const ctxOf = (read) => ({
    state: read.state, get: read, set: store.set, peek: () => store.state, palette: PALETTES[read.state.scheme],
  });
  const now = { state: store.state, get: store.get, set: store.set, peek: () => store.state, track: store.track };
  const draw = (render, box, options) => store.effect((read) => render(box, ctxOf(read)), options);
  // What is below or beside the view follows right after the frame that shows a change (store.js's {later: true}).
  const after = { later: true };
  draw(status.render, document);
  draw(messages.render, $('link-messages'));
  draw(controls.render, $('controls'));
  draw(controls.renderLists, $('controls'), after);
  draw(shape.render, $('shape'));
  draw((box, ctx) => {
    const view = ctx.state.view, allowed = ctx.state.views;
    for (const name of Object.keys(VIEWS)) {
      const tab = $(`tab-${name}`);
      tab.hidden = Boolean(allowed) && !allowed.includes(name);
      tab.setAttribute('aria-selected', String(view === name));
      tab.tabIndex = view === name ? 0 : -1;
      $(`panel-${name}`).hidden = view !== name;
    }
    // (reading the width: a resized window draws the view again, at its new cell sizes)
    if (ctx.state.width && ctx.get('shown').model) VIEWS[view].render($(`panel-${view}`), ctx);
  });
  draw(glossary.renderViewSentence, $('view-sentence'));
  draw(lesson.render, $('lesson'));
  draw(lesson.stage, document);
  draw(explain.render, $('explain-body'));
  draw(agreement.render, $('agree'), after);
  draw(gradient.render, $('gradient-body'), after);
  draw(editors.render, $('editors'), after);
  draw(sizes.render, $('sizes-body'), after);
  // The framework panel is drawn, and its translations loaded, once it nears the screen or is used.
  let frameworksDrawn = false;
  const drawFrameworks = () => {
    if (!frameworksDrawn) draw(frameworks.render, $('frameworks'), after);
    frameworksDrawn = true;
  };
  frameworks.wire(document, { ...now, use: drawFrameworks }); // its tabs exist before the panel is first drawn
  // An embedded page draws it at once: its host sizes the frame to its content, which must not grow later when the
  // reader scrolls (a frame below the host's window is not told that its panel came near).
  if (store.state.embed) drawFrameworks();
  else whenNear($('frameworks'), drawFrameworks);
  draw(lesson.follow, $('lesson'), after); // once the panels below the view are drawn too
  gallery.render($('gallery-list'));
  glossary.render($('glossary-list'));
  glossary.wire(document);
  lesson.wire(document, now, $('lesson'));
  controls.wire($('controls'), now);
  editors.wire($('editors'), now);

  // ------------------------------------------------------------ the share link, written once edits pause
  // history.replaceState costs several ms a call, so the address bar, the "Open in full playground" link and the
  // host's tconv:state message follow the state LINK_DELAY ms after the last edit, in idle time. Everything that hands
  // the link out (link(), copy, export, leaving or hiding the page) writes it first.
  const LINK_DELAY = 250;
  let linkTimer = null;
  let written = null;
  const writeLink = () => {
    clearTimeout(linkTimer);
    linkTimer = null;
    const query = store.get('link');
    if (query === written) return;
    written = query;
    const url = `${location.pathname}${query}${linkHash(location.hash)}`;
    if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, '', url);
    $('open-full').href = `${location.pathname}${S.serialize({ ...S.pick(store.state), embed: false, controls: null, views: null })}`;
    postState(S.pick(store.state), location.href);
  };
  const currentLink = () => { writeLink(); return location.href; };
  const idle = window.requestIdleCallback || ((f) => f());
  store.subscribe(() => {
    if (store.get('link') === written) return;
    clearTimeout(linkTimer); // another edit: wait until they pause
    linkTimer = setTimeout(() => idle(writeLink, { timeout: 500 }), LINK_DELAY);
  });
  writeLink();
  addEventListener('pagehide', writeLink);
  document.addEventListener('visibilitychange', writeLink);

  // ------------------------------------------------------------ the step-through's clock
  let clock = null;
  store.subscribe((state) => {
    const want = state.playing ? state.speed : null;
    if (clock && clock.speed === want) return;
    clearInterval(clock?.timer);
    clock = want && {
      speed: want,
      timer: setInterval(() => {
        const total = store.get('steps');
        const next = (store.state.step ?? total) + 1;
        store.set(next >= total ? { step: null, playing: false } : { step: next });
      }, stepMs(want)),
    };
  });

  // ------------------------------------------------------------ tabs, share bar, window, frame protocol
  const tabs = [...document.querySelectorAll('#views [role=tab]')];
  for (const t of tabs) {
    t.addEventListener('click', () => store.set({ view: t.dataset.view }));
    t.addEventListener('keydown', (ev) => {
      const shownTabs = tabs.filter((x) => !x.hidden);
      const i = shownTabs.indexOf(t);
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: shownTabs.length - 1 }[ev.key];
      if (next === undefined) return;
      ev.preventDefault();
      const target = shownTabs[(next + shownTabs.length) % shownTabs.length];
      store.set({ view: target.dataset.view });
      target.focus();
    });
  }
  /** The state in a language's code, once the translations have loaded: {code, plan, warnings}; throws the reason. */
  const translationOf = async (lang) => {
    const codeOf = () => frameworks.codeOf(store.get, ALIASES[lang] ?? lang);
    let r = codeOf();
    while (r && r.pending) {
      await store.settled();
      r = codeOf();
    }
    if (!r || r.error) throw new Error(r ? r.error : `language is "${lang}" but must be one of pytorch, numpy, keras (or tensorflow), onnx, jax`);
    return r;
  };
  const svg = () => {
    const m = store.get('shown').model;
    return m ? figureSVG(store.get, S.pick(store.state), PALETTES[store.state.scheme]) : null;
  };
  const title = () => {
    const m = store.get('shown').model;
    return m ? figureTitle(store.state.view, m.params) : null;
  };
  share.wire(document, { peek: () => store.state, link: currentLink, svg, title });
  let resizeTimer = null;
  addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => store.set({ width: innerWidth, height: innerHeight }), 150);
  });
  dark.addEventListener('change', () => store.set({ scheme: dark.matches ? 'dark' : 'light' }));

  /** Merges a partial state ({s: '2'} or {s: [2, 2]}): what parses applies, the rest becomes messages. */
  const apply = (partial, notes = []) => {
    const fieldErrors = { ...store.state.fieldErrors };
    // per-axis parameters are read in the dims the partial sets, else the page's
    const { values, messages: bad } = S.parsePartial(partial, store.state.dims);
    notes.push(...bad);
    for (const key of Object.keys(values)) delete fieldErrors[key];
    store.set({ ...values, fieldErrors, ...(notes.length ? { messages: notes } : {}) });
    return notes;
  };
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  Object.assign(api, {
    state: () => structuredClone(S.pick(store.state)),
    async set(partial) {
      const notes = apply(partial);
      await store.settled();
      await frame();
      return { messages: notes };
    },
    settled: () => store.settled(),
    painted: () => store.painted(),
    result: () => {
      const m = store.get('shown').model;
      return m ? { shape: m.output.shape.slice(), data: Array.from(m.output.data) } : null;
    },
    explain: (r, c) => {
      const m = store.get('shown').model;
      const ex = engine.explain(m.input, m.weight, modelOptions(m), outputIndex(m.params, { ...store.state, cell: [r, c] }));
      return {
        value: ex.value, terms: ex.terms.map((t) => ({ ...t, input: Array.from(t.input), weight: Array.from(t.weight) })),
        ...(ex.bias ? { bias: { value: ex.bias.value, index: Array.from(ex.bias.index) } } : {}),
      };
    },
    link: currentLink,
    lesson: () => lesson.summary(store.get('lesson page')),
    influence: (query) => {
      const m = store.get('shown').model;
      return m ? influenceOf(engine, m, query, { ci: store.state.ci, co: store.state.co }) : null;
    },
    exportCode: async (lang) => (await translationOf(lang)).code,
    translation: async (lang) => {
      const r = await translationOf(lang);
      return structuredClone({ code: r.code, plan: r.plan, warnings: r.warnings });
    },
    importLayer: (text) => frameworks.importInto(now, text),
    exportSVG: svg,
    exportPNG: () => svgToPNG(svg()),
    counts: () => store.counts(),
  });
  startFrameMessaging((partial, notes = []) => {
    if (notes.length) store.set({ messages: notes });
    return api.set(partial);
  });
  // Ready once the first numbers are on the page, also when a big link has them computed in the background.
  await store.settled();
  resolveReady();
}

/** What window.tconv does once the page has started (main() fills it in). */
const api = {};
/** The page's API for tests and host pages; every call but ready and set() needs the page started (await ready). */
/** api's method, or null until the page has started. */
const call = (name) => (...args) => (api[name] ? api[name](...args) : null);
window.tconv = {
  ready,
  state: call('state'),
  /** Merges a partial state ({s: '2'} or {s: [2, 2]}); resolves with {messages} once it is drawn. */
  set: async (partial) => { await ready; return api.set(partial); },
  /** Resolves when nothing is computing in the background and the page shows the state. */
  settled: async () => { await ready; return api.settled(); },
  /** Resolves once the frame that shows the last change has been drawn (the panels below the view follow it). */
  painted: async () => { await ready; return api.painted(); },
  result: call('result'),
  explain: call('explain'),
  link: call('link'),
  /** The guided lesson shown: {id, step, steps, title, kind, prompt, answered, right, tries}, or {id: null, step: 0, steps: 0}. */
  lesson: call('lesson'),
  /**
   * The cells one cell is connected to: influence({tensor: 'x' | 'w' | 'y', index}) -> {x, w, y, connections}
   * (web/model.js influenceOf; from engine.influence).
   */
  influence: call('influence'),
  /** The current state as a script: 'pytorch', 'numpy', 'keras' (or 'tensorflow'), 'onnx' or 'jax' (web/frameworks/). */
  exportCode: call('exportCode'),
  /** The same, with the translation's plan (its arguments and post-steps as data) and warnings: {code, plan, warnings}. */
  translation: call('translation'),
  /** Imports one framework call ("nn.ConvTranspose2d(…)", Keras, tf.nn, ONNX attributes): {call, notes} | {error}. */
  importLayer: call('importLayer'),
  /** The current view as SVG text, and as a PNG data URL. */
  exportSVG: call('exportSVG'),
  exportPNG: call('exportPNG'),
  /** How often each derived value was computed since the page opened (for tests and for finding waste). */
  counts: call('counts'),
};

main();
