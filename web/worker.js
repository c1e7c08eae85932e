// The page's background thread: computes big configurations with web/model.js so that the page never blocks (see
// BACKGROUND_WORK there). It keeps the last model it computed, because a view's artifact or the checks are asked
// for after the numbers, and the input and weight then need not cross threads again.
//
// Messages in:  {id, op: 'model', state} | {id, op: 'artifact' | 'agreement' | 'gradient', configKey, name?}
// Messages out: {id, result} or {id, error: {message, parameter, axis}}; typed arrays are transferred, not copied.
import { createEngine } from './engine.js';
import { computeModel, artifactOf, agreementOf, gradientOf } from './model.js';

const enginePromise = createEngine();
let last = null; // the model computed last, with its configKey

/** Every distinct ArrayBuffer under a result, for a transfer list (each may be listed once only). */
function buffersOf(value, found = new Set()) {
  if (ArrayBuffer.isView(value)) found.add(value.buffer);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) buffersOf(v, found);
  return found;
}

const copy = (t) => ({ shape: t.shape.slice(), data: t.data.slice() });

function modelFor(configKey) {
  if (!last || last.configKey !== configKey) throw new Error('the configuration changed before this was computed');
  return last;
}

async function run(message) {
  const engine = await enginePromise;
  switch (message.op) {
    case 'model': {
      last = computeModel(engine, message.state);
      // The worker keeps its own tensors for later requests; the page gets copies it may own.
      return { ...last, input: copy(last.input), weight: copy(last.weight), output: copy(last.output) };
    }
    case 'artifact': return artifactOf(engine, modelFor(message.configKey), message.name);
    case 'agreement': return agreementOf(engine, modelFor(message.configKey));
    case 'gradient': return gradientOf(engine, modelFor(message.configKey), message.withTensors);
    default: throw new Error(`unknown request ${message.op}`);
  }
}

self.addEventListener('message', async (event) => {
  const { id } = event.data;
  try {
    const result = await run(event.data);
    self.postMessage({ id, result }, [...buffersOf(result)]);
  } catch (e) {
    self.postMessage({ id, error: { message: e.message, parameter: e.parameter || '', axis: e.axis || '' } });
  }
});
