import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

// CI's npm audit step (.ci/npm-audit) against a stand-in registry: a high advisory on a runtime
// dependency fails CI; a low one does not; a registry that does not answer the audit endpoint is
// reported as not checked and CI continues.

const ROOT = path.resolve(import.meta.dirname, "../../..");
let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function registry(answer: "high" | "low" | 405): Promise<string> {
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.method === "POST" && req.url?.startsWith("/-/npm/v1/security/advisories/bulk")) {
        if (answer === 405) return res.writeHead(405).end();
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(
          JSON.stringify({
            // zod is a runtime dependency of the product.
            zod: [
              {
                // npm caches what it computed from an advisory by its id: a fresh id per answer.
                id: Math.floor(Math.random() * 1e9),
                url: "https://example.test/advisory/1",
                title: "a test advisory",
                severity: answer,
                vulnerable_versions: "<999.0.0",
                cwe: [],
                cvss: { score: 0, vectorString: null },
              },
            ],
          }),
        );
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`;
}

function runAudit(registryUrl: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    // A process group of its own: npm's exit must not reach the test runner.
    const child = spawn(path.join(ROOT, ".ci/npm-audit"), ["--registry", registryUrl], {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, npm_config_cache: path.join(ROOT, ".ci/cache/npm-audit-test") },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out }));
  });
}

describe("CI's npm audit step", () => {
  it("fails on a high advisory in a runtime dependency, naming it", async () => {
    const r = await runAudit(await registry("high"));
    expect(r.out).toMatch(/1 high/);
    expect(r.out).toMatch(/high: zod .*https:\/\/example\.test\/advisory\/1/);
    expect(r.out).toMatch(/FAILED/);
    expect(r.code).toBe(1);
  }, 60_000);

  it("passes with only a low advisory", async () => {
    const r = await runAudit(await registry("low"));
    expect(r.out).toMatch(/0 critical, 0 high, 0 moderate, [1-9]\d* low/);
    expect(r.code).toBe(0);
  }, 60_000);

  it("says plainly that nothing was checked when the registry does not answer the audit endpoint, and continues", async () => {
    const r = await runAudit(await registry(405));
    expect(r.out).toMatch(/npm audit: NOT CHECKED\. The registry http:\/\/127\.0\.0\.1:\d+\/ did not answer/);
    expect(r.out).toMatch(/405 Method Not Allowed/);
    expect(r.code).toBe(0);
  }, 60_000);
});
