// Lesson 11, by real clicks: a sweep of the retries card over every limit on the virtual clock,
// drawn and tabled; on the slow web, everything at once meets 503s from an overloaded server, a
// semaphore keeps its limit, and the card counts the tasks by state while they run.

import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { waitForNetwork } from "./browser.mjs";
import { card, runCard, setKnobs, site } from "./card.mjs";

const open = site();

/** The lines in the card's output console. */
const outputLines = (page, snippet) =>
  page.$$eval(`${card(snippet)} .output li:not(.placeholder):not(.capped):not(.error) .line`, (ls) =>
    ls.map((l) => l.textContent),
  );

/** The task-state counts under the card's controls, as { state: count }. */
const taskStates = (page, snippet) =>
  page.$$eval(`${card(snippet)} .task-states li`, (ls) =>
    Object.fromEntries(ls.map((l) => [l.dataset.state, Number(l.querySelector("b").textContent)])),
  );

describe("lesson 11: bounded concurrency and retries", () => {
  for (const lang of ["en", "zh"]) {
    test(`the sweep runs the retries card for every limit and plots the knee (${lang})`, { timeout: 120000 }, async () => {
      const page = await open(`?lang=${lang}#/11-bounded/retries`);
      await waitForNetwork(page);
      const c = card("retries");
      const sweep = `${c} .sweep`;
      assert.equal(await page.textContent(`${sweep} button.sweep-run`), lang === "en" ? "Run 64 times" : "运行 64 次");
      await page.click(`${sweep} button.sweep-run`);
      await page.waitForSelector(`${sweep}[data-state="running"]`);
      await page.waitForSelector(`${sweep}[data-state="done"]`, { timeout: 110000 });
      const rows = await page.$$eval(`${sweep} .sweep-table tbody tr`, (rs) =>
        rs.map((r) => ({ value: Number(r.dataset.value), ms: Number(r.dataset.elapsedMs), peak: Number(r.dataset.peak), failed: Number(r.dataset.failed) })),
      );
      assert.deepEqual(rows.map((r) => r.value), Array.from({ length: 64 }, (_, i) => i + 1));
      // The virtual clock gives the native tests' numbers.
      const at = (v) => rows.find((r) => r.value === v);
      assert.equal(at(1).ms, 61487);
      assert.equal(at(16).ms, 4083);
      assert.equal(at(64).failed, 224);
      for (const r of rows) assert.equal(r.peak, r.value, `limit ${r.value}`);
      const fastest = Number(await page.getAttribute(`${sweep} .sweep-fastest`, "data-value"));
      assert.ok(fastest >= 14 && fastest <= 24, `fastest at ${fastest}`);
      // Three series of 64 dots each, and the card's own limit marked.
      assert.equal(await page.locator(`${sweep} svg.sweep-plot circle.dot`).count(), 3 * 64);
      assert.equal(await page.locator(`${sweep} svg.sweep-plot line.current`).count(), 1);
      assert.deepEqual(page.errors, []);
      if (process.env.SHOTS) await page.locator(sweep).screenshot({ path: `${process.env.SHOTS}/sweep-${lang}.png` });
      await page.context().close();
    });
  }

  test("on the slow web everything at once meets an overloaded server", { timeout: 60000 }, async () => {
    const page = await open("#/11-bounded/all_at_once");
    assert.equal(await waitForNetwork(page), "slow-web");
    await setKnobs(page, "all_at_once", { pages: 60, capacity: 4 });
    const run = await runCard(page, "all_at_once");
    assert.equal(run.state, "done");
    const [line] = await outputLines(page, "all_at_once");
    const [, ok, busy, failed] = line.match(/^(\d+) pages in, (\d+) turned away \(503\), (\d+) failed, in \d+ ms$/).map(Number);
    assert.equal(ok + busy + failed, 60, line);
    assert.ok(busy >= 20, `only ${busy} turned away: ${line}`);
    // All sixty were out together: the report says so.
    const report = await page.evaluate(() =>
      window.asyncTutor.run("11-bounded", "all_at_once", { pages: 60, capacity: 4 }),
    );
    assert.equal(report.trace.peakInFlight, 60);
    assert.equal(report.trace.requests, 60);
    assert.deepEqual(page.errors, []);
    if (process.env.SHOTS) await page.locator(card("all_at_once")).screenshot({ path: `${process.env.SHOTS}/all_at_once.png` });
    await page.context().close();
  });

  test("on the slow web a semaphore keeps its limit, and the retries card counts its tasks by state", { timeout: 90000 }, async () => {
    const page = await open("#/11-bounded/retries");
    assert.equal(await waitForNetwork(page), "slow-web");
    // Real requests through the service worker, counted from the run's own events.
    const report = await page.evaluate(() =>
      window.asyncTutor.run("11-bounded", "semaphore", { pages: 40, limit: 6, latency_ms: 100, jitter_ms: 0 }, { trace: "full" }),
    );
    assert.equal(report.error, null);
    assert.equal(report.network, "slowWeb");
    assert.equal(report.trace.peakInFlight, 6);
    assert.match(report.output[0].text, /^\d+ pages in, 0 turned away \(503\), \d+ failed, in \d+ ms$/);

    const c = card("retries");
    await setKnobs(page, "retries", { pages: 80, limit: 8, latency_ms: 100 });
    await page.click(`${c} button.run`);
    await page.waitForSelector(`${c}[data-state="running"]`);
    // While it runs: at most 8 downloading, the rest waiting or done.
    await page.waitForFunction(
      (sel) => [...document.querySelectorAll(`${sel} .task-states li`)].some((l) => l.dataset.state === "done" && Number(l.querySelector("b").textContent) > 0),
      c,
      { timeout: 20000 },
    );
    const live = await taskStates(page, "retries");
    assert.ok(live.downloading <= 8, JSON.stringify(live));
    assert.ok(live["waiting for a permit"] > 0, JSON.stringify(live));
    if (process.env.SHOTS) await page.locator(c).screenshot({ path: `${process.env.SHOTS}/retries-live.png` });
    await page.waitForSelector(`${c}[data-state="done"]`, { timeout: 60000 });
    const end = await taskStates(page, "retries");
    assert.equal(end.done + (end.failed ?? 0), 80, JSON.stringify(end));
    assert.equal(end.downloading, 0);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
