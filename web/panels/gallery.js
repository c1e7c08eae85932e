// The lesson list: the guided lessons (web/lessons/, each a link ?lesson=<id> to its first step) and one example
// setup, each with a one-line caption answering a question people ask. The links are ordinary share links, so they
// go through web/state.js like any other.
import { el } from '../dom.js';
import { LESSONS } from '../lessons/index.js';

/** What the list shows: the lessons, then the examples (plain setups without steps). */
export const PRESETS = [
  ...LESSONS.map((l) => ({ title: l.short, caption: l.caption, query: `?lesson=${l.id}`, steps: l.steps.length })),
  {
    title: 'The 2×2 example',
    caption: 'Input [[2,4],[0,1]], kernel [[3,1],[1,5]]: four stamps summed into 3×3.',
    query: '?in=2&k=2&x=2,4,0,1&w=3,1,1,5&view=scatter',
  },
];

/** Fills the <ul> with the lessons as links relative to the page (drawn once: they do not depend on the state). */
export function render(list) {
  list.replaceChildren(...PRESETS.map((p) => el('li', {},
    el('a', { href: `${p.query}${p.hash || ''}` }, p.title),
    p.steps ? el('span', { class: 'steps-badge' }, `guided, ${p.steps} steps`) : el('span', { class: 'steps-badge' }, 'example'),
    el('span', { class: 'caption' }, p.caption))));
}
