// The page as one classic script (dist/app.classic.js, bundled by scripts/build), for frames with an opaque origin:
// see web/boot.js. The wasm comes first, so that it is there when app.js asks for the engine.
import './classic-wasm.js';
import './app.js';
