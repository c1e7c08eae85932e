// The guided lessons: each asks the reader to predict a number or pick a cell, checks the answer against the
// engine's own numbers, then shows the real sum. A lesson is one data file in this folder; adding a lesson is adding
// its file and its line below. The page reaches a lesson by link: ?lesson=<id>&lstep=<n> (web/state.js).
//
// A lesson file's default export:
//   id, short (the lesson list's link text), title (the question it answers), caption (one line for the list),
//   state: link parameters as text ({in: '4', s: '2', view: 'scatter'}), shared by every step,
//   steps: 4 to 8 of
//     {state: this step's own parameters (over the lesson's; every other link key is its default),
//      spotlight: what the step is about, outlined and scrolled to (a name of web/panels/lesson.js's SPOTS),
//      curtain: [names of SPOTS] kept hidden until the question is answered (the number it asks for is drawn there),
//      say(q): what to look at, one to three sentences,
//      ask: {kind: 'number' | 'cell', prompt(q),
//            answer(q) → the number (kind 'number'), or cells(q) → every right [r, c] (kind 'cell'),
//            hint(q, given) → a pointer after a wrong answer, from the actual numbers,
//            reveal(q, given) → the explanation with the real sum, shown once answered,
//            then: parameters (as text, or a function of q giving them) set once it is answered, e.g. the next
//            stamp drawn}}
// Texts are strings or lists of paragraphs (web/lessons/words.js writes sums and marks glossary terms). q is the
// lesson's view of the engine's numbers for the state on the page (web/lesson-page.js lessonNumbers): q.P (sizes),
// q.st (state), q.y(r, c), q.x(i, j), q.w(kh, kw), q.terms(r, c) (engine.explain), q.cells(pred), q.ctRow(o) and
// q.cRow(i) (a row of Cᵀ or C: its entries), q.padded() (engine.paddedDirect), q.gradient(), q.phases()
// (engine.subpixel), q.outputSize(options) (engine.outputShape, or null when the engine refuses), q.geometry(options),
// q.conv2d(input, weight, options). Nothing in a lesson is a typed-in answer.
import corner from './corner.js';
import gradient from './gradient.js';
import sizes from './sizes.js';
import checkerboard from './checkerboard.js';
import same from './same.js';

export const LESSONS = Object.freeze([corner, gradient, sizes, same, checkerboard]);
export const LESSON_IDS = Object.freeze(LESSONS.map((l) => l.id));

/** The lesson with this id, or null. */
export const lessonById = (id) => LESSONS.find((l) => l.id === id) || null;

/** A typed number: decimal notation, a true minus sign or a hyphen, spaces around it; NaN when it is none. */
export function readNumber(text) {
  const t = String(text ?? '').trim().replace(/^[−–]/, '-').replace(/,/g, '.');
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t) ? Number(t) : NaN;
}

/**
 * An answer against the engine's: kind 'number' (given: the typed text; right within float32 rounding of the
 * expected number) or 'cell' (given: [r, c]; right when it is one of the expected cells). {right, unreadable}.
 */
export function judge(kind, expected, given) {
  if (kind === 'cell') {
    const ok = Array.isArray(given) && expected.some(([r, c]) => r === given[0] && c === given[1]);
    return { right: ok, unreadable: !Array.isArray(given) };
  }
  const v = readNumber(given);
  if (Number.isNaN(v)) return { right: false, unreadable: true };
  return { right: Math.abs(v - expected) <= 1e-4 * Math.max(1, Math.abs(expected)), unreadable: false };
}
