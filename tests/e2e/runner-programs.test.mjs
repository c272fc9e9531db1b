// The two runner programs: the first part's (lessons 0 and 1) is the page's own module, so a
// visit to those lessons fetches no runner wasm at all; a later lesson brings the full one
// (runner_bg.wasm), which then serves every run.

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
  test("lesson 1 runs on the page's own module; a later lesson brings the full program for every run", { timeout: 90000 }, async () => {
    const page = await openSite("#/01-blocking");
    await waitForNetwork(page);
    await setKnobs(page, "crawl", { pages: 2, latency_ms: 100 });
    assert.equal((await runCard(page, "crawl")).state, "done");
    assert.deepEqual(await runnerFetches(page), []);
    const appWasm = await page.evaluate(() =>
      performance.getEntriesByType("resource").filter((e) => /\/async-tutor-[0-9a-f]+_bg\.wasm$/.test(e.name)).length,
    );
    assert.equal(appWasm, 1, "the page's module is fetched once; its workers get it compiled");
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
    assert.deepEqual(await runnerFetches(page), ["runner_bg.wasm"]);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("a link straight to a later lesson loads only the full program", { timeout: 60000 }, async () => {
    const page = await openSite("#/08-async-await");
    await waitForNetwork(page);
    await setKnobs(page, "crawl", { pages: 2, latency_ms: 100 });
    assert.equal((await runCard(page, "crawl")).state, "done");
    assert.deepEqual(await runnerFetches(page), ["runner_bg.wasm"]);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
