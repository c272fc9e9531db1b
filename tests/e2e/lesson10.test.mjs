// Lesson 10, by real clicks on the slow web: the losing mirror's request is aborted, a deadline
// aborts everything still in flight, abort cancels a task while a dropped handle does not, a
// scope cancels the siblings of a failed task, and a careless select loop loses pages.

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

/** Lanes of a card's (or comparison's) timeline: kind, label, how it ended, and its group. */
const lanes = (page, selector) =>
  page.$$eval(`${selector} svg.timeline g.lane`, (ls) =>
    ls.map((l) => ({
      kind: l.classList.contains("request-lane") ? "request" : l.classList.contains("task-lane") ? "task" : "other",
      label: l.dataset.label,
      cancelled: l.classList.contains("cancelled"),
      group: l.dataset.group,
    })),
  );

/** Runs a comparison and waits until both sides are done. */
async function runCompare(page, selector, timeout = 30000) {
  await page.click(`${selector} button.run`);
  await page.waitForSelector(`${selector}:is([data-state="done"], [data-state="failed"], [data-state="stopped"])`, { timeout });
  assert.equal(await page.getAttribute(selector, "data-state"), "done");
  return Number(await page.getAttribute(`${selector} .compare-figure`, "data-factor"));
}

describe("lesson 10: coordinating tasks", () => {
  test("the first mirror to answer wins and the other's request is aborted", { timeout: 60000 }, async () => {
    const page = await open("#/10-coordinating");
    assert.equal(await waitForNetwork(page), "slow-web");
    const compare = "#compare-both-first";
    const factor = await runCompare(page, compare);
    // 900 ms against 300 ms, with room for a busy machine.
    assert.ok(factor > 2 && factor < 3.6, `speed-up ${factor}`);
    const all = await lanes(page, compare);
    const cancelled = (g) => all.filter((l) => l.group === g && l.kind === "request" && l.cancelled).length;
    assert.equal(cancelled("0"), 0, JSON.stringify(all));
    assert.equal(cancelled("1"), 1, JSON.stringify(all));
    assert.deepEqual(page.errors, []);
    if (process.env.SHOTS) await page.locator(compare).screenshot({ path: `${process.env.SHOTS}/mirrors.png` });
    // The scripting API hands over the same events: one request started, one aborted.
    const run = await page.evaluate(() => window.asyncTutor.run("10-coordinating", "first", {}, { trace: "full" }));
    assert.equal(run.error, null);
    assert.equal(run.events.filter((r) => r.event.kind === "fetchStart").length, 2);
    assert.equal(run.events.filter((r) => r.event.kind === "fetchAbort").length, 1);
    await page.context().close();
  });

  test("a deadline over the crawl aborts every request still in flight", { timeout: 60000 }, async () => {
    const page = await open("#/10-coordinating/deadline");
    assert.equal(await waitForNetwork(page), "slow-web");
    const c = card("deadline");
    await setKnobs(page, "deadline", { deadline_ms: 350 });
    const run = await runCard(page, "deadline");
    assert.equal(run.state, "done");
    const lines = await outputLines(page, "deadline");
    const last = lines.at(-1);
    assert.match(last, /^deadline at \d+ ms: 3 pages had arrived, 5 requests were cancelled$/, lines.join(" | "));
    const at = Number(last.split(" ")[2]);
    assert.ok(at >= 350 && at < 600, `the deadline fired at ${at} ms`);
    const requests = (await lanes(page, c)).filter((l) => l.kind === "request");
    assert.equal(requests.length, 8);
    assert.equal(requests.filter((l) => l.cancelled).length, 5);
    assert.deepEqual(page.errors, []);
    if (process.env.SHOTS) await page.locator(c).screenshot({ path: `${process.env.SHOTS}/deadline.png` });
    await page.context().close();
  });

  test("abort cancels the task and its request; a dropped handle lets the task finish", { timeout: 60000 }, async () => {
    const page = await open("#/10-coordinating/abort");
    assert.equal(await waitForNetwork(page), "slow-web");
    let run = await runCard(page, "abort");
    assert.equal(run.state, "done");
    assert.deepEqual(await outputLines(page, "abort"), ["the task was cancelled at 300 ms"]);
    let all = await lanes(page, card("abort"));
    assert.ok(all.some((l) => l.kind === "task" && l.label === "page 2" && l.cancelled), JSON.stringify(all));
    assert.ok(all.some((l) => l.kind === "request" && l.cancelled), JSON.stringify(all));

    run = await runCard(page, "detach");
    assert.equal(run.state, "done");
    assert.deepEqual(await outputLines(page, "detach"), [
      "handle dropped at 300 ms",
      "page 3 arrived: 2048 bytes, and nobody was waiting",
    ]);
    all = await lanes(page, card("detach"));
    assert.ok(all.some((l) => l.kind === "task" && l.label === "page 3" && !l.cancelled), JSON.stringify(all));
    assert.ok(!all.some((l) => l.cancelled), JSON.stringify(all));

    run = await runCard(page, "drop_future");
    assert.equal(run.state, "done");
    all = await lanes(page, card("drop_future"));
    assert.deepEqual(all.filter((l) => l.kind === "task").map((l) => l.label), ["main"]);
    assert.equal(all.filter((l) => l.kind === "request" && l.cancelled).length, 1);
    assert.deepEqual(page.errors, []);
    if (process.env.SHOTS) {
      for (const s of ["abort", "detach", "drop_future"]) await page.locator(card(s)).screenshot({ path: `${process.env.SHOTS}/${s}.png` });
    }
    await page.context().close();
  });

  test("after a failure the scope cancels the rest while join_all lets them run", { timeout: 60000 }, async () => {
    const page = await open("#/10-coordinating");
    assert.equal(await waitForNetwork(page), "slow-web");
    const compare = "#compare-gather-scope";
    const factor = await runCompare(page, compare);
    // 1500 ms against 600 ms.
    assert.ok(factor > 1.8 && factor < 3, `speed-up ${factor}`);
    const all = await lanes(page, compare);
    const cancelledTasks = (g) => all.filter((l) => l.group === g && l.kind === "task" && l.cancelled).map((l) => l.label);
    assert.deepEqual(cancelledTasks("0"), []);
    assert.deepEqual(cancelledTasks("1").sort(), ["page 3", "page 4", "page 5"]);
    assert.deepEqual(page.errors, []);
    if (process.env.SHOTS) await page.locator(compare).screenshot({ path: `${process.env.SHOTS}/scope.png` });
    await page.context().close();
  });

  for (const lang of ["en", "zh"]) {
    test(`the careless select loop loses pages 1, 4 and 7; keeping the future loses none (${lang})`, { timeout: 60000 }, async () => {
      const page = await open(`?lang=${lang}#/10-coordinating/pairs`);
      await waitForNetwork(page);
      const c = card("pairs");
      await page.check(`${c} input.virtual-time`);
      let run = await runCard(page, "pairs");
      assert.equal(run.state, "done");
      assert.equal((await outputLines(page, "pairs")).at(-1), "received 5 of 8 pages; lost: [1, 4, 7]");
      await setKnobs(page, "pairs", { keep_future: 1 });
      run = await runCard(page, "pairs");
      assert.equal(run.state, "done");
      const lines = await outputLines(page, "pairs");
      assert.equal(lines.at(-1), "received 8 of 8 pages; lost: []");
      assert.equal(lines.filter((l) => l.startsWith("pair: pages")).length, 4);
      assert.deepEqual(page.errors, []);
      if (process.env.SHOTS) await page.locator(c).screenshot({ path: `${process.env.SHOTS}/pairs-${lang}.png` });
      await page.context().close();
    });
  }

  test("the first three pages are taken while the other seven run on", { timeout: 60000 }, async () => {
    const page = await open("#/10-coordinating/first_n");
    await waitForNetwork(page);
    const c = card("first_n");
    await page.check(`${c} input.virtual-time`);
    const run = await runCard(page, "first_n");
    assert.equal(run.state, "done");
    assert.deepEqual(await outputLines(page, "first_n"), [
      "first 3 at 437 ms: pages [3, 10, 2]",
      "7 still downloading",
      "all 10 at 1057 ms",
    ]);
    const tasks = (await lanes(page, c)).filter((l) => l.kind === "task");
    assert.equal(tasks.length, 11);
    assert.ok(tasks.every((l) => !l.cancelled));
    assert.deepEqual(page.errors, []);
    if (process.env.SHOTS) await page.locator(c).screenshot({ path: `${process.env.SHOTS}/first_n.png` });
    await page.context().close();
  });
});
