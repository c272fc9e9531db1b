// Runs the executor benchmarks in headless Chromium and prints one table.
//
//   node tests/bench/run.mjs [SITE_DIR] [--smoke] [--rounds=N] [--config=JSON]
//
// SITE_DIR (default target/bench-site) must already hold index.html, bench.js, pkg/ (the
// wasm-bindgen output of crates/bench), sw.js and slow-web.js: `cargo xtask bench` builds it.
// `--smoke` (or BENCH_SMOKE=1) uses tiny sizes; `--config` (or BENCH_CONFIG) is merged into
// every page's config, e.g. '{"budget":4096,"scheduler":"microtask"}' for our executor's options
// or '{"only":["spawn"]}' to run one benchmark. Missed targets are reported, not failures: the
// exit status is 0 unless a benchmark could not run.

import { resolve } from "node:path";
import { serve } from "../e2e/server.mjs";
import { launch, newPage } from "../e2e/browser.mjs";

const args = process.argv.slice(2);
const smoke = args.includes("--smoke") || process.env.BENCH_SMOKE === "1";
const roundsArg = args.find((a) => a.startsWith("--rounds="))?.slice("--rounds=".length) ?? process.env.BENCH_ROUNDS;
const site = resolve(args.find((a) => !a.startsWith("--")) ?? new URL("../../target/bench-site", import.meta.url).pathname);

// Memory grows in 64 KiB pages: 100 000 pending tasks make the page a step of under a byte a task
// (10 000 made it 6.5 bytes, and both sides often landed on the same page count).
const SIZES = smoke
  ? { rounds: 1, tasks: 1000, wakes: 10000, sleeps: 200, sleepMaxMs: 50, pending: 1000, pages: 3, pageDelayMs: 100 }
  : { rounds: 5, tasks: 100000, wakes: 1000000, sleeps: 10000, sleepMaxMs: 1000, pending: 100000, pages: 10, pageDelayMs: 1000 };
const configArg = args.find((a) => a.startsWith("--config="))?.slice("--config=".length) ?? process.env.BENCH_CONFIG;
const EXTRA = configArg ? JSON.parse(configArg) : {};
if (roundsArg !== undefined) SIZES.rounds = Math.max(1, Number.parseInt(roundsArg, 10) || 1);

// Wasm memory only grows and freed memory is reused, so each memory measurement gets a fresh page.
const RUNS = [["memory-ours"], ["memory-baseline"], ["spawn", "wake", "sleep", "crawl"]];

/** Loads the bench page with `config` in a fresh browser context; resolves to its rows. */
async function runPage(browser, url, config) {
  const page = await newPage(browser);
  try {
    await page.goto(`${url}index.html?config=${encodeURIComponent(JSON.stringify(config))}`);
    await page.waitForFunction(() => window.benchResults || window.benchError, null, {
      timeout: 20 * 60 * 1000,
      polling: 250,
    });
    const { results, error } = await page.evaluate(() => ({
      results: window.benchResults,
      error: window.benchError,
    }));
    if (error) {
      const extra = page.errors.length ? `\npage errors:\n  ${page.errors.join("\n  ")}` : "";
      throw new Error(`${config.only.join(", ")}: ${error}${extra}`);
    }
    return results.rows;
  } finally {
    await page.context().close();
  }
}

/** Rows with the same name (ours and baseline measured in different pages) become one. */
function merge(rows) {
  const byName = new Map();
  for (const row of rows) {
    const seen = byName.get(row.name);
    if (!seen) {
      byName.set(row.name, { ...row });
      continue;
    }
    seen.ours ??= row.ours;
    seen.baseline ??= row.baseline;
    if (seen.ratio == null && seen.ours > 0 && seen.baseline != null) seen.ratio = seen.baseline / seen.ours;
  }
  // Memory is measured on each side in a page of its own: its target is judged once both are in.
  for (const row of byName.values()) {
    if (row.name.startsWith("memory per") && row.ours != null && row.baseline != null) {
      row.target = "ours ≤ baseline";
      row.met = row.ours <= row.baseline;
    }
  }
  return [...byName.values()];
}

function num(v) {
  if (v == null || Number.isNaN(v)) return "-";
  const a = Math.abs(v);
  return v.toFixed(a >= 1000 ? 0 : a >= 10 ? 1 : 2);
}

function table(rows) {
  const head = ["benchmark", "ours", "baseline", "ratio", "target", "met"];
  const body = rows.map((r) => [
    r.name,
    r.ours == null ? "-" : `${num(r.ours)} ${r.unit}`,
    r.baseline == null ? "-" : `${num(r.baseline)} ${r.unit}`,
    r.ratio == null ? "-" : `${r.ratio.toFixed(2)}×`,
    r.target || "-",
    r.met == null ? "-" : r.met ? "yes" : "NO",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const right = [false, true, true, true, false, false];
  const line = (cells) =>
    cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

const server = await serve(site);
const browser = await launch();
let status = 0;
try {
  const rows = [];
  const runs = EXTRA.only ? [EXTRA.only] : RUNS;
  for (const only of runs) rows.push(...(await runPage(browser, server.url, { ...SIZES, ...EXTRA, only })));
  const sizes = Object.entries({ ...SIZES, ...EXTRA }).map(([k, v]) => `${k}=${v}`).join(" ");
  console.log(`\nexecutor benchmarks (${smoke ? "smoke" : "full"}: ${sizes}; medians, throughput rows the best round; ratio = how many times better ours is)\n`);
  const merged = merge(rows);
  console.log(table(merged));
  const missed = merged.filter((r) => r.met === false).length;
  console.log(`\n${missed ? `${missed} target(s) missed (reported, not a failure)` : "every target met"}`);
} catch (e) {
  console.error(`bench: ${e.stack ?? e}`);
  status = 1;
} finally {
  await browser.close();
  await server.close();
}
process.exit(status);
