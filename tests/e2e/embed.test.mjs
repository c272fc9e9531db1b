// Embedding, in headless Chromium, with the tutor on 127.0.0.1 under its strict CSP and the
// example docs page served from another origin. On another port of the same host both
// <async-tutor-snippet> elements render, size their frames to the content, run on the slow web
// by a click inside and by the host's script, and report back. On another site (127.0.0.2) the
// browser keeps its service worker from third-party frames, so the embeds run on the virtual
// network and say so. A page of a third origin (127.0.0.3) can neither drive nor resize them.
// The embed page alone passes axe-core with no problem of moderate impact or worse.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { serve } from "./server.mjs";
import { DIST, launch, newPage } from "./browser.mjs";
import { card, runCard, setKnobs } from "./card.mjs";
import { strictCsp } from "./deploy.mjs";

let browser, tutor, host, otherSite, third, dir;

before(async () => {
  browser = await launch();
  tutor = await serve(DIST, { headers: { "content-security-policy": strictCsp(DIST) } });
  // The example page as a docs author would publish it: embed.js from the tutor's address.
  dir = mkdtempSync(join(tmpdir(), "async-tutor-host-"));
  const examples = join(DIST, "examples");
  const html = readFileSync(join(examples, "docs-page.html"), "utf8");
  assert.ok(html.includes('src="../embed.js"'));
  writeFileSync(join(dir, "docs-page.html"), html.replaceAll('="../', `="${tutor.url}`));
  for (const f of ["docs-page.css", "docs-page.js"]) copyFileSync(join(examples, f), join(dir, f));
  host = await serve(dir);
  otherSite = await serve(dir, { host: "127.0.0.2" });
  // A third origin's page that, framed by the docs page, forges messages both ways.
  writeFileSync(
    join(dir, "forge.html"),
    `<!doctype html><title>forge</title><script>
      parent.postMessage({ type: "async-tutor:size", height: 7 }, "*");
      parent.postMessage({ type: "async-tutor:finished", outcome: "finished", elapsed_ms: 1 }, "*");
      parent.postMessage({ type: "async-tutor:ready", lesson: "x", snippet: "y", knobs: [] }, "*");
      for (let i = 0; i < parent.frames.length; i++) {
        parent.frames[i].postMessage({ type: "async-tutor:run" }, "*");
        parent.frames[i].postMessage({ type: "async-tutor:set-knobs", knobs: { pages: 50 } }, "*");
      }
      document.title = "forged";
    </script>`,
  );
  third = await serve(dir, { host: "127.0.0.3" });
});

after(async () => {
  await browser?.close();
  await Promise.all([tutor?.close(), host?.close(), otherSite?.close(), third?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens the docs page with every async-tutor-* event recorded in `window.__events`. */
async function openDocs(site = host) {
  const page = await newPage(browser);
  await page.addInitScript(() => {
    window.__events = [];
    for (const kind of ["ready", "size", "started", "finished", "error"]) {
      document.addEventListener(`async-tutor-${kind}`, (e) => window.__events.push({ kind, id: e.target.id, detail: e.detail }));
    }
  });
  await page.goto(site.url + "docs-page.html");
  for (const id of ["blocking", "async"]) {
    await page.waitForFunction((id) => window.__events.some((e) => e.kind === "ready" && e.id === id), id, { timeout: 30000 });
  }
  // The frames have their content's height: the page's layout is settled before any click.
  for (const id of ["blocking", "async"]) {
    const { height } = await frameOf(page, id);
    for (let i = 0; i < 100; i++) {
      const h = await height();
      if (Math.abs(h.frame - h.content) <= 1) break;
      await page.waitForTimeout(50);
    }
  }
  return page;
}

const events = (page, kind, id) => page.evaluate(([kind, id]) => window.__events.filter((e) => e.kind === kind && e.id === id).map((e) => e.detail), [kind, id]);

/** The embed's frame, its height as set by the host, and its content's height inside. */
async function frameOf(page, id) {
  const frame = await (await page.$(`#${id} iframe`)).contentFrame();
  const height = async () => ({
    frame: await page.$eval(`#${id} iframe`, (f) => f.getBoundingClientRect().height),
    content: await frame.$eval(".embed", (e) => e.offsetHeight),
  });
  return { frame, height };
}

describe("embedding", () => {
  test("two snippets on another site render, follow their content's height, and run", { timeout: 90000 }, async () => {
    const page = await openDocs();
    assert.notEqual(new URL(page.url()).origin, tutor.origin);
    const [ready] = await events(page, "ready", "blocking");
    assert.deepEqual(
      ready.knobs.map((k) => [k.name, k.value]),
      [["pages", "4"], ["latency_ms", "400"]],
    );

    // A click inside the first frame: the blocking crawl, one page after another.
    const blocking = await frameOf(page, "blocking");
    await blocking.frame.waitForSelector('.embed[data-network="slow-web"]');
    const before = await blocking.height();
    assert.ok(Math.abs(before.frame - before.content) <= 1 && before.frame !== 480, JSON.stringify(before));
    assert.equal((await runCard(blocking.frame, "crawl")).state, "done");
    await page.waitForFunction(() => window.__events.some((e) => e.kind === "finished" && e.id === "blocking"));
    const [done] = await events(page, "finished", "blocking");
    assert.equal(done.outcome, "finished");
    assert.ok(done.elapsed_ms >= 4 * 400 && done.elapsed_ms < 4 * 400 + 1500, JSON.stringify(done));
    // The output and timeline made the card taller; the frame followed.
    await page.waitForFunction(
      ([h]) => document.querySelector("#blocking iframe").getBoundingClientRect().height > h + 100,
      [before.frame],
    );
    const grown = await blocking.height();
    assert.ok(Math.abs(grown.frame - grown.content) <= 1, JSON.stringify(grown));

    // The host page drives the second one: a knob, then Run, and it shows the reported time.
    const asynchronous = await frameOf(page, "async");
    await page.fill("#pages", "8");
    await page.click("#run-async");
    await page.waitForFunction(() => /finished in \d+ ms/.test(document.getElementById("result").textContent), null, { timeout: 30000 });
    const ms = Number((await page.textContent("#result")).match(/finished in (\d+) ms/)[1]);
    assert.ok(ms >= 400 && ms < 400 + 1500, `async crawl of 8 pages took ${ms} ms`);
    assert.equal(await asynchronous.frame.inputValue("#snippet-crawl-pages"), "8");
    const lines = await asynchronous.frame.$$eval(`${card("crawl")} .output li .line`, (ls) => ls.map((l) => l.textContent));
    assert.equal(lines.filter((l) => /^page \d: 2048 bytes$/.test(l)).length, 8, lines.join("\n"));

    // Limits: past max-height the frame stops growing (and scrolls).
    await page.$eval("#async", (e) => e.setAttribute("max-height", "300"));
    assert.equal((await asynchronous.height()).frame, 300);
    // Stop from the host: a long run ends as "stopped", with no time of its own.
    await page.$eval("#async", (e) => {
      e.setKnobs({ latency_ms: 3000 });
      e.run();
    });
    await page.waitForFunction(() => window.__events.filter((e) => e.kind === "started" && e.id === "async").length === 2);
    await page.$eval("#async", (e) => e.stop());
    await page.waitForFunction(() => window.__events.filter((e) => e.kind === "finished" && e.id === "async").length === 2, null, { timeout: 2500 });
    const stopped = (await events(page, "finished", "async"))[1];
    assert.equal(stopped.outcome, "stopped");
    assert.equal(stopped.elapsed_ms, null);
    assert.equal(await asynchronous.frame.getAttribute(card("crawl"), "data-state"), "stopped");
    // A command that cannot be done comes back as an error event, in plain words.
    await page.$eval("#async", (e) => e.setKnobs({ nope: 1 }));
    await page.waitForFunction(() => window.__events.some((e) => e.kind === "error" && e.id === "async"));
    assert.match((await events(page, "error", "async"))[0].message, /^No such knob: nope\. This snippet's knobs: pages, latency_ms, fail_percent, jitter_ms\.$/);
    // The link back opens the lesson on the tutor's site.
    assert.equal(await blocking.frame.getAttribute(".open-full", "href"), `${tutor.url}#/01-blocking/crawl`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("on another site the embeds run on the virtual network, and say so", { timeout: 60000 }, async () => {
    const page = await openDocs(otherSite);
    const { frame } = await frameOf(page, "async");
    await frame.waitForSelector('.embed[data-network="virtual"]');
    await page.fill("#pages", "6");
    // Cross-site frames live in other processes; headless Chromium routes a click right after
    // its own scroll to a stale place, so the button is brought into view first.
    await page.locator("#run-async").scrollIntoViewIfNeeded();
    await page.click("#run-async");
    await page.waitForFunction(() => /finished in \d+ ms/.test(document.getElementById("result").textContent), null, { timeout: 30000 });
    // Simulated time: one latency, whatever the pages.
    const [done] = await events(page, "finished", "async");
    assert.ok(done.elapsed_ms >= 400 && done.elapsed_ms < 400 + 50, JSON.stringify(done));
    assert.match(await frame.textContent(`${card("crawl")} .network-note`), /virtual network/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("messages forged by a third origin neither drive nor resize the embeds", { timeout: 60000 }, async () => {
    const page = await openDocs(otherSite);
    const embeds = await Promise.all(["blocking", "async"].map((id) => frameOf(page, id)));
    for (const e of embeds) await e.frame.waitForSelector(".embed:not([data-network=pending])");
    const heights = await Promise.all(embeds.map((e) => e.height()));
    const counts = await page.evaluate(() => window.__events.length);
    // The forger is framed by the docs page, so it can reach both the page and the embeds.
    await page.evaluate((src) => {
      const f = document.createElement("iframe");
      f.src = src;
      document.body.append(f);
    }, `${third.url}forge.html`);
    const forger = await (await page.waitForSelector('iframe[src*="forge.html"]')).contentFrame();
    await forger.waitForFunction(() => document.title === "forged");
    await page.waitForTimeout(1000);
    // Nothing ran, no knob moved, no frame changed size, and the host heard nothing.
    for (const [i, e] of embeds.entries()) {
      assert.equal(await e.frame.getAttribute(card("crawl"), "data-state"), "idle");
      assert.equal(await e.frame.inputValue("#snippet-crawl-pages"), "4");
      assert.equal((await e.height()).frame, heights[i].frame);
    }
    assert.equal(await page.evaluate(() => window.__events.length), counts);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("axe-core finds no problem of moderate impact or worse on the embed page, run or not, in either language and theme", { timeout: 90000 }, async () => {
    const axe = fileURLToPath(new URL("./node_modules/axe-core/axe.min.js", import.meta.url));
    const cases = [
      ["lesson=08-async-await&snippet=crawl&lang=en&theme=light", true],
      ["lesson=08-async-await&snippet=crawl&lang=zh&theme=dark", true],
      ["lesson=03-polling&snippet=spin&lang=en&theme=dark&knobs=nope%3D1", false],
    ];
    for (const [query, run] of cases) {
      // axe-core goes in as an inline script, which the strict CSP would refuse.
      const page = await newPage(browser, { bypassCSP: true });
      await page.goto(`${tutor.url}embed.html?${query}`);
      const snippet = new URLSearchParams(query).get("snippet");
      await page.waitForSelector(`main.embed:not([data-network="pending"]) ${card(snippet)}`);
      // The card's title is the page's one h1, and the link back sits inside the landmark.
      assert.deepEqual(await page.$$eval("h1", (hs) => hs.map((h) => h.className)), ["card-title"]);
      assert.ok(await page.$("main.embed .embed-foot .open-full"));
      if (run) {
        await setKnobs(page, snippet, { pages: 3, latency_ms: 50 });
        assert.equal((await runCard(page, snippet)).state, "done");
        await page.click(`${card(snippet)} .timeline-table summary`);
      }
      // The page is transparent: behind it is the host's page, which axe-core takes for white.
      // A host asking for the dark theme shows a dark page there; the theme's own background
      // stands in for it.
      if (query.includes("theme=dark")) {
        await page.evaluate(() => {
          const html = document.documentElement;
          html.style.background = getComputedStyle(html).getPropertyValue("--bg");
        });
      }
      await page.addScriptTag({ path: axe });
      const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      const bad = violations
        .filter((v) => ["moderate", "serious", "critical"].includes(v.impact))
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
      assert.deepEqual(bad, [], query);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    }
  });
});
