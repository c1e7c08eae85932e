// The lessons: each a one-click share link with a one-line caption, answering a question people ask. The links are
// ordinary share links, so they go through web/state.js like any other.
import { el } from '../dom.js';

export const PRESETS = [
  {
    title: 'Why is the corner 6?',
    caption: '4×4 ones, kernel 1…16, stride 2, padding 1: only one tap reaches the corner, two reach the cell beside it.',
    query: '?in=4&k=4&s=2&p=1&x=ones&w=arange&view=scatter&cell=0,0',
  },
  {
    title: 'Cᵀ and the gradient',
    caption: 'Multiply Cᵀ by the upstream gradient (ones here), not by conv2d\'s output.',
    query: '?in=2&k=3&x=ones&w=rand:7&view=matrix',
    hash: '#gradient',
  },
  {
    title: 'Two inputs, one output size: output_padding',
    caption: 'Stride 2 maps sizes 3 and 4 to 2; output_padding 1 picks 4 on the way back.',
    query: '?in=2&k=3&s=2&p=1&op=1&x=arange&w=arange&view=scatter',
    hash: '#sizes',
  },
  {
    title: 'Checkerboard artifacts',
    caption: 'Kernel 3, stride 2: stamps overlap unevenly; the overlap heat map shows the checkerboard.',
    query: '?in=5&k=3&s=2&x=ones&w=ones&view=scatter&overlap=1',
  },
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
    el('span', { class: 'caption' }, p.caption))));
}
