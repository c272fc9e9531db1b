/*
 * slow-web.js — the pure logic of the "slow web" (no DOM, no service-worker APIs).
 *
 * Loaded two ways:
 *   - by the service worker:  importScripts('./slow-web.js')  → self.SlowWeb = { ... }
 *   - by Node (tests):        require('…/www/slow-web.js')     → module.exports = { ... }
 *
 * The Rust twin is crates/slow-web/src/lib.rs. Both must produce the same bytes for the same
 * URL; tests/slow-web-vectors.json is asserted by tests on both sides.
 *
 * URL scheme (relative to the service worker's scope, so the site works under any sub-path):
 *
 *   api/page/<n>?delay=<ms>&jitter=<ms>&fail=<percent>&status=<code|network>&size=<bytes>&seed=<u32>
 *                &cap=<requests>&attempt=<k>&chunks=<k>&every=<ms>
 *
 *   n       page number, 0..=1000000 (required)
 *   delay   base delay in ms,               0..=60000,   default 0
 *   jitter  extra random delay in ms,       0..=60000,   default 0
 *   fail    failure probability in percent, 0..=100,     default 0
 *   status  what a failure looks like: an HTTP status 100..=599, or the word `network`
 *           for a network error;                         default 500
 *   size    byte length of a successful page, 0..=1000000, default 2048
 *   seed    PRNG seed, 0..=4294967295,                    default 0
 *   cap     the server's capacity: requests it serves at full speed, 1..=10000; default none
 *           (no limit)
 *   attempt which try of the request this is, 0..=1000,  default 0 (a retry draws afresh)
 *   chunks  how many parts the body trickles in, 1..=1000, default 1
 *   every   milliseconds between two parts, 0..=60000,   default 0
 *
 * Parsing rules (identical in Rust):
 *   - the fragment (#…) is dropped; the path is what comes before the first '?';
 *   - the page number follows the LAST "api/page/" in the path and must be ASCII digits only;
 *   - the query is split on '&', each piece on its first '='; values are NOT percent-decoded
 *     (every legal value is plain ASCII); the first occurrence of a parameter wins; unknown
 *     parameters (e.g. cache busters) are ignored;
 *   - numbers are one or more ASCII digits (no sign, no spaces); out-of-range or malformed
 *     values are an error; checks run in the order page, delay, jitter, fail, status, size,
 *     seed, cap, attempt, chunks, every and the first failure is reported. The service worker answers it with HTTP 400 and
 *     the message as a text/plain body.
 *
 * Outcome of page n (deterministic):
 *   hash32(seed, n, stream) = fmix32(seed ^ imul(n, 0x9E3779B9) ^ imul(stream, 0x85EBCA6B))
 *     where fmix32 is MurmurHash3's 32-bit finalizer:
 *       h ^= h >>> 16; h = imul(h, 0x85EBCA6B); h ^= h >>> 13; h = imul(h, 0xC2B2AE35); h ^= h >>> 16
 *   unit(seed, n, stream) = hash32(seed, n, stream) / 2^32            (a float in [0, 1))
 *   key = n + 1048576 * attempt (wrapping u32; equal to n for the first attempt)
 *   actual delay = delay + floor(unit(seed, key, 0) * (jitter + 1))
 *   failure      = unit(seed, key, 1) * 100 < fail
 *   failure with a status → that status, text/plain body
 *       "slow web: page <n> failed with <status> (seed <seed>)"
 *     (empty body for the null-body statuses 204, 205 and 304)
 *   failure with `network` → a network error (Response.error()) after the delay
 *   failure with a status in 100..=199 → also a network error: a service worker cannot
 *     synthesize an informational response (the Response constructor accepts 200..=599 only),
 *     so both implementations plan those as network errors
 *   success → 200, the HTML document
 *       <!doctype html><html><head><meta charset="utf-8"><title>Page n</title></head><body>
 *       <h1>Page n</h1><p>FILLER</p></body></html>          (one line, no line breaks)
 *     whose byte length is exactly `size` when size >= the skeleton's length (FILLER empty),
 *     else just the skeleton. FILLER = words WORDS[floor(unit(seed, n, k) * WORDS.length)] for
 *     k = 2, 3, 4, … joined by single spaces and cut to the exact length needed.
 *   Everything is ASCII, so string length == UTF-8 byte length.
 *
 * Trickled bodies: after the actual delay come the status, the headers and the body's first
 * part; then one more part every `every` ms, so the body is complete `(chunks - 1) * every` ms
 * after the delay. The body of n bytes is cut at byte floor(i * n / chunks) for i = 1..chunks
 * (parts may be empty when n < chunks). A busy answer (below) and a network error do not
 * trickle. A client that reads the whole body waits for the last part.
 *
 * Load (only with `cap`): requests with the same `cap` and `seed` are served by one server.
 * When a request arrives, its `load` is the number of that server's requests in flight, itself
 * included. A request leaves when its answer's last part is due, even if its client aborted it
 * before: the server does not know. Within capacity (load <= cap) nothing changes. Beyond it:
 *   busy         = unit(seed, key, 0x42555359) < (load - cap) / (load + cap)
 *   busy → HTTP 503 after `delay` ms (no jitter), text/plain body
 *       "slow web: page <n> is busy: load <load> over capacity <cap> (seed <seed>)"
 *   not busy → served as above, but the actual delay is floor(actual delay * load / cap)
 */
(function (factory) {
  'use strict';
  const api = factory();
  if (typeof module === 'object' && module !== null && typeof module.exports === 'object') {
    module.exports = api;
  }
  if (typeof self !== 'undefined') {
    self.SlowWeb = api;
  }
})(function () {
  'use strict';

  const PATH_PREFIX = 'api/page/';

  /** Inclusive limits of every value, [min, max]. */
  const LIMITS = Object.freeze({
    page: Object.freeze([0, 1000000]),
    delay: Object.freeze([0, 60000]),
    jitter: Object.freeze([0, 60000]),
    fail: Object.freeze([0, 100]),
    status: Object.freeze([100, 599]),
    size: Object.freeze([0, 1000000]),
    seed: Object.freeze([0, 4294967295]),
    cap: Object.freeze([1, 10000]),
    attempt: Object.freeze([0, 1000]),
    chunks: Object.freeze([1, 1000]),
    every: Object.freeze([0, 60000]),
  });

  /** Defaults of the optional query parameters. */
  const DEFAULTS = Object.freeze({
    delay: 0,
    jitter: 0,
    fail: 0,
    status: 500,
    size: 2048,
    seed: 0,
    cap: null,
    attempt: 0,
    chunks: 1,
    every: 0,
  });

  const STREAM_DELAY = 0;
  const STREAM_FAIL = 1;
  const STREAM_FILLER = 2;
  /** The busy draw's stream: "BUSY" in ASCII, far from the filler streams. */
  const STREAM_BUSY = 0x42555359;
  /** The key of attempt a of page n is n + ATTEMPT_STRIDE * a (wrapping u32). */
  const ATTEMPT_STRIDE = 1048576;

  /** Filler vocabulary (ASCII). Order matters: it is part of the cross-language contract. */
  const WORDS = Object.freeze([
    'async', 'await', 'future', 'poll', 'ready', 'pending', 'waker', 'wake',
    'task', 'spawn', 'join', 'select', 'yield', 'resume', 'send', 'loop',
    'event', 'timer', 'sleep', 'socket', 'fetch', 'stream', 'channel', 'queue',
    'budget', 'turn', 'latency', 'jitter', 'page', 'byte', 'callback', 'executor',
  ]);

  const MESSAGES = Object.freeze({
    url: 'slow web: not a slow web URL (expected .../api/page/<n>)',
    page: 'slow web: page number must be an integer in 0..=1000000',
    delay: 'slow web: parameter "delay" must be an integer in 0..=60000',
    jitter: 'slow web: parameter "jitter" must be an integer in 0..=60000',
    fail: 'slow web: parameter "fail" must be an integer in 0..=100',
    status: 'slow web: parameter "status" must be an integer in 100..=599 or the word "network"',
    size: 'slow web: parameter "size" must be an integer in 0..=1000000',
    seed: 'slow web: parameter "seed" must be an integer in 0..=4294967295',
    cap: 'slow web: parameter "cap" must be an integer in 1..=10000',
    attempt: 'slow web: parameter "attempt" must be an integer in 0..=1000',
    chunks: 'slow web: parameter "chunks" must be an integer in 1..=1000',
    every: 'slow web: parameter "every" must be an integer in 0..=60000',
  });

  /** The 32-bit hash behind every random choice: MurmurHash3's finalizer over a keyed mix. */
  function hash32(seed, n, stream) {
    let h = (seed ^ Math.imul(n, 0x9e3779b9) ^ Math.imul(stream, 0x85ebca6b)) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
  }

  /** hash32 as a float in [0, 1). */
  function unit(seed, n, stream) {
    return hash32(seed, n, stream) / 4294967296;
  }

  /** Parses one or more ASCII digits within [min, max]; returns null when malformed or out of range. */
  function parseInteger(text, min, max) {
    if (typeof text !== 'string' || !/^[0-9]+$/.test(text)) return null;
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || value > max) return null;
    return value;
  }

  function failure(param) {
    return { ok: false, error: { param, message: MESSAGES[param] } };
  }

  /**
   * Parses a slow-web URL (relative like "api/page/3?delay=100", or absolute).
   * Returns { ok: true, request } or { ok: false, error: { param, message } }, where request is
   * { page, delayMs, jitterMs, failPercent, failWith: <status number> | 'network', size, seed,
   * cap: <number> | null, attempt, chunks, everyMs }.
   */
  function parse(url) {
    let text = String(url);
    const hashAt = text.indexOf('#');
    if (hashAt >= 0) text = text.slice(0, hashAt);
    const queryAt = text.indexOf('?');
    const path = queryAt >= 0 ? text.slice(0, queryAt) : text;
    const query = queryAt >= 0 ? text.slice(queryAt + 1) : '';

    const prefixAt = path.lastIndexOf(PATH_PREFIX);
    if (prefixAt < 0) return failure('url');
    const page = parseInteger(path.slice(prefixAt + PATH_PREFIX.length), LIMITS.page[0], LIMITS.page[1]);
    if (page === null) return failure('page');

    const params = new Map();
    for (const piece of query.split('&')) {
      if (piece === '') continue;
      const eq = piece.indexOf('=');
      const key = eq >= 0 ? piece.slice(0, eq) : piece;
      const value = eq >= 0 ? piece.slice(eq + 1) : '';
      if (!params.has(key)) params.set(key, value);
    }

    const numeric = (name) => {
      if (!params.has(name)) return DEFAULTS[name];
      return parseInteger(params.get(name), LIMITS[name][0], LIMITS[name][1]);
    };

    const delayMs = numeric('delay');
    if (delayMs === null) return failure('delay');
    const jitterMs = numeric('jitter');
    if (jitterMs === null) return failure('jitter');
    const failPercent = numeric('fail');
    if (failPercent === null) return failure('fail');
    let failWith;
    if (params.get('status') === 'network') {
      failWith = 'network';
    } else {
      failWith = numeric('status');
      if (failWith === null) return failure('status');
    }
    const size = numeric('size');
    if (size === null) return failure('size');
    const seed = numeric('seed');
    if (seed === null) return failure('seed');
    let cap = null;
    if (params.has('cap')) {
      cap = parseInteger(params.get('cap'), LIMITS.cap[0], LIMITS.cap[1]);
      if (cap === null) return failure('cap');
    }
    const attempt = numeric('attempt');
    if (attempt === null) return failure('attempt');
    const chunks = numeric('chunks');
    if (chunks === null) return failure('chunks');
    const everyMs = numeric('every');
    if (everyMs === null) return failure('every');

    return {
      ok: true,
      request: { page, delayMs, jitterMs, failPercent, failWith, size, seed, cap, attempt, chunks, everyMs },
    };
  }

  /** A request with every field at its default (page 0 unless given). */
  function defaultRequest(page) {
    return {
      page: page === undefined ? 0 : page,
      delayMs: DEFAULTS.delay,
      jitterMs: DEFAULTS.jitter,
      failPercent: DEFAULTS.fail,
      failWith: DEFAULTS.status,
      size: DEFAULTS.size,
      seed: DEFAULTS.seed,
      cap: DEFAULTS.cap,
      attempt: DEFAULTS.attempt,
      chunks: DEFAULTS.chunks,
      everyMs: DEFAULTS.every,
    };
  }

  /** The relative URL of a request, omitting parameters equal to their defaults. */
  function toUrl(request) {
    const r = Object.assign(defaultRequest(), request);
    const parts = [];
    if (r.delayMs !== DEFAULTS.delay) parts.push('delay=' + r.delayMs);
    if (r.jitterMs !== DEFAULTS.jitter) parts.push('jitter=' + r.jitterMs);
    if (r.failPercent !== DEFAULTS.fail) parts.push('fail=' + r.failPercent);
    if (r.failWith !== DEFAULTS.status) parts.push('status=' + r.failWith);
    if (r.size !== DEFAULTS.size) parts.push('size=' + r.size);
    if (r.seed !== DEFAULTS.seed) parts.push('seed=' + r.seed);
    if (r.cap !== null) parts.push('cap=' + r.cap);
    if (r.attempt !== DEFAULTS.attempt) parts.push('attempt=' + r.attempt);
    if (r.chunks !== DEFAULTS.chunks) parts.push('chunks=' + r.chunks);
    if (r.everyMs !== DEFAULTS.every) parts.push('every=' + r.everyMs);
    return PATH_PREFIX + r.page + (parts.length ? '?' + parts.join('&') : '');
  }

  /** Statuses whose responses cannot carry a body. */
  function isNullBodyStatus(status) {
    return status === 204 || status === 205 || status === 304;
  }

  /** The text/plain body of a failed page ('' for 204, 205 and 304). */
  function failureBody(page, status, seed) {
    if (isNullBodyStatus(status)) return '';
    return 'slow web: page ' + page + ' failed with ' + status + ' (seed ' + seed + ')';
  }

  /** `body` cut into `chunks` parts: part i ends at character floor((i + 1) * length / chunks). */
  function bodyParts(body, chunks) {
    const n = body.length;
    const parts = [];
    for (let i = 0; i < chunks; i++) {
      parts.push(body.slice(Math.floor((i * n) / chunks), Math.floor(((i + 1) * n) / chunks)));
    }
    return parts;
  }

  /** The text/plain body of a busy server's 503. */
  function busyBody(page, load, cap, seed) {
    return 'slow web: page ' + page + ' is busy: load ' + load + ' over capacity ' + cap + ' (seed ' + seed + ')';
  }

  /** The HTML of a successful page: exactly `size` bytes when size >= the skeleton's length. */
  function pageHtml(page, size, seed) {
    const head =
      '<!doctype html><html><head><meta charset="utf-8"><title>Page ' + page +
      '</title></head><body><h1>Page ' + page + '</h1><p>';
    const tail = '</p></body></html>';
    const need = size - head.length - tail.length;
    if (need <= 0) return head + tail;
    const words = [];
    let length = -1; // the first word has no leading space
    for (let stream = STREAM_FILLER; length < need; stream++) {
      const word = WORDS[Math.floor(unit(seed, page, stream) * WORDS.length)];
      words.push(word);
      length += word.length + 1;
    }
    return head + words.join(' ').slice(0, need) + tail;
  }

  /**
   * What happens to a request that arrives at its server with `load` requests in flight, itself
   * included (1 when omitted): { page, delayMs, kind: 'ok'|'status'|'busy'|'network', status,
   * body, contentType, chunks, everyMs, doneMs }. status is 200 for 'ok', 503 for 'busy' and 0
   * for 'network' (like Response.error()); the body comes in `chunks` parts, the last at doneMs.
   */
  function plan(request, load) {
    const r = Object.assign(defaultRequest(), request);
    const l = load === undefined ? 1 : load;
    const key = (r.page + Math.imul(ATTEMPT_STRIDE, r.attempt)) >>> 0;
    let delayMs = r.delayMs + Math.floor(unit(r.seed, key, STREAM_DELAY) * (r.jitterMs + 1));
    /** The outcome, with its trickle: none for a busy answer or a network error. */
    const outcome = (fields, trickles) => {
      const chunks = trickles ? r.chunks : 1;
      const everyMs = trickles ? r.everyMs : 0;
      return { page: r.page, ...fields, chunks, everyMs, doneMs: fields.delayMs + (chunks - 1) * everyMs };
    };
    if (r.cap !== null && l > r.cap) {
      if (unit(r.seed, key, STREAM_BUSY) < (l - r.cap) / (l + r.cap)) {
        const body = busyBody(r.page, l, r.cap, r.seed);
        return outcome({ delayMs: r.delayMs, kind: 'busy', status: 503, body, contentType: 'text/plain; charset=utf-8' }, false);
      }
      delayMs = Math.min(Math.floor((delayMs * l) / r.cap), 4294967295);
    }
    const failed = unit(r.seed, key, STREAM_FAIL) * 100 < r.failPercent;
    if (failed && (r.failWith === 'network' || r.failWith < 200)) {
      return outcome({ delayMs, kind: 'network', status: 0, body: '', contentType: null }, false);
    }
    if (failed) {
      const body = failureBody(r.page, r.failWith, r.seed);
      return outcome({ delayMs, kind: 'status', status: r.failWith, body, contentType: 'text/plain; charset=utf-8' }, true);
    }
    const body = pageHtml(r.page, r.size, r.seed);
    return outcome({ delayMs, kind: 'ok', status: 200, body, contentType: 'text/html; charset=utf-8' }, true);
  }


  /** Response headers for a planned outcome (not used for 'network', which has no response). */
  function headersFor(outcome) {
    return {
      'content-type': outcome.contentType,
      'cache-control': 'no-store',
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'x-slow-web-delay, x-slow-web-page',
      'x-slow-web-delay': String(outcome.delayMs),
      'x-slow-web-page': String(outcome.page),
    };
  }

  /** Response headers for a 400 answer to a malformed URL. */
  function errorHeaders() {
    return {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      'access-control-allow-origin': '*',
    };
  }

  return Object.freeze({
    PATH_PREFIX,
    LIMITS,
    DEFAULTS,
    WORDS,
    MESSAGES,
    STREAM_DELAY,
    STREAM_FAIL,
    STREAM_FILLER,
    STREAM_BUSY,
    hash32,
    unit,
    parse,
    defaultRequest,
    toUrl,
    isNullBodyStatus,
    failureBody,
    busyBody,
    bodyParts,
    pageHtml,
    plan,
    headersFor,
    errorHeaders,
  });
});
