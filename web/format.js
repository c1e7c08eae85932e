// Compact number formatting shared by every view: integers print as integers, others with at most 4 significant
// digits (float32 noise such as 0.10000000149 reads as 0.1). A true minus sign reads better than a hyphen.

export function num(v) {
  if (!Number.isFinite(v)) return String(v);
  if (Object.is(v, -0)) v = 0;
  let text;
  if (Number.isInteger(v) && Math.abs(v) < 1e7) text = String(v);
  else if (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e7) text = String(Number(v.toPrecision(4)));
  else text = v.toExponential(2);
  return text.replace('-', '−');
}

/** A factor inside a product: negative numbers get parentheses, "1·(−2)". */
export function factor(v) {
  return v < 0 ? `(${num(v)})` : num(v);
}

/** "a + b − c" for a list of numbers. */
export function sum(values) {
  return values
    .map((v, i) => (i === 0 ? num(v) : v < 0 ? ` − ${num(-v)}` : ` + ${num(v)}`))
    .join('');
}

/** Tensor index as the page writes it: "[0,1]". */
export const idx = (...a) => `[${a.join(',')}]`;
