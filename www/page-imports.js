// The page's dynamic imports (wasm cannot write `import()`): src/runner.rs, src/edit.rs.
const ready = new Map();

// A snippet on the page's own thread, with a runner program the page compiled already.
export async function runOnPage(glue, module, request) {
  const runner = await import(new URL(glue, document.baseURI).href);
  if (!ready.has(glue)) ready.set(glue, runner.default({ module_or_path: module }));
  await ready.get(glue);
  return runner.run_on_page(request);
}

let editor = null;

// The code editor, once (named by finish-site in <meta name="async-tutor-editor">); a failed
// load is tried again next time.
export function loadEditor() {
  const name = document.querySelector('meta[name="async-tutor-editor"]')?.content;
  editor ??= name
    ? import(new URL(name, document.baseURI).href).catch((e) => {
        editor = null;
        throw e;
      })
    : Promise.reject(new Error("this build of the site has no code editor"));
  return editor;
}
