// Which form of the page runs. A frame with an opaque origin (sandbox="allow-scripts" without allow-same-origin, as
// WordPress embeds a post) may load neither module scripts nor the .wasm from a server that sends no CORS headers,
// nor start a worker: it gets the page as one classic script with the engine inside (app.classic.js, built from
// web/classic.js). Every other page (also an embed without a sandbox) gets the ES modules, app.js and its imports.
(function () {
  const script = document.createElement('script');
  if (self.origin === 'null') {
    script.src = 'app.classic.js';
  } else {
    script.type = 'module';
    script.src = 'app.js';
  }
  document.head.appendChild(script);
})();
