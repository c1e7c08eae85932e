// web/colors.js is where the drawings' colours are defined; style.css carries the same custom properties for the page's
// own elements. They must agree, scheme by scheme, or a figure would not look like the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PALETTES, rgbaOf, tint, fade, over, hex, tapColor, tapLabel } from '../../web/colors.js';
import { simulate, deltaE } from './support/cvd.mjs';

const css = readFileSync(new URL('../../web/style.css', import.meta.url), 'utf8');
const block = (text) => Object.fromEntries([...text.matchAll(/--([a-z-]+):\s*([^;]+);/g)].map((m) => [m[1], m[2].trim()]));

test('style.css and web/colors.js define the same colours, light and dark', () => {
  const light = block(css.slice(css.indexOf(':root {'), css.indexOf('}', css.indexOf(':root {'))));
  const darkStart = css.indexOf(':root {', css.indexOf('@media (prefers-color-scheme: dark)'));
  const dark = block(css.slice(darkStart, css.indexOf('}', darkStart)));
  for (const [scheme, vars] of [['light', light], ['dark', dark]]) {
    for (const [name, value] of Object.entries(PALETTES[scheme])) {
      assert.equal(vars[name], value, `--${name} in the ${scheme} scheme`);
    }
  }
});

test('colour arithmetic: parsing, tints, fades, compositing', () => {
  assert.deepEqual(rgbaOf('#4477aa'), [0x44, 0x77, 0xaa, 1]);
  assert.deepEqual(rgbaOf('rgba(90, 90, 110, 0.28)'), [90, 90, 110, 0.28]);
  assert.equal(tint(0, 5, PALETTES.light), null);
  assert.equal(tint(5, 5, PALETTES.light), 'rgba(94, 60, 153, 0.6)');
  assert.equal(tint(-5, 5, PALETTES.light), 'rgba(230, 97, 1, 0.6)');
  assert.equal(fade('#000000', 50), 'rgba(0, 0, 0, 0.5)');
  assert.equal(hex(over('rgba(0, 0, 0, 0.5)', '#ffffff')), '#808080');
});

// The value scale's colours as drawn: the strongest tint of each sign over the panel, and zero (no tint: the panel).
const ends = (pal) => ({
  pos: over(tint(1, 1, pal), pal.panel), neg: over(tint(-1, 1, pal), pal.panel), zero: rgbaOf(pal.panel).slice(0, 3),
});
const VISION = ['normal', 'protanopia', 'deuteranopia', 'tritanopia'];
// CIE76 ΔE thresholds: about 2.3 is just noticeable; the two signs must stay far apart, each sign clearly off zero.
const SIGNS_APART = 25, OFF_ZERO = 20;

test('the value scale is diverging with zero neutral: its ends stay apart under simulated colour blindness, light and dark', () => {
  for (const scheme of ['light', 'dark']) {
    const e = ends(PALETTES[scheme]);
    assert.equal(tint(0, 1, PALETTES[scheme]), null, `${scheme}: zero gets no tint (the panel, neutral)`);
    for (const vision of VISION) {
      const see = (c) => simulate(c, vision);
      const signs = deltaE(see(e.pos), see(e.neg));
      assert.ok(signs >= SIGNS_APART, `${scheme}, ${vision}: positive and negative ends ΔE ${signs.toFixed(1)} < ${SIGNS_APART}`);
      for (const end of ['pos', 'neg']) {
        const d = deltaE(see(e[end]), see(e.zero));
        assert.ok(d >= OFF_ZERO, `${scheme}, ${vision}: the ${end} end is ΔE ${d.toFixed(1)} from zero, < ${OFF_ZERO}`);
      }
    }
  }
});

test('the colour-blindness simulation catches a red-green scale (so the test above can fail)', () => {
  // matplotlib's red and green: far apart for normal vision, nearly one colour for a deuteranope
  const red = rgbaOf('#d62728'), green = rgbaOf('#2ca02c');
  assert.ok(deltaE(red, green) > 100);
  assert.ok(deltaE(simulate(red, 'deuteranopia'), simulate(green, 'deuteranopia')) < SIGNS_APART);
  // a grey stays grey in every simulation (each matrix keeps white white)
  for (const vision of VISION) for (const v of simulate([128, 128, 128], vision)) assert.ok(Math.abs(v - 128) < 1.5, vision);
});

test('every tap of a kernel up to 4×4 has its own colour, and every tap its own label', () => {
  const colours = Array.from({ length: 16 }, (_, t) => tapColor(t).bg.toLowerCase());
  assert.equal(new Set(colours).size, 16, `4×4 taps share colours: ${colours.join(' ')}`);
  const labels = Array.from({ length: 49 }, (_, t) => tapLabel(t));
  assert.equal(new Set(labels).size, 49, 'a 7×7 kernel: 49 labels');
  // the text colour on each tap reads (WCAG contrast of at least 4.5)
  const lum = (rgb) => { const l = rgb.map((v) => { const c = v / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; }); return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2]; };
  for (let t = 0; t < 18; t++) {
    const { bg, fg } = tapColor(t);
    const [a, b] = [lum(rgbaOf(bg)), lum(rgbaOf(fg))].sort((x, y) => y - x);
    assert.ok((a + 0.05) / (b + 0.05) >= 4.5, `tap ${t}: ${fg} on ${bg}`);
  }
});
