// The agreement line: the matrix, scatter and direct methods and the interleaved sub-pixel phases against the fast
// method, on the numbers shown.
import { maxAbs } from '../colors.js';
import { num } from '../format.js';

export function render(box, ctx) {
  const m = ctx.get('shown').model;
  if (!m) return;
  const a = ctx.get('agreement');
  let text;
  if (a.pending) text = 'Agreement: checking the four methods and the sub-pixel phases in the background…';
  else if (a.error) text = `Agreement: the check could not run (${a.error.message}).`;
  else {
    const { worst, skipped } = a.value;
    // Summation order differs between methods, so big sums can differ in the last float32 bits; say how much that is.
    const largest = maxAbs(m.output.data);
    const relative = worst && largest ? ` (${(worst / largest).toExponential(1)} of the largest output value, float32 rounding)` : '';
    text = 'Agreement: the matrix, scatter, direct and fast methods (fast: the engine\'s optimized code, what a library caller gets) '
      + `and the sub-pixel phases, interleaved, give the same output, max |difference| = ${num(worst)}${relative}`
      + `${skipped.length ? `; ${skipped.join('; ')}` : ''}.`;
  }
  if (box.textContent !== text) box.textContent = text;
}
