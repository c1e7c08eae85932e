// The one pseudo-random generator of the project's JavaScript: the link's rand:SEED values (web/state.js), the
// monkey and property tests, and the benchmarks all draw from it, so a seed means the same numbers everywhere.

/**
 * mulberry32: a 32-bit state, one multiply-xorshift round per number. Returns next() -> u in [0, 1). Every seed
 * gives the same sequence in any language that has 32-bit integer arithmetic (the exported Python code relies on it).
 */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A test's dice: next(), int(lo, hi) inclusive, pick(list), chance(p), all from mulberry32(seed). */
export function dice(seed) {
  const next = mulberry32(seed);
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}
