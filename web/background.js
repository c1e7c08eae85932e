// Requests to web/worker.js as promises. If a browser cannot start the module worker, the same requests run on the
// page's thread instead (slower to answer, but the numbers and messages are the same).
import { computeModel, artifactOf, agreementOf, gradientOf } from './model.js';

/** An Error carrying the engine's .parameter and .axis across the thread boundary. */
function engineStyleError({ message, parameter, axis }) {
  const e = new Error(message);
  e.parameter = parameter;
  e.axis = axis;
  return e;
}

/**
 * Starts the worker. `engine` is the page's own engine, used when the worker cannot start. Returns
 * {request(message) → Promise, busy() → number of requests in flight}.
 */
export function startBackground(engine) {
  const waiting = new Map();
  let nextId = 1;
  let worker = null;
  let local = null; // the fallback's last model

  const localModel = (configKey) => {
    if (!local || local.configKey !== configKey) throw new Error('the configuration changed before this was computed');
    return local;
  };
  const runLocally = (message) => {
    switch (message.op) {
      case 'model': local = computeModel(engine, message.state); return local;
      case 'artifact': return artifactOf(engine, localModel(message.configKey), message.name);
      case 'agreement': return agreementOf(engine, localModel(message.configKey));
      case 'gradient': return gradientOf(engine, localModel(message.configKey), message.withTensors);
      default: throw new Error(`unknown request ${message.op}`);
    }
  };
  const fallBack = () => {
    worker = null;
    for (const [id, entry] of waiting) {
      waiting.delete(id);
      setTimeout(() => { try { entry.resolve(runLocally(entry.message)); } catch (e) { entry.reject(e); } }, 0);
    }
  };
  try {
    worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    worker.addEventListener('message', (event) => {
      const entry = waiting.get(event.data.id);
      if (!entry) return;
      waiting.delete(event.data.id);
      if (event.data.error) entry.reject(engineStyleError(event.data.error));
      else entry.resolve(event.data.result);
    });
    // A worker that fails to load (an old browser without module workers, a blocked file) reports 'error'.
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      console.warn('The background worker stopped; computing on the page instead.', event.message); // eslint-disable-line no-console
      fallBack();
    });
  } catch (e) {
    worker = null;
  }

  return {
    request(message) {
      return new Promise((resolve, reject) => {
        if (!worker) {
          setTimeout(() => { try { resolve(runLocally(message)); } catch (e) { reject(e); } }, 0);
          return;
        }
        const id = nextId++;
        waiting.set(id, { resolve, reject, message });
        worker.postMessage({ id, ...message });
      });
    },
  };
}
