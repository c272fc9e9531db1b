// What the page looks like: timeline text inside its drawing, the phone layout, focus kept on
// a control through a run, the wide-screen sidebar and code boxes.

import { test, describe } from "node:test";
import assert from "node:assert/strict";

import { fileURLToPath } from "node:url";

import { card, runCard, setKnobs, site } from "./card.mjs";

const open = site();

/** Every text of the card's timeline that reaches outside the drawing, as "text: why". */
async function spilledText(page, snippet) {
  return page.$eval(`${card(snippet)} svg.timeline`, (svg) => {
    const box = svg.getBoundingClientRect();
    const out = [];
    for (const t of svg.querySelectorAll("text")) {
      const r = t.getBoundingClientRect();
      if (r.left < box.left - 0.5) out.push(`${t.textContent}: left by ${box.left - r.left}`);
      if (r.right > box.right + 0.5) out.push(`${t.textContent}: right by ${r.right - box.right}`);
    }
    return out;
  });
}

describe("timeline text", () => {
  for (const [lesson, snippet, knobs] of [
    ["04-callbacks", "steps", {}],
    ["08-async-await", "crawl", { pages: 3, latency_ms: 1000 }],
    ["08-async-await", "sequential", { pages: 12, latency_ms: 1000 }],
  ]) {
    test(`${lesson}/${snippet} ${JSON.stringify(knobs)}: axis and lane labels stay inside the drawing, uncut`, { timeout: 30000 }, async () => {
      const page = await open(`#/${lesson}/${snippet}`, { viewport: { width: 1280, height: 900 } });
      await page.waitForSelector(card(snippet));
      await setKnobs(page, snippet, knobs);
      await page.check(`${card(snippet)} input.virtual-time`);
      // Lesson 4's card fails on purpose (its broken page); its timeline is drawn all the same.
      assert.match((await runCard(page, snippet)).state, /^(done|failed)$/);
      assert.deepEqual(await spilledText(page, snippet), []);
      // No lane label is shortened when it fits the label column's bound.
      const cut = await page.$$eval(`${card(snippet)} g.lane`, (lanes) =>
        lanes.filter((g) => g.querySelector(".lane-label").textContent.trim() !== g.dataset.label).map((g) => g.dataset.label));
      assert.deepEqual(cut, []);
      await page.context().close();
    });
  }
});

describe("phones", () => {
  for (const [width, height] of [[390, 844], [320, 640]]) {
    for (const lang of ["en", "zh"]) {
      test(`${width} × ${height}, ${lang}: a compact header, the lesson list folded, the lesson first`, { timeout: 30000 }, async () => {
        const page = await open(`?lang=${lang}#/03-polling`, { viewport: { width, height }, hasTouch: true, isMobile: true });
        await page.waitForSelector("article.lesson h1");
        const header = await page.$eval("header.top", (h) => h.getBoundingClientRect().height);
        assert.ok(header <= 80, `the header is ${header} px high`);
        // One row where it fits (English at 390 px): brand, network dot, theme, language.
        if (width === 390 && lang === "en") assert.ok(header <= 50, `the header is ${header} px high`);
        const h1 = await page.$eval("article.lesson h1", (h) => h.getBoundingClientRect().top);
        assert.ok(h1 <= 200, `the lesson's title starts at y = ${h1}`);
        // Nothing is wider than the screen.
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth));
        // The list opens from its button, and folds again once a lesson is chosen.
        const toggle = "nav.lessons button.lessons-toggle";
        assert.equal(await page.getAttribute(toggle, "aria-expanded"), "false");
        assert.equal(await page.isVisible('nav.lessons a[href="#/04-callbacks"]'), false);
        await page.tap(toggle);
        assert.equal(await page.getAttribute(toggle, "aria-expanded"), "true");
        await page.tap('nav.lessons a[href="#/04-callbacks"]');
        await page.waitForSelector('article[data-lesson="04-callbacks"]');
        assert.equal(await page.getAttribute(toggle, "aria-expanded"), "false");
        assert.equal(await page.isVisible('nav.lessons a[href="#/03-polling"]'), false);
        assert.match(await page.textContent(toggle), lang === "en" ? /Event loop/ : /事件循环/);
        await page.context().close();
      });
    }
  }

  test("a timeline wider than the phone says it scrolls; the hint speaks of tapping, and a tap picks a lane", { timeout: 90000 }, async () => {
    for (const [[width, height], lang] of [[390, 844], [320, 640]].flatMap((size) => ["en", "zh"].map((lang) => [size, lang]))) {
      const page = await open(`?lang=${lang}#/08-async-await/crawl`, { viewport: { width, height }, hasTouch: true, isMobile: true });
      await page.waitForSelector(card("crawl"));
      // Nothing in the lesson (its prose's long code names included) widens the page past the
      // screen, which would make the phone zoom the whole page out.
      assert.deepEqual(await page.evaluate(() => [innerWidth, document.documentElement.scrollWidth]), [width, width], `${width} px, ${lang}`);
      await setKnobs(page, "crawl", { pages: 3, latency_ms: 300 });
      await page.check(`${card("crawl")} input.virtual-time`);
      assert.equal((await runCard(page, "crawl")).state, "done");
      const scroll = await page.$eval(`${card("crawl")} .timeline-scroll`, (s) => ({ sw: s.scrollWidth, cw: s.clientWidth }));
      if (scroll.sw > scroll.cw) {
        assert.ok(await page.isVisible(`${card("crawl")} .timeline-scrolls`), "no word that the timeline scrolls");
        assert.match(await page.innerText(`${card("crawl")} .timeline-scrolls`), lang === "en" ? /Swipe sideways/ : /左右滑动/);
      }
      const hint = await page.textContent(`${card("crawl")} .timeline-detail`);
      assert.equal(await page.isVisible(`${card("crawl")} .hint-pointer`), false);
      assert.match(hint, lang === "en" ? /Tap a lane/ : /轻触/);
      assert.doesNotMatch(await page.innerText(`${card("crawl")} .timeline-detail`), /Point at|鼠标/);
      await page.tap(`${card("crawl")} g.request-lane >> nth=0`);
      assert.match(await page.textContent(`${card("crawl")} .timeline-detail`), /GET/);
      await page.context().close();
    }
  });

  test("axe-core finds no serious problem at phone width (code boxes that scroll can be focused)", { timeout: 60000 }, async () => {
    const axe = fileURLToPath(new URL("./node_modules/axe-core/axe.min.js", import.meta.url));
    for (const lesson of ["03-polling", "08-async-await"]) {
      const page = await open(`#/${lesson}`, { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
      await page.waitForSelector("article.lesson .card");
      await page.addScriptTag({ path: axe });
      const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      const bad = violations
        .filter((v) => v.impact === "serious" || v.impact === "critical" || ["heading-order", "landmark-unique"].includes(v.id))
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
      assert.deepEqual(bad, [], lesson);
      await page.context().close();
    }
  });

  test("with a mouse the hint still says to point", { timeout: 20000 }, async () => {
    const page = await open("#/08-async-await/crawl", { viewport: { width: 1280, height: 900 } });
    await page.waitForSelector(card("crawl"));
    await page.check(`${card("crawl")} input.virtual-time`);
    assert.equal((await runCard(page, "crawl")).state, "done");
    assert.match(await page.innerText(`${card("crawl")} .timeline-detail`), /Point at a lane/);
    assert.equal(await page.isVisible(`${card("crawl")} .timeline-scrolls`), false);
    await page.context().close();
  });
});

describe("keyboard focus through a run", () => {
  const active = (page) => page.evaluate(() => {
    const a = document.activeElement;
    return a === document.body || !a ? "body" : a.id || a.className || a.tagName;
  });

  test("Run hands focus to Stop, and it comes back to Run when the run ends", { timeout: 30000 }, async () => {
    const page = await open("#/08-async-await/crawl");
    await page.waitForSelector('.net-status:not([data-network="pending"])', { state: "attached" });
    await setKnobs(page, "crawl", { pages: 2, latency_ms: 1500 });
    await page.focus(`${card("crawl")} button.run`);
    await page.keyboard.press("Enter");
    await page.waitForSelector(`${card("crawl")}[data-state="running"]`);
    await page.waitForFunction((s) => document.activeElement?.matches(s), `${card("crawl")} button.stop`);
    await page.waitForSelector(`${card("crawl")}[data-state="done"]`, { timeout: 20000 });
    await page.waitForFunction((s) => document.activeElement?.matches(s), `${card("crawl")} button.run`);
    // Stop by keyboard: focus returns to Run too.
    await page.keyboard.press("Enter");
    await page.waitForFunction((s) => document.activeElement?.matches(s), `${card("crawl")} button.stop`);
    await page.keyboard.press("Enter");
    await page.waitForSelector(`${card("crawl")}[data-state="stopped"]`);
    await page.waitForFunction((s) => document.activeElement?.matches(s), `${card("crawl")} button.run`);
    assert.notEqual(await active(page), "body");
    await page.context().close();
  });

  test("Ctrl+Enter in a knob keeps focus on a control and returns it to the knob", { timeout: 30000 }, async () => {
    const page = await open("#/08-async-await/crawl");
    await page.waitForSelector('.net-status:not([data-network="pending"])', { state: "attached" });
    await setKnobs(page, "crawl", { pages: 2, latency_ms: 1500 });
    await page.focus("#snippet-crawl-pages");
    await page.keyboard.press("Control+Enter");
    await page.waitForSelector(`${card("crawl")}[data-state="running"]`);
    await page.waitForFunction((s) => document.activeElement?.matches(s), `${card("crawl")} button.stop`);
    await page.waitForSelector(`${card("crawl")}[data-state="done"]`, { timeout: 20000 });
    await page.waitForFunction(() => document.activeElement?.id === "snippet-crawl-pages");
    await page.context().close();
  });

  test("the output log can be focused and scrolled by keyboard", { timeout: 30000 }, async () => {
    const page = await open("#/08-async-await/crawl");
    await page.waitForSelector(card("crawl"));
    assert.equal(await page.getAttribute(`${card("crawl")} ol.output`, "tabindex"), "0");
    await page.context().close();
  });
});

describe("small things", () => {
  test("at 1280 px the sidebar's titles take at most two lines, and code boxes use the room", { timeout: 30000 }, async () => {
    for (const lang of ["en", "zh"]) {
      const page = await open(`?lang=${lang}#/08-async-await`, { viewport: { width: 1280, height: 900 } });
      await page.waitForSelector(card("crawl"));
      const tall = await page.$$eval("nav.lessons .name", (names) =>
        names.filter((n) => n.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(n).lineHeight) + 1).map((n) => n.textContent));
      assert.deepEqual(tall, [], lang);
      // A code box may scroll sideways only when the lesson column has no room left.
      const wasted = await page.$$eval("article.lesson pre.code", (pres) => {
        const main = document.querySelector("main");
        const room = main.clientWidth - parseFloat(getComputedStyle(main).paddingLeft) - parseFloat(getComputedStyle(main).paddingRight);
        // Two sources side by side in a comparison are half the width by design.
        return pres.filter((p) => p.offsetParent && !p.closest(".compare-sources") && p.scrollWidth > p.clientWidth && p.getBoundingClientRect().width < room - 40)
          .map((p) => `${p.getBoundingClientRect().width} of ${room}`);
      });
      assert.deepEqual(wasted, [], lang);
      await page.context().close();
    }
  });

  test("an invalid knob says so instead of Ready", { timeout: 20000 }, async () => {
    const page = await open("#/08-async-await/crawl");
    await page.waitForSelector('.net-status:not([data-network="pending"])', { state: "attached" });
    await setKnobs(page, "crawl", { pages: 0 });
    assert.equal(await page.isDisabled(`${card("crawl")} button.run`), true);
    assert.match(await page.textContent(`${card("crawl")} .controls .status`), /Fix the marked knob/);
    await setKnobs(page, "crawl", { pages: 3 });
    assert.doesNotMatch(await page.textContent(`${card("crawl")} .controls .status`), /Fix/);
    await page.context().close();
  });

  test("an embed's host sending a huge number or thousands of unknown knobs gets short answers", { timeout: 30000 }, async () => {
    // A host page of the same origin frames the embed and sends it commands.
    const page = await open("#/08-async-await");
    await page.waitForSelector("article.lesson");
    await page.evaluate(() => {
      window.__errors = [];
      addEventListener("message", (e) => {
        if (e.data?.type === "async-tutor:error") window.__errors.push(e.data.message);
      });
      const f = document.createElement("iframe");
      f.id = "embed";
      f.src = `embed.html?lesson=08-async-await&snippet=crawl&host=${encodeURIComponent(location.origin)}`;
      document.body.append(f);
    });
    const frame = await (await page.waitForSelector("#embed")).contentFrame();
    await frame.waitForSelector(".card[data-snippet='crawl']");
    await frame.waitForSelector('.embed:not([data-network="pending"])', { state: "attached" }).catch(() => {});
    const send = (msg) => page.evaluate((m) => document.getElementById("embed").contentWindow.postMessage(m, "*"), msg);
    await send({ type: "async-tutor:set-knobs", knobs: { pages: 1e308 } });
    await frame.waitForFunction(() => document.getElementById("snippet-crawl-pages")?.value !== "10");
    assert.equal(await frame.inputValue("#snippet-crawl-pages"), "1e308");
    // The knob refuses it in a short sentence.
    await page.waitForFunction(() => window.__errors.length > 0);
    assert.ok((await page.evaluate(() => window.__errors.shift())).length < 100);
    const bogus = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`bogus${i}`, 1]));
    await send({ type: "async-tutor:set-knobs", knobs: bogus });
    await page.waitForFunction(() => window.__errors.some((m) => m.startsWith("No such knob")));
    const message = await page.evaluate(() => window.__errors.find((m) => m.startsWith("No such knob")));
    assert.ok(message.length < 250, message);
    assert.match(message, /and 1995 more/);
    await page.context().close();
  });

  test("Reset progress can be undone, and focus moves to Undo", { timeout: 20000 }, async () => {
    const page = await open("#/01-blocking");
    const badge = 'nav.lessons li[data-lesson="01-blocking"] .progress';
    await page.waitForFunction((s) => (document.querySelector(s)?.textContent ?? "") !== "", badge);
    const before = await page.textContent(badge);
    await page.focus("nav.lessons button.reset-progress");
    await page.keyboard.press("Enter");
    await page.waitForFunction((s) => document.querySelector(s).textContent === "", badge);
    await page.waitForFunction(() => document.activeElement?.matches("button.undo-reset"));
    assert.match(await page.textContent("nav.lessons .progress-cleared"), /Progress cleared/);
    await page.keyboard.press("Enter");
    await page.waitForFunction(([s, b]) => document.querySelector(s).textContent === b, [badge, before]);
    assert.equal(await page.isVisible("button.undo-reset"), false);
    await page.context().close();
  });
});
