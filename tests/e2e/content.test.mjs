// Lesson content comes per lesson: the page's wasm holds an index, and a lesson's prose and
// sources arrive in its own file (`content/<lesson>.<lang>.<hash>.json`) when it is opened.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { DIST, waitForNetwork } from "./browser.mjs";
import { card, site } from "./card.mjs";

const openSite = site();

/** The content files the page itself asks for from now on (not the service worker's precache). */
function watchContent(page) {
  const asked = [];
  page.on("request", (r) => {
    const m = r.url().match(/content\/([^/?#]+)\.json/);
    if (m) asked.push(m[1].replace(/\.[0-9a-f]{16}$/, ""));
  });
  return asked;
}

describe("lesson content", () => {
  test("the page's wasm carries no lesson prose or source; the content files do", () => {
    const files = readdirSync(join(DIST, "content"));
    const lesson8 = files.find((f) => /^08-async-await\.en\.[0-9a-f]{16}\.json$/.test(f));
    assert.ok(lesson8, files.join());
    const content = JSON.parse(readFileSync(join(DIST, "content", lesson8), "utf8"));
    const wasm = readdirSync(DIST).find((f) => /^async-tutor-.*_bg\.wasm$/.test(f));
    const bytes = readFileSync(join(DIST, wasm)).toString("latin1");
    // A long run of prose, and a whole snippet's source, as UTF-8 bytes.
    // (Not the first paragraph: the index keeps it as the summary.)
    const prose = content.segments.filter((s) => s.Html && s.Html.length > 400).at(-1).Html;
    const sentence = prose.replace(/<[^>]+>/g, "").trim().slice(0, 80);
    const source = content.snippets.find((s) => s.id === "crawl").source;
    for (const text of [sentence, source.slice(0, 200)]) {
      assert.ok(text.length > 40, text);
      assert.equal(bytes.includes(Buffer.from(text, "utf8").toString("latin1")), false, text);
    }
    // Every lesson in both languages has its file.
    for (const lang of ["en", "zh"]) {
      assert.ok(files.filter((f) => f.includes(`.${lang}.`)).length >= 13, files.join());
    }
  });

  test("a lesson fetches its own file in the page's language, once", { timeout: 60000 }, async () => {
    const page = await openSite("#/08-async-await");
    await page.waitForSelector(card("crawl"));
    // Watched from a fresh load on (the service worker is in charge by now).
    const asked = watchContent(page);
    await page.reload();
    await waitForNetwork(page);
    await page.waitForSelector(card("crawl"));
    assert.deepEqual(asked, ["08-async-await.en"]);
    assert.match(await page.textContent(`${card("crawl")} pre.code`), /async fn run/);

    // Another lesson: its file alone; back again: nothing new (kept for the page's life).
    await page.click('nav.lessons a[href$="#/03-polling"]');
    await page.waitForSelector(card("one_by_one"));
    await page.click('nav.lessons a[href$="#/08-async-await"]');
    await page.waitForSelector(card("crawl"));
    assert.deepEqual(asked, ["08-async-await.en", "03-polling.en"]);

    // Chinese: the Chinese file, and the page in Chinese.
    // A card's run stays across the switch: the cards are kept while the new text comes.
    await page.click(`${card("crawl")} button.run`);
    await page.waitForSelector(`${card("crawl")}[data-state="done"]`, { timeout: 20000 });
    await page.click('.lang-switch button[lang="zh"]');
    await page.waitForFunction(() => /[\u4e00-\u9fff]/.test(document.querySelector("article.lesson .prose")?.textContent ?? ""));
    assert.equal(asked.at(-1), "08-async-await.zh");
    assert.equal(await page.getAttribute(card("crawl"), "data-state"), "done");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("a file that cannot be had is said, the page stays usable, and Try again brings it", { timeout: 60000 }, async () => {
    // Without the service worker, so the page's own requests meet the route below.
    const page = await openSite("#/", { serviceWorkers: "block" });
    let failing = true;
    await page.context().route("**/content/**", (route) =>
      failing ? route.fulfill({ status: 503, body: "down" }) : route.continue(),
    );
    await page.goto(page.url().split("#")[0] + "#/08-async-await/crawl");
    const failed = page.locator("article.lesson .content-failed");
    await failed.waitFor();
    assert.match(await failed.textContent(), /could not be loaded \(HTTP 503: content\/08-async-await\.en\.[0-9a-f]{16}\.json\)/);
    // The title and the lesson list are there; another lesson still opens (and fails alike).
    assert.equal(await page.locator("article.lesson h1").count(), 1);
    assert.ok((await page.locator("nav.lessons li[data-lesson]").count()) >= 13);

    failing = false;
    await failed.locator("button").click();
    await page.waitForSelector(card("crawl"));
    assert.equal(await page.locator("article.lesson .content-failed").count(), 0);
    assert.ok((await page.locator("article.lesson .prose").count()) > 3);
    // The link's card is scrolled to once the text is here.
    const top = await page.locator(card("crawl")).evaluate((e) => e.getBoundingClientRect().top);
    assert.ok(top >= -1 && top < 200, `card top at ${top}`);
    // The 503s were the only errors the console saw.
    assert.ok(page.errors.every((e) => /503/.test(e)), page.errors.join("\n"));
    await page.context().close();
  });
});
