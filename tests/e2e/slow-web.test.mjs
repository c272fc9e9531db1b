// The slow web's pure logic (www/slow-web.js) against the cross-language vectors in
// tests/slow-web-vectors.json, which crates/slow-web/tests/vectors.rs asserts on the Rust side.
//
//   node --test tests/e2e/slow-web.test.mjs
//
// No browser needed. To regenerate the vectors from this JS implementation (only after a
// deliberate change of the rules; the Rust test must then pass unchanged):
//
//   SLOW_WEB_WRITE_VECTORS=1 node --test tests/e2e/slow-web.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const SlowWeb = require('../../www/slow-web.js');
const vectorsPath = fileURLToPath(new URL('../slow-web-vectors.json', import.meta.url));

// The URLs the vectors are generated from.
const CASE_URLS = [
  'api/page/0',
  'api/page/3?delay=300',
  'api/page/7?delay=100&jitter=400&seed=42',
  'https://example.org/course/sub/api/page/12?jitter=60000&seed=4294967295',
  'api/page/5?fail=100',
  '/book/api/page/5?fail=100&status=503&seed=9&delay=20',
  'api/page/8?delay=50&fail=100&status=network',
  'api/page/6?fail=100&status=102',
  'api/page/4?fail=100&status=204&jitter=10',
  'api/page/17?fail=50&seed=1&jitter=250',
  'api/page/21?fail=50&seed=1&jitter=250',
  'api/page/1000000?size=1000000&seed=123',
  'api/page/2?size=0',
  'api/page/2?size=120&seed=5',
  'api/page/9?delay=010&delay=99&_=cachebuster&size=4096#fragment',
  'api/page/17?fail=50&seed=1&jitter=250&attempt=1',
  'api/page/17?fail=50&seed=1&jitter=250&attempt=1000',
  // With a capacity: [url, load] (the load is 1 when not given).
  ['api/page/3?delay=200&cap=4', 4],
  ['api/page/3?delay=200&jitter=100&cap=4&seed=7', 12],
  ['api/page/5?delay=200&jitter=100&cap=4&seed=7', 12],
  ['api/page/8?delay=200&cap=4&seed=7&attempt=2', 12],
  ['api/page/11?delay=60000&jitter=60000&cap=1', 10000],
  ['api/page/11?delay=60000&jitter=60000&cap=1', 3],
  'api/page/4?delay=100&chunks=4&every=50',
  'api/page/4?size=2&chunks=3&every=60000',
  'api/page/6?fail=100&chunks=1000&every=1',
  'api/page/8?delay=50&fail=100&status=network&chunks=5&every=10',
  ['api/page/5?delay=200&jitter=100&cap=4&seed=7&chunks=3&every=20', 12],
];

const ERROR_URLS = [
  'index.html',
  'api/page/',
  'api/page/abc',
  'api/page/1000001',
  'api/page/3?delay=60001',
  'api/page/3?delay=-1',
  'api/page/3?jitter=1e3',
  'api/page/3?fail=101',
  'api/page/3?status=99',
  'api/page/3?status=NETWORK',
  'api/page/3?size=1000001',
  'api/page/3?seed=4294967296',
  'api/page/3?seed=x&delay=x',
  'api/page/3?cap=0',
  'api/page/3?cap=10001',
  'api/page/3?cap=',
  'api/page/3?attempt=1001',
  'api/page/3?cap=2&attempt=-1',
  'api/page/3?chunks=0',
  'api/page/3?chunks=1001',
  'api/page/3?every=60001',
];

/** FNV-1a, 32 bits, over the UTF-8 bytes, as 8 lowercase hex digits. */
function fnv1a32(text) {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

function summarize(outcome) {
  return {
    delayMs: outcome.delayMs,
    kind: outcome.kind,
    status: outcome.status,
    bodyLength: Buffer.byteLength(outcome.body, 'utf8'),
    bodyFnv1a32: fnv1a32(outcome.body),
    bodyStart: outcome.body.slice(0, 40),
    bodyEnd: outcome.body.slice(-40),
    doneMs: outcome.doneMs,
    partLengths: SlowWeb.bodyParts(outcome.body, outcome.chunks).map((p) => p.length),
  };
}

function generate() {
  const cases = CASE_URLS.map((entry) => {
    const [url, load] = Array.isArray(entry) ? entry : [entry, 1];
    const parsed = SlowWeb.parse(url);
    if (!parsed.ok) throw new Error(`vector URL does not parse: ${url}`);
    const expected = summarize(SlowWeb.plan(parsed.request, load));
    return { url, ...(load === 1 ? {} : { load }), canonical: SlowWeb.toUrl(parsed.request), expected };
  });
  const errors = ERROR_URLS.map((url) => {
    const parsed = SlowWeb.parse(url);
    if (parsed.ok) throw new Error(`error vector URL parses: ${url}`);
    return { url, param: parsed.error.param, message: parsed.error.message };
  });
  return {
    about:
      'Slow-web test vectors, generated from www/slow-web.js and asserted by tests/e2e/slow-web.test.mjs ' +
      'and crates/slow-web/tests/vectors.rs. load (1 when absent) is the requests in flight on the ' +
      'server when the request arrives. status is 0 for a network error. doneMs is when the body\'s last part is due; ' +
      'partLengths are the byte lengths of the parts it trickles in. bodyFnv1a32 is FNV-1a ' +
      '(32 bits) over the body bytes; bodyStart/bodyEnd are its first/last 40 characters.',
    cases,
    errors,
  };
}

if (process.env.SLOW_WEB_WRITE_VECTORS === '1') {
  writeFileSync(vectorsPath, JSON.stringify(generate(), null, 2) + '\n');
}

const vectors = JSON.parse(readFileSync(vectorsPath, 'utf8'));

test('vectors: every case plans to the recorded outcome', () => {
  assert.ok(vectors.cases.length >= 12);
  for (const c of vectors.cases) {
    const parsed = SlowWeb.parse(c.url);
    assert.ok(parsed.ok, c.url);
    assert.equal(SlowWeb.toUrl(parsed.request), c.canonical, c.url);
    assert.deepEqual(summarize(SlowWeb.plan(parsed.request, c.load ?? 1)), c.expected, c.url);
  }
});

test('vectors: every error case gives the recorded message', () => {
  for (const e of vectors.errors) {
    const parsed = SlowWeb.parse(e.url);
    assert.equal(parsed.ok, false, e.url);
    assert.equal(parsed.error.param, e.param, e.url);
    assert.equal(parsed.error.message, e.message, e.url);
  }
});

test('vectors cover ok, status and network outcomes, and small and large pages', () => {
  const kinds = new Set(vectors.cases.map((c) => c.expected.kind));
  assert.deepEqual([...kinds].sort(), ['busy', 'network', 'ok', 'status']);
  const lengths = vectors.cases.filter((c) => c.expected.kind === 'ok').map((c) => c.expected.bodyLength);
  assert.ok(Math.min(...lengths) < 200 && Math.max(...lengths) === 1000000);
});

test('hash32 is MurmurHash3 fmix32 over the keyed mix', () => {
  assert.equal(SlowWeb.hash32(0, 0, 0), 0);
  // fmix32(1) computed by hand from the definition with 64-bit BigInt arithmetic.
  const fmix = (x) => {
    const M = (1n << 32n) - 1n;
    let h = BigInt(x);
    h ^= h >> 16n;
    h = (h * 0x85ebca6bn) & M;
    h ^= h >> 13n;
    h = (h * 0xc2b2ae35n) & M;
    h ^= h >> 16n;
    return Number(h);
  };
  for (const [seed, n, stream] of [[1, 0, 0], [0, 1, 0], [0, 0, 1], [42, 7, 3], [4294967295, 1000000, 99]]) {
    const M = (1n << 32n) - 1n;
    const mix = (BigInt(seed) ^ ((BigInt(n) * 0x9e3779b9n) & M) ^ ((BigInt(stream) * 0x85ebca6bn) & M)) & M;
    assert.equal(SlowWeb.hash32(seed, n, stream), fmix(mix), `${seed},${n},${stream}`);
  }
});

test('sizes are exact, bodies are ASCII, skeleton when too small', () => {
  const skeleton = SlowWeb.pageHtml(12, 0, 0);
  assert.equal(
    skeleton,
    '<!doctype html><html><head><meta charset="utf-8"><title>Page 12</title></head><body><h1>Page 12</h1><p></p></body></html>',
  );
  for (const size of [0, 10, skeleton.length, skeleton.length + 1, 2048, 65537]) {
    const body = SlowWeb.pageHtml(12, size, 7);
    assert.equal(Buffer.byteLength(body, 'utf8'), Math.max(size, skeleton.length));
    assert.match(body, /^[\x20-\x7e]*$/);
  }
});

test('jitter bounds, determinism and failure rate', () => {
  let failures = 0;
  for (let page = 0; page < 1000; page++) {
    const request = { ...SlowWeb.defaultRequest(page), delayMs: 100, jitterMs: 50, failPercent: 30, seed: 11 };
    const a = SlowWeb.plan(request);
    assert.deepEqual(a, SlowWeb.plan(request));
    assert.ok(a.delayMs >= 100 && a.delayMs <= 150);
    if (a.kind !== 'ok') failures++;
  }
  assert.ok(Math.abs(failures - 300) <= 50, `failures ${failures}`);
});

test('toUrl round trip and headers', () => {
  const request = { ...SlowWeb.defaultRequest(42), jitterMs: 17, failPercent: 30, failWith: 'network', seed: 3 };
  assert.equal(SlowWeb.toUrl(request), 'api/page/42?jitter=17&fail=30&status=network&seed=3');
  assert.deepEqual(SlowWeb.parse(SlowWeb.toUrl(request)), { ok: true, request });
  assert.equal(SlowWeb.toUrl(SlowWeb.defaultRequest(3)), 'api/page/3');
  const outcome = SlowWeb.plan(SlowWeb.parse('api/page/3?delay=300').request);
  const headers = SlowWeb.headersFor(outcome);
  assert.equal(headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(headers['cache-control'], 'no-store');
  assert.equal(headers['access-control-allow-origin'], '*');
  assert.equal(headers['x-slow-web-delay'], '300');
  assert.equal(headers['x-slow-web-page'], '3');
});
