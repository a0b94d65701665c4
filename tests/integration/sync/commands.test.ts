import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTROL_IDS } from "@/lib/compliance/model/finding";
import { countInventory, COUNT_KEYS } from "@/lib/sync/counts";
import { startHarness, type Harness } from "./harness";

// The two commands an operator runs by hand, as they run: `npm run sync -- --tenant <name>` and
// `npm run evaluate -- --tenant <name>`, each a process of its own (re-launching itself with the
// worker's young generation) against the simulator and a database, ending with one JSON line.

const root = path.resolve(import.meta.dirname, "../../..");
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function command(script: string, args: string[]): Promise<Ran> {
  // The simulator's principal comes from its /_sim/world when no keys are in the environment.
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: h.db.url, AWS_ENDPOINT_URL: h.sim.url };
  delete env.AWS_ACCESS_KEY_ID;
  delete env.AWS_SECRET_ACCESS_KEY;
  delete env.AWS_SESSION_TOKEN;
  const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), script, ...args], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += String(d)));
  child.stderr.on("data", (d) => (stderr += String(d)));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

/** The one line on stdout, parsed (and nothing else on stdout). */
function jsonLine(r: Ran): Record<string, unknown> {
  const lines = r.stdout.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

describe("npm run sync and npm run evaluate", () => {
  it("sync: draws progress on stderr and ends with the run's counts, under the simulator's entity names", async () => {
    const r = await command("lib/cli/sync.ts", ["--tenant", "demo"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[#+\] (\d+)\/\1 units/);
    const out = jsonLine(r);
    expect(out).toMatchObject({ tenant: "demo", status: "partial" });
    const units = await h.db.pool.query(
      `select count(*)::int as n, count(*) filter (where status = 'failed')::int as failed from sync_run_units where run_id = $1`,
      [out.run_id],
    );
    expect(out.units).toBe(units.rows[0].n);
    expect(out.failed_units).toBe(units.rows[0].failed);
    expect(out.failed_units).toBeGreaterThan(0); // the demo world denies some roles by design
    // Same names as /_sim/world, same numbers as the database holds.
    expect(Object.keys(out.counts as object).sort()).toEqual(Object.keys(h.world.counts).sort());
    expect(Object.keys(out.counts as object).sort()).toEqual([...COUNT_KEYS].sort());
    expect(out.counts).toEqual(await countInventory(h.db.pool, h.tenantId));
    expect((out.counts as Record<string, number>).recovery_points).toBeGreaterThan(0);
  });

  it("evaluate: ends with counts per control and requirement and each framework's score", async () => {
    const r = await command("lib/cli/evaluate.ts", ["--tenant", "demo"]);
    expect(r.code, r.stderr).toBe(0);
    const out = jsonLine(r);
    expect(out.tenant).toBe("demo");
    const stored = await h.db.pool.query(
      `select count(*)::int as n from compliance_evaluations where tenant_id = $1 and id = $2`,
      [h.tenantId, out.evaluation_id],
    );
    expect(stored.rows[0].n).toBe(1);
    const controls = out.controls as Record<string, Record<string, number>>;
    expect(Object.keys(controls).sort()).toEqual([...CONTROL_IDS].sort());
    for (const id of CONTROL_IDS) {
      const c = controls[id]!;
      expect(Object.keys(c).sort(), id).toEqual(["ERROR", "EXCEPTED", "FAIL", "NOT_APPLICABLE", "PASS", "runs"]);
      expect(c.PASS! + c.FAIL! + c.NOT_APPLICABLE! + c.ERROR! + c.EXCEPTED!, id).toBeGreaterThan(0);
    }
    const frameworks = out.frameworks as Record<string, { score: number | null; requirements_applicable: number }>;
    expect(Object.keys(frameworks).length).toBeGreaterThanOrEqual(3);
    for (const [slug, f] of Object.entries(frameworks)) {
      expect(f.score, slug).not.toBeNull();
      expect(f.score!, slug).toBeGreaterThanOrEqual(0);
      expect(f.score!, slug).toBeLessThanOrEqual(1);
      expect(Object.keys((out.requirements as Record<string, object>)[slug]!).length, slug).toBeGreaterThan(0);
    }
  });

  it("refuses an unknown organization and a missing --tenant with a message, printing no JSON", async () => {
    for (const script of ["lib/cli/sync.ts", "lib/cli/evaluate.ts"]) {
      const unknown = await command(script, ["--tenant", "no-such-org"]);
      expect(unknown.code, script).toBe(1);
      expect(unknown.stderr, script).toContain('no organization named "no-such-org"');
      expect(unknown.stdout.trim(), script).toBe("");
      const missing = await command(script, []);
      expect(missing.code, script).toBe(1);
      expect(missing.stderr, script).toMatch(/usage: npm run (sync|evaluate) -- --tenant/);
      expect(missing.stdout.trim(), script).toBe("");
    }
  });
});
