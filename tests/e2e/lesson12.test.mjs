// Lesson 12, by real clicks on the slow web: a body read part by part as the service worker
// trickles it, with the inspector counting bytes; buffered against buffer_unordered; a permit
// given back by a cancelled task's Drop; a goodbye left unanswered by a Drop that cannot wait.

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

describe("lesson 12: streams and async clean-up", () => {
  for (const lang of ["en", "zh"]) {
    test(`a trickled body is read part by part, and the inspector counts its bytes (${lang})`, { timeout: 60000 }, async () => {
      const page = await open(`?lang=${lang}#/12-streams/trickle`);
      assert.equal(await waitForNetwork(page), "slow-web");
      const c = card("trickle");
      await setKnobs(page, "trickle", { pages: 2, chunks: 4, every_ms: 400 });
      await page.click(`${c} button.run`);
      await page.waitForSelector(`${c}[data-state="running"]`);
      // Mid-body, a request in flight shows the bytes read so far.
      const received = await page.waitForSelector(`${c} .inspector .in-flight li[data-received]:not([data-received="0"])`, { timeout: 10000 });
      assert.match(await received.textContent(), lang === "en" ? /\d+ bytes so far/ : /已收到 \d+ 字节/);
      if (process.env.SHOTS) await page.locator(c).screenshot({ path: `${process.env.SHOTS}/trickle-live-${lang}.png` });
      await page.waitForSelector(`${c}[data-state="done"]`, { timeout: 30000 });
      const lines = await outputLines(page, "trickle");
      for (const n of [1, 2]) {
        assert.deepEqual(
          lines.filter((l) => l.startsWith(`page ${n}: `) && l.includes("of 2048")),
          [512, 1024, 1536, 2048].map((b) => `page ${n}: ${b} of 2048 bytes (${b * 100 / 2048} %)`),
        );
      }
      const total = Number(await page.getAttribute(`${c} .total`, "data-total-ms"));
      assert.ok(total >= 1200 && total < 5000, `${total} ms for a head and three gaps of 400 ms`);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });
  }

  test("buffered hands pages out in order, buffer_unordered as they arrive", { timeout: 60000 }, async () => {
    const page = await open("#/12-streams");
    assert.equal(await waitForNetwork(page), "slow-web");
    for (const s of ["buffered", "unordered"]) {
      const run = await runCard(page, s);
      assert.equal(run.state, "done");
    }
    const order = async (s) => (await outputLines(page, s)).map((l) => Number(l.split(":")[0].slice(5)));
    assert.deepEqual(await order("buffered"), [1, 2, 3, 4, 5, 6]);
    const unordered = await order("unordered");
    assert.deepEqual([...unordered].sort(), [1, 2, 3, 4, 5, 6]);
    // Page 1 comes about 100 ms after pages 3 and 2: it is not first.
    assert.notEqual(unordered[0], 1, unordered.join(","));
    if (process.env.SHOTS) await page.locator(card("buffered")).screenshot({ path: `${process.env.SHOTS}/buffered.png` });
    await page.context().close();
  });

  test("a cancelled task gives its permit back through Drop; a dropped session's goodbye is never answered", { timeout: 60000 }, async () => {
    const page = await open("#/12-streams/permit");
    assert.equal(await waitForNetwork(page), "slow-web");
    let run = await runCard(page, "permit");
    assert.equal(run.state, "done");
    const lines = await outputLines(page, "permit");
    assert.deepEqual(lines.slice(0, 4), ["page 1: downloading", "page 1: permit given back", "page 1: task was cancelled", "page 2: downloading"]);
    assert.ok(!lines.includes("page 1: 2048 bytes"), lines.join(" | "));
    const lanes = await page.$$eval(`${card("permit")} svg.timeline g.task-lane`, (ls) =>
      ls.map((l) => [l.dataset.label, l.classList.contains("cancelled")]),
    );
    assert.deepEqual(lanes.filter(([, c]) => c).map(([l]) => l), ["page 1"]);
    if (process.env.SHOTS) await page.locator(card("permit")).screenshot({ path: `${process.env.SHOTS}/permit.png` });

    await setKnobs(page, "close", { close: 0 });
    run = await runCard(page, "close");
    assert.equal(run.state, "done");
    const said = await outputLines(page, "close");
    assert.ok(said.includes("dropped while open: the goodbye goes out in a detached task"), said.join(" | "));
    assert.ok(!said.some((l) => l.includes("goodbye answered")), said.join(" | "));
    await setKnobs(page, "close", { close: 1 });
    run = await runCard(page, "close");
    assert.ok((await outputLines(page, "close")).includes("session closed: the goodbye was answered"));
    assert.deepEqual(page.errors, []);
    if (process.env.SHOTS) await page.locator(card("close")).screenshot({ path: `${process.env.SHOTS}/close.png` });
    await page.context().close();
  });
});
