// The frameworks' names, which the page needs before any translation is loaded (its tabs, the language of a link).
// The translations themselves (web/frameworks/index.js) are loaded when the framework panel first comes into view.

/** Language key -> label, in the order the page lists them. `tensorflow` is an alias of `keras`. */
export const LANGUAGES = {
  pytorch: 'PyTorch',
  numpy: 'NumPy',
  keras: 'TensorFlow / Keras',
  onnx: 'ONNX',
  jax: 'JAX',
};
export const ALIASES = { tensorflow: 'keras', tf: 'keras', torch: 'pytorch' };
