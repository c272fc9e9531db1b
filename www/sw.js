/*
 * sw.js — the Async Tutor service worker: the "slow web" (and, later, the offline precache).
 *
 * It answers same-origin requests whose path, relative to this worker's scope, starts with
 * `api/page/`, so the site works under any sub-path:
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
 * mirrored exactly by crates/protocol/src/slow_web.rs (the "virtual network").
 *
 * If the page aborts the request while it waits (event.request.signal), the timer is cleared
 * and the answer is a network error, so no respondWith promise is left pending.
 *
 * Tests can post {type: 'ping'} and get {type: 'pong', version} back (on the MessageChannel port
 * if one was transferred, else on the sending client).
 */
'use strict';

importScripts('./slow-web.js');

const VERSION = 'async-tutor-sw-1';

self.addEventListener('install', (event) => {
  // ---- OFFLINE PRECACHE (later issue): open the versioned cache and add the app shell here,
  // ---- inside event.waitUntil(...), before skipWaiting.
  event.waitUntil(self.skipWaiting());
});

self.addEventListener('activate', (event) => {
  // ---- OFFLINE PRECACHE (later issue): delete caches of older VERSIONs here.
  event.waitUntil(self.clients.claim());
});

self.addEventListener('message', (event) => {
  const data = event.data;
  // A page that loaded without a controller (e.g. a hard reload) asks to be taken over.
  if (data && data.type === 'claim') {
    event.waitUntil(self.clients.claim());
    return;
  }
  if (!data || data.type !== 'ping') return;
  const reply = { type: 'pong', version: VERSION };
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
  // ---- OFFLINE PRECACHE (later issue): answer other same-origin GETs from the cache here
  // ---- (cache first, then network). Until then nothing is done and the network handles them.
});

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
  const outcome = SlowWeb.plan(parsed.request);
  const signal = request.signal;
  if (signal && signal.aborted) return Response.error();
  if (outcome.delayMs > 0 && !(await wait(outcome.delayMs, signal))) {
    return Response.error();
  }
  if (outcome.kind === 'network') return Response.error();
  const noBody = request.method === 'HEAD' || SlowWeb.isNullBodyStatus(outcome.status);
  try {
    return new Response(noBody ? null : outcome.body, {
      status: outcome.status,
      headers: SlowWeb.headersFor(outcome),
    });
  } catch (_) {
    return Response.error();
  }
}
