// The benchmark page's module: counts browser timers, puts the slow web (sw.js) in control when
// the crawl runs, runs the wasm benchmarks (crates/bench, built into ./pkg/ by
// `cargo xtask bench`) and leaves the results on window.benchResults, or an error on
// window.benchError.

import init, { run_benchmarks } from "./pkg/bench.js";

/**
 * Wraps setTimeout/clearTimeout to count browser timers for both executors alike:
 * `calls` timers started since `reset()`, and `maxAtFire`, the most timers pending when one of
 * them fired (a timer replaced within the same task never gets the chance to fire).
 */
function installTimerProbe() {
  const realSet = globalThis.setTimeout.bind(globalThis);
  const realClear = globalThis.clearTimeout.bind(globalThis);
  const pending = new Set();
  const probe = {
    calls: 0,
    maxAtFire: 0,
    reset() {
      this.calls = 0;
      this.maxAtFire = 0;
    },
  };
  globalThis.setTimeout = function (callback, ms, ...args) {
    const id = realSet((...got) => {
      if (pending.size > probe.maxAtFire) probe.maxAtFire = pending.size;
      pending.delete(id);
      if (typeof callback === "function") callback(...got);
    }, ms, ...args);
    pending.add(id);
    probe.calls += 1;
    return id;
  };
  globalThis.clearTimeout = function (id) {
    pending.delete(id);
    realClear(id);
  };
  globalThis.__benchTimers = probe;
}

/** Registers sw.js and waits until it controls this page. */
async function slowWeb() {
  const sw = navigator.serviceWorker;
  if (!sw) throw new Error("this browser has no service workers: the crawl needs the slow web");
  const registration = await sw.register("./sw.js");
  await sw.ready;
  if (sw.controller) return;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("sw.js did not take control within 10 s")), 10000);
    sw.addEventListener("controllerchange", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
    if (sw.controller) {
      clearTimeout(timer);
      resolve();
    } else if (registration.active) {
      registration.active.postMessage({ type: "claim" });
    }
  });
}

function fmt(v) {
  if (v == null || Number.isNaN(v)) return "-";
  const a = Math.abs(v);
  return v.toFixed(a >= 1000 ? 0 : a >= 10 ? 1 : 2);
}

/** The results as a table: one row per measurement. */
function table(rows) {
  const t = document.createElement("table");
  const head = t.createTHead().insertRow();
  for (const h of ["benchmark", "ours", "baseline", "ratio", "target", "met"]) {
    head.appendChild(document.createElement("th")).textContent = h;
  }
  const body = t.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    const cells = [
      r.name,
      r.ours == null ? "-" : `${fmt(r.ours)} ${r.unit}`,
      r.baseline == null ? "-" : `${fmt(r.baseline)} ${r.unit}`,
      r.ratio == null ? "-" : `${fmt(r.ratio)}×`,
      r.target || "-",
      r.met == null ? "-" : r.met ? "yes" : "NO",
    ];
    for (const c of cells) tr.insertCell().textContent = c;
    if (r.met === false) tr.className = "missed";
  }
  return t;
}

async function main() {
  const params = new URLSearchParams(location.search);
  const config = params.has("config") ? JSON.parse(params.get("config")) : {};
  if (!config.only || config.only.includes("crawl")) await slowWeb();
  await init();
  installTimerProbe();
  const results = await run_benchmarks(config);
  window.benchResults = results;
  document.getElementById("out").replaceWith(table(results.rows));
}

main().catch((e) => {
  window.benchError = String((e && e.stack) || e);
  document.getElementById("out").textContent = "error: " + window.benchError;
});
