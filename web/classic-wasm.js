// The engine's wasm inside the classic script (web/classic.js): scripts/build's esbuild reads tconv_wasm.wasm.gz with
// its binary loader, and the page hands the bytes to web/engine.js before anything asks for the engine.
import gzipped from './tconv_wasm.wasm.gz';
import { useInlineWasm } from './engine.js';

useInlineWasm(gzipped);
