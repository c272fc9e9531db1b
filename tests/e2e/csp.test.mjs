// The site under its strict Content-Security-Policy (the one www/_headers ships and README
// documents): every kind of run works and the browser reports no violation, not in the page,
// its runner and pool workers, the service worker, nor the embed page.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { serve } from "./server.mjs";
import { DIST, launch, newPage, waitForNetwork } from "./browser.mjs";
import { card, runCard, setKnobs } from "./card.mjs";
import { strictCsp } from "./deploy.mjs";

const CSP = strictCsp(DIST);

let browser;
let site;
before(async () => {
  browser = await launch();
  site = await serve(DIST, { headers: { "content-security-policy": CSP } });
});
after(async () => {
  await browser?.close();
  await site?.close();
});

/**
 * A page whose documents report every CSP violation into `page.violations` (kept across
 * navigations).
 */
async function watchedPage() {
  const page = await newPage(browser);
  page.violations = [];
  await page.exposeFunction("__cspViolation", (text) => page.violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__cspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`),
    );
  });
  return page;
}

describe("strict CSP", () => {
  test("the policy is the strict one, and the harness sees a violation when there is one", async () => {
    assert.match(CSP, /^default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'/);
    assert.doesNotMatch(CSP, /'unsafe-(inline|eval|hashes)'|data:|blob:|\*/);
    const page = await watchedPage();
    const response = await page.goto(site.url);
    assert.equal(response.headers()["content-security-policy"], CSP);
    await waitForNetwork(page);
    assert.deepEqual(page.violations, []);
    // An inline style attribute is what the policy forbids: the watch reports it.
    await page.evaluate(() => document.body.setAttribute("style", "outline: 1px solid red"));
    for (let i = 0; i < 50 && page.violations.length === 0; i++) await page.waitForTimeout(20);
    assert.match(page.violations[0] ?? "none", /^style-src-attr blocked inline/);
    await page.context().close();
  });

  test("lessons run on the slow web, in workers, in a pool and on the page's thread with no violation", { timeout: 120000 }, async () => {
    const page = await watchedPage();
    await page.goto(site.url + "#/01-blocking");
    assert.equal(await waitForNetwork(page), "slow-web");
    // On the page's own thread: the runner module is imported into the page.
    await setKnobs(page, "freeze", { pages: 1, latency_ms: 100 });
    await page.check(`${card("freeze")} input.consent`);
    assert.equal((await runCard(page, "freeze")).state, "done");
    // Blocking calls in the runner worker.
    await setKnobs(page, "crawl", { pages: 2, latency_ms: 100 });
    assert.equal((await runCard(page, "crawl")).state, "done");
    // A pool of workers.
    await page.goto(site.url + "#/02-threads");
    await setKnobs(page, "pool", { pages: 2, latency_ms: 100, workers: 2 });
    assert.equal((await runCard(page, "pool", 60000)).state, "done");
    // Async tasks, on the slow web and on virtual time, with the timeline and inspector drawn.
    await page.goto(site.url + "#/08-async-await");
    await setKnobs(page, "crawl", { pages: 3, latency_ms: 100, fail_percent: 0 });
    assert.equal((await runCard(page, "crawl")).state, "done");
    await page.check(`${card("crawl")} input.virtual-time`);
    assert.equal((await runCard(page, "crawl")).state, "done");
    assert.ok((await page.$$(`${card("crawl")} rect.seg`)).length > 0);
    // The embed page.
    await page.goto(site.url + "embed.html?lesson=07-futures&snippet=executor&theme=dark");
    await page.waitForSelector('.embed[data-network="slow-web"]', { timeout: 20000 });
    assert.equal((await runCard(page, "executor")).state, "done");
    assert.deepEqual(page.violations, []);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
