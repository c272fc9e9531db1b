// What a card shows is true: a trace too long to keep whole does not cut the output or the
// final state, a panic on the virtual clock keeps what happened before it, and a run ends
// (with its pool's workers) when its card goes away.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { DIST, launch, newPage, waitForNetwork } from "./browser.mjs";
import { card, runCard, setKnobs, site } from "./card.mjs";
import { serve } from "./server.mjs";

const open = site();

/** The lines in the card's output console. */
const outputLines = (page, snippet) =>
  page.$$eval(`${card(snippet)} .output li:not(.placeholder):not(.capped):not(.error) .line`, (ls) =>
    ls.map((l) => l.textContent),
  );

/** Dedicated workers alive in the page's browser context: runner workers and pool workers. */
async function liveWorkers(page) {
  const cdp = await page.context().newCDPSession(page);
  const { targetInfo } = await cdp.send("Target.getTargetInfo");
  const { targetInfos } = await cdp.send("Target.getTargets");
  await cdp.detach();
  const workers = targetInfos.filter((t) => t.type === "worker" && t.browserContextId === targetInfo.browserContextId);
  page.workerNames = workers.map((t) => t.title);
  return workers.length;
}

describe("results are true", () => {
  for (const lang of ["en", "zh"]) {
    test(`50 000 tasks on the virtual clock: output, state and totals are the run's, the cut is said (${lang})`, { timeout: 90000 }, async () => {
      const page = await open(`${lang === "zh" ? "?lang=zh" : ""}#/08-async-await/many`);
      await waitForNetwork(page);
      await setKnobs(page, "many", { tasks: 50000, sleep_ms: 2000 });
      await page.check(`${card("many")} input.virtual-time`);
      const run = await runCard(page, "many", 60000);
      assert.equal(run.state, "done");
      const report = await page.evaluate(() =>
        window.asyncTutor.run("08-async-await", "many", { tasks: 50000, sleep_ms: 2000 }, { virtualTime: true }),
      );
      assert.equal(report.error, null);
      // Every line, the last one too.
      assert.deepEqual(await outputLines(page, "many"), report.output.map((l) => l.text));
      assert.match(report.output.at(-1).text, /all done after 2000\.0 ms/);
      // The inspector shows how the run ended: every task done, none sleeping, the counts whole.
      assert.equal(await page.locator(`${card("many")} tr.task:not(.done)`).count(), 0);
      assert.equal(await page.locator(`${card("many")} .sleepers li`).count(), 0);
      const polls = Number(await page.textContent(`${card("many")} [data-counter="polls"] b`));
      assert.equal(polls, report.trace.polls);
      // The cut is said, with its numbers.
      const note = page.locator(`${card("many")} .trace-capped`);
      assert.equal(Number(await note.getAttribute("data-events")), report.trace.events);
      const shown = Number(await note.getAttribute("data-shown"));
      assert.ok(shown > 0 && shown < report.trace.events, `${shown} of ${report.trace.events}`);
      const group = (n) => n.toLocaleString("en-US");
      const expected =
        lang === "zh"
          ? `时间线只显示前 ${group(shown)} 个事件（共 ${group(report.trace.events)} 个）；输出和总计是完整的。`
          : `The timeline shows the first ${group(shown)} of ${group(report.trace.events)} events; output and totals are complete.`;
      assert.equal((await note.textContent()).trim(), expected);
      if (process.env.SHOTS) await page.locator(card("many")).screenshot({ path: `${process.env.SHOTS}/capped-${lang}.png` });
    });
  }

  test("a long real-time run's output is whole: lesson 3's spin at 10 × 3000 ms", { timeout: 90000 }, async () => {
    const page = await open("#/03-polling/spin");
    assert.equal(await waitForNetwork(page), "slow-web");
    await setKnobs(page, "spin", { pages: 10, latency_ms: 3000 });
    const run = await runCard(page, "spin", 60000);
    assert.equal(run.state, "done");
    const lines = await outputLines(page, "spin");
    for (let i = 1; i <= 10; i++) assert.ok(lines.some((l) => l.startsWith(`page ${i}:`)), `page ${i} in ${lines}`);
    assert.ok(lines.some((l) => /^10 pages in \d+ ms$/.test(l)), lines.join("\n"));
    assert.ok(lines.some((l) => /checks per millisecond/.test(l)), lines.join("\n"));
    // When the trace was cut (how many checks fit depends on the machine), the card says so.
    if ((await page.locator(`${card("spin")} .trace-capped`).count()) > 0) {
      assert.match(await page.textContent(`${card("spin")} .trace-capped`), /^The timeline shows the first [\d,]+ of [\d,]+ events/);
    }
  });

  test("a real-time run cut at the trace's limit ends with its last line and its final state", { timeout: 90000 }, async () => {
    const page = await open("#/08-async-await/many");
    assert.equal(await waitForNetwork(page), "slow-web");
    await setKnobs(page, "many", { tasks: 50000, sleep_ms: 1000 });
    const run = await runCard(page, "many", 60000);
    assert.equal(run.state, "done");
    const lines = await outputLines(page, "many");
    assert.match(lines.at(-1) ?? "", /^all done after \d+\.\d ms$/, lines.join("\n"));
    assert.equal(await page.locator(`${card("many")} tr.task:not(.done)`).count(), 0);
    assert.equal(await page.locator(`${card("many")} .sleepers li`).count(), 0);
    const note = page.locator(`${card("many")} .trace-capped`);
    assert.ok(Number(await note.getAttribute("data-events")) > Number(await note.getAttribute("data-shown")));
  });

  for (const lang of ["en", "zh"]) {
    test(`a panic on the virtual clock keeps what happened before it, in virtual time (${lang})`, { timeout: 60000 }, async () => {
      const page = await open(`${lang === "zh" ? "?lang=zh" : ""}#/08-async-await/panic`);
      await waitForNetwork(page);
      await setKnobs(page, "panic", { pages: 5, latency_ms: 500, broken_page: 3 });
      await page.check(`${card("panic")} input.virtual-time`);
      const run = await runCard(page, "panic");
      assert.equal(run.state, "failed");
      // Pages 1 and 2 printed before page 3 panicked, at their virtual times.
      const lines = await outputLines(page, "panic");
      assert.ok(lines.some((l) => l.startsWith("page 1:")), lines.join("\n"));
      assert.ok(lines.some((l) => l.startsWith("page 2:")), lines.join("\n"));
      // The total is the virtual clock's (about one latency), not the wall clock's.
      assert.ok(run.totalMs >= 500 && run.totalMs < 1000, `total ${run.totalMs} ms`);
      assert.ok((await page.locator(`${card("panic")} svg.timeline g.lane`).count()) >= 5, "a timeline");
      const polls = Number(await page.textContent(`${card("panic")} [data-counter="polls"] b`));
      assert.ok(polls > 5, `polls ${polls}`);
      assert.match(await page.textContent(`${card("panic")} .run-error`), /every page has a <title>/);
      // The trap is caught where the runner is watched: nothing uncaught on the page.
      assert.deepEqual(page.errors.filter((e) => /RuntimeError|unreachable|Uncaught/.test(e)), []);
      if (process.env.SHOTS) await page.locator(card("panic")).screenshot({ path: `${process.env.SHOTS}/panic-${lang}.png` });
    });
  }

  test("an embed on another site (always virtual time) shows what happened before a panic", { timeout: 60000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "async-tutor-panic-host-"));
    const tutor = await serve(DIST);
    const other = await serve(dir, { host: "127.0.0.2" });
    const browser = await launch();
    t.after(async () => {
      await browser.close();
      await Promise.all([tutor.close(), other.close()]);
      rmSync(dir, { recursive: true, force: true });
    });
    const src = `${tutor.url}embed.html?lesson=08-async-await&snippet=panic&knobs=latency_ms%3D500&host=${encodeURIComponent(other.url.replace(/\/$/, ""))}`;
    writeFileSync(join(dir, "host.html"), `<!doctype html><title>host</title><iframe src="${src}" width="900" height="1600"></iframe>`);
    const page = await newPage(browser);
    await page.goto(other.url + "host.html");
    const frame = await (await page.waitForSelector("iframe")).contentFrame();
    await frame.waitForSelector('.embed[data-network="virtual"]', { timeout: 30000 });
    const run = await runCard(frame, "panic");
    assert.equal(run.state, "failed");
    const lines = await outputLines(frame, "panic");
    assert.ok(lines.some((l) => l.startsWith("page 1:")) && lines.some((l) => l.startsWith("page 2:")), lines.join("\n"));
    assert.ok(run.totalMs >= 500 && run.totalMs < 1000, `total ${run.totalMs} ms`);
    assert.ok((await frame.locator(`${card("panic")} svg.timeline g.lane`).count()) >= 5, "a timeline");
  });

  test("a panic on the slow web raises nothing uncaught on the page", { timeout: 60000 }, async () => {
    const page = await open("#/08-async-await/panic");
    assert.equal(await waitForNetwork(page), "slow-web");
    await setKnobs(page, "panic", { pages: 5, latency_ms: 100, broken_page: 3 });
    const run = await runCard(page, "panic");
    assert.equal(run.state, "failed");
    const lines = await outputLines(page, "panic");
    assert.ok(lines.some((l) => l.startsWith("page 1:")), lines.join("\n"));
    await page.waitForTimeout(500);
    assert.deepEqual(page.errors.filter((e) => /RuntimeError|unreachable|Uncaught/.test(e)), []);
  });

  test("leaving a lesson ends its runs and their pool workers", { timeout: 120000 }, async () => {
    const page = await open("#/02-threads/pool");
    assert.equal(await waitForNetwork(page), "slow-web");
    // The warm runner workers (WARM_WORKERS in src/runner.rs), and nothing else yet.
    let idle = await liveWorkers(page);
    for (let t = 0; t < 40 && idle !== 2; t++) {
      await page.waitForTimeout(100);
      idle = await liveWorkers(page);
    }
    assert.equal(idle, 2, `workers before any run: ${page.workerNames}`);
    for (let i = 0; i < 8; i++) {
      await page.goto(page.url().replace(/#.*/, "#/02-threads/pool"));
      await page.waitForSelector(card("pool"));
      await setKnobs(page, "pool", { pages: 32, latency_ms: 3000, workers: 16 });
      await page.click(`${card("pool")} button.run`);
      await page.waitForSelector(`${card("pool")}[data-state="running"]`);
      await page.waitForTimeout(300);
      await page.click('nav.lessons a[href="#/03-polling"]');
      await page.waitForSelector('article[data-lesson="03-polling"]');
    }
    // Every run ended with its card; only the warm runner workers are left.
    let live = Infinity;
    for (let t = 0; t < 40 && live > idle; t++) {
      await page.waitForTimeout(100);
      live = await liveWorkers(page);
    }
    assert.ok(live <= idle, `${live} live workers after leaving, ${idle} before any run`);

    // A pool run that ends by itself takes its workers with it.
    await page.click('nav.lessons a[href="#/02-threads"]');
    await setKnobs(page, "pool", { pages: 4, latency_ms: 100, workers: 16 });
    const pooled = await runCard(page, "pool", 30000);
    assert.equal(pooled.state, "done");
    // The run's runner worker is terminated when the run ends, its pool's workers with it: what
    // is left is the warm runner workers waiting for the next run, as before any run. (A runner
    // that ended its own pool workers as it was terminated used to stay behind, hung.)
    const pooling = () => page.workerNames.filter((n) => n === "async-tutor-pool").length;
    live = await liveWorkers(page);
    for (let t = 0; t < 40 && (pooling() > 0 || live !== idle); t++) {
      await page.waitForTimeout(100);
      live = await liveWorkers(page);
    }
    assert.equal(pooling(), 0, `pool workers left after their run ended: ${page.workerNames}`);
    assert.equal(live, idle, `live workers after a pool run ended, ${idle} before any run: ${page.workerNames}`);
    // And it stays so: no worker comes back or lingers.
    await page.waitForTimeout(500);
    assert.equal(await liveWorkers(page), idle, `live workers a while after a pool run: ${page.workerNames}`);
    assert.ok(page.workerNames.every((n) => n === "async-tutor runner"), `${page.workerNames}`);

    // A blocking crawl left behind stops fetching.
    await page.click('nav.lessons a[href="#/01-blocking"]');
    await setKnobs(page, "crawl", { pages: 50, latency_ms: 500 });
    let requests = 0;
    page.context().on("request", (r) => {
      if (r.url().includes("api/page/")) requests++;
    });
    await page.click(`${card("crawl")} button.run`);
    await page.waitForSelector(`${card("crawl")}[data-state="running"]`);
    await page.waitForTimeout(1200);
    await page.click('nav.lessons a[href="#/03-polling"]');
    await page.waitForSelector('article[data-lesson="03-polling"]');
    assert.ok(requests > 0, "the crawl's requests are seen");
    await page.waitForTimeout(600);
    const atLeave = requests;
    await page.waitForTimeout(2000);
    assert.equal(requests, atLeave, "no request after the card went away");
  });

  test("switching language keeps a run going", { timeout: 60000 }, async () => {
    const page = await open("#/08-async-await/crawl");
    assert.equal(await waitForNetwork(page), "slow-web");
    await setKnobs(page, "crawl", { pages: 3, latency_ms: 1500 });
    await page.click(`${card("crawl")} button.run`);
    await page.waitForSelector(`${card("crawl")}[data-state="running"]`);
    await page.click('.lang-switch button[lang="zh"]');
    await page.waitForSelector('article[lang="zh"]');
    await page.waitForSelector(`${card("crawl")}[data-state="done"]`, { timeout: 10000 });
  });
});
