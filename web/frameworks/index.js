// One layer, every framework. The page (and window.tconv.exportCode) calls this module:
//   layerFromParts(parts) -> {layer} | {error}      validateLayer(layer) -> [problems]
//   exportCode(lang, layer, {link}) -> {code, plan, warnings}   (throws on an unknown language or an invalid layer)
//   importLayer(text) -> {framework, call, config, notes} | {error}
// Every translation's code prints, as its last line, the output as a nested list in PyTorch's layout
// [N, C_out, ...spatial], so any of them can be compared with the page's numbers.
import * as pytorch from './pytorch.js';
import * as numpy from './numpy.js';
import * as keras from './keras.js';
import * as onnx from './onnx.js';
import * as jax from './jax.js';

export { validateLayer, assertLayer, axes, outputShape, axisNames } from './layer.js';
export { layerFromParts } from './parts.js';
export { importLayer } from './import.js';

import { LANGUAGES, ALIASES } from './names.js';

export { LANGUAGES, ALIASES };

const MODULES = { pytorch, numpy, keras, onnx, jax };

/** The module of a language key (aliases included), or null. */
export function translator(lang) {
  return MODULES[ALIASES[lang] ?? lang] ?? null;
}

/** lang ('pytorch' | 'numpy' | 'keras' | 'tensorflow' | 'onnx' | 'jax') + layer -> {code, plan, warnings}. */
export function exportCode(lang, layer, options = {}) {
  const mod = translator(lang);
  if (!mod) throw new Error(`language is "${lang}" but must be one of ${[...Object.keys(LANGUAGES), ...Object.keys(ALIASES)].join(', ')}`);
  return mod.translate(layer, options);
}
