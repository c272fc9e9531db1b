// What the card draws beyond one run, in headless Chromium by real clicks and keys: two runs
// compared on one axis, the marked state while stepping, a link to a moment of a replay, the
// trace cap on a huge run, a replay move redrawing what is on screen first, and the timeline read
// lane by lane from the keyboard.

import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { waitForNetwork, watchFrames } from "./browser.mjs";
import { card, runCard, setKnobs, site } from "./card.mjs";

const openSite = site();

async function open(path, options) {
  const page = await openSite(path, options);
  await waitForNetwork(page);
  return page;
}

const compare = "#compare-crawl-crawl";

describe("the visualizer", () => {
  test("compare mode runs blocking and async on the same knobs, two lane groups on one axis", { timeout: 60000 }, async () => {
    const page = await open("#/08-async-await");
    await page.fill(`${compare}-pages`, "3");
    await page.fill(`${compare}-latency_ms`, "300");
    await page.click(`${compare} button.run`);
    await page.waitForSelector(`${compare}[data-state="running"]`);
    await page.waitForSelector(`${compare}[data-state="done"]`, { timeout: 30000 });
    // Two groups, each headed by its snippet, on one drawing.
    const heads = await page.locator(`${compare} svg.timeline .group-head text`).allTextContents();
    assert.equal(heads.length, 2);
    assert.match(heads[0], /one by one|blocking/i);
    const lanes = (g) => page.locator(`${compare} svg.timeline g.lane[data-group="${g}"]`);
    // Blocking: main and its three requests; async: main, three tasks, three requests.
    assert.equal(await lanes(0).count(), 4);
    assert.equal(await lanes(1).count(), 7);
    assert.equal(await page.locator(`${compare} g.lane[data-group="0"] rect.seg.blocked`).count(), 3);
    // The async requests overlap; the blocking ones follow each other.
    const spans = async (g) =>
      page.$$eval(`${compare} g.request-lane[data-group="${g}"]`, (ls) =>
        ls.map((l) => [Number(l.dataset.startMs), Number(l.dataset.endMs)]),
      );
    const blocking = await spans(0);
    for (let i = 1; i < blocking.length; i++) assert.ok(blocking[i][0] >= blocking[i - 1][1] - 1, JSON.stringify(blocking));
    const overlapped = await spans(1);
    assert.ok(Math.max(...overlapped.map((s) => s[0])) < Math.min(...overlapped.map((s) => s[1])), JSON.stringify(overlapped));
    // The speed-up figure: about 3 for three pages (bounds allow for start-up and jitter).
    const factor = Number(await page.getAttribute(`${compare} .compare-figure`, "data-factor"));
    assert.ok(factor > 2 && factor < 3.6, `speed-up ${factor}`);
    assert.match(await page.textContent(`${compare} .compare-figure`), /speed-up ×\d\.\d/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("a shared knob out of either snippet's range stops the comparison from running", { timeout: 30000 }, async () => {
    const page = await open("#/08-async-await");
    await page.fill(`${compare}-pages`, "500");
    assert.ok(await page.isDisabled(`${compare} button.run`));
    assert.match(await page.textContent(`${compare} .knob.invalid .knob-error`), /50/);
    await page.click(`${compare} .reset-knobs`);
    assert.ok(await page.isEnabled(`${compare} button.run`));
    await page.context().close();
  });

  test("stepping a hand-written state machine highlights the state's line and names it", { timeout: 30000 }, async () => {
    const page = await open("#/08-async-await");
    const c = card("states");
    await setKnobs(page, "states", { pages: 1, latency_ms: 100 });
    await page.click(`${c} button.step`);
    await page.waitForSelector(`${c}[data-state="stepping"]`);
    const polls = () => page.textContent(`${c} .inspector [data-counter="polls"] b`).then(Number);
    const stepTo = async (n) => {
      await page.click(`${c} button.step`);
      await page.waitForFunction(
        ([sel, n]) => Number(document.querySelector(sel)?.textContent) >= n,
        [`${c} .inspector [data-counter="polls"] b`, n],
      );
    };
    // Poll 1: main spawns the page task. Poll 2: the page task starts and stops at Fetching.
    await stepTo(1);
    await stepTo(2);
    await page.waitForSelector(`${c} .mark-note`);
    assert.match(await page.textContent(`${c} .mark-note`), /Fetching \(line \d+\)/);
    const line = await page.textContent(`${c} pre.code .ln.current`);
    assert.match(line, /tutor::state!\("Fetching"\)/);
    assert.equal(await page.getAttribute(`${c} pre.code .ln.current`, "aria-current"), "step");
    assert.equal(await page.textContent(`${c} .inspector tr[data-task="2"] .mark`), "Fetching");
    // Run on: the request answers and the task finishes; scrub to the end and it says Finished.
    await page.click(`${c} button.run`);
    await page.waitForSelector(`${c}[data-state="done"]`, { timeout: 10000 });
    assert.equal(await page.textContent(`${c} .inspector tr[data-task="2"] .mark`), "Finished");
    assert.ok((await polls()) >= 3);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("a link to a moment reruns the snippet with its knobs and opens the replay there", { timeout: 30000 }, async () => {
    let page = await open("#/08-async-await");
    const c = card("crawl");
    await setKnobs(page, "crawl", { pages: 2, latency_ms: 400 });
    await page.check(`${c} input.virtual-time`);
    assert.equal((await runCard(page, "crawl")).state, "done");
    await page.fill(`${c} .scrubber`, "17");
    const link = await page.getAttribute(`${c} .moment-link`, "href");
    assert.equal(link, "#/08-async-await/crawl?replay=17&fail_percent=0&jitter_ms=0&latency_ms=400&pages=2&virtual=1");
    const inspector = await page.textContent(`${c} .inspector`);
    await page.context().close();

    // A fresh visitor (nothing remembered) opens the link.
    page = await open(link);
    await page.waitForSelector(`${c}[data-state="done"]`, { timeout: 10000 });
    await page.waitForSelector(`${c} .replay .position[data-shown="17"]`);
    assert.equal(await page.inputValue(`#snippet-crawl-pages`), "2");
    assert.equal(await page.inputValue(`#snippet-crawl-latency_ms`), "400");
    assert.ok(await page.isChecked(`${c} input.virtual-time`));
    // The virtual clock repeats the run exactly, so the moment is the same one.
    assert.equal(await page.textContent(`${c} .inspector`), inspector);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("a run too long to keep whole is capped with a note and the page stays responsive", { timeout: 60000 }, async () => {
    const page = await open("#/08-async-await");
    const c = card("many");
    // 50 000 tasks make over 200 000 events, more than a card keeps (1 MiB packed).
    await setKnobs(page, "many", { tasks: 50000, sleep_ms: 100 });
    // Measure the longest stretch the page's main thread could not answer a frame.
    const longestGap = await watchFrames(page);
    const run = await runCard(page, "many", 45000);
    assert.equal(run.state, "done");
    // The output is the run's, whole (its lines come from the report, not from the cut trace).
    assert.match(await page.textContent(`${c} .output`), /50000 tasks spawned/);
    const kept = Number(await page.getAttribute(`${c} .scrubber`, "max"));
    // (How many fit depends on the times: real-time gaps pack into more bytes than virtual ones.)
    assert.ok(kept > 50000, `${kept} events kept`);
    const note = await page.textContent(`${c} .trace-capped`);
    const [, shown, total] = note.match(/^The timeline shows the first ([\d,]+) of ([\d,]+) events; output and totals are complete\.$/) ?? [];
    assert.equal(shown, kept.toLocaleString("en-US"), note);
    assert.ok(Number(total?.replaceAll(",", "")) > kept, note);
    // The drawing and the task table show a bounded number of rows and count the rest.
    assert.ok((await page.locator(`${c} svg.timeline g.lane`).count()) <= 100);
    assert.match(await page.textContent(`${c} svg.timeline .lanes-more`), /more lanes not shown/);
    // The task table makes only the rows in its scroll box's view, and every task is reachable.
    const table = `${c} .inspector .task-rows`;
    // (50 000 tasks and the main one, and the header row.)
    const rowCount = await page.getAttribute(`${table} table`, "aria-rowcount");
    assert.equal(rowCount, "50002");
    assert.ok((await page.locator(`${table} tr.task`).count()) <= 30);
    assert.equal(await page.getAttribute(`${table} tr.task >> nth=0`, "aria-rowindex"), "2");
    await page.locator(table).scrollIntoViewIfNeeded();
    await page.$eval(table, (box) => (box.scrollTop = box.scrollHeight));
    await page.waitForSelector(`${table} tr.task[aria-rowindex="${rowCount}"]`);
    assert.ok((await page.locator(`${table} tr.task`).count()) <= 30);
    // The last row made sits at the bottom of the box, where the spacers put it.
    const [boxBottom, rowBottom] = await page.$eval(table, (box, last) => [
      box.getBoundingClientRect().bottom,
      box.querySelector(`tr[aria-rowindex="${last}"]`).getBoundingClientRect().bottom,
    ], rowCount);
    assert.ok(Math.abs(boxBottom - rowBottom) <= 2, `the last row ends at ${rowBottom}, the box at ${boxBottom}`);
    // Halfway down, the rows in view are the ones at that offset.
    await page.$eval(table, (box) => (box.scrollTop = 25000 * 22));
    await page.waitForSelector(`${table} tr.task[aria-rowindex="25000"]`);
    const topRow = await page.$eval(table, (box) => {
      const top = box.querySelector("thead").getBoundingClientRect().bottom;
      const rows = [...box.querySelectorAll("tr.task")];
      return rows.find((r) => r.getBoundingClientRect().bottom > top + 1)?.getAttribute("aria-rowindex");
    });
    assert.ok(Math.abs(Number(topRow) - 25000) <= 3, `row ${topRow} at the top of the box`);
    await page.$eval(table, (box) => (box.scrollTop = 0));
    // Mid-run lists are cut short too: at event 50 000 thousands of tasks wait for their first poll.
    await page.fill(`${c} .scrubber`, "50000");
    assert.ok((await page.locator(`${c} .inspector .ready-queue li`).count()) <= 17);
    assert.match(await page.textContent(`${c} .inspector .ready-queue li.more`), /^\+ \d+ more$/);
    // The card stays a readable size.
    const { height } = await page.locator(c).boundingBox();
    assert.ok(height < 12000, `the card is ${height} px tall`);
    // Still responsive: scrubbing answers.
    assert.equal(await page.getAttribute(`${c} .replay .position`, "data-shown"), "50000");
    const gap = await longestGap();
    // A generous bound: the point is that the page never locks up for seconds.
    assert.ok(gap < 1500, `the page could not paint for ${gap} ms`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("a move of the replay redraws the lanes on screen at once, and those just off it once the moves pause", { timeout: 60000 }, async () => {
    const page = await open("#/08-async-await");
    const c = card("many");
    // 300 tasks: more lanes than a drawing draws whole, so it draws those near the screen.
    await setKnobs(page, "many", { tasks: 300, sleep_ms: 200 });
    await page.check(`${c} input.virtual-time`);
    assert.equal((await runCard(page, "many")).state, "done");
    const max = Number(await page.getAttribute(`${c} .scrubber`, "max"));
    // The end of the drawing above the middle of the screen, its lanes partly on screen.
    await page.$eval(`${c} .scrubber`, (input) => input.scrollIntoView({ block: "center" }));
    const move = (at) => page.fill(`${c} .scrubber`, String(at));
    // Each drawn lane's markup, and whether it is on screen.
    const lanes = () =>
      page.$$eval(`${c} svg.timeline g.lane`, (gs) =>
        gs
          .filter((g) => g.childElementCount > 0)
          .map((g) => {
            const { top, bottom } = g.getBoundingClientRect();
            return { label: g.dataset.label, html: g.innerHTML, seen: bottom > 0 && top < innerHeight };
          }),
      );
    const settled = async () => {
      await page.waitForTimeout(600);
      return lanes();
    };
    const early = Math.round(max * 0.1);
    await move(early);
    const before = await settled();
    await move(Math.round(max * 0.9));
    await settled();
    await move(early);
    const now = await lanes();
    const after = await settled();
    // Settled, the drawing is the same whichever moment the replay came from.
    assert.deepEqual(after, before);
    const byLabel = new Map(after.map((l) => [l.label, l.html]));
    const seen = now.filter((l) => l.seen);
    assert.ok(seen.length > 0 && seen.length < now.length, `${seen.length} of ${now.length} drawn lanes on screen`);
    // Right after the move the lanes on screen already show it; some drawn off screen still
    // showed the moment before.
    for (const l of seen) assert.equal(l.html, byLabel.get(l.label), l.label);
    assert.ok(now.some((l) => !l.seen && l.html !== byLabel.get(l.label)), "no lane off screen waited");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("the timeline is one tab stop: arrow keys read it lane by lane; a finished run shows its speed-up", { timeout: 30000 }, async () => {
    const page = await open("#/08-async-await");
    const c = card("crawl");
    await setKnobs(page, "crawl", { pages: 3, latency_ms: 200 });
    assert.equal((await runCard(page, "crawl")).state, "done");
    const factor = Number(await page.getAttribute(`${c} .speed-up`, "data-factor"));
    assert.ok(factor > 2 && factor < 3.6, `speed-up ${factor}`);
    await page.focus(`${c} svg.timeline`);
    const detail = () => page.textContent(`${c} .timeline-detail`);
    assert.match(await detail(), /^main: /);
    await page.keyboard.press("ArrowDown");
    assert.match(await detail(), /^page 1: .*→.*\(done\)/);
    await page.keyboard.press("End");
    assert.match(await detail(), /^GET page 3: /);
    assert.equal(await page.locator(`${c} svg.timeline g.lane.picked`).count(), 1);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
