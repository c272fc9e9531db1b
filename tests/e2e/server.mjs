// A static file server for end-to-end tests: serves a build folder on 127.0.0.1 (optionally
// under a sub-path), with the right MIME types and any extra headers a test wants (e.g. CSP).

import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/**
 * Serves `root` at http://HOST:PORT{prefix} (host 127.0.0.1 unless given; any 127.x.y.z works).
 * Resolves to { url, origin, close, requests, setRoot }: `requests` lists every path asked for
 * (to check what reached the network); `setRoot(dir)` serves another folder at the same address
 * from the next request on (a new deploy); `close()` also cuts open keep-alive connections, so
 * the site is really gone. With `cleanUrls`, it redirects as Cloudflare Pages does:
 * `…/index.html` → `…/` and `x.html` → `x` (308), and serves `x` from `x.html`.
 */
export async function serve(root, { prefix = "/", headers = {}, host = "127.0.0.1", cleanUrls = false } = {}) {
  let base = resolve(root);
  const requests = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    requests.push(path);
    if (!path.startsWith(prefix)) {
      res.writeHead(404).end("not under " + prefix);
      return;
    }
    let file = normalize(join(base, path.slice(prefix.length)));
    if (!file.startsWith(base)) {
      res.writeHead(403).end();
      return;
    }
    if (cleanUrls && path.endsWith(".html")) {
      const clean = path.endsWith("/index.html") ? path.slice(0, -"index.html".length) : path.slice(0, -".html".length);
      res.writeHead(308, { location: clean + new URL(req.url, "http://x").search }).end();
      return;
    }
    try {
      if (cleanUrls && extname(file) === "" && !(await stat(file).catch(() => null))) file += ".html";
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-cache",
        ...headers,
      });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: " + path);
    }
  });
  await new Promise((ok) => server.listen(0, host, ok));
  const { port } = server.address();
  return {
    url: `http://${host}:${port}${prefix}`,
    origin: `http://${host}:${port}`,
    requests,
    setRoot: (dir) => {
      base = resolve(dir);
    },
    close: () =>
      new Promise((ok) => {
        server.close(ok);
        server.closeAllConnections();
      }),
  };
}
