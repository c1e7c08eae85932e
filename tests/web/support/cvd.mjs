// Colour-vision deficiency simulation and colour difference, for the colour tests: Machado, Oliveira and Fernandes
// (2009), "A Physiologically-based Model for Simulation of Color Vision Deficiency", severity 1.0 matrices, applied
// in linear sRGB; and CIE 1976 ΔE*ab in CIELAB (D65). Pure functions on [r, g, b] in 0…255.

export const MACHADO = Object.freeze({
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
});

const toLinear = (v) => { const c = v / 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
const toSrgb = (c) => 255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);
const clamp = (c) => Math.max(0, Math.min(1, c));

/** [r, g, b] as seen with the deficiency (or unchanged for 'normal'). */
export function simulate(rgb, kind) {
  if (kind === 'normal') return rgb.slice(0, 3);
  const m = MACHADO[kind];
  const lin = rgb.slice(0, 3).map(toLinear);
  return m.map((row) => toSrgb(clamp(row[0] * lin[0] + row[1] * lin[1] + row[2] * lin[2])));
}

/** [r, g, b] -> CIELAB [L, a, b] (D65 white). */
export function lab(rgb) {
  const [r, g, b] = rgb.map(toLinear);
  const X = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const Y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const Z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  return [116 * f(Y) - 16, 500 * (f(X) - f(Y)), 200 * (f(Y) - f(Z))];
}

/** CIE76 colour difference of two [r, g, b]. */
export function deltaE(p, q) {
  const a = lab(p), b = lab(q);
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}
