/*
 * sw.js — the Async Tutor service worker: the "slow web" and the offline precache.
 *
 * SLOW WEB. It answers same-origin requests whose path, relative to this worker's scope, starts
 * with `api/page/`, so the site works under any sub-path:
 *
 *   api/page/<n>?delay=<ms>&jitter=<ms>&fail=<percent>&status=<code|network>&size=<bytes>&seed=<u32>
 *
 *   n 0..=1000000; delay 0..=60000 (default 0); jitter 0..=60000 (default 0); fail 0..=100
 *   percent (default 0); status 100..=599 or `network` (default 500); size 0..=1000000 bytes
 *   (default 2048); seed 0..=4294967295 (default 0). Malformed or out-of-range → HTTP 400 with a
 *   text/plain body naming the parameter and its range. (A failure status in 100..=199 becomes a
 *   network error: the Response constructor only accepts 200..=599.)
 *
 * The outcome (actual delay, success / failure status / network error, page bytes) is
 * deterministic from (seed, n); the rules live in slow-web.js and are documented there, and are
 * mirrored exactly by crates/slow-web/src/lib.rs (the "virtual network").
 *
 * If the page aborts the request while it waits (event.request.signal), the timer is cleared
 * and the answer is a network error, so no respondWith promise is left pending.
 *
 * TRICKLE. With `chunks=k&every=ms` the body is a ReadableStream: the first part comes with the
 * head, the next ones `every` ms apart (slow-web.js says where it is cut).
 *
 * LOAD. A request with a capacity (`cap=`) is counted in flight on its server (its `cap` and
 * `seed`) from its arrival until its answer's last part is due, also when the page aborted it meanwhile
 * (the server does not know), and planned at the load it arrived at (see
 * slow-web.js): beyond the capacity some answers are 503 and the rest come more slowly. The
 * count lives in this worker, so every page it controls shares the servers.
 *
 * PRECACHE. `cargo xtask finish-site` (trunk's post_build hook) writes the build block below:
 * BUILD, a hash of every file of the build, and PRECACHE, every file but this one. Installing
 * puts them all in the cache `async-tutor <scope path> <BUILD>` (bypassing the HTTP cache);
 * same-origin GETs for them are then answered from that cache only, so the whole course works
 * offline after one visit. A navigation to the scope's folder gets index.html, one to a clean
 * URL (`embed`) its .html file; a query string (embed.html?lesson=…) does not matter.
 *
 * UPDATES. The first install takes over at once (and claims the open pages). A later build
 * installs beside the running one and waits: the page sees `registration.waiting`, offers
 * "a new version is available — reload", and on the reader's click posts {type: 'skip-waiting'};
 * this worker then activates, deletes this scope's other caches and claims the open pages. A
 * page of another build reloads as soon as it sees the new controller (src/runner/sw/update.rs), so no
 * page runs a mix of two builds. In a DEV build (trunk serve) the network comes first and
 * updates take over at once, so a rebuild shows up on reload.
 *
 * MESSAGES. {type: 'ping'} → {type: 'pong', version, build, cache, dev} (on the transferred MessageChannel
 * port, else to the sender). {type: 'claim', build} from a page loaded without a controller
 * (a hard reload): claimed only if the page is of this worker's build. {type: 'skip-waiting'}.
 */
'use strict';

importScripts('./slow-web.js');

// build:begin (written by `cargo xtask finish-site`; until then nothing is precached)
const BUILD = 'unbuilt';
const DEV = true;
const PRECACHE = [];
// build:end

const VERSION = 'async-tutor-sw-2';
const SCOPE = new URL(self.registration.scope);
// One site's caches: two deployments on one origin (say /prod/ and /preview/) keep theirs.
const CACHE_PREFIX = `async-tutor ${SCOPE.pathname} `;
const CACHE = CACHE_PREFIX + BUILD;
const PRECACHED = new Set(PRECACHE);

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      try {
        const cache = await caches.open(CACHE);
        await Promise.all(PRECACHE.map((file) => precache(cache, file)));
      } catch (error) {
        // One failed file fails the install and the running build stays in charge; no half
        // cache is left behind.
        await caches.delete(CACHE);
        throw error;
      }
      // Nothing running yet (a first visit) or a dev build: take over now. Otherwise wait for
      // the reader to choose to reload.
      if (!self.registration.active || DEV) await self.skipWaiting();
    })(),
  );
});

/** Fetches `file` past the HTTP cache and stores it under its own address. */
async function precache(cache, file) {
  const url = new URL(file, SCOPE);
  let response = await fetch(new Request(url, { cache: 'reload' }));
  if (!response.ok) throw new Error(`precaching ${file}: HTTP ${response.status}`);
  // A host that redirects (Cloudflare Pages: /index.html → /, /embed.html → /embed): a
  // redirected response may not answer a navigation, so keep only its body and headers.
  if (response.redirected) {
    response = new Response(await response.blob(), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }
  await cache.put(url, response);
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
      }
      // Open pages of another build reload when they see the new controller (src/runner/sw/update.rs).
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || typeof data.type !== 'string') return;
  if (data.type === 'claim') {
    // A page of another build would get this build's files from now on: leave it alone.
    if (!data.build || data.build === BUILD) event.waitUntil(self.clients.claim());
    return;
  }
  if (data.type === 'skip-waiting') {
    event.waitUntil(self.skipWaiting());
    return;
  }
  if (data.type !== 'ping') return;
  const reply = { type: 'pong', version: VERSION, build: BUILD, cache: CACHE, dev: DEV };
  if (event.ports && event.ports[0]) {
    event.ports[0].postMessage(reply);
  } else if (event.source && typeof event.source.postMessage === 'function') {
    event.source.postMessage(reply);
  }
});

self.addEventListener('fetch', (event) => {
  const relative = slowWebPath(event.request.url);
  if (relative !== null) {
    event.respondWith(answerSlowWeb(event.request, relative));
    return;
  }
  const file = precachedFile(event.request);
  if (file !== null) event.respondWith(answerFromCache(event.request, file));
  // Anything else goes to the network as if there were no worker.
});

/**
 * The precached file a same-origin GET asks for (query ignored), else null. A folder means its
 * index.html; a name without `.html` (a host's clean URL: /embed) its `.html` file.
 */
function precachedFile(request) {
  if (request.method !== 'GET') return null;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return null;
  let file = url.pathname.slice(SCOPE.pathname.length);
  if (file === '' || file.endsWith('/')) file += 'index.html';
  if (PRECACHED.has(file)) return file;
  return PRECACHED.has(file + '.html') ? file + '.html' : null;
}

async function answerFromCache(request, file) {
  const key = new URL(file, SCOPE).href;
  if (DEV) {
    try {
      const fresh = await fetch(request);
      if (fresh.ok) return fresh;
    } catch (_) {
      // Offline: the cached copy below.
    }
  }
  const cached = await caches.match(key, { cacheName: CACHE });
  // Only if the cache was cleared behind our back: the network, as if there were no worker.
  return cached ?? fetch(request);
}

/**
 * The request's path + query relative to this worker's scope when it is a same-origin slow-web
 * request (`api/page/...`), else null.
 */
function slowWebPath(requestUrl) {
  const url = new URL(requestUrl);
  if (url.origin !== self.location.origin) return null;
  const scopePath = new URL(self.registration.scope).pathname;
  if (!url.pathname.startsWith(scopePath)) return null;
  const relative = url.pathname.slice(scopePath.length);
  if (!relative.startsWith(self.SlowWeb.PATH_PREFIX)) return null;
  return relative + url.search;
}

/** Waits ms milliseconds; resolves true, or false as soon as signal aborts (timer cleared). */
function wait(ms, signal) {
  return new Promise((resolve) => {
    if (signal && signal.aborted) {
      resolve(false);
      return;
    }
    let timer = 0;
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    timer = setTimeout(() => {
      if (signal) signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Requests in flight per slow-web server with a capacity, keyed by `${cap} ${seed}`. */
const inFlight = new Map();

function arrive(parsed) {
  if (parsed.cap === null) return { load: 1, leave() {} };
  const key = `${parsed.cap} ${parsed.seed}`;
  const load = (inFlight.get(key) ?? 0) + 1;
  inFlight.set(key, load);
  let gone = false;
  return {
    load,
    leave() {
      if (gone) return;
      gone = true;
      const left = inFlight.get(key) - 1;
      if (left > 0) inFlight.set(key, left);
      else inFlight.delete(key);
    },
  };
}

async function answerSlowWeb(request, relative) {
  const SlowWeb = self.SlowWeb;
  const parsed = SlowWeb.parse(relative);
  if (!parsed.ok) {
    return new Response(parsed.error.message, {
      status: 400,
      statusText: 'Bad Request',
      headers: SlowWeb.errorHeaders(),
    });
  }
  const signal = request.signal;
  if (signal && signal.aborted) return Response.error();
  const server = arrive(parsed.request);
  const outcome = SlowWeb.plan(parsed.request, server.load);
  // The server counts the request until the last part of its answer is due, whatever the page
  // does meanwhile.
  setTimeout(server.leave, outcome.doneMs);
  if (outcome.delayMs > 0 && !(await wait(outcome.delayMs, signal))) {
    return Response.error();
  }
  if (outcome.kind === 'network') return Response.error();
  const noBody = request.method === 'HEAD' || SlowWeb.isNullBodyStatus(outcome.status);
  try {
    return new Response(noBody ? null : trickle(outcome, signal), {
      status: outcome.status,
      headers: SlowWeb.headersFor(outcome),
    });
  } catch (_) {
    return Response.error();
  }
}

/**
 * The body of a planned outcome: the whole text, or for a trickled one a ReadableStream that
 * gives the first part at once and each next part `everyMs` later. Cancelling the stream, or
 * the page aborting the request, clears the timer of the next part.
 */
function trickle(outcome, signal) {
  if (outcome.chunks <= 1) return outcome.body;
  const bytes = new TextEncoder().encode(outcome.body);
  const parts = self.SlowWeb.bodyParts(outcome.body, outcome.chunks).map((p) => p.length);
  let at = 0;
  let timer = 0;
  let next = 0;
  return new ReadableStream({
    start(controller) {
      const send = () => {
        const end = at + parts[next];
        if (end > at) controller.enqueue(bytes.slice(at, end));
        at = end;
        next += 1;
        if (next === parts.length) controller.close();
        else timer = setTimeout(send, outcome.everyMs);
      };
      if (signal) {
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            try {
              controller.error(new DOMException('aborted', 'AbortError'));
            } catch (_) {
              // already closed
            }
          },
          { once: true },
        );
      }
      send();
    },
    cancel() {
      clearTimeout(timer);
    },
  });
}
