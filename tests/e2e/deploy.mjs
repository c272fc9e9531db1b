// Helpers for the deploy tests: what a finished build says about itself, copies of it, and
// waiting for its service worker to have everything cached.

import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = new URL("../..", import.meta.url).pathname;

/** The Content-Security-Policy the site ships in its `_headers` file (README documents it). */
export function strictCsp(dist) {
  const line = readFileSync(join(dist, "_headers"), "utf8")
    .split("\n")
    .find((l) => l.trim().startsWith("Content-Security-Policy:"));
  if (!line) throw new Error(`no Content-Security-Policy in ${dist}/_headers`);
  return line.trim().slice("Content-Security-Policy:".length).trim();
}

/** The build name `cargo xtask finish-site` wrote into the build's index.html. */
export function buildOf(dist) {
  const m = readFileSync(join(dist, "index.html"), "utf8").match(/<meta name="async-tutor-build" content="([0-9a-f]+)">/);
  if (!m) throw new Error(`${dist}/index.html names no build`);
  return m[1];
}

/** The files the build's service worker precaches. */
export function precacheList(dist) {
  const sw = readFileSync(join(dist, "sw.js"), "utf8");
  const block = sw.slice(sw.indexOf("const PRECACHE = ["), sw.indexOf("// build:end"));
  return [...block.matchAll(/^\s+"([^"]+)",$/gm)].map((m) => m[1]);
}

/** A copy of `dist` in a new temporary folder. */
export function copyOf(dist, label) {
  const dir = mkdtempSync(join(tmpdir(), `async-tutor-${label}-`));
  cpSync(dist, dir, { recursive: true });
  return dir;
}

/** Finishes `dir` again after a change, as a new build would be (new name, new precache). */
export function refinish(dir) {
  execFileSync("cargo", ["xtask", "finish-site", dir, "--release"], { cwd: ROOT, stdio: "pipe" });
}

/**
 * Waits until a service worker controls `page`; returns { build, cache, cached, caches }: the worker's build and cache, how many files that
 * cache holds, and every cache the page's origin has.
 */
export async function waitForPrecache(page) {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    for (let i = 0; i < 200 && !navigator.serviceWorker.controller; i++) await new Promise((r) => setTimeout(r, 50));
    const { build, cache: name } = await new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (e) => resolve(e.data);
      registration.active.postMessage({ type: "ping" }, [channel.port2]);
    });
    // An active worker has finished installing: its cache is complete.
    const cache = await caches.open(name);
    return { build, cache: name, cached: (await cache.keys()).length, caches: await caches.keys() };
  });
}

/** The name of the cache a build served at `url` (the worker's scope) uses. */
export function cacheName(url, build) {
  return `async-tutor ${new URL(url).pathname} ${build}`;
}
