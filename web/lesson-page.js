// The guided lessons' side of the store's derivations: which lesson step is shown, and its page (texts written from
// the engine's numbers for the state on the page, answers judged against them), and the rules that turn a lesson
// link or step into a state. web/derive.js adds these derivations to its own; web/lessons/index.js describes a step.
import * as S from './state.js';
import { CONFIG_KEYS, outputIndex, modelOptions } from './model.js';
import { lessonById, judge } from './lessons/index.js';

/** The lesson derivations for a store (they read 'drawn' and the derived artifacts of web/derive.js). */
export function lessonDerivations(engine) {
  const explained = new WeakMap(); // model -> {`${co} ${r} ${c}` -> engine.explain's terms}

  return {
    /** The lesson shown: {lesson, id, step, steps, key, stepState} or null (no engine call). */
    lesson: (read) => {
      const lesson = read.state.lesson && lessonById(read.state.lesson);
      if (!lesson) return null;
      const step = Math.min(read.state.lstep, lesson.steps.length);
      return { lesson, id: lesson.id, step, steps: lesson.steps.length, key: `${lesson.id}:${step}`, stepState: lessonStepState(lesson, step) };
    },

    /**
     * The lesson step with its texts written from the engine's numbers for the state on the page, and the reader's
     * answers judged against them (web/lessons/index.js describes a step). null when no lesson is shown.
     */
    'lesson page': (read) => {
      const L = read('lesson');
      if (!L) return null;
      const def = L.lesson.steps[L.step - 1];
      const st = read.state;
      // The setup differs from the step's (once answered, from the step's with what answering set).
      const differs = (want) => [...CONFIG_KEYS, 'view'].some((k) => JSON.stringify(st[k]) !== JSON.stringify(want[k]));
      const changed = differs(L.stepState);
      const base = {
        id: L.id, step: L.step, steps: L.steps, key: L.key, title: L.lesson.title, short: L.lesson.short,
        kind: def.ask.kind, spotlight: def.spotlight || null, changed, stepState: L.stepState,
        co: st.co, channels: st.cin > 1 || st.cout > 1,
      };
      const m = read('drawn');
      if (!m) return { ...base, pending: true, curtain: [] };
      const tries = (st.lessonTries || {})[L.key] || { attempts: [], shown: false };
      try {
        if (!explained.has(m)) explained.set(m, new Map());
        const q = lessonNumbers(engine, read, m, explained.get(m));
        const text = (f, ...args) => (typeof f === 'function' ? f(q, ...args) : f);
        const expected = def.ask.kind === 'cell' ? text(def.ask.cells) : text(def.ask.answer);
        const attempts = tries.attempts.map((given) => ({ given, ...judge(def.ask.kind, expected, given) }));
        const right = attempts.find((a) => a.right);
        const answered = Boolean(right) || tries.shown;
        const last = attempts[attempts.length - 1] || null;
        const answerCell = right ? right.given : def.ask.kind === 'cell' ? expected[0] : null;
        const thenText = text(def.ask.then) || {};
        const then = {};
        for (const [key, value] of Object.entries(thenText)) {
          const r = S.parseParam(key, value);
          if ('value' in r) then[key] = r.value;
        }
        return {
          ...base,
          say: text(def.say),
          prompt: text(def.ask.prompt),
          expected,
          attempts,
          wrong: attempts.filter((a) => !a.right && !a.unreadable).length,
          right: Boolean(right),
          answered,
          hint: last && !last.right && !last.unreadable ? text(def.ask.hint, last.given) : null,
          reveal: answered ? text(def.ask.reveal, answerCell) : null,
          answerText: def.ask.kind === 'cell' ? null : expected,
          then,
          changed: answered ? differs({ ...L.stepState, ...then }) : changed,
          curtain: answered ? [] : def.curtain || [],
        };
      } catch (error) {
        if (error === PENDING) return { ...base, pending: true, curtain: def.curtain || [] };
        return { ...base, error: error.message, curtain: [] };
      }
    },
  };
}

/** Output cells a lesson step looks through at most (each is one explanation). */
const LESSON_CELLS = 4096;

/** Thrown by the lesson's numbers while what they need is computed in the background. */
const PENDING = Symbol('pending');

/** Link keys a lesson never sets: how the page is embedded stays as the host asked. */
const LESSON_KEEPS = new Set(['embed', 'controls', 'views', 'lesson', 'lstep']);

/** A lesson step's parameters as link text: the lesson's, then the step's own. */
export function lessonStepText(lesson, n) {
  return { ...lesson.state, ...lesson.steps[n - 1].state };
}

/**
 * A lesson step's whole state (parsed values): every link key at its default except how the page is embedded, then
 * the lesson's and the step's parameters.
 */
export function lessonStepState(lesson, n) {
  const text = lessonStepText(lesson, n);
  const parsed = S.parse(`?${new URLSearchParams(text)}`);
  if (parsed.messages.length) throw new Error(`lesson ${lesson.id}, step ${n}: ${parsed.messages.join('; ')}`);
  return Object.fromEntries(Object.entries(parsed.state).filter(([k]) => !LESSON_KEEPS.has(k)));
}

/**
 * A link that names a lesson, with its step's parameters added where the link gives none (what the link says wins):
 * ?lesson=corner becomes the corner lesson's first step. Returns {search, messages}; a step beyond the lesson's
 * last is its last, with a message.
 */
export function lessonLink(search) {
  let params;
  try {
    params = new URLSearchParams(search);
  } catch {
    return { search, messages: [] };
  }
  const lesson = lessonById(params.get('lesson'));
  if (!lesson) return { search, messages: [] };
  const messages = [];
  const asked = S.parseParam('lstep', params.get('lstep') ?? '1');
  let n = 'value' in asked ? asked.value : 1;
  if (n > lesson.steps.length) {
    messages.push(`lesson step ${n} is beyond the ${lesson.steps.length} steps of "${lesson.title}"; showing the last (link parameter lstep)`);
    n = lesson.steps.length;
    params.set('lstep', String(n));
  }
  for (const [key, value] of Object.entries(lessonStepText(lesson, n))) if (!params.has(key)) params.set(key, value);
  return { search: `?${params}`, messages };
}

/**
 * What a lesson reads of the engine's numbers for the state on the page (the q of web/lessons/index.js). Engine
 * calls are made when a text asks, once per cell of a model (explained: that model's explanations so far); derived values (C, the padded input, the phases, the gradient)
 * come through read, so the lesson follows them. Throws PENDING while one is computed in the background.
 */
function lessonNumbers(engine, read, m, explained) {
  const P = m.params, st = read.state;
  const co = st.co, ci = st.ci, cl = co % P.Cog;
  const need = (r) => {
    if (r.pending) throw PENDING;
    if (r.error) throw r.error;
    return r.value;
  };
  const options = (patch) => {
    const o = { ...modelOptions(m), ...patch };
    if (patch && patch.outputSize) delete o.outputPadding; // output_size picks it
    return o;
  };
  let columns = null; // C's entries by output cell (a row of Cᵀ) and by input cell (a row of C)
  const matrix = () => {
    if (columns) return columns;
    const C = need(read('artifact matrix'));
    const taps = P.Cog * P.kH * P.kW;
    columns = { byOut: new Map(), byIn: new Map() };
    for (let e = 0; e < C.row.length; e++) {
      const k = C.weightIndex[e];
      const inIdx = C.row[e], outIdx = C.col[e];
      const entry = {
        input: [Math.floor(inIdx / (P.H * P.W)), Math.floor(inIdx / P.W) % P.H, inIdx % P.W],
        output: [Math.floor(outIdx / (P.Hout * P.Wout)), Math.floor(outIdx / P.Wout) % P.Hout, outIdx % P.Wout],
        tap: [Math.floor(k / taps), Math.floor(k / (P.kH * P.kW)) % P.Cog, Math.floor(k / P.kW) % P.kH, k % P.kW],
        value: m.weight.data[k],
      };
      for (const [map, key] of [[columns.byOut, outIdx], [columns.byIn, inIdx]]) {
        if (!map.has(key)) map.set(key, []);
        map.get(key).push(entry);
      }
    }
    return columns;
  };
  return {
    P, st, input: m.input, weight: m.weight,
    y: (r, c) => m.output.data[(co * P.Hout + r) * P.Wout + c],
    x: (i, j) => m.input.data[(ci * P.H + i) * P.W + j],
    w: (kh, kw) => m.weight.data[((ci * P.Cog + cl) * P.kH + kh) * P.kW + kw],
    terms(r, c) {
      const key = `${co} ${r} ${c}`;
      if (!explained.has(key)) explained.set(key, engine.explain(m.input, m.weight, modelOptions(m), outputIndex(P, { co, dz: st.dz, cell: [r, c] })).terms);
      return explained.get(key);
    },
    cells(pred) {
      // A question over every output cell is for a lesson's small setups, not for whatever the page was changed to.
      if (P.Hout * P.Wout > LESSON_CELLS) throw new Error(`the output has ${P.Hout * P.Wout} cells, more than this step looks through`);
      const out = [];
      for (let r = 0; r < P.Hout; r++) for (let c = 0; c < P.Wout; c++) if (pred(r, c)) out.push([r, c]);
      return out;
    },
    ctRow: (r, c) => matrix().byOut.get((co * P.Hout + r) * P.Wout + c) || [],
    cRow: (i, j) => matrix().byIn.get((ci * P.H + i) * P.W + j) || [],
    padded: () => need(read('artifact padded_direct')),
    phases: () => need(read('artifact subpixel')),
    gradient: () => need(read('gradient')),
    outputSize(patch) {
      try {
        return engine.outputShape(m.cfg.inputShape, m.cfg.weightShape, options(patch)).slice(2);
      } catch {
        return null;
      }
    },
    geometry: (patch) => engine.geometry(m.cfg.inputShape, m.cfg.weightShape, options(patch)),
    refusal(patch) {
      try {
        engine.geometry(m.cfg.inputShape, m.cfg.weightShape, options(patch));
        return null;
      } catch (e) {
        return e.message;
      }
    },
    conv2d: (input, weight, o) => engine.conv2d(input, weight, o),
  };
}
