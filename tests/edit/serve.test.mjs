// Edit and run against `cargo xtask serve`: the compile service builds the edited snippet and
// the card runs that build, with its timeline, pool workers, stepping and sweep; compile errors
// and warnings land on the editor's lines. (The editor on a static host: tests/e2e/editor.test.mjs.)
//
// Starts `cargo xtask serve` (tests/edit/serve.mjs): after the `build` step the site reuses that
// step's target directory; the compile service's own (target/compile-service) takes about 2.5
// minutes the first time on 2 cores, and seconds after.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { launch, newPage, waitForNetwork } from "../e2e/browser.mjs";
import { startServe } from "./serve.mjs";

const READY_MS = 25 * 60 * 1000;
const BUILD_MS = 120000;

let served;
let browser;
let url;

before(async () => {
  served = await startServe(READY_MS);
  url = served.url;
  browser = await launch();
}, { timeout: READY_MS + 60000 });

after(async () => {
  await browser?.close();
  served?.stop();
});

const card = (id) => `.card[data-snippet="${id}"]`;

async function open(lesson, snippet) {
  const page = await newPage(browser, { viewport: { width: 1280, height: 1000 } });
  await page.goto(`${url}#/${lesson}/${snippet}`);
  await page.waitForSelector(`${card(snippet)} button.edit-source`);
  await waitForNetwork(page);
  await page.click(`${card(snippet)} button.edit-source`);
  await page.waitForSelector(`${card(snippet)} .cm-content`);
  return page;
}

/** Replaces `count` lines, starting with the first that contains `marker`, with `text`. */
async function replaceLines(page, snippet, marker, count, text) {
  await page.locator(`${card(snippet)} .cm-line`, { hasText: marker }).first().click();
  await page.keyboard.press("Home");
  await page.keyboard.press("Home");
  for (let i = 0; i < count; i++) await page.keyboard.press("Shift+ArrowDown");
  await page.keyboard.insertText(text);
}

/** Presses Run and waits for the build's outcome: the editor's `data-build`. */
async function build(page, snippet, button = "run") {
  await page.click(`${card(snippet)} button.${button}`);
  const editor = `${card(snippet)} .editor`;
  await page.waitForSelector(`${editor}[data-build]`, { timeout: BUILD_MS });
  return page.getAttribute(editor, "data-build");
}

const notes = (page, snippet) => page.locator(`${card(snippet)} .editor-notes`).textContent();

describe("edit and run with cargo xtask serve", () => {
  test("lesson 8's crawl made sequential runs as a staircase, built in seconds", { timeout: 180000 }, async () => {
    const page = await open("08-async-await", "crawl");
    await page.fill("#snippet-crawl-pages", "4");
    await page.fill("#snippet-crawl-latency_ms", "300");
    // `.await` inside the loop: each download ends before the next starts.
    await replaceLines(page, "crawl", "let tasks: Vec<_>", 11,
      "    let mut total = 0;\n    for n in 1..=knobs.pages {\n        total += download(n, knobs).await?;\n    }\n");
    await page.click(`${card("crawl")} button.run`);
    const status = page.locator(`${card("crawl")} .build-status`);
    await status.waitFor();
    assert.match(await status.textContent(), /^Compiling… \d+\.\d s$/);
    await page.waitForSelector(`${card("crawl")} .editor[data-build="built"]`, { timeout: BUILD_MS });
    assert.match(await notes(page, "crawl"), /Built in \d+\.\d s\./);
    await page.waitForSelector(`${card("crawl")}[data-state="done"]`, { timeout: 30000 });
    const requests = await page.$$eval(`${card("crawl")} g.lane.request-lane`, (gs) =>
      gs.map((g) => [Number(g.dataset.startMs), Number(g.dataset.endMs)]),
    );
    assert.equal(requests.length, 4);
    for (let i = 1; i < requests.length; i++) {
      assert.ok(requests[i][0] >= requests[i - 1][1] - 1, `request ${i + 1} started before ${i} ended: ${JSON.stringify(requests)}`);
    }
    const total = Number(await page.getAttribute(`${card("crawl")} .total`, "data-total-ms"));
    assert.ok(total >= 4 * 300, `total ${total} ms`);
    // The same text runs again without a new build, here on the virtual clock: exactly four
    // latencies one after another.
    await page.check(`${card("crawl")} input.virtual-time`);
    await page.click(`${card("crawl")} button.run`);
    await page.waitForFunction((c) => {
      const el = document.querySelector(c);
      return el.dataset.state === "done" && /virtual/i.test(el.querySelector(".network-note")?.textContent ?? "");
    }, card("crawl"), { timeout: 30000 });
    assert.equal(Number(await page.getAttribute(`${card("crawl")} .total`, "data-total-ms")), 4 * 300);
    assert.match(await notes(page, "crawl"), /Built in/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("a type error is marked at its line, in the file's numbers, and nothing runs; include_str! is refused", { timeout: 180000 }, async () => {
    const page = await open("08-async-await", "crawl");
    await replaceLines(page, "crawl", "Ok(page.body.len())", 1, "    Ok(\"not a number\")\n");
    assert.equal(await build(page, "crawl"), "errors");
    const text = await notes(page, "crawl");
    assert.match(text, /The edit does not compile: 1 error\./);
    assert.match(text, /error\[E0308\]: mismatched types/);
    assert.match(text, /crawl\.rs:24:8/);
    const marked = page.locator(`${card("crawl")} .cm-lintRange-error`);
    assert.equal(await marked.count(), 1);
    assert.equal(await marked.textContent(), "\"not a number\"");
    // The gutter beside the marked text says 24: the file's line.
    const top = await marked.evaluate((m) => m.getBoundingClientRect().top);
    const beside = await page.locator(`${card("crawl")} .cm-lineNumbers .cm-gutterElement`).evaluateAll(
      (cells, top) => cells.filter((c) => Math.abs(c.getBoundingClientRect().top - top) < 4).map((c) => c.textContent),
      top,
    );
    assert.deepEqual(beside, ["24"]);
    assert.equal(await page.locator(`${card("crawl")} .cm-lint-marker-error`).count(), 1);
    assert.equal(await page.getAttribute(card("crawl"), "data-state"), "idle");
    // Reading a file of this machine into the build is refused before anything is built.
    await replaceLines(page, "crawl", "Ok(\"not a number\")", 1, "    Ok(include_str!(\"/etc/hostname\").len())\n");
    assert.equal(await build(page, "crawl"), "refused");
    assert.match(await notes(page, "crawl"), /line 24: `include_str!` is not allowed in an edit/);
    assert.equal(await page.getAttribute(card("crawl"), "data-state"), "idle");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("a warning is shown and does not stop the run; a newer Run replaces a build on its way", { timeout: 180000 }, async () => {
    const page = await open("08-async-await", "crawl");
    await page.fill("#snippet-crawl-pages", "2");
    await page.fill("#snippet-crawl-latency_ms", "100");
    await replaceLines(page, "crawl", "let mut total = 0;", 1, "    let mut total = 0;\n    let never_read = 1;\n");
    assert.equal(await build(page, "crawl"), "built");
    assert.match(await notes(page, "crawl"), /Built in \d+\.\d s, with 1 warning\./);
    assert.match(await notes(page, "crawl"), /unused variable: `never_read`/);
    await page.waitForSelector(`${card("crawl")}[data-state="done"]`, { timeout: 30000 });
    assert.equal(await page.locator(`${card("crawl")} .cm-lintRange-warning`).count(), 1);

    // Two edits, Run after each: only the second is built and run.
    await replaceLines(page, "crawl", "let never_read = 1;", 1, "    println!(\"first edit\");\n");
    await page.click(`${card("crawl")} button.run`);
    await page.waitForSelector(`${card("crawl")} .build-status`);
    await replaceLines(page, "crawl", "println!(\"first edit\");", 1, "    println!(\"second edit\");\n");
    // The card was done already: wait for the new run to start, then to end.
    await page.evaluate((c) => {
      window.__ran = false;
      const el = document.querySelector(c);
      new MutationObserver((_, observer) => {
        if (el.dataset.state === "running") {
          window.__ran = true;
          observer.disconnect();
        }
      }).observe(el, { attributes: true, attributeFilter: ["data-state"] });
    }, card("crawl"));
    await page.click(`${card("crawl")} button.run`);
    await page.waitForFunction(() => window.__ran, null, { timeout: BUILD_MS });
    await page.waitForSelector(`${card("crawl")}[data-state="done"]`, { timeout: 30000 });
    assert.equal(await page.getAttribute(`${card("crawl")} .editor`, "data-build"), "built");
    const output = await page.locator(`${card("crawl")} .output`).textContent();
    assert.match(output, /second edit/);
    assert.doesNotMatch(output, /first edit/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("worker jobs run the edited code in their pool workers", { timeout: 180000 }, async () => {
    const page = await open("02-threads", "pool");
    await page.fill("#snippet-pool-pages", "2");
    await page.fill("#snippet-pool-workers", "2");
    await page.fill("#snippet-pool-latency_ms", "100");
    // `download` runs on the pool's workers, never on the runner's own thread.
    await replaceLines(page, "pool", "Ok(page) => format!", 1,
      "        Ok(page) => format!(\"edited on a worker: {} bytes\", page.body.len()),\n");
    assert.equal(await build(page, "pool"), "built");
    await page.waitForSelector(`${card("pool")}[data-state="done"]`, { timeout: 30000 });
    const output = await page.locator(`${card("pool")} .output`).textContent();
    assert.equal(output.match(/page \d: edited on a worker: \d+ bytes/g)?.length, 2, output);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("stepping an edit marks its state! lines in the editor, where the edit moved them", { timeout: 180000 }, async () => {
    const page = await open("08-async-await", "states");
    await page.fill("#snippet-states-pages", "1");
    await page.fill("#snippet-states-latency_ms", "200");
    // One more line above every mark: the marks' lines move down by one.
    await replaceLines(page, "states", "enum Download {", 0, "// A line the edit added.\n");
    assert.equal(await build(page, "states", "step"), "built");
    const step = page.locator(`${card("states")} .cm-step`);
    for (let i = 0; i < 40 && (await step.count()) === 0; i++) {
      await page.click(`${card("states")} button.step`);
      await page.waitForTimeout(150);
    }
    assert.equal(await step.count(), 1);
    assert.match(await step.textContent(), /tutor::state!\("(Start|Fetching|Finished)"\)/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
