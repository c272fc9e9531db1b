/*
 * embed.js — live Async Tutor snippets in any page. Add this script from the site that hosts
 * Async Tutor, then write, anywhere in the page:
 *
 *   <script src="https://example.org/async-tutor/embed.js"></script>
 *   <async-tutor-snippet lesson="08-async-await" snippet="crawl" lang="zh" theme="dark"
 *                        knobs="pages=3, latency_ms=200" max-height="900"></async-tutor-snippet>
 *
 * The element becomes an iframe of that site's embed.html (the card alone) whose height follows
 * its content, within `min-height` and `max-height` (CSS pixels; past the maximum the frame
 * scrolls). Attributes: lesson, snippet (required); lang (en, zh); theme (light, dark; default:
 * the reader's choice on the course, else the system's); knobs (initial values, `name=value` separated by commas); min-height,
 * max-height; loading (lazy, the default, or eager).
 *
 * Scripting: element.run(), element.stop(), element.setKnobs({pages: 3}). Commands sent before
 * the card is ready wait for it. The element fires (bubbling, detail = the message):
 *   async-tutor-ready     {lesson, snippet, knobs: [{name, min, max, value}]}
 *   async-tutor-started   {}
 *   async-tutor-finished  {outcome: "finished" | "failed" | "stopped", elapsed_ms, error}
 *   async-tutor-error     {message}   (a command that could not be done)
 *   async-tutor-size      {height}
 *
 * Messages are only taken from the element's own frame and from the Async Tutor origin; the
 * embed page in turn obeys only the origin of this page (passed as `host`).
 */
(function () {
  "use strict";
  if (!window.customElements || customElements.get("async-tutor-snippet")) return;

  var script = document.currentScript;
  // The folder of the Async Tutor site: embed.html sits next to this script.
  var SITE = new URL(".", script && script.src ? script.src : location.href);
  var ORIGIN = SITE.origin;
  var PREFIX = "async-tutor:";
  var START_HEIGHT = 480;

  function pixels(value, fallback) {
    var n = parseFloat(value);
    return isFinite(n) && n >= 0 ? n : fallback;
  }

  class AsyncTutorSnippet extends HTMLElement {
    static get observedAttributes() {
      return ["lesson", "snippet", "lang", "theme", "knobs", "min-height", "max-height"];
    }

    constructor() {
      super();
      this._frame = null;
      this._ready = false;
      this._waiting = [];
      this._height = START_HEIGHT;
      this._onMessage = this._onMessage.bind(this);
    }

    connectedCallback() {
      window.addEventListener("message", this._onMessage);
      if (!this.style.display) this.style.display = "block";
      this._load();
    }

    disconnectedCallback() {
      window.removeEventListener("message", this._onMessage);
    }

    attributeChangedCallback(name) {
      if (!this._frame) return;
      if (name === "min-height" || name === "max-height") this._fit();
      else this._load();
    }

    /** The embed page this element shows. */
    get src() {
      var url = new URL("embed.html", SITE);
      var self = this;
      ["lesson", "snippet", "lang", "theme", "knobs"].forEach(function (name) {
        var value = self.getAttribute(name);
        if (value !== null && value !== "") url.searchParams.set(name, value);
      });
      url.searchParams.set("host", location.origin);
      return url.href;
    }

    /** Runs the snippet (as its Run button). */
    run() {
      this._send({ type: PREFIX + "run" });
    }

    /** Stops the run (as its Stop button). */
    stop() {
      this._send({ type: PREFIX + "stop" });
    }

    /** Sets knobs by name, e.g. {pages: 3}; the others keep their values. */
    setKnobs(knobs) {
      this._send({ type: PREFIX + "set-knobs", knobs: Object.assign({}, knobs) });
    }

    _load() {
      if (!this._frame) {
        var frame = document.createElement("iframe");
        frame.style.display = "block";
        frame.style.width = "100%";
        frame.style.border = "0";
        frame.loading = this.getAttribute("loading") === "eager" ? "eager" : "lazy";
        // The card's Copy buttons write to the clipboard.
        frame.allow = "clipboard-write";
        this._frame = frame;
        this.appendChild(frame);
      }
      this._frame.title =
        "Async Tutor: " + (this.getAttribute("lesson") || "?") + " / " + (this.getAttribute("snippet") || "?");
      this._ready = false;
      this._fit();
      this._frame.src = this.src;
    }

    _fit() {
      var min = pixels(this.getAttribute("min-height"), 0);
      var max = pixels(this.getAttribute("max-height"), Infinity);
      var height = Math.max(min, Math.min(max, this._height));
      this._frame.style.height = height + "px";
    }

    _send(message) {
      if (!this._ready || !this._frame || !this._frame.contentWindow) {
        this._waiting.push(message);
        return;
      }
      this._frame.contentWindow.postMessage(message, ORIGIN);
    }

    _onMessage(event) {
      // Only our own frame, from the Async Tutor origin, speaking our protocol.
      if (!this._frame || event.source !== this._frame.contentWindow || event.origin !== ORIGIN) return;
      var data = event.data;
      if (!data || typeof data.type !== "string" || data.type.indexOf(PREFIX) !== 0) return;
      var kind = data.type.slice(PREFIX.length);
      if (kind === "size" && typeof data.height === "number") {
        this._height = data.height;
        this._fit();
      } else if (kind === "ready") {
        this._ready = true;
        var waiting = this._waiting.splice(0);
        for (var i = 0; i < waiting.length; i++) this._send(waiting[i]);
      }
      this.dispatchEvent(new CustomEvent("async-tutor-" + kind, { detail: data, bubbles: true }));
    }
  }

  customElements.define("async-tutor-snippet", AsyncTutorSnippet);
})();
