// The card's code editor on the static site (no compile service): loaded on the first Edit,
// under the strict CSP; the set-up folded and read-only; edits kept, reset and brought back;
// share links; Run explaining that edited code needs `cargo xtask serve`; keyboard and phone.
// Building and running edits is tests/edit/serve.test.mjs, against `cargo xtask serve`.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { serve } from "./server.mjs";
import { DIST, launch, newPage, waitForNetwork } from "./browser.mjs";
import { card, runCard, setKnobs } from "./card.mjs";
import { strictCsp } from "./deploy.mjs";

const CRAWL = card("crawl");
const KEY = "async-tutor.edit.08-async-await.crawl";

let browser;
let site;
before(async () => {
  browser = await launch();
  site = await serve(DIST, { headers: { "content-security-policy": strictCsp(DIST) } });
});
after(async () => {
  await browser?.close();
  await site?.close();
});

/** Lesson 8 in a fresh context (or `page`'s), with CSP violations recorded. */
async function open(hash = "#/08-async-await/crawl", options = {}, page = null) {
  page ??= await newPage(browser, options);
  if (!page.violations) {
    page.violations = [];
    await page.exposeFunction("__cspViolation", (text) => page.violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) =>
        window.__cspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`),
      );
    });
  }
  await page.goto(site.url + hash);
  await page.waitForSelector(CRAWL);
  return page;
}

async function openEditor(page) {
  await page.click(`${CRAWL} button.edit-source`);
  await page.waitForSelector(`${CRAWL} .editor .cm-editor .cm-content`);
}

/** Types `text` at the end of the first editor line that contains `marker`. */
async function typeAfter(page, marker, text) {
  await page.locator(`${CRAWL} .cm-line`, { hasText: marker }).first().click();
  await page.keyboard.press("End");
  await page.keyboard.insertText(text);
}

const kept = (page) => page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? "null"), KEY);

describe("the code editor on a static host", () => {
  test("Edit loads the editor only when pressed, highlighted, and the CSP is kept", { timeout: 60000 }, async () => {
    const page = await open();
    const editorFiles = () =>
      page.evaluate(() => performance.getEntriesByType("resource").filter((e) => /\/editor-[0-9a-f]+\.js$/.test(e.name)).length);
    assert.equal(await editorFiles(), 0, "a visit that does not edit never loads the editor");
    await openEditor(page);
    assert.equal(await editorFiles(), 1);
    // Rust highlighting from the constructed style sheets of the shadow root: keywords coloured.
    const colours = await page.locator(`${CRAWL} .cm-content span`).evaluateAll((spans) =>
      new Set(spans.map((s) => getComputedStyle(s).color)).size,
    );
    assert.ok(colours >= 3, `${colours} colours in the editor`);
    assert.deepEqual(page.violations, []);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("the set-up is folded and read-only, the shown lines take edits, and the gutter counts as the file does", { timeout: 60000 }, async () => {
    const page = await open();
    await openEditor(page);
    const folded = page.locator(`${CRAWL} .cm-foldPlaceholder`);
    assert.match(await folded.first().textContent(), /^11 lines of set-up \(read-only\)$/);
    // The file's line numbers: the anchor line (12) is not in the text.
    const numbers = await page.locator(`${CRAWL} .cm-lineNumbers .cm-gutterElement`).allTextContents();
    assert.ok(numbers.includes("1") && numbers.includes("13") && !numbers.includes("12"), numbers.join(","));
    await typeAfter(page, "let mut total = 0;", " // mine");
    await page.waitForSelector(`${CRAWL} .edited-badge`);
    // Typing on the folded line goes nowhere, not even at its very start.
    await page.locator(`${CRAWL} .cm-line`).first().click();
    await page.keyboard.insertText("BROKEN");
    await page.keyboard.press("Control+Home");
    await page.keyboard.insertText("BROKEN");
    await page.keyboard.press("Backspace");
    const edit = await kept(page);
    assert.ok(edit.text.includes("let mut total = 0; // mine"));
    assert.ok(!edit.text.includes("BROKEN"));
    assert.ok(edit.text.startsWith("//! Download N pages at once"), "the first line is as it was");
    assert.deepEqual(page.violations, []);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("an edit survives a reload, and Reset code can be undone, also after a reload", { timeout: 60000 }, async () => {
    const page = await open();
    await openEditor(page);
    await typeAfter(page, "let mut total = 0;", " // kept");
    await page.waitForSelector(`${CRAWL} .edited-badge`);
    await page.reload();
    // The card opens with its editor and the edit.
    await page.waitForSelector(`${CRAWL} .editor .edited-badge`);
    assert.equal(await page.locator(`${CRAWL} .cm-line`, { hasText: "// kept" }).count(), 1);
    await page.click(`${CRAWL} .reset-code`);
    await page.waitForSelector(`${CRAWL} .undo-reset`);
    assert.equal(await kept(page), null, "the original is not kept as an edit");
    assert.equal(await page.locator(`${CRAWL} .cm-line`, { hasText: "// kept" }).count(), 0);
    // A misclick: the reload does not lose what Reset discarded.
    await page.reload();
    await page.click(`${CRAWL} button.edit-source`);
    await page.click(`${CRAWL} .undo-reset`);
    await page.waitForSelector(`${CRAWL} .edited-badge`);
    assert.ok((await kept(page)).text.includes("// kept"));
    // Undo in the editor (Ctrl+Z) undoes a Reset too.
    await page.click(`${CRAWL} .reset-code`);
    await page.waitForSelector(`${CRAWL} .undo-reset`);
    await page.locator(`${CRAWL} .cm-content`).focus();
    await page.keyboard.press("Control+z");
    await page.waitForSelector(`${CRAWL} .edited-badge`);
    // Show changes marks the edited line against the original.
    await page.click(`${CRAWL} .show-changes`);
    await page.waitForSelector(`${CRAWL} .cm-changedLine`);
    assert.equal(await page.getAttribute(`${CRAWL} .show-changes`, "aria-pressed"), "true");
    // With the text back to the original, the editor can be closed.
    await page.click(`${CRAWL} .reset-code`);
    await page.click(`${CRAWL} .close-editor`);
    await page.waitForSelector(`${CRAWL} pre.code`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("a share link opens the course with the edit, and a damaged one opens the original", { timeout: 60000 }, async () => {
    const page = await open();
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await openEditor(page);
    await typeAfter(page, "let mut total = 0;", " // shared");
    await page.click(`${CRAWL} .share-code`);
    await page.waitForSelector(`${CRAWL} .share-note`);
    const link = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(link, /#\/08-async-await\/crawl\?code=[A-Za-z0-9_-]+$/);
    await page.context().close();

    const other = await newPage(browser);
    await other.goto(link);
    await other.waitForSelector(`${CRAWL} .edited-badge`);
    assert.equal(await other.locator(`${CRAWL} .cm-line`, { hasText: "// shared" }).count(), 1);
    // The address is the card's again: a reload opens the kept edit, not the link's.
    assert.ok(other.url().endsWith("#/08-async-await/crawl"), other.url());
    assert.ok((await kept(other)).text.includes("// shared"));
    await other.context().close();

    const damaged = await newPage(browser);
    await damaged.goto(link.replace(/code=.*/, "code=bm90LWRlZmxhdGU"));
    await damaged.waitForSelector(`${CRAWL} .share-note[role="alert"]`);
    assert.match(await damaged.locator(`${CRAWL} .share-note`).textContent(), /damaged/);
    assert.equal(await damaged.locator(`${CRAWL} .edited-badge`).count(), 0);
    assert.deepEqual(damaged.errors, []);
    await damaged.context().close();
  });

  test("Run with an edit says it needs the local server; the original still runs", { timeout: 60000 }, async () => {
    const page = await open();
    await waitForNetwork(page);
    await setKnobs(page, "crawl", { pages: 2, latency_ms: 100 });
    await openEditor(page);
    await typeAfter(page, "let mut total = 0;", " // local");
    await page.click(`${CRAWL} button.run`);
    const note = page.locator(`${CRAWL} .needs-server`);
    await note.waitFor();
    assert.match(await note.textContent(), /needs the local compile server: start the course with `cargo xtask serve`/);
    assert.equal(await page.getAttribute(CRAWL, "data-state"), "idle");
    // Knobs and the original keep running.
    await page.click(`${CRAWL} .reset-code`);
    const { state } = await runCard(page, "crawl");
    assert.equal(state, "done");
    assert.deepEqual(page.violations, []);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("switching the language speaks the open editor's words in the other one, and keeps the edit", { timeout: 60000 }, async () => {
    const page = await open();
    await openEditor(page);
    await typeAfter(page, "let mut total = 0;", " // both");
    await page.waitForSelector(`${CRAWL} .edited-badge`);
    await page.click('.lang-switch button[lang="zh"]');
    await page.waitForFunction((c) => document.querySelector(`${c} .edited-badge`)?.textContent === "已修改", CRAWL);
    assert.equal(await page.locator(`${CRAWL} .reset-code`).textContent(), "还原代码");
    const label = await page.locator(`${CRAWL} .cm-content`).getAttribute("aria-label");
    assert.match(label, /代码编辑器/);
    assert.equal(await page.locator(`${CRAWL} .cm-line`, { hasText: "// both" }).count(), 1);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("keyboard only on a phone: Edit, type, Escape then Tab leaves the editor, Ctrl+Enter runs", { timeout: 60000 }, async () => {
    const page = await open("#/08-async-await/crawl", { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await waitForNetwork(page);
    await setKnobs(page, "crawl", { pages: 2, latency_ms: 100 });
    await page.focus(`${CRAWL} button.edit-source`);
    await page.keyboard.press("Enter");
    await page.waitForSelector(`${CRAWL} .cm-content`);
    // Edit puts the focus in the text.
    await page.waitForFunction(() => document.activeElement?.shadowRoot?.activeElement?.className === "cm-content");
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Tab");
    assert.equal(await kept(page), null, "Tab in the text indents, on the read-only last line it does nothing");
    // Escape, then Tab: out of the editor, to the next control.
    await page.keyboard.press("Escape");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.closest(".editor") === null), true);
    // Ctrl+Enter from the editor runs the card (the original: nothing was edited).
    await page.locator(`${CRAWL} .cm-content`).focus();
    await page.keyboard.press("Control+Enter");
    await page.waitForSelector(`${CRAWL}[data-state="done"]`, { timeout: 30000 });
    // Nothing wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page ${overflow}px wider than the phone`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
