// What the big-runs benchmark measures and the big-runs e2e test bounds: a card's timeline in
// elements, and how long a scrubber move, a step back or Stop takes until the card shows it,
// painted.

/** Elements the card's timeline (drawing and table) is made of. */
export const timelineNodes = (page, c) =>
  page.$$eval(`${c} .timeline-scroll, ${c} .timeline-table`, (els) => els.reduce((n, el) => n + el.querySelectorAll("*").length + 1, 0));

/**
 * Does `what` to card `c` in the page (`scrub` to `at`, `back` to `at` with ◀, or `stop`);
 * resolves to the ms until
 * the card shows it and the frame that paints it is done: a message posted from that frame's
 * animation callback is handled once its style, layout and paint have run.
 */
const untilPainted = (page, what, c, at) =>
  page.evaluate(
    ([what, c, at]) =>
      new Promise((done) => {
        const card = document.querySelector(c);
        const t0 = performance.now();
        if (what === "scrub") {
          const input = card.querySelector(".scrubber");
          input.value = String(at);
          input.dispatchEvent(new Event("input", { bubbles: true }));
        } else if (what === "back") {
          card.querySelector("button.step-back").click();
        } else {
          card.querySelector("button.stop").click();
        }
        // A move is shown when the position, the inspector and the timeline's cursor all are
        // at the new moment: the last two are components of their own that can come a frame later.
        const moved = () => {
          const inspector = card.querySelector(".inspector")?.dataset;
          const cursor = card.querySelector(".timeline .cursor")?.dataset;
          return (
            card.querySelector(".replay .position")?.dataset.shown === String(at) &&
            inspector?.applied === String(at) &&
            (!cursor || cursor.tUs === inspector.tUs)
          );
        };
        const shown = () => (what === "stop" ? card.dataset.state === "stopped" : moved());
        const painted = () => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => done(performance.now() - t0);
          channel.port2.postMessage(null);
        };
        const check = () => (shown() ? requestAnimationFrame(painted) : setTimeout(check, 0));
        check();
      }),
    [what, c, at],
  );

/**
 * Moves card `c`'s scrubber to `at`; resolves to the ms until the card shows that moment. The
 * page is first scrolled where a reader dragging the scrubber would have it: the scrubber in
 * the middle of the screen, the end of the timeline above it and the inspector below.
 */
export async function scrub(page, c, at) {
  await page.$eval(`${c} .scrubber`, (input) => input.scrollIntoView({ block: "center" }));
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return untilPainted(page, "scrub", c, at);
}

/**
 * Moves card `c`'s replay to `at` + 1 with the scrubber, then one event back with ◀; resolves
 * to the ms the step back takes until the card shows `at`.
 */
export async function stepBack(page, c, at) {
  await scrub(page, c, at + 1);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return untilPainted(page, "back", c, at);
}

/** Clicks card `c`'s Stop; resolves to the ms until the card says it stopped. */
export const stop = (page, c) => untilPainted(page, "stop", c);
