// Starts `cargo xtask serve --release --no-install` from the repository on a free port, into a
// folder of its own, and waits until its compile service is warm (the edit tests and the
// benchmark's edit → run figure).

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = new URL("../..", import.meta.url).pathname;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves to `{url, dist, stop}` once serve's compile service says it is warm, or rejects with
 * the end of serve's output when it fails, exits, or takes longer than `readyMs`.
 */
export async function startServe(readyMs) {
  const port = await freePort();
  const dist = mkdtempSync(join(tmpdir(), "async-tutor-serve-"));
  const child = spawn(
    "cargo",
    ["xtask", "serve", "--release", "--no-install", "--port", String(port), "--dist", dist],
    { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  // The whole group: trunk, and a build the compile service may have running.
  const stop = () => {
    child.removeAllListeners("exit");
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // Gone already.
    }
    rmSync(dist, { recursive: true, force: true });
  };
  let log = "";
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve was not ready in time:\n${log.slice(-3000)}`)), readyMs);
      const seen = (chunk) => {
        log += chunk;
        if (/compile service warmed in/.test(log)) {
          clearTimeout(timer);
          resolve();
        } else if (/warming the compile service failed|could not start/.test(log)) {
          clearTimeout(timer);
          reject(new Error(`serve failed:\n${log.slice(-3000)}`));
        }
      };
      child.stdout.on("data", seen);
      child.stderr.on("data", seen);
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`serve exited (${code}):\n${log.slice(-3000)}`));
      });
    });
  } catch (e) {
    stop();
    throw e;
  }
  return { url: `http://127.0.0.1:${port}/`, dist, stop };
}
