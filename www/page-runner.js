// Runs a snippet on the page's own thread (lesson 1's freeze demo): instantiates a runner
// program that the page already compiled for its workers (`glue` names its wasm-bindgen
// script), once per program, and calls its `run_on_page`.
const ready = new Map();

export async function runOnPage(glue, module, request) {
  const runner = await import(new URL(glue, document.baseURI).href);
  if (!ready.has(glue)) ready.set(glue, runner.default({ module_or_path: module }));
  await ready.get(glue);
  return runner.run_on_page(request);
}
