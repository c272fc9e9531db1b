// Lesson 9, by real clicks: the crawl's replay moves a turn at a time and the inspector says
// which turn it is and why it ended; the ticker beside a long computation is late by the
// computation in one piece and on time in chunks, on the slow web.

import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { waitForNetwork } from "./browser.mjs";
import { card, runCard, setKnobs, site } from "./card.mjs";

const open = site();

/** The lines in the card's output console. */
const outputLines = (page, snippet) =>
  page.$$eval(`${card(snippet)} .output li:not(.placeholder):not(.capped):not(.error) .line`, (ls) =>
    ls.map((l) => l.textContent),
  );

/** The first number after `text` in the card's first output line that has it. */
async function numberAfter(page, snippet, text) {
  const lines = await outputLines(page, snippet);
  const line = lines.find((l) => l.includes(text));
  assert.ok(line, `no line has ${JSON.stringify(text)}: ${lines.join(" | ")}`);
  return Number(line.split(text)[1].trim().split(/\s/)[0]);
}

describe("lesson 9: inside the executor", () => {
  for (const [lang, back, forward, ended] of [
    ["en", "◀ turn", "turn ▶", (n, polls) => `turn ${n} ended after ${polls === 1 ? "1 poll" : `${polls} polls`}: nothing was left to poll`],
    ["zh", "◀ 上一轮", "下一轮 ▶", (n, polls) => `第 ${n} 轮在轮询 ${polls} 次后结束：没有可轮询的任务了`],
  ]) {
    test(`the crawl's replay moves a turn at a time, and the inspector tells the turn (${lang})`, { timeout: 60000 }, async () => {
      const page = await open(`?lang=${lang}#/09-executor`);
      await waitForNetwork(page);
      const c = card("turns");
      await page.check(`${c} input.virtual-time`);
      const run = await runCard(page, "turns");
      assert.equal(run.state, "done");
      const turn = () => page.textContent(`${c} .inspector .turn`);
      const turns = () => page.textContent(`${c} [data-counter="turns"] b`);
      assert.equal(await turn(), ended(3, 4));
      assert.equal(await turns(), "3");
      await page.click(`${c} button.turn-back`);
      assert.equal(await page.textContent(`${c} button.turn-back`), back);
      assert.equal(await turn(), ended(2, 1));
      await page.click(`${c} button.turn-back`);
      assert.equal(await turn(), ended(1, 5));
      // At the end of turn 1 every task waits: none ready, three requests out, the timer asleep.
      assert.equal(await page.locator(`${c} .inspector .ready-queue li`).count(), 0);
      assert.equal(await page.locator(`${c} .inspector .in-flight li`).count(), 3);
      const sleepers = await page.$$eval(`${c} .inspector .sleepers li`, (ls) => ls.map((l) => l.textContent));
      assert.ok(sleepers.includes("timer → 150 ms"), sleepers.join(" | "));
      // Before turn 1 there is nothing: the button is then disabled.
      await page.click(`${c} button.turn-back`);
      assert.equal(await page.getAttribute(`${c} .replay .position`, "data-shown"), "0");
      assert.ok(await page.isDisabled(`${c} button.turn-back`));
      for (const [n, polls] of [[1, 5], [2, 1], [3, 4]]) {
        await page.click(`${c} button.turn-forward`);
        assert.equal(await turn(), ended(n, polls));
      }
      assert.equal(await page.textContent(`${c} button.turn-forward`), forward);
      assert.ok(await page.isDisabled(`${c} button.turn-forward`));
      // Mid-turn, the inspector counts the polls so far.
      await page.click(`${c} button.turn-back`);
      await page.click(`${c} button.step-forward`);
      await page.click(`${c} button.step-forward`);
      assert.match(await turn(), lang === "en" ? /^turn 3: \d polls so far \(no limit\), 0\.0 ms of its 4 ms slice$/ : /^第 3 轮：已轮询 \d 次（不限次数），4 ms 时间片已用 0\.0 ms$/);
      assert.deepEqual(page.errors, []);
      if (process.env.SHOTS) await page.locator(c).screenshot({ path: `${process.env.SHOTS}/turns-${lang}.png` });
      await page.context().close();
    });
  }

  test("on the slow web, a computation in one piece makes the ticker late; in chunks it keeps time", { timeout: 60000 }, async () => {
    const page = await open("#/09-executor");
    assert.equal(await waitForNetwork(page), "slow-web");
    const c = card("crunch");
    let run = await runCard(page, "crunch");
    assert.equal(run.state, "done");
    // 600 ms of work in one piece: the first tick, due at 100 ms, runs after it.
    const inOnePiece = await numberAfter(page, "crunch", "worst lateness:");
    assert.ok(inOnePiece >= 450 && inOnePiece < 2000, `${inOnePiece} ms late in one piece`);
    assert.equal((await outputLines(page, "crunch")).filter((l) => l.startsWith("tick ")).length, 6);
    // The inspector names the long poll.
    assert.match(await page.textContent(`${c} .inspector .diagnostics`), /^.*crunch held the thread for \d+ ms in one poll/);
    await setKnobs(page, "crunch", { chunk_ms: 10 });
    run = await runCard(page, "crunch");
    assert.equal(run.state, "done");
    const inChunks = await numberAfter(page, "crunch", "worst lateness:");
    // A chunk (10 ms) and the trip through the browser's event loop; generous for a busy machine.
    assert.ok(inChunks < 150, `${inChunks} ms late in chunks of 10 ms`);
    assert.ok(inChunks < inOnePiece / 3, `${inChunks} ms in chunks, ${inOnePiece} ms in one piece`);
    assert.equal(await page.locator(`${c} .inspector .diagnostics`).count(), 0);
    assert.deepEqual(page.errors, []);
    if (process.env.SHOTS) await page.locator(c).screenshot({ path: `${process.env.SHOTS}/crunch.png` });
    await page.context().close();
  });

  test("the three ways to ask for a turn, run one after another on the slow web", { timeout: 90000 }, async () => {
    const page = await open("#/09-executor/relay");
    assert.equal(await waitForNetwork(page), "slow-web");
    const c = card("relay");
    await page.click(`${c} button.run`);
    await page.waitForSelector(`${c}:is([data-state="done"], [data-state="failed"], [data-state="stopped"])`, { timeout: 80000 });
    assert.equal(await page.getAttribute(c, "data-state"), "done");
    const rows = Object.fromEntries(
      await page.$$eval(`${c} .scheduler-results tbody tr`, (rs) =>
        rs.map((r) => [r.dataset.scheduler, { ...r.dataset, printed: [...r.querySelectorAll(".printed .line")].map((l) => l.textContent) }]),
      ),
    );
    assert.deepEqual(Object.keys(rows), ["microtask", "message-channel", "timeout"]);
    const took = (row, text) => {
      const line = row.printed.find((l) => l.includes(text));
      assert.ok(line, `${row.scheduler} printed ${row.printed.join(" | ")}`);
      return Number(line.split(" took ")[1].split(" ")[0]);
    };
    const [micro, channel, timeout] = [rows.microtask, rows["message-channel"], rows.timeout];
    for (const row of [micro, channel, timeout]) assert.equal(row.state, "done", row.scheduler);
    // Microtasks keep the answers out while crunch (200 ms of work) goes on.
    assert.ok(took(micro, "pages one after another") >= 180, `microtask: ${micro.printed}`);
    assert.ok(took(micro, "pages one after another") > took(channel, "pages one after another"), `${micro.printed} / ${channel.printed}`);
    // Nested timers wait 4 ms before each turn: the same work takes longer.
    assert.ok(took(timeout, "crunch:") > 1.15 * took(channel, "crunch:"), `${timeout.printed} / ${channel.printed}`);
    // A wake-up is polled soonest after a microtask, latest after a timer.
    assert.ok(Number(micro.wakeAvgUs) < Number(timeout.wakeAvgUs), `${micro.wakeAvgUs} / ${timeout.wakeAvgUs} µs`);
    // Three groups of lanes on one axis.
    assert.equal(await page.locator(`${c} svg.timeline g.group-head`).count(), 3);
    assert.deepEqual(page.errors, []);
    if (process.env.SHOTS) await page.locator(c).screenshot({ path: `${process.env.SHOTS}/relay.png` });
    await page.context().close();
  });

  test("without the slow web the three-way card says why it cannot run", { timeout: 30000 }, async () => {
    const page = await open("#/09-executor/relay", { serviceWorkers: "block" });
    assert.equal(await waitForNetwork(page), "virtual");
    const c = card("relay");
    assert.ok(await page.isDisabled(`${c} button.run`));
    assert.match(await page.textContent(`${c} .schedulers-need-slow-web`), /only in a browser on real time/);
    await page.context().close();
  });

  test("the wakers card: each waiting task's kept wakers, and who woke it", { timeout: 60000 }, async () => {
    const page = await open("#/09-executor/wakers");
    await waitForNetwork(page);
    const c = card("wakers");
    await page.check(`${c} input.virtual-time`);
    const run = await runCard(page, "wakers");
    assert.equal(run.state, "done");
    // Back to the start, then forward an event at a time until all four tasks wait.
    await page.fill(`${c} .scrubber`, "0");
    const kept = () =>
      page.$$eval(`${c} .inspector tr.task`, (rows) =>
        Object.fromEntries(rows.map((r) => [r.querySelector("th").textContent, r.querySelector(".wakers").textContent])),
      );
    let seen = {};
    for (let i = 0; i < 80; i++) {
      seen = await kept();
      if (Object.keys(seen).length === 4 && Object.values(seen).every((n) => n !== "")) break;
      await page.click(`${c} button.step-forward`);
    }
    assert.deepEqual(seen, { main: "1", page: "1", "page or deadline": "2", listener: "1" });
    // At the end, the timeline names who woke main: the task it joined.
    await page.fill(`${c} .scrubber`, await page.getAttribute(`${c} .scrubber`, "max"));
    const titles = await page.$$eval(`${c} svg.timeline g.wake title`, (ts) => ts.map((t) => t.textContent));
    assert.ok(titles.some((t) => /^main .*: woken by task 2$/.test(t)), titles.join(" | "));
    assert.ok(titles.some((t) => /^listener .*: woken through a channel by task 1$/.test(t)), titles.join(" | "));
    assert.deepEqual(page.errors, []);
    if (process.env.SHOTS) await page.locator(c).screenshot({ path: `${process.env.SHOTS}/wakers.png` });
    await page.context().close();
  });
});
