// The two runner programs: a visit to lessons 0 and 1 loads only the first part's
// (runner-first_bg.wasm); a later lesson brings the full one, which then serves every run.

import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { waitForNetwork } from "./browser.mjs";
import { card, runCard, setKnobs, site } from "./card.mjs";

const openSite = site();

/** The runner wasm files this page has fetched so far. */
function runnerFetches(page) {
  return page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .map((e) => new URL(e.name).pathname.split("/").pop())
      .filter((name) => /^runner.*\.wasm$/.test(name)),
  );
}

describe("runner programs", () => {
  test("lesson 1 runs on the first part's program; a later lesson brings the full one for every run", { timeout: 90000 }, async () => {
    const page = await openSite("#/01-blocking");
    await waitForNetwork(page);
    await setKnobs(page, "crawl", { pages: 2, latency_ms: 100 });
    assert.equal((await runCard(page, "crawl")).state, "done");
    assert.deepEqual(await runnerFetches(page), ["runner-first_bg.wasm"]);
    assert.equal((await page.$$eval(`${card("crawl")} .output li .line`, (ls) => ls.filter((l) => /bytes/.test(l.textContent)).length)), 2);

    // Lesson 3 needs the full program: it is fetched once the page has painted, before Run.
    await page.click('nav.lessons a[href$="#/03-polling"]');
    await page.waitForSelector(card("one_by_one"));
    await page.waitForFunction(() =>
      performance.getEntriesByType("resource").some((e) => e.name.endsWith("/runner_bg.wasm")),
    );
    await setKnobs(page, "one_by_one", { pages: 2, latency_ms: 100 });
    assert.equal((await runCard(page, "one_by_one")).state, "done");

    // Back on lesson 1, the full program (which has every snippet) serves the run: nothing
    // more is fetched.
    await page.click('nav.lessons a[href$="#/01-blocking"]');
    await page.waitForSelector(card("crawl"));
    assert.equal((await runCard(page, "crawl")).state, "done");
    assert.deepEqual(await runnerFetches(page), ["runner-first_bg.wasm", "runner_bg.wasm"]);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("a link straight to a later lesson never loads the first part's program", { timeout: 60000 }, async () => {
    const page = await openSite("#/08-async-await");
    await waitForNetwork(page);
    await setKnobs(page, "crawl", { pages: 2, latency_ms: 100 });
    assert.equal((await runCard(page, "crawl")).state, "done");
    assert.deepEqual(await runnerFetches(page), ["runner_bg.wasm"]);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
