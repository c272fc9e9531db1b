// The snippet card's views of a run in headless Chromium, by real clicks and keys: task lanes
// and blocked segments, the inspector, the replay scrubber, virtual time.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

import { waitForNetwork } from "./browser.mjs";
import { card, runCard, setKnobs, site } from "./card.mjs";

const openSite = site();

async function open(path, options) {
  const page = await openSite(path, options);
  await waitForNetwork(page);
  return page;
}

const position = (page, snippet) =>
  page.getAttribute(`${card(snippet)} .replay .position`, "data-shown").then(Number);

describe("the snippet card", () => {
  test("a blocking crawl shows its main task blocked once per page", { timeout: 30000 }, async () => {
    const page = await open("#/01-blocking");
    await setKnobs(page, "crawl", { pages: 3, latency_ms: 200 });
    assert.equal((await runCard(page, "crawl")).state, "done");
    const main = `${card("crawl")} g.task-lane[data-label="main"]`;
    assert.equal(await page.locator(`${main} rect.seg.blocked`).count(), 3);
    assert.equal(await page.locator(`${card("crawl")} g.request-lane`).count(), 3);
    // The same facts as a table, for screen readers.
    await page.click(`${card("crawl")} .timeline-table summary`);
    const rows = await page.locator(`${card("crawl")} .timeline-table tbody tr`).allTextContents();
    assert.equal(rows.filter((r) => r.startsWith("main") && r.includes("blocked")).length, 3);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("the inspector and the replay scrubber step through the trace", { timeout: 30000 }, async () => {
    const page = await open("#/08-async-await");
    await setKnobs(page, "crawl", { pages: 3, latency_ms: 100 });
    assert.equal((await runCard(page, "crawl")).state, "done");
    const c = card("crawl");
    // At the end every task is done and nothing is in flight.
    const total = await position(page, "crawl");
    assert.ok(total > 20, `${total} events`);
    assert.equal(await page.locator(`${c} .inspector tr.task`).count(), 4);
    assert.equal(await page.locator(`${c} .inspector tr.task.done`).count(), 4);
    assert.equal(await page.textContent(`${c} .inspector .in-flight`), "none");

    // Back to the start, then five steps forward and two back, by keyboard on the scrubber.
    await page.fill(`${c} .scrubber`, "0");
    assert.equal(await position(page, "crawl"), 0);
    await page.focus(`${c} .scrubber`);
    for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
    assert.equal(await position(page, "crawl"), 5);
    for (let i = 0; i < 2; i++) await page.keyboard.press("ArrowLeft");
    assert.equal(await position(page, "crawl"), 3);
    // Three events in: main was spawned, polled once... the inspector says so.
    const tasks = await page.locator(`${c} .inspector tr.task`).count();
    assert.ok(tasks >= 1 && tasks < 4, `${tasks} tasks after 3 events`);
    assert.ok(await page.locator(`${c} svg.timeline line.cursor`).count(), "a cursor marks the moment");

    // Find the moment all three requests are in flight: the inspector lists them.
    let inFlight = 0;
    for (let i = 3; i < total && inFlight < 3; i++) {
      await page.click(`${c} .replay .step-forward`);
      inFlight = await page.locator(`${c} .inspector .in-flight li`).count();
    }
    assert.equal(inFlight, 3);
    assert.equal(await page.locator(`${c} .inspector tr.task.done`).count(), 0);
    assert.match(await page.textContent(`${c} .inspector .in-flight`), /page 1/);
    // The output shows only what was printed up to that moment.
    assert.equal(await page.locator(`${c} .output li:not(.placeholder)`).count(), 0);
    // The end again: everything printed.
    await page.fill(`${c} .scrubber`, String(total));
    assert.equal(await page.locator(`${c} .output li`).count(), 4);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("Step polls one task per click; back and forth revisits the steps; Run goes to the end", { timeout: 30000 }, async () => {
    const page = await open("#/08-async-await");
    const c = card("crawl");
    await setKnobs(page, "crawl", { pages: 3, latency_ms: 100 });
    const polls = () => page.textContent(`${c} .inspector [data-counter="polls"] b`).then(Number);
    await page.click(`${c} button.step`);
    await page.waitForSelector(`${c}[data-state="stepping"]`);
    // Paused before the first poll: main is next in the ready queue.
    await page.waitForSelector(`${c} .inspector .ready-queue li.next`);
    assert.equal(await page.textContent(`${c} .inspector .ready-queue li.next`), "main");
    assert.equal(await polls(), 0);
    for (let n = 1; n <= 5; n++) {
      await page.click(`${c} button.step`);
      await page.waitForFunction(
        ([sel, n]) => Number(document.querySelector(sel)?.textContent) === n,
        [`${c} .inspector [data-counter="polls"] b`, n],
      );
    }
    // main spawned three pages and waits for the first; pages 1-3 have each been polled once
    // and wait for their requests; the fifth step polled... whichever came next.
    assert.equal(await page.locator(`${c} .inspector tr.task`).count(), 4);
    assert.equal(await page.textContent(`${c} .inspector tr[data-task="1"] .phase`), "waiting for task 2");
    // Two steps back: three polls made, and the view is of that moment.
    await page.click(`${c} .replay .step-back`);
    await page.click(`${c} .replay .step-back`);
    assert.equal(await polls(), 3);
    assert.equal(await page.getAttribute(c, "data-state"), "stepping");
    // A live step returns to the present and makes the sixth poll.
    await page.click(`${c} button.step`);
    await page.waitForFunction(
      (sel) => Number(document.querySelector(sel)?.textContent) >= 6,
      `${c} .inspector [data-counter="polls"] b`,
    );
    // Run to end.
    assert.equal((await page.textContent(`${c} button.run`)).trim(), "Run to end");
    await page.click(`${c} button.run`);
    await page.waitForSelector(`${c}[data-state="done"]`, { timeout: 10000 });
    assert.equal(await page.locator(`${c} .output li`).count(), 4);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("knobs are remembered per snippet across a reload, and Reset forgets them", { timeout: 30000 }, async () => {
    const page = await open("#/08-async-await");
    await setKnobs(page, "crawl", { pages: 7, latency_ms: 250 });
    await page.reload();
    await waitForNetwork(page);
    assert.equal(await page.inputValue("#snippet-crawl-pages"), "7");
    assert.equal(await page.inputValue("#snippet-crawl-latency_ms"), "250");
    // Another snippet keeps its own defaults.
    assert.equal(await page.inputValue("#snippet-panic-pages"), "5");
    await page.click(`${card("crawl")} button.reset-knobs`);
    assert.equal(await page.inputValue("#snippet-crawl-pages"), "10");
    await page.reload();
    await waitForNetwork(page);
    assert.equal(await page.inputValue("#snippet-crawl-pages"), "10");
    assert.equal(await page.isDisabled(`${card("crawl")} button.reset-knobs`), true);
    await page.context().close();
  });

  test("Ctrl+Enter in a card runs it, with the keyboard alone", { timeout: 30000 }, async () => {
    const page = await open("#/08-async-await");
    await page.focus("#snippet-crawl-pages");
    await page.keyboard.press("Control+a");
    await page.keyboard.type("2");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Control+a");
    await page.keyboard.type("50");
    await page.keyboard.press("Control+Enter");
    await page.waitForSelector(`${card("crawl")}[data-state="done"]`, { timeout: 10000 });
    assert.equal(await page.locator(`${card("crawl")} .output li`).count(), 3);
    await page.context().close();
  });

  test("the theme and the language are switched at runtime and kept across a reload", { timeout: 30000 }, async () => {
    const page = await open("#/08-async-await");
    const theme = () => page.getAttribute("html", "data-theme");
    assert.equal(await theme(), "light"); // the system's (Playwright's default is light)
    await page.click('button[data-theme-choice="dark"]');
    assert.equal(await theme(), "dark");
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.click('.lang-switch button[lang="zh"]');
    assert.equal(await page.textContent(`${card("crawl")} button.run`), "运行");
    await page.reload();
    await waitForNetwork(page);
    assert.equal(await theme(), "dark");
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), bg);
    assert.equal(await page.getAttribute("html", "lang"), "zh");
    assert.equal(await page.textContent(`${card("crawl")} button.run`), "运行");
    // Auto follows the system again.
    await page.click('button[data-theme-choice="auto"]');
    assert.equal(await theme(), "light");
    await page.emulateMedia({ colorScheme: "dark" });
    await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
    await page.context().close();
  });

  test("progress: lessons visited and snippets run are kept, the last lesson reopens, Reset clears", { timeout: 30000 }, async () => {
    const page = await open("#/01-blocking");
    const sel = (lesson) => `nav.lessons li[data-lesson="${lesson}"] .progress`;
    const progress = (lesson) => page.textContent(sel(lesson));
    // Visited, nothing run yet (whatever number of cards the lesson has): no ✓ until all ran.
    await page.waitForFunction((s) => /^0\/\d+$/.test(document.querySelector(s)?.textContent ?? ""), sel("01-blocking"));
    assert.equal(await progress("08-async-await"), "");
    await page.click('nav.lessons a[href="#/08-async-await"]');
    await setKnobs(page, "crawl", { pages: 2, latency_ms: 10 });
    assert.equal((await runCard(page, "crawl")).state, "done");
    // One of the lesson's snippet cards has run.
    const cards = await page.locator("article .card[data-snippet]").count();
    assert.ok(cards >= 2, `${cards} cards`);
    assert.equal(await progress("08-async-await"), `1/${cards}`);
    // With no lesson in the URL, the site opens the one read last.
    await page.goto(page.url().split("#")[0]);
    await page.waitForSelector('article[data-lesson="08-async-await"]');
    assert.equal(await progress("08-async-await"), `1/${cards}`);
    await page.click("nav.lessons button.reset-progress");
    assert.equal(await progress("01-blocking"), "");
    assert.equal(await progress("08-async-await"), "");
    await page.context().close();
  });

  test("mid-run: a progress bar counts requests; after: output copies, errors end the log", { timeout: 30000 }, async () => {
    const page = await open("#/08-async-await", { permissions: ["clipboard-read", "clipboard-write"] });
    const c = card("crawl");
    await setKnobs(page, "crawl", { pages: 6, latency_ms: 1500 });
    await page.click(`${c} button.run`);
    await page.waitForSelector(`${c} .run-progress progress[max="6"]`);
    assert.match(await page.textContent(`${c} .run-progress`), /0 of 6 requests done/);
    await page.waitForSelector(`${c}[data-state="done"]`, { timeout: 10000 });
    assert.equal(await page.locator(`${c} .run-progress`).count(), 0);
    await page.click(`${c} button.copy-output`);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied.trim().split("\n").length, 7);
    assert.match(copied, /^\+\d+ ms  page \d: 2048 bytes/);
    await setKnobs(page, "crawl", { pages: 2, latency_ms: 10, fail_percent: 100 });
    assert.equal((await runCard(page, "crawl")).state, "failed");
    assert.match(await page.textContent(`${c} .output li.error`), /answered HTTP 500/);
    await page.context().close();
  });

  test("the source folds its boilerplate until Show all, and Copy takes the whole file", { timeout: 30000 }, async () => {
    const page = await open("#/08-async-await", { permissions: ["clipboard-read", "clipboard-write"] });
    const code = `${card("crawl")} pre.code`;
    const focus = await page.textContent(code);
    assert.match(focus, /async fn download/);
    assert.doesNotMatch(focus, /use tutor::/);
    assert.match(focus, /^\/\/ …/);
    await page.click(`${card("crawl")} button.show-all`);
    const all = await page.textContent(code);
    assert.match(all, /^\/\/! Download N pages at once/);
    assert.match(all, /tutor::knobs!/);
    assert.doesNotMatch(all, /ANCHOR/);
    await page.click(`${card("crawl")} button.copy-source`);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), all);
    await page.context().close();
  });

  test("axe-core finds no serious or critical problem on a lesson page, in either theme", { timeout: 120000 }, async () => {
    const axe = fileURLToPath(new URL("./node_modules/axe-core/axe.min.js", import.meta.url));
    // A card after a run shows every part: timeline, replay, inspector, output (a long log
    // scrolls in lessons 3 and 4). Heading levels and landmark names count at any impact.
    const runs = [
      ["08-async-await", "crawl", { pages: 3, latency_ms: 50 }, "light"],
      ["08-async-await", "crawl", { pages: 3, latency_ms: 50 }, "dark"],
      ["03-polling", "spin", { pages: 10, latency_ms: 200 }, "light"],
      ["04-callbacks", "steps", {}, "light"],
    ];
    for (const [lesson, snippet, knobs, colorScheme] of runs) {
      const page = await open(`#/${lesson}`, { colorScheme });
      await setKnobs(page, snippet, knobs);
      // Lesson 4's steps card fails on purpose (a broken page): its error shows too.
      assert.match((await runCard(page, snippet)).state, /^(done|failed)$/);
      await page.click(`${card(snippet)} .timeline-table summary`);
      await page.addScriptTag({ path: axe });
      const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      const bad = violations
        .filter((v) => v.impact === "serious" || v.impact === "critical" || ["heading-order", "landmark-unique"].includes(v.id))
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
      assert.deepEqual(bad, [], `${lesson}/${snippet}, ${colorScheme} theme`);
      await page.context().close();
    }
  });

  test("virtual time runs 10 × 1000 ms at once and reports 1000 ms", { timeout: 30000 }, async () => {
    const page = await open("#/08-async-await");
    await setKnobs(page, "crawl", { pages: 10, latency_ms: 1000 });
    await page.check(`${card("crawl")} input.virtual-time`);
    const started = Date.now();
    const run = await runCard(page, "crawl");
    const took = Date.now() - started;
    assert.equal(run.state, "done");
    assert.equal(run.totalMs, 1000);
    assert.ok(took < 900, `the virtual run took ${took} ms of real time`);
    assert.match(await page.textContent(`${card("crawl")} .network-note`), /virtual/);
    assert.equal(await page.locator(`${card("crawl")} g.request-lane.done`).count(), 10);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
