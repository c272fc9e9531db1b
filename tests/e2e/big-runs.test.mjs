// Big runs stay light: the heaviest cards at their maximum knobs (on the virtual clock, so the
// test is quick) draw a timeline of a bounded number of elements, and moving the replay
// scrubber answers at once; a big real-time run streams in while the page paints, and Stop
// acts at once. Generous bounds; `node tests/bench/big-runs.mjs` measures.

import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { waitForNetwork, watchFrames } from "./browser.mjs";
import { card, runCard, setKnobs, site } from "./card.mjs";
import { scrub, stop, timelineNodes } from "./measure.mjs";

const openSite = site();

describe("big runs", () => {
  for (const [lesson, snippet, knobs] of [
    ["03-polling", "one_by_one", { pages: 20, latency_ms: 3000 }],
    ["03-polling", "spin", { pages: 50, latency_ms: 3000 }],
  ]) {
    test(`${lesson}/${snippet} at its maximum knobs draws a bounded timeline and scrubs at once`, { timeout: 90000 }, async () => {
      const page = await openSite(`#/${lesson}`);
      await waitForNetwork(page);
      const c = card(snippet);
      await setKnobs(page, snippet, knobs);
      await page.check(`${c} input.virtual-time`);
      assert.equal((await runCard(page, snippet, 60000)).state, "done");
      const gap = await watchFrames(page);
      const nodes = await timelineNodes(page, c);
      assert.ok(nodes <= 10000, `the timeline is ${nodes} elements`);
      // A dense stretch is a band, not thousands of rectangles.
      assert.ok((await page.locator(`${c} svg.timeline .seg.band`).count()) >= 1);
      const max = Number(await page.getAttribute(`${c} .scrubber`, "max"));
      assert.ok(max > 10000, `${max} events`);
      const times = [];
      for (const f of [0.5, 0.1, 0.9]) times.push(await scrub(page, c, Math.round(max * f)));
      assert.ok(Math.max(...times) < 500, `scrubber moves took ${times.map(Math.round).join(", ")} ms`);
      assert.ok((await timelineNodes(page, c)) <= 10000);
      const longest = await gap();
      assert.ok(longest < 1000, `the page could not paint for ${longest} ms`);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });
  }

  test("a big real-time run streams in without freezing the page, and Stop acts at once", { timeout: 60000 }, async () => {
    const page = await openSite("#/03-polling");
    assert.equal(await waitForNetwork(page), "slow-web");
    const c = card("one_by_one");
    await setKnobs(page, "one_by_one", { pages: 20, latency_ms: 3000 });
    const gap = await watchFrames(page);
    await page.click(`${c} button.run`);
    await page.waitForTimeout(4000);
    const streaming = await gap();
    assert.ok(streaming < 1000, `the page could not paint for ${streaming} ms while the run streamed in`);
    const stopMs = await stop(page, c);
    assert.ok(stopMs < 1000, `Stop took ${stopMs} ms`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
