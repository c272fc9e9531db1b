// Starts the app: imports the hashed wasm-bindgen module and instantiates its wasm, both named by
// the <script data-app-js data-app-wasm> tag that trunk writes (Trunk.toml, pattern_script).
// A file rather than trunk's inline loader, so the page runs under `script-src 'self'`.
const tag = document.querySelector("script[data-app-js]");
const app = await import(new URL(tag.dataset.appJs, document.baseURI).href);
await app.default({ module_or_path: new URL(tag.dataset.appWasm, document.baseURI).href });
