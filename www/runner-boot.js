// The runner worker's first script (a module worker). The page compiles a runner's wasm once
// and sends the compiled module with {type: "boot", module, glue}; `glue` names that runner's
// wasm-bindgen script (runner.js, or runner-first.js for the first part's). Instantiating the
// module runs the Rust side (crates/runner/src/worker.rs), which takes over messages and
// answers {type: "ready"}.
self.addEventListener(
  "message",
  async (event) => {
    const data = event.data;
    if (!data || data.type !== "boot") return;
    try {
      const { default: init } = await import(new URL(data.glue ?? "runner.js", self.location.href).href);
      await init({ module_or_path: data.module });
    } catch (error) {
      self.postMessage({ type: "bootFailed", message: String(error) });
    }
  },
  { once: true },
);
