// The runner worker's first script (a module worker). The page sends a compiled runner module
// with {type: "boot", module, glue}; `glue` names that program's wasm-bindgen script (runner.js
// for the full program; for the first part's, the page's own script, whose module is the
// page's). Instantiating the module runs the Rust side (crates/runner/src/worker.rs), which
// takes over messages and answers {type: "ready"}; the workers it starts for `tutor::threads`
// boot from the same script, which it finds in `self.runnerGlue`.
self.addEventListener(
  "message",
  async (event) => {
    const data = event.data;
    if (!data || data.type !== "boot") return;
    try {
      self.runnerGlue = new URL(data.glue ?? "runner.js", self.location.href).href;
      const { default: init } = await import(self.runnerGlue);
      await init({ module_or_path: data.module });
    } catch (error) {
      self.postMessage({ type: "bootFailed", message: String(error) });
    }
  },
  { once: true },
);
