// Deploying, in headless Chromium: after one visit the whole course works with the server gone;
// a new build at the same address is offered, never mixed in, and replaces the old one's cache
// once the reader reloads; a build made for a sub-path works there end to end.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { serve } from "./server.mjs";
import { DIST, launch, newPage, waitForNetwork } from "./browser.mjs";
import { card, runCard, setKnobs } from "./card.mjs";
import { buildOf, cacheName, copyOf, precacheList, refinish, waitForPrecache } from "./deploy.mjs";

const SUBPATH = process.env.SUBPATH ?? "/async-tutor/";
const SUBPATH_DIST = process.env.SUBPATH_DIST_DIR ?? new URL("../../target/dist-subpath", import.meta.url).pathname;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Opens lesson `id` from the lesson list and returns its title. */
async function openLesson(page, id) {
  await page.click(`nav.lessons li[data-lesson="${id}"] a`);
  await page.waitForSelector(`article.lesson[data-lesson="${id}"]`);
  return page.textContent("article.lesson h1");
}

describe("offline", () => {
  test("after one visit, lessons open and snippets run on the slow web with no server at all", { timeout: 90000 }, async () => {
    const site = await serve(DIST);
    const page = await newPage(browser);
    await page.goto(site.url + "#/01-blocking");
    assert.equal(await waitForNetwork(page), "slow-web");
    const files = precacheList(DIST);
    const { build, cache, cached, caches } = await waitForPrecache(page);
    assert.equal(build, buildOf(DIST));
    assert.equal(cache, cacheName(site.url, build));
    assert.equal(cached, files.length);
    assert.deepEqual(caches, [cache]);

    // The network goes: the browser is offline and the server is gone.
    await site.close();
    await page.context().setOffline(true);
    await page.reload();
    assert.equal(await waitForNetwork(page), "slow-web");
    // Every lesson of the list opens, its cards drawn.
    const ids = await page.$$eval("nav.lessons li[data-lesson]", (ls) => ls.map((l) => l.dataset.lesson));
    assert.ok(ids.length >= 9, ids.join());
    for (const id of ids) {
      assert.ok((await openLesson(page, id)).length > 0, id);
      assert.ok((await page.$$("article.lesson .card")).length > 0, id);
    }
    await openLesson(page, "08-async-await");
    await setKnobs(page, "crawl", { pages: 3, latency_ms: 300, fail_percent: 0 });
    const { state, totalMs } = await runCard(page, "crawl");
    assert.equal(state, "done");
    assert.ok(totalMs >= 300 && totalMs < 300 + 1500, `total ${totalMs}`);
    assert.match(await page.textContent(`${card("crawl")} .network-note`), /slow web/);
    const lines = await page.$$eval(`${card("crawl")} .output li .line`, (ls) => ls.map((l) => l.textContent));
    assert.equal(lines.filter((l) => /^page \d: 2048 bytes$/.test(l)).length, 3, lines.join("\n"));

    // A worker pool starts offline too: its workers load the runner from the cache.
    await openLesson(page, "02-threads");
    await setKnobs(page, "pool", { pages: 2, latency_ms: 200, workers: 2 });
    assert.equal((await runCard(page, "pool", 60000)).state, "done");

    // The embed page is cached as well.
    const embed = await page.context().newPage();
    await embed.goto(page.url().split("#")[0] + "embed.html?lesson=03-polling&snippet=one_by_one");
    await embed.waitForSelector('.embed[data-network="slow-web"]', { timeout: 20000 });
    assert.equal(await embed.locator(card("one_by_one")).count(), 1);

    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});

describe("updates", () => {
  const dirs = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test("a new build is offered, not mixed in; after the reload only it runs and the old cache is gone", { timeout: 90000 }, async () => {
    // Build A is this build; build B is the same with one file changed, finished again.
    const a = copyOf(DIST, "a");
    const b = copyOf(DIST, "b");
    dirs.push(a, b);
    appendFileSync(join(b, "theme.js"), '\ndocument.documentElement.setAttribute("data-test-build", "B");\n');
    refinish(b);
    const [buildA, buildB] = [buildOf(a), buildOf(b)];
    assert.notEqual(buildA, buildB);

    const site = await serve(a);
    const [cacheA, cacheB] = [cacheName(site.url, buildA), cacheName(site.url, buildB)];
    const page = await newPage(browser);
    const pageBuild = (p = page) => p.getAttribute('meta[name="async-tutor-build"]', "content");
    const marked = () => page.evaluate(() => document.documentElement.getAttribute("data-test-build"));
    await page.goto(site.url + "#/08-async-await");
    await waitForNetwork(page);
    assert.equal((await waitForPrecache(page)).build, buildA);
    assert.equal(await page.locator(".update-banner").count(), 0);
    // A second tab of A stays open throughout.
    const other = await page.context().newPage();
    await other.goto(site.url + "#/04-callbacks");
    await waitForNetwork(other);

    // B is deployed at the same address. The next visit finds it; it installs and waits.
    site.setRoot(b);
    await page.reload();
    await waitForNetwork(page);
    await page.waitForSelector(".update-banner", { timeout: 20000 });
    assert.match(await page.textContent(".update-banner"), /new version/);
    // Still all A: its page, its files from its cache, and its runner.
    assert.equal(await pageBuild(), buildA);
    assert.equal(await marked(), null);
    assert.deepEqual((await page.evaluate(() => caches.keys())).sort(), [cacheA, cacheB].sort());
    await setKnobs(page, "crawl", { pages: 2, latency_ms: 100, fail_percent: 0 });
    assert.equal((await runCard(page, "crawl")).state, "done");

    // The reader chooses to reload: B takes over, the page reloads on its own, A's cache goes.
    // The other tab, which would now get B's files, reloads into B as well.
    await Promise.all([
      page.waitForEvent("load"),
      other.waitForEvent("load"),
      page.click(".update-banner button.update-reload"),
    ]);
    await waitForNetwork(page);
    assert.equal(await pageBuild(), buildB);
    assert.equal(await marked(), "B");
    assert.equal((await waitForPrecache(page)).build, buildB);
    assert.deepEqual(await page.evaluate(() => caches.keys()), [cacheB]);
    assert.equal(await page.locator(".update-banner").count(), 0);
    assert.equal(await pageBuild(other), buildB);
    await setKnobs(page, "crawl", { pages: 2, latency_ms: 100, fail_percent: 0 });
    assert.equal((await runCard(page, "crawl")).state, "done");
    assert.deepEqual(page.errors, []);
    await page.context().close();
    await site.close();
  });
});

describe("hard reload", () => {
  test("a page loaded past the old worker after a deploy lets its own build in, with no banner", { timeout: 60000 }, async () => {
    const a = copyOf(DIST, "hard-a");
    const b = copyOf(DIST, "hard-b");
    appendFileSync(join(b, "theme.js"), "\n// build B\n");
    refinish(b);
    const site = await serve(a);
    const page = await newPage(browser);
    await page.goto(site.url + "#/08-async-await");
    await waitForNetwork(page);
    assert.equal((await waitForPrecache(page)).build, buildOf(a));
    // B is deployed; a hard reload (as Shift+Reload) fetches B's page from the network.
    site.setRoot(b);
    const cdp = await page.context().newCDPSession(page);
    await Promise.all([page.waitForEvent("load"), cdp.send("Page.reload", { ignoreCache: true })]);
    assert.equal(await page.getAttribute('meta[name="async-tutor-build"]', "content"), buildOf(b));
    // B's worker takes over this page (A's would have served it A's files): the slow web works.
    await page.waitForSelector('.net-status[data-network="slow-web"]', { state: "attached", timeout: 20000 });
    const { build, cache } = await waitForPrecache(page);
    assert.equal(build, buildOf(b));
    assert.deepEqual(await page.evaluate(() => caches.keys()), [cache]);
    assert.equal(await page.locator(".update-banner").count(), 0);
    await setKnobs(page, "crawl", { pages: 2, latency_ms: 100, fail_percent: 0 });
    assert.equal((await runCard(page, "crawl")).state, "done");
    assert.deepEqual(page.errors, []);
    await page.context().close();
    await site.close();
    for (const d of [a, b]) rmSync(d, { recursive: true, force: true });
  });
});

describe("hosts", () => {
  const dirs = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test("a host with clean URLs (index.html → /, embed.html → embed) still works offline", { timeout: 60000 }, async () => {
    const site = await serve(DIST, { cleanUrls: true });
    const page = await newPage(browser);
    await page.goto(site.url + "index.html#/03-polling");
    assert.equal(page.url(), site.url + "#/03-polling");
    await waitForNetwork(page);
    await waitForPrecache(page);
    await site.close();
    await page.context().setOffline(true);
    await page.reload();
    assert.equal(await waitForNetwork(page), "slow-web");
    await page.goto(site.url + "embed?lesson=03-polling&snippet=one_by_one&knobs=pages%3D2");
    await page.waitForSelector('.embed[data-network="slow-web"]', { timeout: 20000 });
    assert.equal((await runCard(page, "one_by_one")).state, "done");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("two deployments on one origin keep their own offline caches", { timeout: 60000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), "async-tutor-two-"));
    dirs.push(root);
    cpSync(DIST, join(root, "prod"), { recursive: true });
    cpSync(DIST, join(root, "preview"), { recursive: true });
    const site = await serve(root);
    const page = await newPage(browser);
    for (const dir of ["prod", "preview"]) {
      await page.goto(`${site.url}${dir}/#/01-blocking`);
      await waitForNetwork(page);
      await waitForPrecache(page);
    }
    const build = buildOf(DIST);
    assert.deepEqual((await page.evaluate(() => caches.keys())).sort(), [cacheName(site.url + "preview/", build), cacheName(site.url + "prod/", build)]);
    await site.close();
    await page.context().setOffline(true);
    await page.goto(`${site.url}prod/#/08-async-await`);
    assert.equal(await waitForNetwork(page), "slow-web");
    await setKnobs(page, "crawl", { pages: 2, latency_ms: 100, fail_percent: 0 });
    assert.equal((await runCard(page, "crawl")).state, "done");
    await page.context().close();
  });
});

describe("sub-path", () => {
  test(`the build for ${SUBPATH} works there: assets, service worker scope, deep links, embed page`, { timeout: 90000 }, async () => {
    const site = await serve(SUBPATH_DIST, { prefix: SUBPATH });
    const page = await newPage(browser);
    await page.goto(site.url + "#/08-async-await/crawl");
    assert.equal(await waitForNetwork(page), "slow-web");
    // The deep link scrolled to its card, which runs through the worker scoped to the sub-path.
    assert.equal(await page.getAttribute(card("crawl"), "class"), "card targeted");
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    assert.equal(scope, site.url);
    await setKnobs(page, "crawl", { pages: 3, latency_ms: 200, fail_percent: 0 });
    const { state, totalMs } = await runCard(page, "crawl");
    assert.equal(state, "done");
    assert.ok(totalMs >= 200 && totalMs < 200 + 1500, `total ${totalMs}`);
    // Another lesson by its link, and a snippet of it.
    await page.goto(site.url + "#/04-callbacks/crawl");
    await page.waitForSelector('article.lesson[data-lesson="04-callbacks"]');
    await waitForNetwork(page);
    await setKnobs(page, "crawl", { pages: 2, latency_ms: 100 });
    assert.equal((await runCard(page, "crawl")).state, "done");
    // The embed page at the sub-path.
    await page.goto(site.url + "embed.html?lesson=08-async-await&snippet=crawl&knobs=pages%3D2");
    await page.waitForSelector('.embed[data-network="slow-web"]', { timeout: 20000 });
    assert.equal(await page.inputValue("#snippet-crawl-pages"), "2");
    assert.equal((await runCard(page, "crawl")).state, "done");
    assert.equal(await page.getAttribute(".embed .open-full", "href"), site.url + "#/08-async-await/crawl");
    // The web app manifest parses, and nothing but the test's private window keeps the site
    // from being installed.
    const cdp = await page.context().newCDPSession(page);
    const manifest = await cdp.send("Page.getAppManifest");
    assert.equal(manifest.url, site.url + "manifest.webmanifest");
    assert.deepEqual(manifest.errors, []);
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    assert.deepEqual(installabilityErrors.map((e) => e.errorId).filter((id) => id !== "in-incognito"), []);
    // Every request stayed under the sub-path.
    assert.deepEqual(site.requests.filter((p) => !p.startsWith(SUBPATH)), []);
    assert.deepEqual(page.errors, []);
    await page.context().close();
    await site.close();
  });
});
