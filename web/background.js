// Requests to web/worker.js as promises. The worker starts with the first request, so a page that only ever shows
// small configurations neither downloads nor compiles the engine twice. If a browser cannot start the module worker,
// the same requests run on the page's thread instead (slower to answer, but the same numbers and messages).
import { requestHandler } from './model.js';

/** An Error carrying the engine's .parameter and .axis across the thread boundary. */
function engineStyleError({ message, parameter, axis }) {
  const e = new Error(message);
  e.parameter = parameter;
  e.axis = axis;
  return e;
}

/** `engine` is the page's own engine, used when the worker cannot start. Returns {request(message) → Promise}. */
export function startBackground(engine) {
  const waiting = new Map();
  let nextId = 1;
  let worker = null;
  let workerFailed = false;
  let onPage = null; // requestHandler on the page's thread, made when needed

  const runOnPage = ({ message, resolve, reject }) => {
    onPage = onPage || requestHandler(engine);
    setTimeout(() => { try { resolve(onPage(message)); } catch (e) { reject(e); } }, 0);
  };
  const fallBack = () => {
    workerFailed = true;
    worker = null;
    for (const [id, entry] of waiting) {
      waiting.delete(id);
      runOnPage(entry);
    }
  };
  const start = () => {
    try {
      worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    } catch (e) {
      workerFailed = true;
      return;
    }
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
      console.warn('The background worker stopped; computing on the page instead.', event.message);
      fallBack();
    });
  };

  return {
    request(message) {
      return new Promise((resolve, reject) => {
        const entry = { message, resolve, reject };
        if (!worker && !workerFailed) start();
        if (!worker) {
          runOnPage(entry);
          return;
        }
        const id = nextId++;
        waiting.set(id, entry);
        worker.postMessage({ id, ...message });
      });
    },
  };
}
