// What lessons 1-8 say their cards show, measured in a real browser on the slow web (the native
// `{{#check}}` test measures the same on the virtual clock): generous bounds, orders from output.

import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { waitForNetwork } from "./browser.mjs";
import { site } from "./card.mjs";

const open = site();

/** Runs a snippet through the page's scripting API; the report's lines as plain texts. */
async function run(page, lesson, snippet, knobs) {
  const report = await page.evaluate(([l, s, k]) => window.asyncTutor.run(l, s, k), [lesson, snippet, knobs]);
  report.lines = report.output.map((l) => l.text);
  return report;
}

/** The first number after `text` in the first line that has it. */
function numberAfter(report, text) {
  const line = report.lines.find((l) => l.includes(text));
  assert.ok(line, `no line has ${JSON.stringify(text)}: ${report.lines.join(" | ")}`);
  return Number(line.split(text)[1].trim().split(/[ ,]/)[0]);
}

describe("the lessons' claims, in the browser", () => {
  test("a link to a heading, in English or Chinese, scrolls the lesson to it", { timeout: 30000 }, async () => {
    for (const [lang, text] of [["en", "how to read the snippets"], ["zh", "怎样读这些代码片段"]]) {
      const page = await open(`?lang=${lang}#/01-blocking`);
      await page.waitForSelector('article.lesson[data-lesson="01-blocking"]');
      await page.click(`article.lesson .prose a:text("${text}")`);
      await page.waitForSelector('article.lesson[data-lesson="00-concepts"]');
      const heading = page.locator("article.lesson h2", { hasText: lang === "en" ? "How to read the snippets" : text });
      await page.waitForFunction((h) => {
        const top = h.getBoundingClientRect().top;
        return top > -8 && top < window.innerHeight / 2;
      }, await heading.elementHandle());
      await page.context().close();
    }
  });

  test("lesson 3: about a thousand charged checks per millisecond, and a turn every few ms", { timeout: 60000 }, async () => {
    const page = await open("#/03-polling");
    assert.equal(await waitForNetwork(page), "slow-web");
    const report = await run(page, "03-polling", "spin", { pages: 10, latency_ms: 1000 });
    assert.equal(report.error, null);
    const perMs = numberAfter(report, "checks per millisecond:");
    // The modelled cost caps it at 1000; the real cost of a check and of turns takes a little.
    assert.ok(perMs >= 50 && perMs <= 1000, `${perMs} checks per ms`);
    const every = numberAfter(report, "times, about every");
    // A turn lasts its 4 ms slice (read after 16 polls of 250 µs), plus the browser's share.
    assert.ok(every >= 3 && every <= 200, `a turn every ${every} ms`);
    await page.context().close();
  });

  test("lesson 4: every request is out before the first line, and jitter shuffles arrivals", { timeout: 60000 }, async () => {
    const page = await open("#/04-callbacks");
    await waitForNetwork(page);
    const report = await run(page, "04-callbacks", "crawl", { pages: 10, latency_ms: 300, jitter_ms: 600 });
    assert.equal(report.error, null);
    assert.equal(report.lines[0], "10 requests sent, none answered yet");
    const order = report.lines.find((l) => l.startsWith("in the order they arrived: "));
    const pages = order.split(": ")[1].split(", ").map(Number);
    assert.notDeepEqual(pages, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual([...pages].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.ok(report.elapsedMs >= 300 && report.elapsedMs < 300 + 600 + 600, `elapsed ${report.elapsedMs}`);
    await page.context().close();
  });

  test("lesson 2: two tasks on one thread lose words; the Mutex loses none and takes turns", { timeout: 60000 }, async () => {
    const page = await open("#/02-threads");
    await waitForNetwork(page);
    const lost = await run(page, "02-threads", "lost_update", { pages: 3, latency_ms: 200 });
    assert.equal(lost.error, null);
    assert.ok(numberAfter(lost, "words lost:") > 0, lost.lines.join(" | "));
    const locked = await run(page, "02-threads", "with_mutex", { pages: 3, latency_ms: 200 });
    assert.equal(locked.error, null);
    assert.equal(numberAfter(locked, "words lost:"), 0);
    assert.ok(locked.elapsedMs >= 2 * 3 * 200, `elapsed ${locked.elapsedMs}`);
    await page.context().close();
  });

  test("lessons 7 and 8: a pinned future stays put; three polls on the slow web; .await in a loop is sequential", { timeout: 60000 }, async () => {
    const page = await open("#/08-async-await");
    await waitForNetwork(page);
    const pin = await run(page, "07-futures", "pin", { sleep_ms: 100 });
    assert.equal(pin.error, null);
    assert.ok(pin.lines.includes("`words` stayed in the same place across the wait: true"), pin.lines.join(" | "));
    const leaf = await run(page, "07-futures", "leaf", { pages: 2, latency_ms: 200, sleep_ms: 100 });
    assert.equal(leaf.error, null);
    // One page: main is polled twice; the page's state machine three times on the slow web,
    // since the response's headers and its body each wake it.
    const states = await run(page, "08-async-await", "states", { pages: 1, latency_ms: 200 });
    assert.equal(states.error, null);
    assert.equal(states.trace.polls, 5);
    const sequential = await run(page, "08-async-await", "sequential", { pages: 4, latency_ms: 200 });
    assert.equal(sequential.error, null);
    assert.ok(sequential.elapsedMs >= 4 * 200, `elapsed ${sequential.elapsedMs}`);
    const size = await run(page, "08-async-await", "size", { latency_ms: 100 });
    assert.ok(numberAfter(size, "download(1) is a future of") < 256, size.lines.join(" | "));
    assert.ok(numberAfter(size, "across its .await:") > 4096, size.lines.join(" | "));
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
