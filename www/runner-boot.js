// The runner worker's first script (a module worker). The page compiles runner_bg.wasm once
// and sends the compiled module with {type: "boot"}; instantiating it runs the Rust side
// (crates/runner/src/worker.rs), which takes over messages and answers {type: "ready"}.
import init from "./runner.js";

self.addEventListener(
  "message",
  async (event) => {
    const data = event.data;
    if (!data || data.type !== "boot") return;
    try {
      await init({ module_or_path: data.module });
    } catch (error) {
      self.postMessage({ type: "bootFailed", message: String(error) });
    }
  },
  { once: true },
);
