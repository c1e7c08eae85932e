// How lessons write the engine's numbers: cell names as the page writes them, and a sum with its real products
// ("y[0,1] = x[0,1]·w[1,0] + x[0,0]·w[1,2] = 1·5 + 1·7 = 12"). Lesson texts are plain strings with two marks:
// [[term]] or [[term|shown words]] links the glossary (web/panels/glossary.js), `text` is set as code.
import { num, factor, sum, idx } from '../format.js';

/** True when the page shows channel indices (more than one channel in or out). */
const chan = (q) => q.P.Cin > 1 || q.P.Cout > 1;

/** "y[0,1]", or "y[co,0,1]" with channels. */
export const yName = (q, r, c) => (chan(q) ? `y${idx(q.st.co, r, c)}` : `y${idx(r, c)}`);

/** An engine term's input "x[0,1]" (or "x[ci,0,1]") and tap "w[1,0]" (or "w[ci,col,1,0]"). */
export const xOf = (q, t) => (chan(q) ? `x${idx(t.input[1], t.input[2], t.input[3])}` : `x${idx(t.input[2], t.input[3])}`);
export const wOf = (q, t) => (chan(q) ? `w${idx(...t.weight)}` : `w${idx(t.weight[2], t.weight[3])}`);

/** "x[0,1]·w[1,0] + x[0,0]·w[1,2] = 1·5 + 1·7 = 12" for an output cell, from engine.explain's terms. */
export function sumOf(q, r, c) {
  const terms = q.terms(r, c);
  const value = num(q.y(r, c));
  if (!terms.length) return `${yName(q, r, c)} = 0 (no kernel tap reaches it)`;
  const names = terms.map((t) => `${xOf(q, t)}·${wOf(q, t)}`).join(' + ');
  const products = terms.map((t) => `${factor(t.x)}·${factor(t.w)}`).join(' + ');
  const partial = terms.length > 1 ? ` = ${sum(terms.map((t) => t.product))}` : '';
  return `${yName(q, r, c)} = ${names} = ${products}${partial} = ${value}`;
}

/** "1 product", "2 products". */
export const count = (n, noun, plural = `${noun}s`) => `${n} ${n === 1 ? noun : plural}`;

/** "a, b and c". */
export function list(items) {
  const a = items.map(String);
  return a.length <= 1 ? a.join('') : `${a.slice(0, -1).join(', ')} and ${a[a.length - 1]}`;
}

/** A paragraph set as an equation (monospace, one line). */
export const eq = (text) => ({ equation: text });

export { num, idx, factor };
