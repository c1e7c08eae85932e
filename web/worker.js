// The page's background thread: answers web/background.js's requests with web/model.js's requestHandler, so that
// big configurations never block the page (see BACKGROUND_WORK in web/model.js).
//
// Messages in:  {id, op, ...} as requestHandler takes them.
// Messages out: {id, result} or {id, error: {message, parameter, axis}}; typed arrays are transferred, not copied.
import { createEngine } from './engine.js';
import { requestHandler } from './model.js';

const handlerPromise = createEngine().then(requestHandler);

/** Every distinct ArrayBuffer under a result, for a transfer list (each may be listed once only). */
function buffersOf(value, found = new Set()) {
  if (ArrayBuffer.isView(value)) found.add(value.buffer);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) buffersOf(v, found);
  return found;
}

const copy = (t) => ({ shape: t.shape.slice(), data: t.data.slice() });

self.addEventListener('message', async (event) => {
  const { id } = event.data;
  try {
    const handle = await handlerPromise;
    let result = handle(event.data);
    // The handler keeps the model's tensors for later requests; the page gets copies it may own.
    if (event.data.op === 'model') result = { ...result, input: copy(result.input), weight: copy(result.weight), output: copy(result.output) };
    self.postMessage({ id, result }, [...buffersOf(result)]);
  } catch (e) {
    self.postMessage({ id, error: { message: e.message, parameter: e.parameter || '', axis: e.axis || '' } });
  }
});
