// Launches Debian's Chromium through playwright-core (no browser download) for e2e tests.

import { chromium } from "playwright-core";

export const DIST = process.env.DIST_DIR ?? new URL("../../dist", import.meta.url).pathname;

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** A new page that records console errors and uncaught exceptions into `page.errors`. */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") page.errors.push(m.text());
  });
  page.on("pageerror", (e) => page.errors.push(String(e)));
  return page;
}

/** Waits until the page knows which network runs use (slow web or virtual). */
export async function waitForNetwork(page) {
  await page.waitForSelector('.net-status:not([data-network="pending"])', { state: "attached", timeout: 20000 });
  return page.getAttribute(".net-status", "data-network");
}

/**
 * Starts watching the page's animation frames; the returned function resolves to the longest
 * gap between two frames so far, in ms (how long the page could not paint).
 */
export async function watchFrames(page) {
  await page.evaluate(() => {
    window.__longestFrameGap = 0;
    let last = performance.now();
    const tick = (t) => {
      window.__longestFrameGap = Math.max(window.__longestFrameGap, t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return () => page.evaluate(() => window.__longestFrameGap);
}
