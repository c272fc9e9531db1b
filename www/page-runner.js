// Runs a snippet on the page's own thread (lesson 1's freeze demo): instantiates the runner
// module that the page already compiled for its workers, and calls its `run_on_page`.
let ready = null;

export async function runOnPage(module, request) {
  const runner = await import(new URL("runner.js", document.baseURI).href);
  ready ??= runner.default({ module_or_path: module });
  await ready;
  return runner.run_on_page(request);
}
