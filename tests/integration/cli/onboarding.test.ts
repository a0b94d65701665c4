import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type DbHandle } from "@/db";
import { listFindings } from "@/lib/compliance/read/findings";
import { startSimulator, type SimHandle } from "@/sim/server";
import { isolatedDb } from "@/tests/helpers/db";
import { TEST_WORLD_NOW, testClockMs } from "@/tests/helpers/clock";

// An MSP's onboarding script, command by command, each a process of its own against the
// simulator and a database: create the organization, import a template exported from the
// product and select it, sync, and evaluate at a pinned time (--now) twice — the same findings.

const root = path.resolve(import.meta.dirname, "../../..");
const dir = mkdtempSync(path.join(tmpdir(), "bg-onboarding-"));
let sim: SimHandle;
let db: Awaited<ReturnType<typeof isolatedDb>>;
let handle: DbHandle;
const NOW = new Date(testClockMs() + 3_600_000).toISOString();

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function command(script: string, args: string[]): Promise<Ran> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url, AWS_ENDPOINT_URL: sim.url };
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

/** The command's one line on stdout, parsed, after it succeeded. */
async function ok(script: string, args: string[]): Promise<Record<string, unknown>> {
  const r = await command(script, args);
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stdout.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

beforeAll(async () => {
  sim = await startSimulator({ world: "demo", port: 0, now: TEST_WORLD_NOW });
  db = await isolatedDb();
  handle = createDb(db.url, { max: 2, applicationName: "tests" });
}, 120_000);
afterAll(async () => {
  await handle?.close();
  await sim?.stop();
  await db?.drop();
});

describe("onboarding from the command line", () => {
  const w = () => sim.summary();
  let tenantId = "";

  it("creates the organization, validated like the form, audited as cli:tenant", async () => {
    const bad = await command("lib/cli/tenant.ts", [
      "create",
      "--name",
      "Acme",
      "--management-role-arn",
      "arn:aws:iam::1:role/x",
      "--member-role",
      w().member_role_name,
      "--regions",
      "us-east-1,atlantis-1",
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toContain("--management-role-arn: Role ARN must be an IAM role ARN");
    expect(bad.stderr).toContain("--regions: Not an AWS region: atlantis-1.");

    const out = await ok("lib/cli/tenant.ts", [
      "create",
      "--name",
      "Acme",
      "--management-role-arn",
      w().management_role_arn,
      "--external-id",
      w().external_id,
      "--member-role",
      w().member_role_name,
      "--regions",
      w().regions.join(","),
      "--schedule",
      "manual",
    ]);
    const t = out.tenant as Record<string, unknown>;
    expect(t).toMatchObject({
      name: "Acme",
      slug: "acme",
      management_account_id: w().management_account_id,
      external_id: w().external_id,
      regions: [...w().regions].sort(),
      schedule: "manual",
    });
    tenantId = t.id as string;
    const dup = await command("lib/cli/tenant.ts", [
      "create",
      "--name",
      " Acme ",
      "--management-role-arn",
      w().management_role_arn,
      "--member-role",
      "M",
      "--regions",
      "us-east-1",
    ]);
    expect([dup.code, dup.stderr.trim().split("\n")[0]]).toEqual([
      1,
      "error: An organization with this name already exists.",
    ]);
    const listed = await ok("lib/cli/tenant.ts", ["list"]);
    expect((listed.tenants as Array<{ id: string }>).map((x) => x.id)).toEqual([tenantId]);
    const badPush = await command("lib/cli/tenant.ts", [
      "update",
      "--tenant",
      "Acme",
      "--policy-push-role-arn",
      "arn:aws:iam::1:role/Push",
    ]);
    expect(badPush.code).toBe(1);
    expect(badPush.stderr).toContain("--policy-push-role-arn: Policy push role ARN must be an IAM role ARN");
    const pushRole = `arn:aws:iam::${w().management_account_id}:role/BackupGovernancePolicyPush`;
    const updated = await ok("lib/cli/tenant.ts", [
      "update",
      "--tenant",
      "Acme",
      "--schedule",
      "daily",
      "--policy-push-role-arn",
      pushRole,
    ]);
    expect(updated).toMatchObject({
      action: "update",
      changed: ["policy_push_role_arn", "schedule"],
      tenant: { schedule: "daily", policy_push_role_arn: pushRole },
    });
  });

  it("imports a template exported from the product and selects it, audited as cli:template", async () => {
    const exported = await ok("lib/cli/template.ts", ["export", "soc2-2017", "--tenant", "acme"]);
    const mine = {
      ...exported,
      id: "acme-soc2",
      name: "Acme SOC 2",
      parameters: { ...(exported.parameters as object), "BK-09": { unit: "hours", value: 12 } },
    };
    const file = path.join(dir, "acme-soc2.json");
    writeFileSync(file, JSON.stringify(mine, null, 2));
    const imported = await ok("lib/cli/template.ts", ["import", file, "--tenant", "Acme", "--select"]);
    expect(imported).toMatchObject({
      action: "import",
      outcome: "created",
      template: { slug: "acme-soc2", revision: 1 },
      selected: ["acme-soc2", "gdpr", "iso-27001-2022", "soc2-2017"],
    });
    expect((await ok("lib/cli/template.ts", ["import", file, "--tenant", "Acme", "--select"])).outcome).toBe(
      "unchanged",
    );
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(
      await ok("lib/cli/template.ts", ["export", "acme-soc2", "--tenant", "Acme"]),
    );

    const broken = path.join(dir, "broken.json");
    writeFileSync(broken, JSON.stringify({ ...mine, parameters: { "BK-02": { frequencyValue: 0 } } }));
    const refused = await command("lib/cli/template.ts", ["import", broken, "--tenant", "Acme"]);
    expect([refused.code, refused.stdout]).toEqual([1, ""]);
    expect(refused.stderr).toContain("parameters.BK-02.frequencyValue: frequency must be at least 1");

    const audit = await handle.pool.query(
      `select actor_email, action from audit_log where tenant_id = $1 order by id`,
      [tenantId],
    );
    expect(audit.rows).toEqual([
      { actor_email: "cli:tenant", action: "tenant.create" },
      { actor_email: "cli:tenant", action: "tenant.update" },
      { actor_email: "cli:template", action: "compliance.template.import" },
      { actor_email: "cli:template", action: "compliance.templates.select" },
    ]);
  });

  it("syncs, then evaluates at a pinned time twice with the same findings", async () => {
    const synced = await ok("lib/cli/sync.ts", ["--tenant", "acme"]);
    expect(synced.status).toBe("partial"); // the demo world denies two member roles by design
    const first = await ok("lib/cli/evaluate.ts", ["--tenant", "acme", "--now", NOW]);
    const second = await ok("lib/cli/evaluate.ts", ["--tenant", "acme", "--now", NOW]);
    expect([first.evaluated_at, second.evaluated_at]).toEqual([NOW, NOW]);
    expect(Object.keys(first.frameworks as object).sort()).toEqual([
      "acme-soc2",
      "gdpr",
      "iso-27001-2022",
      "soc2-2017",
    ]);
    for (const k of ["controls", "requirements", "frameworks", "findings"]) expect(second[k], k).toEqual(first[k]);
    expect(second.panels_written).toBe(0);
    const findingsOf = async (evaluationId: number) => {
      const rows = (await listFindings(handle.db, { tenantId, evaluationId, limit: 100_000 })).findings;
      return rows.map((f) => `${f.runId}|${f.subjectId}|${f.findingStatus}|${f.reason}`).sort();
    };
    const a = await findingsOf(first.evaluation_id as number);
    expect(a.length).toBeGreaterThan(100);
    expect(await findingsOf(second.evaluation_id as number)).toEqual(a);
    // BK-16 settles on every vault KMS could describe; the RPO of the imported template is 12 h.
    const controls = first.controls as Record<string, Record<string, number>>;
    expect(controls["BK-16"]!.ERROR).toBe(2);
    expect(a.some((f) => f.includes("within the RPO of 12 hours"))).toBe(true);
    const stored = await handle.pool.query(
      `select evaluated_at, finished_at from compliance_evaluations where tenant_id = $1 and status = 'succeeded' order by id`,
      [tenantId],
    );
    expect(
      stored.rows.map((r) => [(r.evaluated_at as Date).toISOString(), (r.finished_at as Date).toISOString()]),
    ).toEqual([
      [NOW, NOW],
      [NOW, NOW],
    ]);
  }, 180_000);

  it("evaluates at an earlier time only as a dry run, storing nothing", async () => {
    const earlier = new Date(Date.parse(NOW) - 1_800_000).toISOString();
    const refused = await command("lib/cli/evaluate.ts", ["--tenant", "acme", "--now", earlier]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/evaluations of a tenant move forward in time.*add --dry-run/);
    const before = await handle.pool.query(
      `select count(*)::int as n from compliance_evaluations where tenant_id = $1`,
      [tenantId],
    );
    const dry = await ok("lib/cli/evaluate.ts", ["--tenant", "acme", "--now", earlier, "--dry-run"]);
    expect(dry).toMatchObject({ stored: false, evaluation_id: null, evaluated_at: earlier });
    const after = await handle.pool.query(
      `select count(*)::int as n from compliance_evaluations where tenant_id = $1`,
      [tenantId],
    );
    expect(after.rows[0].n).toBe(before.rows[0].n);
    const bad = await command("lib/cli/evaluate.ts", ["--tenant", "acme", "--now", "yesterday"]);
    expect([bad.code, bad.stdout]).toEqual([1, ""]);
    expect(bad.stderr).toContain("--now must be an ISO 8601 time with a zone");
  }, 120_000);

  it("deletes the organization only with its name confirmed", async () => {
    const refused = await command("lib/cli/tenant.ts", ["delete", "--tenant", "acme", "--confirm", "ACME"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--confirm: Type the organization's name exactly to confirm.");
    expect(await ok("lib/cli/tenant.ts", ["delete", "--tenant", "acme", "--confirm", "Acme"])).toMatchObject({
      action: "delete",
      tenant: { id: tenantId, name: "Acme" },
    });
    expect((await ok("lib/cli/tenant.ts", ["list"])).tenants).toEqual([]);
  });
});
