// The whole course in headless Chromium: every lesson in English and Chinese has the same
// headings and cards and no console errors, every internal link resolves, and every snippet
// runs to an end from a real click with small knobs.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";

import { waitForNetwork } from "./browser.mjs";
import { card, site } from "./card.mjs";

const openSite = site();

async function open(path) {
  const page = await openSite(path);
  await waitForNetwork(page);
  return page;
}

/** Lesson ids, from the navigation. */
async function lessonIds(page) {
  return page.$$eval("nav.lessons li[data-lesson]", (lis) => lis.map((li) => li.dataset.lesson));
}

/** What must match across languages: heading levels with their ids, and the cards in order. */
async function structure(page) {
  return page.$eval("article.lesson", (article) => ({
    headings: [...article.querySelectorAll("h1, h2, h3")]
      .filter((h) => !h.closest(".card"))
      .map((h) => h.tagName),
    cards: [...article.querySelectorAll(".card")].map((c) => c.dataset.snippet ?? c.id),
    code: article.querySelectorAll(".prose pre.code").length,
  }));
}

/** A small value for a knob: short waits, few pages and tasks, the rest as they are. */
function small(name, value, min) {
  if (/_ms$/.test(name)) return Math.max(min, Math.min(value, 100));
  if (name === "pages" || name === "tasks") return Math.max(min, Math.min(value, 3));
  return value;
}

describe("the course", () => {
  test("every lesson reads the same in English and Chinese, with no console errors", { timeout: 120000 }, async () => {
    const page = await open("#/01-blocking");
    const ids = await lessonIds(page);
    // Every lesson folder of the repository is in the course.
    const folders = readdirSync(new URL("../../lessons", import.meta.url)).filter((d) => /^\d\d-/.test(d));
    assert.deepEqual([...ids].sort(), folders.sort());
    for (const id of ids) {
      const shapes = {};
      for (const lang of ["en", "zh"]) {
        await page.goto(page.url().split("?")[0].split("#")[0] + `?lang=${lang}#/${id}`);
        await page.waitForSelector(`article.lesson[data-lesson="${id}"][lang="${lang}"]`);
        shapes[lang] = await structure(page);
        // A title and a summary-length body in this language.
        const h1 = await page.textContent("article.lesson h1");
        assert.ok(h1.trim().length > 0, `${id} ${lang}: no title`);
        if (lang === "zh") assert.match(await page.textContent("article.lesson .prose"), /[\u4e00-\u9fff]/, `${id}: no Chinese text`);
      }
      assert.deepEqual(shapes.zh, shapes.en, `${id}: en and zh differ`);
      assert.ok(shapes.en.cards.length >= 1, `${id}: no snippet card`);
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("every internal link leads to a lesson, a card or a heading that exists", { timeout: 120000 }, async () => {
    const page = await open("#/01-blocking");
    const ids = await lessonIds(page);
    const broken = [];
    for (const id of ids) {
      for (const lang of ["en", "zh"]) {
        await page.goto(page.url().split("?")[0].split("#")[0] + `?lang=${lang}#/${id}`);
        await page.waitForSelector(`article.lesson[data-lesson="${id}"]`);
        const links = await page.$$eval("article.lesson .prose a[href^='#']", (as) => as.map((a) => a.getAttribute("href")));
        for (const href of links) {
          const [lesson, target] = href.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
          if (!ids.includes(lesson)) {
            broken.push(`${id} (${lang}): ${href}`);
            continue;
          }
          if (target) {
            await page.goto(page.url().split("#")[0] + `#/${lesson}`);
            await page.waitForSelector(`article.lesson[data-lesson="${lesson}"]`);
            const found = await page.$(`#snippet-${target}, article.lesson [id="${target}"]`);
            if (!found) broken.push(`${id} (${lang}): ${href}`);
            await page.goto(page.url().split("#")[0] + `#/${id}`);
          }
        }
      }
    }
    assert.deepEqual(broken, []);
    await page.context().close();
  });

  test("every snippet runs to an end from a click, with small knobs", { timeout: 300000 }, async () => {
    const page = await open("#/01-blocking");
    const ids = await lessonIds(page);
    const ends = [];
    for (const id of ids) {
      await page.click(`nav.lessons a[href="#/${id}"]`);
      await page.waitForSelector(`article.lesson[data-lesson="${id}"]`);
      const snippets = await page.$$eval("article.lesson .card[data-snippet]", (cs) => cs.map((c) => c.dataset.snippet));
      for (const snippet of snippets) {
        const c = card(snippet);
        for (const input of await page.$$(`${c} input.knob-value`)) {
          const [name, value, min] = await input.evaluate((i) => [i.name, Number(i.value), Number(i.min)]);
          await input.fill(String(small(name, value, min)));
        }
        // A snippet on the page's own thread runs only once the reader agrees to the freeze.
        if (await page.$(`${c} input.consent`)) await page.check(`${c} input.consent`);
        await page.click(`${c} button.run`);
        await page.waitForSelector(`${c}:is([data-state="done"], [data-state="failed"])`, { timeout: 30000 });
        const state = await page.getAttribute(c, "data-state");
        const error = state === "failed" ? await page.textContent(`${c} .run-error`) : "";
        ends.push(`${id}/${snippet}: ${state}`);
        // A failure is the one the snippet exists to show, in plain words, never a stall.
        if (state === "failed") assert.match(error, /panicked|HTTP 500|failed/, `${id}/${snippet}: ${error}`);
      }
    }
    assert.ok(ends.length >= 6, ends.join("\n"));
    assert.deepEqual(page.errors.filter((e) => !/panicked|RuntimeError|unreachable/.test(e)), [], ends.join("\n"));
    await page.context().close();
  });
});
