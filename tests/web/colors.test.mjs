// web/colors.js is where the drawings' colours are defined; style.css carries the same custom properties for the page's
// own elements. They must agree, scheme by scheme, or a figure would not look like the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PALETTES, rgbaOf, tint, fade, over, hex } from '../../web/colors.js';

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
  assert.equal(tint(5, 5, PALETTES.light), 'rgba(68, 119, 170, 0.6)');
  assert.equal(tint(-5, 5, PALETTES.light), 'rgba(238, 102, 119, 0.6)');
  assert.equal(fade('#000000', 50), 'rgba(0, 0, 0, 0.5)');
  assert.equal(hex(over('rgba(0, 0, 0, 0.5)', '#ffffff')), '#808080');
});
