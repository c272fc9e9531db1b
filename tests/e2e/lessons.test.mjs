// The two first lessons in headless Chromium, driven by real clicks: render, run, stop, errors,
// deep links, knob validation, the no-service-worker fallback and the scripting API.

import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { waitForNetwork, watchFrames } from "./browser.mjs";
import { card, runCard, setKnobs, site } from "./card.mjs";

const openLesson = site();

describe("lessons on the slow web", () => {
  test("both lessons render, and blocking takes ≥ N × latency where async takes about one", { timeout: 90000 }, async () => {
    const page = await openLesson("#/01-blocking");
    assert.equal(await waitForNetwork(page), "slow-web");
    assert.equal(await page.textContent("article.lesson h1"), "Blocking calls");
    await setKnobs(page, "crawl", { pages: 10, latency_ms: 300 });
    const blocking = await runCard(page, "crawl");
    assert.equal(blocking.state, "done");
    assert.ok(blocking.totalMs >= 3000, `blocking total ${blocking.totalMs} ms`);
    assert.equal(await page.locator(`${card("crawl")} svg.timeline g.request-lane.done`).count(), 10);
    assert.equal(await page.locator(`${card("crawl")} .output li`).count(), 10);
    // The lanes form a staircase: each request starts after the previous one ended.
    const lanes = await page.$$eval(`${card("crawl")} g.request-lane`, (gs) =>
      gs.map((g) => [Number(g.dataset.startMs), Number(g.dataset.endMs)]),
    );
    for (let i = 1; i < lanes.length; i++) assert.ok(lanes[i][0] >= lanes[i - 1][1], `lane ${i + 1} overlaps`);

    await page.click('nav.lessons a[href="#/08-async-await"]');
    await page.waitForSelector('article[data-lesson="08-async-await"]');
    assert.equal(await page.textContent("article.lesson h1"), "async and .await");
    await setKnobs(page, "crawl", { pages: 10, latency_ms: 300 });
    const concurrent = await runCard(page, "crawl");
    assert.equal(concurrent.state, "done");
    assert.ok(concurrent.totalMs >= 300 && concurrent.totalMs <= 600, `async total ${concurrent.totalMs} ms`);
    const starts = await page.$$eval(`${card("crawl")} g.request-lane`, (gs) => gs.map((g) => Number(g.dataset.startMs)));
    assert.equal(starts.length, 10);
    assert.ok(Math.max(...starts) < 100, `all requests start together: ${starts}`);
    assert.match(await page.textContent(`${card("crawl")} .network-note`), /slow web/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("the freeze demo stops the page's frames while it blocks the page's thread, then the page recovers", { timeout: 30000 }, async () => {
    const page = await openLesson("#/01-blocking/freeze");
    await waitForNetwork(page);
    const c = card("freeze");
    // Nothing freezes without the reader's agreement.
    assert.equal(await page.isEnabled(`${c} button.run`), false);
    await page.check(`${c} input.consent`);
    await setKnobs(page, "freeze", { pages: 3, latency_ms: 500 });
    // A requestAnimationFrame counter of the test's own: the longest gap between frames.
    const longestGap = await watchFrames(page);
    const run = await runCard(page, "freeze");
    assert.equal(run.state, "done");
    const gap = await longestGap();
    assert.ok(gap >= 1400, `frames stopped for only ${gap} ms`);
    // The card reports the same stall, measured from the trace.
    const reported = Number(await page.getAttribute(`${c} .freeze-report`, "data-ms"));
    assert.ok(reported >= 1500 && reported < 2500, `reported ${reported} ms`);
    assert.ok(Math.abs(reported - gap) < 500, `reported ${reported} ms, frames stopped ${gap} ms`);
    // The page recovers: its frame counter moves on, and another card still runs.
    const frames = () => page.getAttribute(`${c} .frame-counter`, "data-frames").then(Number);
    const before = await frames();
    await page.waitForFunction(([sel, n]) => Number(document.querySelector(sel)?.dataset.frames) > n + 5, [`${c} .frame-counter`, before]);
    await setKnobs(page, "crawl", { pages: 2, latency_ms: 100 });
    assert.equal((await runCard(page, "crawl")).state, "done");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("Stop ends a long blocking run within 500 ms and the next run works", { timeout: 60000 }, async () => {
    const page = await openLesson("#/01-blocking");
    await waitForNetwork(page);
    await setKnobs(page, "crawl", { pages: 20, latency_ms: 3000 });
    await page.click(`${card("crawl")} button.run`);
    await page.waitForSelector(`${card("crawl")} svg.timeline g.request-lane.open`);
    // The worker's thread sits in a 3 s blocking call: the card says so.
    await page.waitForSelector(`${card("crawl")} .runner-blocked`, { timeout: 6000 });
    assert.match(await page.textContent(`${card("crawl")} .runner-blocked`), /blocked for \d+ s/);
    const started = Date.now();
    await page.click(`${card("crawl")} button.stop`);
    await page.waitForSelector(`${card("crawl")}[data-state="stopped"]`);
    const took = Date.now() - started;
    assert.ok(took < 500, `stop took ${took} ms`);
    assert.equal(await page.isEnabled(`${card("crawl")} button.run`), true);
    await setKnobs(page, "crawl", { pages: 2, latency_ms: 100 });
    const again = await runCard(page, "crawl");
    assert.equal(again.state, "done");
    assert.equal(await page.locator(`${card("crawl")} .output li`).count(), 2);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("a deep link opens its lesson and card, also after a reload", { timeout: 30000 }, async () => {
    const page = await openLesson("#/08-async-await/crawl");
    await page.waitForSelector('article[data-lesson="08-async-await"]');
    assert.equal(await page.getAttribute(`${card("crawl")}`, "class"), "card targeted");
    await page.reload();
    await page.waitForSelector('article[data-lesson="08-async-await"]');
    assert.equal(await page.textContent("article.lesson h1"), "async and .await");
    assert.equal(await page.getAttribute('nav.lessons a[aria-current="page"]', "href"), "#/08-async-await");
    await page.context().close();
  });

  test("an out-of-range knob shows a message and runs nothing", { timeout: 30000 }, async () => {
    const page = await openLesson("#/01-blocking");
    await waitForNetwork(page);
    await setKnobs(page, "crawl", { pages: 0 });
    assert.equal(await page.textContent("#snippet-crawl-pages-error"), "Pages must be a whole number from 1 to 50.");
    assert.equal(await page.isDisabled(`${card("crawl")} button.run`), true);
    await page.click(`${card("crawl")} button.run`, { force: true });
    await page.waitForTimeout(300);
    assert.equal(await page.getAttribute(card("crawl"), "data-state"), "idle");
    await setKnobs(page, "crawl", { pages: 3, latency_ms: 4000 });
    assert.match(await page.textContent("#snippet-crawl-latency_ms-error"), /from 0 to 3000/);
    await setKnobs(page, "crawl", { latency_ms: 10 });
    assert.equal(await page.textContent("#snippet-crawl-latency_ms-error"), "");
    assert.equal(await page.isEnabled(`${card("crawl")} button.run`), true);
    await page.context().close();
  });

  test("a failed fetch and a panic are shown on the card, and the page keeps working", { timeout: 60000 }, async () => {
    const page = await openLesson("#/08-async-await");
    await waitForNetwork(page);
    await setKnobs(page, "crawl", { pages: 3, latency_ms: 50, fail_percent: 100 });
    const failed = await runCard(page, "crawl");
    assert.equal(failed.state, "failed");
    const fetchError = await page.textContent(`${card("crawl")} .run-error`);
    assert.match(fetchError, /api\/page\/\d\?delay=50&fail=100 answered HTTP 500/);

    const panicked = await runCard(page, "panic");
    assert.equal(panicked.state, "failed");
    const panicError = await page.textContent(`${card("panic")} .run-error`);
    assert.match(panicError, /The snippet panicked: every page has a <title> \(at lessons\/08-async-await\/panic\.rs:\d+:\d+\)/);
    assert.equal(await page.locator(`${card("panic")} g.lane.open`).count(), 0, "no lane waits after the runner died");

    await setKnobs(page, "crawl", { fail_percent: 0 });
    const recovered = await runCard(page, "crawl");
    assert.equal(recovered.state, "done");
    await page.context().close();
  });

  test("on a Chinese page a failed fetch and a panic are told in Chinese, around the snippet's own words", { timeout: 60000 }, async () => {
    const page = await openLesson("?lang=zh#/08-async-await");
    await page.waitForSelector('article[lang="zh"]');
    await waitForNetwork(page);
    await setKnobs(page, "crawl", { pages: 3, latency_ms: 50, fail_percent: 100 });
    const failed = await runCard(page, "crawl");
    assert.equal(failed.state, "failed");
    const fetchError = await page.textContent(`${card("crawl")} .run-error`);
    assert.match(fetchError, /\/api\/page\/\d\?delay=50&fail=100 返回了 HTTP 500$/);
    // The output console ends with the same words.
    assert.equal(await page.textContent(`${card("crawl")} .output li.error .line`), fetchError);

    const panicked = await runCard(page, "panic");
    assert.equal(panicked.state, "failed");
    const panicError = await page.textContent(`${card("panic")} .run-error`);
    // The panic's message is the snippet's, as written; the framing and the place are ours.
    assert.match(panicError, /^代码片段发生了 panic：every page has a <title>（位于 lessons\/08-async-await\/panic\.rs:\d+:\d+）$/);
    assert.equal(await page.textContent(`${card("panic")} .status`), "失败");

    // The scripting API answers in the page's language too.
    const refused = await page.evaluate(() => window.asyncTutor.run("08-async-await", "crawl", { pages: 99 }));
    assert.equal(refused.error, "pages 必须是 1 到 50 之间的整数（收到的是 99）");
    assert.deepEqual(refused.failure, { kind: "knobs", errors: [{ kind: "outOfRange", name: "pages", min: 1, max: 50, got: 99 }] });
    assert.deepEqual(page.errors.filter((e) => !/panicked|RuntimeError|unreachable/.test(e)), []);
    await page.context().close();
  });

  test("the Chinese version renders with ?lang=zh", { timeout: 30000 }, async () => {
    const page = await openLesson("?lang=zh#/01-blocking");
    await page.waitForSelector('article[lang="zh"]');
    assert.equal(await page.textContent("article.lesson h1"), "阻塞调用");
    assert.equal(await page.textContent(`${card("crawl")} button.run`), "运行");
    assert.equal(await page.getAttribute("html", "lang"), "zh");
    await page.context().close();
  });
});

describe("without a service worker", () => {
  test("runs fall back to the virtual network and say so", { timeout: 30000 }, async () => {
    const page = await openLesson("#/08-async-await", { serviceWorkers: "block" });
    assert.equal(await waitForNetwork(page), "virtual");
    const run = await runCard(page, "crawl");
    assert.equal(run.state, "done");
    assert.equal(run.totalMs, 1000, "10 pages × 1000 ms in virtual time take exactly 1000 ms");
    assert.match(await page.textContent(`${card("crawl")} .network-note`), /virtual network/);
    await page.context().close();
  });
});

describe("window.asyncTutor", () => {
  test("lists lessons and runs a snippet to a report", { timeout: 30000 }, async () => {
    const page = await openLesson("#/01-blocking");
    await page.waitForFunction(() => window.asyncTutor);
    const lessons = await page.evaluate(() => window.asyncTutor.lessons());
    // Every lesson the navigation lists, in course order.
    const ids = lessons.map((l) => l.id);
    const nav = await page.$$eval("nav.lessons li[data-lesson]", (lis) => lis.map((li) => li.dataset.lesson));
    assert.deepEqual(ids, nav);
    assert.deepEqual(ids, [...ids].sort());
    assert.ok(ids.includes("01-blocking") && ids.includes("08-async-await"), `${ids}`);
    const crawl = lessons.find((l) => l.id === "08-async-await").snippets.find((s) => s.id === "crawl");
    assert.deepEqual(crawl.knobs[0], { name: "pages", min: 1, max: 50, default: 10, unit: "" });

    const report = await page.evaluate(() =>
      window.asyncTutor.run("08-async-await", "crawl", { pages: 3, latency_ms: 200 }),
    );
    assert.equal(report.error, null);
    assert.equal(report.network, "slowWeb");
    assert.ok(report.elapsedMs >= 200 && report.elapsedMs < 600, `elapsed ${report.elapsedMs}`);
    assert.equal(report.output.length, 4);
    assert.equal(report.trace.requests, 3);

    const refused = await page.evaluate(() => window.asyncTutor.run("01-blocking", "crawl", { pages: 99 }));
    assert.equal(refused.error, "pages must be a whole number from 1 to 50 (got 99)");
    assert.equal(refused.trace.requests, 0);
    await page.context().close();
  });

  test("runs under each scheduler, and on the virtual clock on request", { timeout: 30000 }, async () => {
    const page = await openLesson("#/08-async-await");
    await page.waitForFunction(() => window.asyncTutor);
    for (const scheduler of ["microtask", "message-channel", "timeout"]) {
      const report = await page.evaluate(
        (scheduler) => window.asyncTutor.run("08-async-await", "crawl", { pages: 4, latency_ms: 200 }, { scheduler }),
        scheduler,
      );
      assert.equal(report.error, null, scheduler);
      assert.equal(report.network, "slowWeb", scheduler);
      assert.ok(report.elapsedMs >= 200 && report.elapsedMs < 700, `${scheduler}: elapsed ${report.elapsedMs}`);
      assert.equal(report.trace.requests, 4, scheduler);
    }
    const virtual = await page.evaluate(() =>
      window.asyncTutor.run("08-async-await", "crawl", { pages: 4, latency_ms: 200 }, { virtualTime: true }),
    );
    assert.equal(virtual.network, "virtual");
    assert.equal(virtual.elapsedMs, 200);
    const bad = await page.evaluate(() =>
      window.asyncTutor.run("08-async-await", "crawl", {}, { scheduler: "requestAnimationFrame" }),
    );
    assert.match(bad.error, /bad run options: unknown variant `requestAnimationFrame`/);
    await page.context().close();
  });

  test("with trace: \"full\" the report lists the run's events: wake origins, aborts, requests", { timeout: 30000 }, async () => {
    const page = await openLesson("#/09-executor");
    await page.waitForFunction(() => window.asyncTutor);
    const report = await page.evaluate(() =>
      window.asyncTutor.run("09-executor", "wakers", { deadline_ms: 100 }, { virtualTime: true, trace: "full" }),
    );
    assert.equal(report.error, null);
    assert.equal(report.events.length, report.trace.events);
    const kinds = report.events.map((r) => r.event.kind);
    assert.equal(kinds.filter((k) => k === "fetchStart").length, 2);
    assert.equal(kinds.filter((k) => k === "fetchAbort").length, 1);
    // The deadline's timer woke "page or deadline" (task 3); its join woke main (task 1).
    const wakes = report.events.filter((r) => r.event.kind === "wake").map((r) => [r.event.task, r.event.by.kind]);
    assert.ok(wakes.some(([t, by]) => t === 3 && by === "timer"), JSON.stringify(wakes));
    assert.ok(wakes.some(([t, by]) => t === 1 && by === "task"), JSON.stringify(wakes));
    // Times are in microseconds, in order.
    const times = report.events.map((r) => r.tUs);
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    assert.equal(report.events.find((r) => r.event.kind === "fetchAbort").tUs, 100000);
    assert.equal(times.at(-1), 300000);
    // Without it, no events; a bad value is an error like any other.
    const summary = await page.evaluate(() => window.asyncTutor.run("09-executor", "wakers", {}, { virtualTime: true }));
    assert.equal(summary.events, undefined);
    const bad = await page.evaluate(() => window.asyncTutor.run("09-executor", "wakers", {}, { trace: "all" }));
    assert.match(bad.error, /bad run options: unknown variant `all`/);
    await page.context().close();
  });
});
