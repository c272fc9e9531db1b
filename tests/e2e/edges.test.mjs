// Rough edges found by a hands-on test (issue 14): the theme without storage, progress counts,
// the Chinese page's words, and links with odd parameters.

import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { waitForNetwork } from "./browser.mjs";
import { card, site } from "./card.mjs";

const openSite = site();

/** Opens `path` of the site with `init(arg)` run first in every document. */
async function open(path, options, init, arg) {
  // A page of the site's origin that is not the app, to add the script before the app loads.
  const page = await openSite("manifest.webmanifest", options);
  const root = page.url().replace(/manifest\.webmanifest$/, "");
  if (init) await page.addInitScript(init, arg);
  // That page's own missing favicon is no error of the app's.
  await page.waitForTimeout(200);
  page.errors = [];
  await page.goto(root + path);
  await waitForNetwork(page);
  return page;
}

const theme = (page) => page.getAttribute("html", "data-theme");
const pressed = (page) => page.getAttribute('.theme-switch button[aria-pressed="true"]', "data-theme-choice");

describe("rough edges", () => {
  for (const [how, init] of [
    [
      "blocked",
      () => Object.defineProperty(window, "localStorage", {
        get() {
          throw new DOMException("The operation is insecure.", "SecurityError");
        },
      }),
    ],
    [
      "full",
      () => {
        Storage.prototype.setItem = function () {
          throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
        };
      },
    ],
  ]) {
    test(`the theme switches when local storage is ${how}`, { timeout: 30000 }, async () => {
      const page = await open("#/08-async-await", {}, init);
      assert.equal(await theme(page), "light");
      assert.equal(await pressed(page), "auto");
      await page.click('button[data-theme-choice="dark"]');
      assert.equal(await pressed(page), "dark");
      assert.equal(await theme(page), "dark");
      await page.click('button[data-theme-choice="light"]');
      assert.equal(await theme(page), "light");
      // Auto follows the system again.
      await page.click('button[data-theme-choice="auto"]');
      await page.emulateMedia({ colorScheme: "dark" });
      await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
      assert.equal(await pressed(page), "auto");
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });
  }

  test("a garbage stored theme counts as auto", { timeout: 30000 }, async () => {
    const page = await open("#/08-async-await", {}, () => localStorage.setItem("async-tutor.theme", "purple"));
    assert.equal(await pressed(page), "auto");
    assert.equal(await theme(page), "light");
    await page.context().close();
  });

  test("progress: lesson 0's comparison completes it; only the lesson's own snippets count", { timeout: 60000 }, async () => {
    // Stale entries (a snippet that no longer exists, hand-made ones) do not count.
    const stale = ["crawl", "gone", "old1", "old2", "", "crawl/x"].map((s) => `08-async-await/${s}`).join(",");
    const page = await open("#/00-concepts", {}, (ran) => {
      if (!sessionStorage.getItem("seeded")) {
        sessionStorage.setItem("seeded", "1");
        localStorage.setItem("async-tutor.progress", `visited=08-async-await;ran=${ran}`);
      }
    }, stale);
    const sel = (lesson) => `nav.lessons li[data-lesson="${lesson}"] .progress`;
    const progress = (lesson) => page.textContent(sel(lesson));
    const snippets = await page.evaluate(() => asyncTutor.lessons().find((l) => l.id === "08-async-await").snippets.length);
    assert.equal(await progress("08-async-await"), `1/${snippets}`);
    // Opened, nothing run: no ✓.
    assert.equal(await progress("00-concepts"), "0/2");
    const c = "#compare-interleave-parallel";
    await page.fill(`${c}-slices`, "2");
    await page.fill(`${c}-slice_ms`, "20");
    await page.click(`${c} button.run`);
    await page.waitForSelector(`${c}[data-state="done"]`, { timeout: 30000 });
    assert.equal(await progress("00-concepts"), "✓ 2/2");
    assert.match(await page.getAttribute(sel("00-concepts"), "title"), /done/);
    // Lesson 8's comparison counts for both of its snippets: its own crawl, and lesson 1's.
    await page.click('nav.lessons a[href="#/08-async-await"]');
    const cmp = "#compare-crawl-crawl";
    await page.fill(`${cmp}-pages`, "1");
    await page.fill(`${cmp}-latency_ms`, "10");
    await page.click(`${cmp} button.run`);
    await page.waitForSelector(`${cmp}[data-state="done"]`, { timeout: 30000 });
    assert.equal(await progress("08-async-await"), `1/${snippets}`);
    assert.equal(await progress("01-blocking"), "1/2");
    assert.equal(await page.getAttribute(sel("01-blocking"), "title"), "1 of 2 snippets run");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("asyncTutor.run never throws or rejects: bad arguments resolve with an error, on the page's network", { timeout: 30000 }, async () => {
    const page = await open("#/08-async-await");
    const network = await page.getAttribute(".net-status", "data-network");
    assert.equal(network, "slow-web");
    const results = await page.evaluate(async () => {
      const calls = {
        numbers: () => asyncTutor.run(12345, 67890),
        symbol: () => asyncTutor.run(Symbol()),
        objectSnippet: () => asyncTutor.run("08-async-await", {}),
        nothing: () => asyncTutor.run(),
        throwingGetter: () =>
          asyncTutor.run("08-async-await", "crawl", {
            get pages() {
              throw new Error("no pages for you");
            },
          }),
        throwingNumber: () =>
          asyncTutor.run("08-async-await", "crawl", {
            get pages() {
              throw 42;
            },
          }),
        throwingProxy: () =>
          asyncTutor.run("08-async-await", "crawl", new Proxy({}, { ownKeys() { throw new Error("no keys"); } })),
        stringKnob: () => asyncTutor.run("08-async-await", "crawl", { pages: "3" }),
        arrayKnobs: () => asyncTutor.run("08-async-await", "crawl", [1, 2]),
        numberKnobs: () => asyncTutor.run("08-async-await", "crawl", 7),
        badOptions: () => asyncTutor.run("08-async-await", "crawl", {}, { scheduler: 3 }),
      };
      const out = {};
      for (const [name, call] of Object.entries(calls)) {
        try {
          const report = await call();
          out[name] = { error: report.error, kind: report.failure?.kind, network: report.network };
        } catch (e) {
          out[name] = { threw: String(e) };
        }
      }
      return out;
    });
    for (const [name, r] of Object.entries(results)) {
      assert.equal(r.threw, undefined, `${name} threw: ${r.threw}`);
      assert.ok(typeof r.error === "string" && r.error.length > 0, `${name}: ${JSON.stringify(r)}`);
      assert.equal(r.network, "slowWeb", `${name}: ${JSON.stringify(r)}`);
    }
    assert.equal(results.numbers.error, "the lesson id and the snippet id must be strings (got number and number)");
    assert.equal(results.symbol.kind, "badIds");
    assert.match(results.objectSnippet.error, /got string and object/);
    assert.match(results.nothing.error, /got undefined and undefined/);
    assert.match(results.throwingGetter.error, /pages: no pages for you/);
    assert.match(results.throwingNumber.error, /pages: 42\b/);
    assert.match(results.throwingProxy.error, /no keys/);
    assert.match(results.stringKnob.error, /pages is string, not a number/);
    // The page still runs after all that.
    const ok = await page.evaluate(() => asyncTutor.run("08-async-await", "crawl", { pages: 2, latency_ms: 10 }));
    assert.equal(ok.error, null);
    assert.equal(ok.output.length, 3);
    // On a Chinese page, in Chinese.
    await page.click('.lang-switch button[lang="zh"]');
    const zh = await page.evaluate(() => asyncTutor.run(1, "crawl"));
    assert.equal(zh.error, "课程 id 和代码片段 id 都必须是字符串（收到的是 number 和 string）");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("Chinese pages name a comparison's sides in Chinese, with Chinese colons; titles carry no Markdown", { timeout: 60000 }, async () => {
    const page = await open("#/08-async-await");
    // English: lesson 8's states card, whose title comes from its `//!` line.
    assert.equal(
      await page.textContent(`${card("states")} h3`),
      "The download as the state machine an async fn becomes, written out by hand",
    );
    await page.click('.lang-switch button[lang="zh"]');
    await page.click('nav.lessons a[href="#/00-concepts"]');
    const c = "#compare-interleave-parallel";
    await page.waitForSelector(c);
    assert.equal(await page.textContent(`${c} h2, ${c} h3`), "一个线程轮流做，对比两个线程同时做");
    assert.deepEqual(await page.locator(`${c} .compare-sources summary`).allTextContents(), [
      "源代码：两个任务在一个线程上轮流做",
      "源代码：两个工作线程在同一时刻一起做",
    ]);
    assert.deepEqual(
      await page.$$eval(`${c} .compare-sources pre`, (ps) => ps.map((p) => p.getAttribute("aria-label"))),
      ["两个任务在一个线程上轮流做", "两个工作线程在同一时刻一起做"],
    );
    await page.fill(`${c}-slices`, "2");
    await page.fill(`${c}-slice_ms`, "20");
    await page.click(`${c} button.run`);
    await page.waitForSelector(`${c}[data-state="done"]`, { timeout: 30000 });
    const heads = await page.locator(`${c} svg.timeline .group-head text`).allTextContents();
    assert.equal(heads.length, 2, JSON.stringify(heads));
    assert.match(heads[0], /^两个任务在一个线程上轮流做 · /);
    assert.match(heads[1], /^两个工作线程在同一时刻一起做 · /);
    // No ASCII colon or straight quote right beside Chinese anywhere in the lesson's text.
    const text = await page.evaluate(() => {
      const main = document.querySelector("main").cloneNode(true);
      for (const code of main.querySelectorAll("pre, code, .output")) code.remove();
      return main.textContent;
    });
    assert.doesNotMatch(text, /[\u4e00-\u9fff][:"]|"[\u4e00-\u9fff]/);
    await page.screenshot({ path: "/tmp/shot-zh-compare.png", fullPage: false });
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("links: a replay value that names no event is clamped with a note; knobs are decoded; unknown names and places are said", { timeout: 90000 }, async () => {
    const c = card("crawl");
    const shown = (page) => page.getAttribute(`${c} .replay .position`, "data-shown").then(Number);
    const total = (page) => page.$eval(`${c} .replay .scrubber`, (s) => Number(s.max));
    const done = (page) => page.waitForSelector(`${c}:is([data-state="done"], [data-state="failed"])`, { timeout: 20000 });
    const note = (page, where = c) => page.locator(`${where} .link-note`).allTextContents();
    const page = await open("#/08-async-await/crawl?replay=-5&pages=%33&latency_ms=+50&virtual=1");
    await done(page);
    // %33 is 3, +50 is 50: the boxes show them, and the run used them.
    assert.equal(await page.inputValue("#snippet-crawl-pages"), "3");
    assert.equal(await page.inputValue("#snippet-crawl-latency_ms"), "50");
    assert.equal(await shown(page), 0);
    assert.deepEqual(await note(page), ["The link asks for event -5, before the first: showing the start."]);
    await page.fill(`${c} .scrubber`, String(await total(page)));
    assert.equal(await page.locator(`${c} .output li`).count(), 4);

    for (const [replay, words] of [
      ["NaN", "The link's replay=“NaN” is not an event number: showing the end."],
      ["99999999999999999999999", "The link asks for event 99999999999999999999999, past the end of the run: showing the end."],
    ]) {
      await page.goto(page.url().split("#")[0] + `#/08-async-await/crawl?replay=${replay}&pages=2&virtual=1`);
      await page.reload();
      await waitForNetwork(page);
      await done(page);
      assert.equal(await shown(page), await total(page));
      assert.deepEqual(await note(page), [words]);
    }
    // A number past this run's end.
    await page.goto(page.url().split("#")[0] + "#/08-async-await/crawl?replay=100000&pages=2&bogus=1&virtual=1");
    await page.reload();
    await waitForNetwork(page);
    await done(page);
    assert.equal(await shown(page), await total(page));
    const notes = await note(page);
    assert.equal(notes.length, 2, JSON.stringify(notes));
    assert.match(notes[0], /bogus/); // as the embed says it
    assert.match(notes[1], new RegExp(`^The link asks for event 100000, but this run has ${await total(page)} events: showing the end\\.$`));

    await page.click('.lang-switch button[lang="zh"]');
    assert.match((await note(page)).join(" "), /没有叫“bogus”|bogus/);
    assert.match((await note(page))[1], /^链接要的是第 100000 个事件，但这次运行只有 \d+ 个事件：显示结尾。$/);
    await page.locator(`${c} .link-note`).last().scrollIntoViewIfNeeded();
    await page.screenshot({ path: "/tmp/shot-link-zh.png" });
    await page.click('.lang-switch button[lang="en"]');
    // Runs from links count for progress; the notes go with the next run.
    assert.match(await page.textContent('nav.lessons li[data-lesson="08-async-await"] .progress'), /^1\/\d+$/);
    await page.click(`${c} button.run`);
    await page.waitForFunction((sel) => !document.querySelector(sel), `${c} .link-note`);
    await done(page);

    // No such card or heading.
    await page.goto(page.url().split("#")[0] + "#/08-async-await/nope");
    await page.waitForSelector("article.lesson > .link-note");
    assert.deepEqual(await note(page, "article.lesson >"), [
      "This lesson has no snippet or section “nope”: showing the lesson from its start.",
    ]);
    await page.click('.lang-switch button[lang="zh"]');
    assert.deepEqual(await note(page, "article.lesson >"), ["这一课没有叫“nope”的代码片段或小节：从头显示这一课。"]);
    await page.click('.lang-switch button[lang="en"]');

    // The page-thread freeze snippet does not start by itself, but takes the link's knobs.
    await page.goto(page.url().split("#")[0] + "#/01-blocking/freeze?replay=3&pages=2&latency_ms=200");
    await page.reload();
    await waitForNetwork(page);
    assert.equal(await page.inputValue("#snippet-freeze-pages"), "2");
    assert.equal(await page.inputValue("#snippet-freeze-latency_ms"), "200");
    assert.match((await note(page, card("freeze"))).join(" "), /agree above, then press Run/);
    assert.equal(await page.getAttribute(card("freeze"), "data-state"), "idle");
    await page.screenshot({ path: "/tmp/shot-link-freeze.png" });
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
