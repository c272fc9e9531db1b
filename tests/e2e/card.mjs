// Helpers for driving a snippet card with real clicks.

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
