// The card's code editor, loaded on the first Edit: CodeMirror 6 with Rust highlighting, the
// snippet's set-up folded and read-only, edits kept in local storage, rustc's diagnostics as
// marks, the changes against the original, share links, and the call to the compile service of
// `cargo xtask serve`.
//
// The editor lives in a shadow root: the site's CSP (`style-src 'self'`) refuses the <style>
// elements CodeMirror would add to the document, but a shadow root takes constructed style
// sheets. The site's colours (CSS custom properties) still reach inside.
//
// Line numbers. The card shows a snippet without its `// ANCHOR:` lines, and numbers each line
// as `line!()` does in the file (so the numbers skip the anchor lines). The editor does the
// same: its document is the text as shown, its gutter shows file line numbers, and what it
// sends to be compiled is the file, anchors put back around the editable regions. So a
// diagnostic, a `tutor::state!` mark and the gutter all speak of the same lines, edited or not.

import { EditorState, StateEffect, StateField, Compartment } from "@codemirror/state";
import {
  EditorView, Decoration, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, highlightSpecialChars,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import {
  codeFolding, foldGutter, foldEffect, foldKeymap, bracketMatching, indentOnInput,
  syntaxHighlighting, HighlightStyle,
} from "@codemirror/language";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { searchKeymap } from "@codemirror/search";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { unifiedMergeView } from "@codemirror/merge";
import { rust } from "@codemirror/lang-rust";
import { tags as t } from "@lezer/highlight";

const OPEN = "// ANCHOR: shown";
const CLOSE = "// ANCHOR_END: shown";

// ---------------------------------------------------------------------------------------------
// Regions: where the reader may type.

// The editable ranges ([from, to] offsets): the snippet's shown regions, or the whole text when
// the file marks none. They grow with what is typed at their edges.
const setRegions = StateEffect.define();
const regions = StateField.define({
  create: () => [],
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setRegions)) return e.value;
    if (!tr.docChanged) return value;
    return value.map(([from, to]) => [tr.changes.mapPos(from, -1), tr.changes.mapPos(to, 1)]);
  },
});

// Everything outside the regions is read-only: a change that reaches outside them (also text
// put at the very start of a read-only part) is dropped whole.
const guard = EditorState.changeFilter.of((tr) => {
  const ranges = tr.startState.field(regions);
  let inside = true;
  tr.changes.iterChangedRanges((fromA, toA) => {
    if (!ranges.some(([from, to]) => from <= fromA && toA <= to)) inside = false;
  });
  return inside;
});

// The numbers `data-line="N"` in a card's highlighted HTML, in order.
function dataLines(html) {
  return html ? [...html.matchAll(/data-line="(\d+)"/g)].map((m) => Number(m[1])) : [];
}

// The editable ranges of `text` (the original as shown): the runs of lines that the focus view
// shows: from the start of a run's first line to the end of its last line, so the newlines
// around a region are never deleted and an emptied region keeps a line to type on.
export function regionsOf(text, html, focusHtml) {
  if (!focusHtml) return [[0, text.length]];
  const numbers = dataLines(html);
  const shown = new Set(dataLines(focusHtml));
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  const lineEnd = (i) => (i + 1 < starts.length ? starts[i + 1] - 1 : text.length);
  const out = [];
  for (let i = 0; i < numbers.length && i < starts.length; i++) {
    if (!shown.has(numbers[i])) continue;
    let j = i;
    while (j + 1 < numbers.length && shown.has(numbers[j + 1])) j++;
    out.push([starts[i], lineEnd(j)]);
    i = j;
  }
  return out.length ? out : [[0, text.length]];
}

// The file a text is compiled as: the text with its anchor lines put back around each region.
export function fileOf(text, ranges) {
  if (ranges.length === 1 && ranges[0][0] === 0 && ranges[0][1] === text.length) return text;
  let out = "";
  let at = 0;
  for (const [from, to] of ranges) {
    out += text.slice(at, from) + OPEN + "\n" + text.slice(from, to) + "\n" + CLOSE;
    at = to;
  }
  return out + text.slice(at);
}

// Each text line's number in the file (`line!()`), given the regions' first and last lines.
function fileNumbers(doc, ranges) {
  const marks = ranges.map(([from, to]) => [doc.lineAt(from).number, doc.lineAt(to).number]);
  const whole = ranges.length === 1 && ranges[0][0] === 0 && ranges[0][1] === doc.length;
  return (n) => {
    if (whole) return n;
    let extra = 0;
    for (const [first, last] of marks) {
      if (first <= n) extra++;
      if (last < n) extra++;
    }
    return n + extra;
  };
}

// `fileNumbers` of a state, made once per state.
const numberings = new WeakMap();
function numbering(state) {
  let number = numberings.get(state);
  if (!number) numberings.set(state, (number = fileNumbers(state.doc, state.field(regions))));
  return number;
}

function textLineOf(doc, ranges, fileLine) {
  const number = fileNumbers(doc, ranges);
  for (let n = 1; n <= doc.lines; n++) if (number(n) >= fileLine) return number(n) === fileLine ? n : null;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Looks.

const style = HighlightStyle.define([
  { tag: [t.comment, t.lineComment, t.blockComment, t.docComment], color: "var(--hl-comment)", fontStyle: "italic" },
  { tag: [t.string, t.special(t.string), t.character], color: "var(--hl-string)" },
  { tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword, t.modifier, t.self, t.bool], color: "var(--hl-keyword)" },
  { tag: [t.typeName, t.className, t.namespace], color: "var(--hl-type)" },
  { tag: [t.number, t.integer, t.float], color: "var(--hl-number)" },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: "var(--hl-fn)" },
  { tag: [t.macroName, t.special(t.variableName)], color: "var(--hl-macro)" },
]);

const theme = EditorView.theme({
  "&": { color: "var(--text)", backgroundColor: "var(--code-bg)", fontSize: ".86rem", borderRadius: "var(--radius)", border: "1px solid var(--line)" },
  "&.cm-focused": { outline: "2px solid var(--focus)", outlineOffset: "1px" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.5", maxHeight: "32rem", overflow: "auto" },
  ".cm-content": { caretColor: "var(--text)" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--text)" },
  ".cm-gutters": { backgroundColor: "var(--code-bg)", color: "var(--muted)", border: "none", borderRight: "1px solid var(--line)" },
  ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--text) 5%, transparent)" },
  ".cm-activeLineGutter": { backgroundColor: "color-mix(in srgb, var(--text) 8%, transparent)" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection":
    { backgroundColor: "color-mix(in srgb, var(--focus) 30%, transparent)" },
  ".cm-foldPlaceholder": { background: "var(--bg-soft)", border: "1px solid var(--line)", color: "var(--muted)", padding: "0 .4em", fontFamily: "var(--sans)", fontSize: ".8rem", cursor: "pointer" },
  ".cm-readonly": { opacity: ".7", backgroundColor: "color-mix(in srgb, var(--text) 3%, transparent)" },
  ".cm-step": { backgroundColor: "color-mix(in srgb, var(--wait) 28%, transparent)" },
  ".cm-tooltip": { backgroundColor: "var(--panel)", color: "var(--text)", border: "1px solid var(--line)" },
  ".cm-diagnostic": { fontFamily: "var(--mono)", whiteSpace: "pre-wrap", fontSize: ".8rem" },
  ".cm-diagnostic-error": { borderLeftColor: "var(--fail)" },
  ".cm-diagnostic-warning": { borderLeftColor: "var(--wait)" },
  ".cm-lintRange-error": { backgroundImage: "none", textDecoration: "underline wavy var(--fail)", textUnderlineOffset: "3px" },
  ".cm-lintRange-warning": { backgroundImage: "none", textDecoration: "underline wavy var(--wait)", textUnderlineOffset: "3px" },
  ".cm-changedLine": { backgroundColor: "color-mix(in srgb, var(--done) 14%, transparent) !important" },
  ".cm-changedText": { background: "color-mix(in srgb, var(--done) 35%, transparent) !important" },
  ".cm-deletedChunk": { backgroundColor: "color-mix(in srgb, var(--fail) 12%, transparent) !important" },
  ".cm-deletedChunk del": { textDecoration: "line-through", color: "var(--muted)" },
  ".cm-panels": { backgroundColor: "var(--bg-soft)", color: "var(--text)" },
  ".cm-textfield": { backgroundColor: "var(--panel)", color: "var(--text)", border: "1px solid var(--line)" },
  ".cm-button": { backgroundImage: "none", backgroundColor: "var(--panel)", color: "var(--text)", border: "1px solid var(--line)" },
});

// The editor's toolbar and notes are in the page (styled with the site's buttons and notes);
// what is theirs alone comes with the editor, as a constructed style sheet the CSP allows.
const PAGE_CSS = `
.editor .source-tools { flex-wrap: wrap; align-items: center; margin: .2rem 0 .35rem; }
.edited-badge {
  margin-right: auto; font-size: .75rem; padding: .05rem .5rem; border-radius: 999px;
  background: var(--accent); color: var(--accent-text);
}
.editor-notes p { margin: .35rem 0; }
pre.diagnostics {
  max-height: 20rem; overflow: auto; margin: .3rem 0; padding: .5rem .7rem; font-size: .8rem;
  background: var(--code-bg); border-radius: var(--radius); border-left: 3px solid var(--fail);
}
.editor[data-build="built"] pre.diagnostics { border-left-color: var(--wait); }
pre.diagnostics code { display: block; white-space: pre; }
pre.diagnostics code + code { margin-top: .6rem; }
`;
let pageSheet = null;
function adoptPageCss() {
  if (pageSheet) return;
  pageSheet = new CSSStyleSheet();
  pageSheet.replaceSync(PAGE_CSS);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, pageSheet];
}

// Dims the read-only lines, so the reader sees where typing goes.
const readonlyLines = EditorView.decorations.compute([regions, "doc"], (state) => {
  const ranges = state.field(regions);
  const marks = [];
  let at = 0;
  const dim = (from, to) => {
    if (to <= from) return;
    for (let n = state.doc.lineAt(from).number; n <= state.doc.lineAt(to).number; n++) {
      const line = state.doc.line(n);
      if (line.from >= from && line.to <= to) marks.push(Decoration.line({ class: "cm-readonly" }).range(line.from));
    }
  };
  for (const [from, to] of ranges) {
    dim(at, Math.max(at, from - 1));
    at = to + 1;
  }
  dim(at, state.doc.length);
  return Decoration.set(marks, true);
});

// The line of the latest `tutor::state!` mark, while the card steps or replays.
const setStep = StateEffect.define();
const stepLine = StateField.define({
  create: () => Decoration.none,
  update(value, tr) {
    value = value.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setStep)) continue;
      value = e.value == null ? Decoration.none : Decoration.set([Decoration.line({ class: "cm-step" }).range(e.value)]);
    }
    return value;
  },
  provide: (f) => EditorView.decorations.from(f),
});

// ---------------------------------------------------------------------------------------------
// Storage: `{v: 1, text, regions}` per snippet; the edit a Reset discarded is kept beside it.

// An edit as storage and share links carry it: `{v: 1, text, regions}`, each region a pair of
// offsets in order within the text.
function wellFormed(edit) {
  return Boolean(edit) && edit.v === 1 && typeof edit.text === "string" && Array.isArray(edit.regions)
    && edit.regions.every((r) => Array.isArray(r) && r.length === 2 && r.every(Number.isInteger)
      && 0 <= r[0] && r[0] <= r[1] && r[1] <= edit.text.length);
}

function load(key) {
  if (!key) return null;
  try {
    const kept = JSON.parse(localStorage.getItem(key));
    return wellFormed(kept) ? kept : null;
  } catch {
    return null;
  }
}

function store(key, value) {
  if (!key) return;
  try {
    if (value == null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify({ v: 1, text: value.text, regions: value.regions }));
  } catch {
    // Storage blocked or full: the edit lives as long as the page.
  }
}

// Does `edit` keep the original's read-only parts as they are? (An edit kept from an earlier
// version of the site may not: then it opens whole, editable everywhere.)
function fits(edit, original, originalRegions) {
  const outside = (text, ranges) => {
    const parts = [];
    let at = 0;
    for (const [from, to] of ranges) {
      parts.push(text.slice(at, from));
      at = to;
    }
    parts.push(text.slice(at));
    return parts;
  };
  if (edit.regions.length !== originalRegions.length) return false;
  const a = outside(edit.text, edit.regions);
  const b = outside(original, originalRegions);
  return a.every((part, i) => part === b[i]);
}

// ---------------------------------------------------------------------------------------------
// Share links: the edit, deflated, in base64url.

async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

/** The share code of an edit: `{text, regions}` as JSON, deflated, base64url. */
export async function pack(edit) {
  const json = new TextEncoder().encode(JSON.stringify({ v: 1, text: edit.text, regions: edit.regions }));
  const bytes = await pipe(json, new CompressionStream("deflate-raw"));
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The edit in a share code, or an error saying the code is damaged. */
export async function unpack(code) {
  try {
    const b64 = code.replaceAll("-", "+").replaceAll("_", "/");
    const raw = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
    const bytes = Uint8Array.from(raw, (c) => c.charCodeAt(0));
    const json = new TextDecoder().decode(await pipe(bytes, new DecompressionStream("deflate-raw")));
    const edit = JSON.parse(json);
    if (wellFormed(edit)) return edit;
  } catch {
    // Reported below.
  }
  throw new Error("damaged");
}

// ---------------------------------------------------------------------------------------------
// The compile service.

/** The token `cargo xtask serve` wrote into the page, or null on a static host. */
export function serviceToken() {
  return document.querySelector('meta[name="async-tutor-compile"]')?.content || null;
}

// ---------------------------------------------------------------------------------------------
// The editor.

/**
 * Mounts an editor in `host`: a toolbar (edited, Show changes, Reset code and its undo, Share
 * link, Close editor) in the page's own DOM, styled by the site, and the editor in a shadow root.
 *
 * `o`: `source`, `html`, `focusHtml` (the snippet as the card shows it, and its highlighted
 * views); `key` (where edits are kept; null: not kept); `link` (the course's address of the
 * snippet: a share link is it with `?code=…`); `home` (the hash route of the snippet: the
 * address once a share link's code is loaded); `focus` (take the focus: the reader pressed
 * Edit); `labels`; `onClose()`.
 */
export function mount(host, o) {
  adoptPageCss();
  const L = o.labels;
  host.replaceChildren();
  const tools = document.createElement("div");
  tools.className = "source-tools";
  const box = document.createElement("div");
  box.className = "editor-host";
  const notes = document.createElement("div");
  notes.className = "editor-notes";
  host.append(tools, box, notes);
  const shadow = box.attachShadow({ mode: "open" });

  const original = o.source;
  const originalRegions = regionsOf(original, o.html, o.focusHtml);
  const kept = load(o.key);
  // True when the edit shown was made on an earlier version of the snippet (its read-only
  // parts differ from the original's): it is then editable everywhere.
  let stale = false;
  const place = (edit) => {
    stale = !fits(edit, original, originalRegions);
    return stale ? { text: edit.text, regions: [[0, edit.text.length]] } : edit;
  };
  const start = kept ? place(kept) : { text: original, regions: originalRegions };
  const RESET = o.key ? o.key + ":reset" : null;
  let discarded = null;
  let showing = false;
  let note = null;
  // The latest build: `{file, promise, since, answer}`; `answer` once it is in.
  let build = null;
  let ticker = null;
  const diff = new Compartment();
  const named = new Compartment();
  let view;
  const current = () => ({ text: view.state.doc.toString(), regions: view.state.field(regions) });
  const edited = () => view.state.doc.toString() !== original;
  const resettable = () => discarded || load(RESET);

  // The toolbar, drawn again after every change.
  const button = (cls, label, run, pressed) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = label;
    if (pressed != null) b.setAttribute("aria-pressed", String(pressed));
    b.onclick = run;
    return b;
  };
  const say = (kind, text, role) => {
    const p = document.createElement("p");
    p.className = `note ${kind}`;
    p.textContent = text;
    if (role) p.setAttribute("role", role);
    return p;
  };
  // Drawn again after every change, but a part is replaced only when it changed, so the focus
  // stays on a button and a screen reader does not hear a note again at each key.
  let toolsDrawn = null;
  const noteNodes = new Map();
  const noteNode = (key, make) => {
    if (!noteNodes.has(key)) noteNodes.set(key, make());
    return noteNodes.get(key);
  };
  function draw() {
    const on = edited();
    host.dataset.edited = String(on);
    const canUndo = !on && Boolean(resettable());
    const drawn = `${on}|${showing}|${canUndo}`;
    if (drawn !== toolsDrawn) {
      toolsDrawn = drawn;
      const items = [];
      if (on) {
        const badge = document.createElement("span");
        badge.className = "edited-badge";
        badge.textContent = L.edited;
        items.push(
          badge,
          button("show-changes", L.showChanges, () => api.showChanges(!showing), showing),
          button("reset-code", L.reset, () => api.reset()),
          button("share-code", L.share, () => api.shareLink()),
        );
      } else {
        if (canUndo) items.push(button("undo-reset", L.undoReset, () => api.undoReset()));
        items.push(button("close-editor", L.close, () => o.onClose?.()));
      }
      // Keep the focus on the toolbar button that was pressed, if it is drawn again.
      const focused = tools.contains(document.activeElement) ? document.activeElement.className : null;
      tools.replaceChildren(...items);
      if (focused) tools.querySelector(`.${focused.split(" ")[0]}`)?.focus();
    }
    const lines = [];
    if (on && stale) lines.push(noteNode("stale", () => say("editor-stale", L.stale)));
    if (note === "copied") lines.push(noteNode("copied", () => say("share-note", L.shareCopied, "status")));
    if (note === "damaged") lines.push(noteNode("damaged", () => say("share-note", L.shareDamaged, "alert")));
    if (note === "from-link" && on) lines.push(noteNode("from-link", () => say("share-note", L.fromLink, "status")));
    if (build) lines.push(...(build.nodes ??= buildNotes(build)));
    const same = lines.length === notes.children.length && lines.every((n, i) => notes.children[i] === n);
    if (!same) notes.replaceChildren(...lines);
  }

  // What the latest build says: "Compiling… 2.8 s" while it runs, then what came of it.
  function buildNotes(b) {
    const seconds = (ms) => (ms / 1000).toFixed(1);
    const a = b.answer;
    if (!a) {
      // Said once ("Compiling…"); the seconds tick on in a part a screen reader skips.
      const [before, after = ""] = L.compiling.split("{s}");
      const status = say("build-status", before, "status");
      const clock = document.createElement("span");
      clock.setAttribute("aria-hidden", "true");
      const tick = () => (clock.textContent = seconds(performance.now() - b.since) + after);
      tick();
      status.append(clock);
      b.tick = tick;
      return [status];
    }
    const out = [];
    const messages = (list) => {
      if (!list || !list.length) return;
      const pre = document.createElement("pre");
      pre.className = "diagnostics";
      pre.tabIndex = 0;
      pre.setAttribute("aria-label", L.diagnostics);
      for (const d of list) {
        const code = document.createElement("code");
        code.textContent = (d.rendered || d.message || "").trimEnd() + "\n";
        pre.append(code);
      }
      out.push(pre);
    };
    const count = (one, many, n) => (n === 1 ? one : many).replace("{n}", n);
    if (a.ok) {
      const warnings = a.warnings || [];
      const text = warnings.length
        ? count(L.builtWarning, L.builtWarnings, warnings.length)
        : L.built;
      out.push(say("build-done", text.replace("{s}", seconds(a.elapsedMs || 0))));
      messages(warnings);
    } else if (a.kind === "errors") {
      const errors = (a.diagnostics || []).filter((d) => d.level === "error").length;
      out.push(say("build-errors run-error", count(L.error, L.errors, errors), "alert"));
      messages(a.diagnostics);
    } else if (a.kind === "static") {
      out.push(say("needs-server", L.needsServer, "alert"));
    } else if (a.kind === "superseded") {
      out.push(say("build-failed", L.superseded, "status"));
    } else if (a.kind === "refused") {
      // The service's own words: an edit it does not build, or a page it does not serve.
      out.push(say("build-failed run-error", a.message, "alert"));
    } else {
      out.push(say("build-failed run-error", L.failed.replace("{why}", a.message || a.kind), "alert"));
    }
    host.dataset.build = a.ok ? "built" : a.kind;
    return out;
  }

  const changed = EditorView.updateListener.of((u) => {
    const moved = u.transactions.some((tr) => tr.effects.some((e) => e.is(setRegions)));
    if (!u.docChanged && !moved) return;
    const edit = current();
    store(o.key, edit.text === original ? null : edit);
    if (note === "copied") note = null;
    draw();
  });
  // Ctrl/⌘+Enter runs the card (its handler sees the key), not CodeMirror's "insert blank line".
  const runKey = keymap.of([{ key: "Mod-Enter", run: () => true }]);
  const state = EditorState.create({
    doc: start.text,
    extensions: [
      regions.init(() => start.regions),
      guard,
      lineNumbers({ formatNumber: (n, state) => String(numbering(state)(n)) }),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      codeFolding({
        preparePlaceholder: (state, range) => state.doc.lineAt(range.to).number - state.doc.lineAt(range.from).number + 1,
        placeholderDOM: (view, onclick, lines) => {
          const b = document.createElement("button");
          b.className = "cm-foldPlaceholder";
          b.type = "button";
          // Not a Tab stop, so Escape then Tab leaves the editor; the keyboard unfolds with
          // Ctrl+Shift+] (or Ctrl+Alt+] for all).
          b.tabIndex = -1;
          b.textContent = L.folded.replace("{n}", lines);
          b.onclick = onclick;
          return b;
        },
      }),
      foldGutter(),
      drawSelection(),
      EditorState.allowMultipleSelections.of(true),
      indentOnInput(),
      syntaxHighlighting(style),
      bracketMatching(),
      closeBrackets(),
      highlightActiveLine(),
      lintGutter(),
      rust(),
      readonlyLines,
      stepLine,
      diff.of([]),
      runKey,
      keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...foldKeymap, indentWithTab]),
      theme,
      changed,
      named.of(EditorView.contentAttributes.of({ "aria-label": L.editor })),
    ],
  });
  view = new EditorView({ state, parent: shadow, root: shadow });

  // Folds the read-only parts of several lines (when the text keeps its regions).
  const foldReadOnly = () => {
    if (stale) return;
    const doc = view.state.doc;
    const folds = [];
    const foldSpan = (from, to) => {
      if (to <= from) return;
      const first = doc.lineAt(from);
      const last = doc.lineAt(to);
      if (last.number > first.number) folds.push(foldEffect.of({ from: first.from, to: last.to }));
    };
    let at = 0;
    for (const [from, to] of view.state.field(regions)) {
      foldSpan(at, from - 1);
      at = to + 1;
    }
    if (at < doc.length) foldSpan(at, doc.length);
    if (folds.length) view.dispatch({ effects: folds });
  };
  foldReadOnly();

  // Replaces the whole text (undoable): `edit` is `{text, regions}`.
  const replace = (edit) => {
    view.dispatch({
      changes: { from: 0, to: view.state.doc.length, insert: edit.text },
      effects: setRegions.of(edit.regions),
      filter: false,
      userEvent: "input.replace",
    });
    foldReadOnly();
  };

  const api = {
    /** True when the text differs from the original. */
    edited,
    /** The file to compile: the text with its anchor lines. */
    file: () => fileOf(view.state.doc.toString(), view.state.field(regions)),
    /** Back to the original; the edit is kept so that Undo reset brings it back. */
    reset() {
      if (!edited()) return;
      discarded = current();
      store(RESET, discarded);
      stale = false;
      replace({ text: original, regions: originalRegions });
      view.focus();
    },
    undoReset() {
      const edit = resettable();
      if (!edit) return;
      store(RESET, null);
      discarded = null;
      replace(place(edit));
      view.focus();
    },
    /** Copies a link that opens the course with this edit. */
    async shareLink() {
      const link = `${o.link}?code=${await pack(current())}`;
      try {
        await navigator.clipboard.writeText(link);
      } catch {
        // No clipboard (a frame without the permission): the link is still shown.
      }
      note = "copied";
      draw();
      host.dataset.shareLink = link;
    },
    /**
     * The runner built from the text as it is now: `{glue, wasm}` (relative to the site), or
     * null when there is none (a compile error, no compile service, a failure; the editor
     * says which). A build of the same text is reused; a build of another text replaces one
     * still on its way.
     */
    prepare(lesson, snippet) {
      const file = api.file();
      if (build && build.file === file) {
        if (!build.answer || build.answer.ok) return build.promise;
        // The same text again: the same errors.
        if (build.answer.kind === "errors") return Promise.resolve(null);
      }
      const mine = { file, since: performance.now(), answer: null };
      mine.promise = compile(lesson, snippet, file).then((answer) => {
        if (build !== mine) return null;
        mine.answer = answer;
        mine.nodes = null;
        clearInterval(ticker);
        if (answer.ok) api.diagnostics(answer.warnings);
        else if (answer.kind === "errors") api.diagnostics(answer.diagnostics);
        draw();
        return answer.ok ? { glue: answer.glue, wasm: answer.wasm } : null;
      });
      build = mine;
      note = null;
      delete host.dataset.build;
      clearInterval(ticker);
      ticker = setInterval(() => mine.tick?.(), 100);
      draw();
      return mine.promise;
    },
    /** Shows or hides the changes against the original, inline. */
    showChanges(on) {
      showing = on;
      view.dispatch({
        effects: diff.reconfigure(on ? unifiedMergeView({ original, mergeControls: false, gutter: true, highlightChanges: true }) : []),
      });
      draw();
    },
    /**
     * Marks rustc's diagnostics: `list` as the compile service gives them (`level`, `message`,
     * `rendered`, `span` in file lines and 1-based character columns).
     */
    diagnostics(list) {
      const d = view.state.doc;
      const ranges = view.state.field(regions);
      const at = (line, column) => {
        const n = textLineOf(d, ranges, line);
        if (n == null) return null;
        const l = d.line(n);
        let i = 0;
        for (let c = 1; c < column && i < l.text.length; c++) i += l.text.codePointAt(i) > 0xffff ? 2 : 1;
        return l.from + i;
      };
      const marks = [];
      for (const item of list || []) {
        if (!item.span) continue;
        const from = at(item.span.line, item.span.column);
        if (from == null) continue;
        const to = Math.max(from, at(item.span.endLine, item.span.endColumn) ?? from);
        marks.push({
          from,
          to,
          severity: item.level === "error" ? "error" : item.level === "warning" ? "warning" : "info",
          message: item.rendered || item.message,
        });
      }
      view.dispatch(setDiagnostics(view.state, marks));
    },
    /** Highlights the line of file line `line` (a `tutor::state!` mark), or none. */
    step(line) {
      const n = line == null ? null : textLineOf(view.state.doc, view.state.field(regions), line);
      const pos = n == null ? null : view.state.doc.line(n).from;
      view.dispatch({ effects: setStep.of(pos) });
      if (pos != null) view.dispatch({ effects: EditorView.scrollIntoView(pos, { y: "nearest" }) });
    },
    /**
     * Loads the edit in a share link's code (undoable), and puts the address back to the
     * card's, so a reload opens the kept edit; a damaged code leaves the text as it is.
     */
    openShared(code) {
      window.history.replaceState(window.history.state, "", o.home);
      unpack(code)
        .then((edit) => {
          note = "from-link";
          replace(place(edit));
        })
        .catch(() => {
          note = "damaged";
          draw();
        });
    },
    /** The page's language changed: the toolbar, notes and names in the new one. */
    relabel(labels) {
      Object.assign(L, labels);
      toolsDrawn = null;
      noteNodes.clear();
      if (build) build.nodes = null;
      view.dispatch({ effects: named.reconfigure(EditorView.contentAttributes.of({ "aria-label": L.editor })) });
      draw();
    },
    focus: () => view.focus(),
    destroy() {
      clearInterval(ticker);
      view.destroy();
      host.replaceChildren();
    },
  };
  draw();
  if (o.focus) view.focus();
  return api;
}

/**
 * Compiles `file` as snippet `snippet` of lesson `lesson` with the compile service. Resolves to
 * the service's answer: `{ok: true, glue, wasm, warnings, elapsedMs}` or `{ok: false, kind,
 * message, diagnostics}`; `kind` is also `unreachable` when the service could not be reached.
 */
export async function compile(lesson, snippet, file) {
  const token = serviceToken();
  if (!token) return { ok: false, kind: "static", message: "", diagnostics: [] };
  let response;
  try {
    response = await fetch(new URL("compile/build", document.baseURI), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Compile-Token": token },
      body: JSON.stringify({ lesson, snippet, source: file }),
      cache: "no-store",
    });
  } catch (e) {
    return { ok: false, kind: "unreachable", message: String(e && e.message || e), diagnostics: [] };
  }
  try {
    const answer = await response.json();
    if (answer && typeof answer.ok === "boolean") return answer;
  } catch {
    // Reported below.
  }
  return { ok: false, kind: "unreachable", message: `HTTP ${response.status}`, diagnostics: [] };
}
