// Worker threads in headless Chromium, by real clicks: lesson 2's pool of Web Workers really
// downloads in parallel through the service worker and reports its start-up and memory, the
// counter adds up the workers' messages, and lesson 0 draws one thread taking turns against
// two threads at once.

import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { waitForNetwork } from "./browser.mjs";
import { card, runCard, setKnobs, site } from "./card.mjs";

const openSite = site();

async function open(path, options) {
  const page = await openSite(path, options);
  await waitForNetwork(page);
  return page;
}

const output = (page, snippet) => page.$$eval(`${card(snippet)} .output li .line`, (ls) => ls.map((l) => l.textContent));

/** [start, end] (drawing units) of every segment of `kind` in the lanes `lanes` selects. */
const segments = (page, lanes, kind) =>
  page.$$eval(`${lanes} rect.seg.${kind}`, (rs) => rs.map((r) => [Number(r.getAttribute("x")), Number(r.getAttribute("x")) + Number(r.getAttribute("width"))]));

describe("worker threads", () => {
  test("a pool of workers downloads the pages side by side and reports its start-up and memory", { timeout: 60000 }, async () => {
    const page = await open("#/02-threads");
    await setKnobs(page, "pool", { pages: 4, latency_ms: 600, workers: 4 });
    const { state, totalMs } = await runCard(page, "pool");
    assert.equal(state, "done");
    const lines = await output(page, "pool");
    const startup = Number(lines[0].match(/^4 workers ready after (\d+) ms$/)?.[1]);
    assert.ok(startup > 0 && startup < 5000, lines[0]);
    const mb = Number(lines[1].match(/heap of its own: ([\d.]+) MB/)?.[1]);
    assert.ok(mb > 0.1 && mb < 500, lines[1]);
    assert.equal(lines.filter((l) => /^page \d: 2048 bytes$/.test(l)).length, 4, lines.join("\n"));
    // One latency after the start-up, not four: the blocking calls overlapped.
    assert.ok(totalMs >= startup + 600 && totalMs < startup + 600 + 800, `total ${totalMs}, start-up ${startup}`);
    // A lane per worker: starting, then one job each, the jobs overlapping in time.
    assert.equal(await page.locator(`${card("pool")} g.worker-lane`).count(), 4);
    assert.equal((await segments(page, `${card("pool")} g.worker-lane`, "starting")).length, 4);
    const jobs = await segments(page, `${card("pool")} g.worker-lane`, "job");
    assert.equal(jobs.length, 4);
    assert.ok(Math.max(...jobs.map((j) => j[0])) < Math.min(...jobs.map((j) => j[1])), JSON.stringify(jobs));
    // The inspector lists the workers, each idle again, with its heap.
    const workers = await page.$$eval(`${card("pool")} .inspector .workers li.worker`, (ls) => ls.map((l) => l.textContent));
    assert.equal(workers.length, 4);
    assert.match(workers[0], /^worker 1: idle · [\d.]+ MB$/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("one worker takes one latency per page, like blocking calls", { timeout: 60000 }, async () => {
    const page = await open("#/02-threads");
    await setKnobs(page, "pool", { pages: 3, latency_ms: 300, workers: 1 });
    const { state, totalMs } = await runCard(page, "pool");
    assert.equal(state, "done");
    assert.ok(totalMs >= 900, `total ${totalMs}`);
    assert.equal((await segments(page, `${card("pool")} g.worker-lane`, "job")).length, 3);
    await page.context().close();
  });

  test("the counter is the sum of the workers' messages, in Chinese too", { timeout: 60000 }, async () => {
    const page = await open("?lang=zh#/02-threads");
    await setKnobs(page, "counter", { pages: 4, latency_ms: 200, workers: 2 });
    const { state } = await runCard(page, "counter");
    assert.equal(state, "done");
    let total = 0;
    for (const [i, line] of (await output(page, "counter")).entries()) {
      const [, n, words, running] = line.match(/^page (\d) sent (\d+) words; total (\d+)$/);
      assert.equal(Number(n), i + 1);
      total += Number(words);
      assert.equal(Number(running), total);
    }
    assert.ok(total > 400, `${total} words`);
    await page.context().close();
  });

  test("lesson 0: two tasks take turns on one thread, two workers run at once", { timeout: 60000 }, async () => {
    const page = await open("#/00-concepts");
    const c = "#compare-interleave-parallel";
    await page.fill(`${c}-slices`, "4");
    await page.fill(`${c}-slice_ms`, "100");
    await page.click(`${c} button.run`);
    await page.waitForSelector(`${c}[data-state="done"]`, { timeout: 30000 });
    // One thread: the running stretches of A and B never overlap.
    const running = (label) =>
      page.$$eval(`${c} g.lane[data-group="0"][data-label="${label}"] rect.seg.running`, (rs) =>
        rs.filter((r) => Number(r.getAttribute("width")) > 3).map((r) => [Number(r.getAttribute("x")), Number(r.getAttribute("x")) + Number(r.getAttribute("width"))]),
      );
    const [a, b] = [await running("A"), await running("B")];
    assert.ok(a.length >= 4 && b.length >= 4, JSON.stringify({ a, b }));
    for (const [a0, a1] of a) for (const [b0, b1] of b) assert.ok(a1 <= b0 + 1 || b1 <= a0 + 1, JSON.stringify({ a, b }));
    // Two workers: their jobs overlap.
    const jobs = await segments(page, `${c} g.worker-lane[data-group="1"]`, "job");
    assert.equal(jobs.length, 2);
    assert.ok(Math.max(jobs[0][0], jobs[1][0]) < Math.min(jobs[0][1], jobs[1][1]), JSON.stringify(jobs));
    // 800 ms of work on one thread against 400 ms on each of two, plus their start-up.
    const factor = Number(await page.getAttribute(`${c} .compare-figure`, "data-factor"));
    assert.ok(factor > 1.1 && factor < 2.2, `speed-up ${factor}`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
