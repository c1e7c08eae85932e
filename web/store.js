// The page's one mutable state and everything derived from it (in the manner of Svelte's and Observable's stores).
//
//   const store = createStore({ state, derive: {name: (read) => value}, normalize, schedule });
//   store.set({ s: [2, 2] });          // the only way the state changes
//   store.get('model');                 // a derived value: computed on first use, then memoized
//   store.effect((read) => draw(...));  // run once now, and again in a frame where something it read changed
//
// A derivation (or effect) reads through `read`: read.state.k for a state key, read('model') for another derived
// value, read.answer(key, start) for work done elsewhere (a Web Worker). The store records exactly what each one
// read and recomputes it only when one of those inputs changed: a state key by identity (set() keeps the old value
// when the new one is equal), a derived value by identity, an answer by its arrival. Nothing is computed that no
// effect or caller asks for.
//
// set() never renders: it marks the store changed and asks `schedule` (requestAnimationFrame on the page) for one
// flush, however many set() calls come before it. The flush runs every effect whose inputs changed, once. An effect
// added with {later: true} (a panel below the view: the agreement line, the gradient panel) runs after that frame,
// through `later` (a task after the frame's rendering on the page), so the frame that shows a change draws only what
// the change is about.
//
// Answers: read.answer(key, start) returns {pending: true} the first time and calls start(), which returns a promise;
// when it settles, the answer ({value} or {error}) is stored under key, which is one more change (and one more flush).

const same = (a, b) => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) return false; // tensors are compared by identity
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && same(a[k], b[k]));
};

/**
 * state: the initial state (plain data). derive: {name: (read) => value}. normalize(next, previous, partial) -> the
 * state to keep (rules that tie keys together, e.g. a new configuration resets the step position); it must not
 * mutate its arguments. schedule(flush): arranges one call of flush soon (default: a microtask).
 */
export function createStore({
  state, derive = {}, normalize = (next) => next, schedule = (f) => queueMicrotask(f), later = (f) => setTimeout(f, 0),
}) {
  let current = Object.freeze(normalize({ ...state }, state, state));
  const versions = new Map(); // state key -> version (0 when never changed)
  const cache = new Map(); // derived name -> {value, inputs}
  const answers = new Map(); // answer key -> {version, result}
  const effects = [];
  const subscribers = new Set();
  let flushing = false;
  let scheduled = false;
  let laterScheduled = false;
  let painted = []; // callers waiting for the next flush
  let changed = false;
  let inFlight = 0;
  let settledWaiters = [];
  const counts = new Map(); // derived name -> computations (for tests and for finding waste)

  // An input is [kind, key, seen]: ['s', key, version] | ['d', name, value] | ['a', key, version].
  const fresh = (inputs) => inputs.every(([kind, key, seen]) => {
    if (kind === 's') return (versions.get(key) || 0) === seen;
    if (kind === 'a') return (answers.get(key)?.version || 0) === seen;
    return get(key) === seen;
  });

  function reader(inputs) {
    const read = (name) => {
      const value = get(name);
      inputs.push(['d', name, value]);
      return value;
    };
    read.state = new Proxy({}, {
      get(_, key) {
        inputs.push(['s', key, versions.get(key) || 0]);
        return current[key];
      },
    });
    read.answer = (key, start) => {
      let entry = answers.get(key);
      if (!entry) {
        entry = { version: 0, result: { pending: true } };
        answers.set(key, entry);
        track(Promise.resolve().then(start)).then(
          (value) => arrive(key, { value }),
          (error) => arrive(key, { error }),
        );
      }
      inputs.push(['a', key, entry.version]);
      return entry.result;
    };
    return read;
  }

  function arrive(key, result) {
    const entry = answers.get(key);
    if (!entry) return; // forgotten meanwhile
    entry.version += 1;
    entry.result = result;
    markChanged();
  }

  function get(name) {
    const hit = cache.get(name);
    if (hit && fresh(hit.inputs)) return hit.value;
    const fn = derive[name];
    if (!fn) throw new Error(`unknown derived value ${name}`);
    const inputs = [];
    counts.set(name, (counts.get(name) || 0) + 1);
    const value = fn(reader(inputs));
    cache.set(name, { value, inputs });
    return value;
  }

  function markChanged() {
    changed = true;
    if (scheduled || flushing) return;
    scheduled = true;
    schedule(flush);
  }

  function set(partial) {
    const next = { ...current };
    for (const [key, value] of Object.entries(partial)) next[key] = value;
    const kept = normalize(next, current, partial);
    let any = false;
    const merged = {};
    for (const key of new Set([...Object.keys(current), ...Object.keys(kept)])) {
      if (same(kept[key], current[key])) merged[key] = current[key];
      else {
        merged[key] = kept[key];
        versions.set(key, (versions.get(key) || 0) + 1);
        any = true;
      }
    }
    if (!any) return;
    current = Object.freeze(merged);
    markChanged();
  }

  function runEffect(e) {
    if (e.inputs && fresh(e.inputs)) return;
    const inputs = [];
    e.inputs = inputs;
    e.fn(reader(inputs));
  }

  function flush() {
    scheduled = false;
    if (flushing) return;
    flushing = true;
    try {
      // An effect may set() (a clamp, a step of the player); its change is drawn in the same flush, a few rounds at
      // most, so one frame shows a consistent page.
      for (let round = 0; changed && round < 4; round++) {
        changed = false;
        for (const e of effects) if (!e.later) runEffect(e);
        for (const s of subscribers) s(current);
      }
    } finally {
      flushing = false;
    }
    if (changed) markChanged();
    forgetOldAnswers();
    const waiting = painted;
    painted = [];
    for (const w of waiting) w();
    if (!laterScheduled && effects.some((e) => e.later)) {
      laterScheduled = true;
      later(flushLater);
    }
    checkSettled();
  }

  function flushLater() {
    laterScheduled = false;
    for (const e of effects) if (e.later) runEffect(e);
    checkSettled();
  }

  /** Answers nothing has read since the last flush are dropped (their configuration is gone). */
  function forgetOldAnswers() {
    if (answers.size <= 32) return;
    const used = new Set();
    const collect = (inputs) => { for (const [kind, key] of inputs || []) if (kind === 'a') used.add(key); };
    for (const { inputs } of cache.values()) collect(inputs);
    for (const e of effects) collect(e.inputs);
    for (const key of answers.keys()) if (!used.has(key)) answers.delete(key);
  }

  function checkSettled() {
    if (inFlight !== 0 || scheduled || changed || laterScheduled || !settledWaiters.length) return;
    const waiters = settledWaiters;
    settledWaiters = [];
    for (const w of waiters) w();
  }

  function track(promise) {
    inFlight += 1;
    // The answer's flush may ask for more (a model's view then wants its artifact): look again after it.
    const done = () => { inFlight -= 1; setTimeout(checkSettled, 0); };
    promise.then(done, done);
    return promise;
  }

  return {
    get state() { return current; },
    get,
    set,
    /**
     * Runs fn(read) now and again in every flush where something it read changed; with {later: true}, after the
     * flush's frame instead of in it.
     */
    effect(fn, { later: isLater = false } = {}) {
      const e = { fn, inputs: null, later: isLater };
      effects.push(e);
      runEffect(e);
      return e;
    },
    /** Called with the state after every flush. */
    subscribe(fn) {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    },
    /** Draws now whatever is waiting for the next frame (a caller that must read the result at once). */
    flush() {
      if (scheduled || changed) { changed = true; flush(); }
    },
    /** Resolves once the next flush has drawn (at once when nothing waits to be drawn). */
    painted() {
      if (!scheduled && !changed) return Promise.resolve();
      return new Promise((r) => painted.push(r));
    },
    /** Resolves when no answer is outstanding and nothing waits to be drawn, now or later. */
    settled() {
      if (inFlight === 0 && !scheduled && !changed && !laterScheduled) return Promise.resolve();
      return new Promise((r) => settledWaiters.push(r));
    },
    /** Work done elsewhere that settled() waits for (a module loaded on first use): returns the promise. */
    track,
    /** How often each derived value was computed: {name: count}. */
    counts: () => Object.fromEntries(counts),
  };
}
