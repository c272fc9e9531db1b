// The service worker's slow web under load, in Chromium: a server with a capacity counts its
// requests in flight, slows down or turns away what comes beyond it (as slow-web.js plans), and
// counts a request until its answer is due, even one the page aborted before.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

import { waitForNetwork } from "./browser.mjs";
import { site } from "./card.mjs";

const SlowWeb = createRequire(import.meta.url)("../../www/slow-web.js");
const open = site();

/** The outcome slow-web.js plans for page n (delay 100 ms, capacity 1) at `load`. */
const planned = (n, load) => SlowWeb.plan(SlowWeb.parse(`api/page/${n}?delay=100&cap=1`).request, load);

test("a server with a capacity slows down or turns away requests beyond it", { timeout: 60000 }, async () => {
  const page = await open("#/00-concepts");
  assert.equal(await waitForNetwork(page), "slow-web");
  let slowed = 2;
  while (planned(slowed, 2).kind !== "ok") slowed++;
  let busy = 2;
  while (planned(busy, 2).kind !== "busy") busy++;
  const result = await page.evaluate(
    async ({ slowed, busy }) => {
      const head = async (url) => {
        const r = await fetch(url);
        await r.text();
        return { status: r.status, delay: r.headers.get("x-slow-web-delay") };
      };
      const out = {};
      // One long request holds the only place; each next one arrives at load 2.
      const holder = fetch("api/page/1?delay=1500&cap=1");
      await new Promise((r) => setTimeout(r, 200));
      out.slowed = await head(`api/page/${slowed}?delay=100&cap=1`);
      out.busy = await head(`api/page/${busy}?delay=100&cap=1`);
      await (await holder).text();
      // Alone again.
      out.alone = await head(`api/page/${slowed}?delay=100&cap=1`);
      // An aborted request counts until its answer was due: the server does not know.
      const abort = new AbortController();
      const aborted = fetch("api/page/1?delay=1500&cap=1", { signal: abort.signal }).catch((e) => e.name);
      await new Promise((r) => setTimeout(r, 200));
      abort.abort();
      out.abortedWith = await aborted;
      out.afterAbort = await head(`api/page/${busy}?delay=100&cap=1`);
      await new Promise((r) => setTimeout(r, 1400));
      out.afterDue = await head(`api/page/${busy}?delay=100&cap=1`);
      // Another seed is another server.
      const other = fetch("api/page/1?delay=800&cap=1&seed=5");
      out.otherServer = await head(`api/page/${busy}?delay=100&cap=1`);
      await (await other).text();
      return out;
    },
    { slowed, busy },
  );
  assert.deepEqual(result, {
    slowed: { status: 200, delay: "200" },
    busy: { status: 503, delay: "100" },
    alone: { status: 200, delay: "100" },
    abortedWith: "AbortError",
    afterAbort: { status: 503, delay: "100" },
    afterDue: { status: 200, delay: "100" },
    otherServer: { status: 200, delay: "100" },
  });
  // Chromium logs each 503 the page fetched; nothing else may go wrong.
  assert.deepEqual(page.errors.filter((e) => !e.includes("status of 503")), []);
  await page.context().close();
});

test("a trickled body comes through the service worker part by part", { timeout: 30000 }, async () => {
  const page = await open("#/00-concepts");
  assert.equal(await waitForNetwork(page), "slow-web");
  const got = await page.evaluate(async () => {
    const started = performance.now();
    const response = await fetch("api/page/1?delay=100&chunks=4&every=150");
    const headAt = performance.now() - started;
    const reader = response.body.getReader();
    const arrivals = [];
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arrivals.push(performance.now() - started);
      text += new TextDecoder().decode(value);
    }
    // And one aborted after its first part: the rest is never sent.
    const abort = new AbortController();
    const cut = await fetch("api/page/2?chunks=3&every=5000", { signal: abort.signal });
    const cutReader = cut.body.getReader();
    await cutReader.read();
    abort.abort();
    const afterAbort = await cutReader.read().then(() => "read", (e) => e.name);
    return { headAt, arrivals, length: text.length, afterAbort };
  });
  assert.ok(got.headAt >= 90 && got.headAt < 1000, `head at ${got.headAt}`);
  assert.equal(got.length, 2048);
  // The browser may merge parts that come together, but not these, 150 ms apart.
  assert.equal(got.arrivals.length, 4, JSON.stringify(got.arrivals));
  assert.ok(got.arrivals[3] - got.arrivals[0] >= 400, JSON.stringify(got.arrivals));
  assert.equal(got.afterAbort, "AbortError");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
