// Big runs: opens the heaviest cards at their maximum knobs in headless Chromium against a
// release build of the site and reports, against the targets of issue 14, the longest frame
// gap while the run streams in and after, the renderers' memory (PSS: shared pages counted
// once) before, at the peak and after leaving the lesson, the timeline's DOM
// nodes, how long a move of the replay scrubber and a step back take, and how soon Stop acts.
//
//   node tests/bench/big-runs.mjs [SITE_DIR] [--only=snippet,…] [--shot=DIR]
//
// SITE_DIR defaults to dist/ (`trunk build --release`). Missed targets are reported, not
// failures. `--shot` saves a screenshot of each card's timeline there.

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

import { serve } from "../e2e/server.mjs";
import { launch, newPage, waitForNetwork, watchFrames } from "../e2e/browser.mjs";
import { scrub, stepBack, stop, timelineNodes } from "../e2e/measure.mjs";

const args = process.argv.slice(2);
const site = resolve(args.find((a) => !a.startsWith("--")) ?? new URL("../../dist", import.meta.url).pathname);
const only = args.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",");
const shotDir = args.find((a) => a.startsWith("--shot="))?.slice("--shot=".length);

/** The heaviest cards: [lesson, snippet, knobs, virtual time]. */
const CARDS = [
  ["03-polling", "one_by_one", { pages: 20, latency_ms: 3000 }, false],
  ["03-polling", "spin", { pages: 50, latency_ms: 3000 }, false],
  ["08-async-await", "many", { tasks: 50000, sleep_ms: 200 }, true],
];

const TARGETS = { frameGapMs: 100, memoryMb: 300, domNodes: 10000, scrubMs: 50, stopMs: 100 };

/**
 * A process's proportional set size in MB: its own pages, plus its share of the pages it shares
 * with other processes (Chromium's code, shared with the zygote and every other renderer).
 * Resident size would count those shared pages once per renderer.
 */
function pssMb(pid) {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    return Number(rollup.match(/^Pss:\s+(\d+)/m)?.[1] ?? 0) / 1024;
  } catch {
    return 0; // it ended meanwhile
  }
}

/** Chromium renderer processes: [pid, PSS MB, user-data-dir]. */
function renderers() {
  try {
    const out = execFileSync("ps", ["-eo", "pid,args", "--cols", "8000"], { encoding: "utf8" });
    return out
      .split("\n")
      .filter((l) => l.includes("--type=renderer"))
      .map((l) => {
        const pid = l.trim().split(/\s+/)[0];
        return [pid, pssMb(pid), l.match(/--user-data-dir=(\S+)/)?.[1]];
      });
  } catch {
    return [];
  }
}

/** Memory of the renderer processes (page, its workers, the service worker) of the browser whose profile is `dir`, in MB. */
const rendererMb = (dir) => renderers().filter((r) => r[2] === dir).reduce((sum, r) => sum + r[1], 0);

async function measure(browser, url, profile, [lesson, snippet, knobs, virtualTime]) {
  const page = await newPage(browser);
  const c = `.card[data-snippet="${snippet}"]`;
  await page.goto(`${url}#/${lesson}`);
  await waitForNetwork(page);
  for (const [name, value] of Object.entries(knobs)) await page.fill(`#snippet-${snippet}-${name}`, String(value));
  if (virtualTime) await page.check(`${c} input.virtual-time`);
  await page.waitForTimeout(1000);
  const beforeMb = rendererMb(profile);
  let peakMb = 0;
  const sampler = setInterval(() => (peakMb = Math.max(peakMb, rendererMb(profile))), 250);
  const gap = await watchFrames(page);
  const started = Date.now();
  await page.click(`${c} button.run`);
  await page.waitForSelector(`${c}:is([data-state="done"], [data-state="failed"], [data-state="stopped"])`, { timeout: 180000 });
  const runMs = Date.now() - started;
  const gapRun = await gap();
  // After the run: the page settles, then the scrubber is moved to points over the trace.
  await page.evaluate(() => (window.__longestFrameGap = 0));
  await page.waitForTimeout(500);
  const dom = await timelineNodes(page, c);
  const max = Number(await page.getAttribute(`${c} .scrubber`, "max"));
  const scrubs = [];
  for (const f of [0.5, 0.1, 0.9, 0.25, 0.75, 0.6]) scrubs.push(await scrub(page, c, Math.round(max * f)));
  // A step back (◀) is a seek to the event before, which replays from the nearest state
  // snapshot before it, as a scrubber move or a moment link's opening does.
  const backs = [];
  for (const f of [0.33, 0.8]) backs.push(await stepBack(page, c, Math.round(max * f)));
  const gapAfter = await gap();
  const domMid = await timelineNodes(page, c);
  clearInterval(sampler);
  peakMb = Math.max(peakMb, rendererMb(profile));
  if (shotDir) {
    await page.locator(`${c} .timeline-scroll`).screenshot({ path: `${shotDir}/${snippet}.png` });
  }
  const events = max;
  // Stop: a second run of a real-time card, stopped after three seconds of streaming; the time
  // from the click to the card saying "stopped" and painting it.
  let stopMs = null;
  if (!virtualTime) {
    await page.click(`${c} button.run`);
    await page.waitForTimeout(3000);
    stopMs = await stop(page, c);
  }
  // Leave the lesson; what the run held should go with it.
  await page.goto(`${url}#/00-concepts`);
  await page.waitForTimeout(2000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  await page.waitForTimeout(1000);
  const leftMb = rendererMb(profile);
  await page.context().close();
  return { snippet, knobs, runMs, events, gapRun, gapAfter, beforeMb, peakMb, leftMb, stopMs, dom: Math.max(dom, domMid), scrubMs: Math.max(...scrubs), scrubs, backMs: Math.max(...backs) };
}

const server = await serve(site);
// The browser's profile folder tells its renderers from other Chromiums on the machine.
const others = new Set(renderers().map((r) => r[2]));
const browser = await launch();
const warm = await newPage(browser);
await warm.goto("about:blank");
const profile = renderers().map((r) => r[2]).find((d) => d && !others.has(d));
await warm.context().close();
const rows = [];
try {
  for (const card of CARDS.filter((c) => !only || only.includes(c[1]))) {
    const r = await measure(browser, server.url, profile, card);
    rows.push(r);
    const ok = (v, t) => (v <= t ? "ok" : "MISSED");
    console.log(
      `${card[0]}/${r.snippet} ${JSON.stringify(r.knobs)}${card[3] ? " virtual" : ""}: run ${r.runMs} ms, ${r.events} events\n` +
        `  longest frame gap while running ${r.gapRun.toFixed(0)} ms (${ok(r.gapRun, TARGETS.frameGapMs)}), after ${r.gapAfter.toFixed(0)} ms (${ok(r.gapAfter, TARGETS.frameGapMs)})\n` +
        `  renderer memory (PSS) ${r.beforeMb.toFixed(0)} MB before, peak ${r.peakMb.toFixed(0)} MB (${ok(r.peakMb, TARGETS.memoryMb)}), ${r.leftMb.toFixed(0)} MB after leaving the lesson; timeline DOM nodes ${r.dom} (${ok(r.dom, TARGETS.domNodes)})\n` +
        `  scrubber move ${r.scrubMs.toFixed(0)} ms worst (${ok(r.scrubMs, TARGETS.scrubMs)}): ${r.scrubs.map((s) => s.toFixed(0)).join(", ")}; step back ${r.backMs.toFixed(0)} ms worst (${ok(r.backMs, TARGETS.scrubMs)})` +
        (r.stopMs === null ? "" : `\n  Stop acts in ${r.stopMs.toFixed(0)} ms (${ok(r.stopMs, TARGETS.stopMs)})`),
    );
  }
} finally {
  await browser.close();
  await server.close();
}
