// What a link opens, for the page (web/app.js) and for the figure script in Node (scripts/figure.mjs): the link made
// valid with its lesson step's parameters, and the store's first state. One place, so that a figure made without a
// browser starts from exactly the state the page starts from.
import { lessonLink } from './derive.js';
import { loadLink } from './load.js';

/** search ("?in=4&k=4…") -> {state, messages}: a lesson's link brings its step's parameters where the link gives none. */
export function openLink(engine, search) {
  const linked = lessonLink(search);
  const parsed = loadLink(engine, linked.search);
  parsed.messages.unshift(...linked.messages);
  return parsed;
}

/** The store's first state: the link's parameters, and the page's own keys at rest. env: {scheme, width, height}. */
export function initialState(parsed, { scheme, width, height }) {
  return {
    ...parsed.state, messages: parsed.messages, fieldErrors: {}, playing: false, speed: '1', editorsOpen: false,
    lessonTries: {}, scheme, width, height, codeLang: 'pytorch', importResult: null,
  };
}
