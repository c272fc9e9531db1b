// Helpers for the end-to-end tests: the site under test, and driving a snippet card with real
// clicks.

import { after, before } from "node:test";

import { serve } from "./server.mjs";
import { DIST, launch, newPage } from "./browser.mjs";

export const card = (snippet) => `.card[data-snippet="${snippet}"]`;

export async function setKnobs(page, snippet, knobs) {
  for (const [name, value] of Object.entries(knobs)) {
    await page.fill(`#snippet-${snippet}-${name}`, String(value));
  }
}

/** Clicks Run and waits for the card to finish; returns { state, totalMs }. */
export async function runCard(page, snippet, timeout = 30000) {
  await page.click(`${card(snippet)} button.run`);
  await page.waitForSelector(`${card(snippet)}[data-state="running"], ${card(snippet)}[data-state="done"], ${card(snippet)}[data-state="failed"]`);
  await page.waitForSelector(`${card(snippet)}:is([data-state="done"], [data-state="failed"], [data-state="stopped"])`, { timeout });
  const state = await page.getAttribute(card(snippet), "data-state");
  const totalMs = Number(await page.getAttribute(`${card(snippet)} .total`, "data-total-ms"));
  return { state, totalMs };
}

/**
 * Serves dist/ and launches Chromium around the calling test file; returns `open(path, options)`,
 * which loads a page of the site in a fresh context.
 */
export function site() {
  let server;
  let browser;
  before(async () => {
    server = await serve(DIST);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return async function open(path, options) {
    const page = await newPage(browser, options);
    await page.goto(server.url + path);
    return page;
  };
}
