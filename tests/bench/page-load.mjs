// Page load: how soon a visit to lesson 1 can run, in headless Chromium against a release build
// of the site. Each visit starts `asyncTutor.run` on lesson 1's crawl (1 page, no latency) the
// moment the API is installed and times, from navigation start, when `asyncTutor` was ready,
// when the lesson's first card was on the page, and when that first run finished.
//
//   node tests/bench/page-load.mjs [SITE_DIR] [--visits=N]
//
// Cold: a fresh browser profile each visit (no HTTP cache, no service worker). Warm: one
// profile, after a first visit has installed the service worker and its cache. Medians of N
// visits (5 unless given) against issue 17's targets; a missed target is reported, not a failure.

import { resolve } from "node:path";

import { serve } from "../e2e/server.mjs";
import { launch } from "../e2e/browser.mjs";
import { waitForPrecache } from "../e2e/deploy.mjs";

const args = process.argv.slice(2);
const site = resolve(args.find((a) => !a.startsWith("--")) ?? new URL("../../dist", import.meta.url).pathname);
const visits = Number(args.find((a) => a.startsWith("--visits="))?.slice("--visits=".length) ?? 5);

const TARGETS = { coldMs: 1000, warmMs: 300 };
const PATH = "#/01-blocking";

/** Runs in the page before any of its scripts: times the API, the first card and the run. */
function timeVisit() {
  const marks = {};
  window.__pageLoad = marks;
  let api;
  Object.defineProperty(window, "asyncTutor", {
    configurable: true,
    get: () => api,
    set(value) {
      api = value;
      marks.readyMs = performance.now();
      value.run("01-blocking", "crawl", { pages: 1, latency_ms: 0 }).then((report) => {
        marks.runMs = performance.now();
        marks.error = report.error ?? null;
        marks.network = report.network;
      });
    },
  });
  new MutationObserver((_, observer) => {
    if (document.querySelector("article.lesson .card")) {
      marks.cardMs = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
}

/** One visit of `page` to the site: its marks once the run has finished. */
async function visit(page, url) {
  await page.goto("about:blank");
  await page.goto(url);
  await page.waitForFunction(() => window.__pageLoad?.runMs !== undefined, null, { timeout: 30000 });
  const marks = await page.evaluate(() => window.__pageLoad);
  if (marks.error) throw new Error(`the first run failed: ${marks.error}`);
  return marks;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summary(label, runs, target) {
  const m = (key) => median(runs.map((r) => r[key]));
  const run = m("runMs");
  const verdict = run <= target ? "ok" : "MISSED";
  return (
    `${label.padEnd(5)} ready ${m("readyMs").toFixed(0).padStart(5)} ms · first card ${m("cardMs").toFixed(0).padStart(5)} ms · ` +
    `first run finished ${run.toFixed(0).padStart(5)} ms (target ≤ ${target} ms: ${verdict}; ` +
    `${runs.map((r) => r.runMs.toFixed(0)).join(", ")}; network ${runs[0].network})`
  );
}

const server = await serve(site);
const browser = await launch();
try {
  const url = server.url + PATH;
  const cold = [];
  for (let i = 0; i < visits; i++) {
    const context = await browser.newContext();
    await context.addInitScript(timeVisit);
    cold.push(await visit(await context.newPage(), url));
    await context.close();
  }
  const context = await browser.newContext();
  await context.addInitScript(timeVisit);
  const page = await context.newPage();
  await visit(page, url);
  await waitForPrecache(page);
  const warm = [];
  for (let i = 0; i < visits; i++) warm.push(await visit(page, url));
  await context.close();

  console.log(`page load: ${PATH}, asyncTutor.run of crawl (1 page, no latency), median of ${visits} visits`);
  console.log("  " + summary("cold", cold, TARGETS.coldMs));
  console.log("  " + summary("warm", warm, TARGETS.warmMs));
} finally {
  await browser.close();
  await server.close();
}
