import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trustPrincipalOf } from "@/lib/aws/own-principal";
import { DELEGATION_TEMPLATE_PATHS, ROLE_TEMPLATE_PATHS } from "@/lib/onboarding/role-templates";
import { startSimulator, type SimHandle } from "@/sim/server";
import { isolatedDb } from "@/tests/helpers/db";
import { TEST_WORLD_NOW } from "@/tests/helpers/clock";

// `npm run onboarding -- templates`, a process of its own against a database and the simulator:
// the tenant's files land in --out with the trust naming the product's principal as STS says it
// (or as --principal gives it), and the stack set targeting the root the sync read.

const root = path.resolve(import.meta.dirname, "../../..");
const dir = mkdtempSync(path.join(tmpdir(), "bg-role-templates-"));
let sim: SimHandle;
let db: Awaited<ReturnType<typeof isolatedDb>>;
const TENANT = "Acme Onboarding";

function run(args: string[], endpoint = sim.url): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url, AWS_ENDPOINT_URL: endpoint };
  delete env.AWS_ACCESS_KEY_ID;
  delete env.AWS_SECRET_ACCESS_KEY;
  delete env.AWS_SESSION_TOKEN;
  const child = spawn(
    process.execPath,
    [path.join(root, "node_modules/tsx/dist/cli.mjs"), "lib/cli/onboarding.ts", ...args],
    {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += String(d)));
  child.stderr.on("data", (d) => (stderr += String(d)));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

const trustOf = (out: string) =>
  JSON.parse(readFileSync(path.join(out, "cloudformation/management-role.json"), "utf8")).Resources.ManagementReadRole
    .Properties.AssumeRolePolicyDocument.Statement[0];
/** The stack set's targets: its DeploymentTargets parameter's default, split as CloudFormation splits it. */
function targetsOf(out: string): string[] {
  const template = JSON.parse(readFileSync(path.join(out, "cloudformation/member-roles-stackset.json"), "utf8"));
  expect(
    template.Resources.MemberRoleStackSet.Properties.StackInstancesGroup[0].DeploymentTargets.OrganizationalUnitIds,
  ).toEqual({ Ref: "DeploymentTargets" });
  return String(template.Parameters.DeploymentTargets.Default).split(",");
}

beforeAll(async () => {
  sim = await startSimulator({ world: "demo", port: 0, now: TEST_WORLD_NOW });
  db = await isolatedDb();
  const w = sim.summary();
  const { rows } = await db.pool.query(
    `insert into tenants (name, slug, management_account_id, management_role_arn, external_id, member_role_name, regions) values ($1, 'acme-onboarding', $2, $3, $4, $5, $6) returning id`,
    [TENANT, w.management_account_id, w.management_role_arn, w.external_id, w.member_role_name, w.regions],
  );
  await db.pool.query(
    `insert into org_organizations (tenant_id, organization_id, management_account_id, root_id) values ($1, $2, $3, $4)`,
    [rows[0].id, w.organization_id, w.management_account_id, w.root_id],
  );
}, 120_000);
afterAll(async () => {
  await sim?.stop();
  await db?.drop();
});

describe("npm run onboarding -- templates", () => {
  it("writes every file, trusting the principal STS names, deploying to the organization's root", async () => {
    const out = path.join(dir, "sts");
    const r = await run(["templates", "--tenant", TENANT, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const line = JSON.parse(r.stdout.trim()) as { action: string; tenant: { name: string }; files: { path: string }[] };
    expect(line).toMatchObject({ action: "templates", tenant: { name: TENANT }, out });
    // The push role sits beside the read role in the management account: no delegation to write.
    const made = ROLE_TEMPLATE_PATHS.filter((p) => !DELEGATION_TEMPLATE_PATHS.includes(p));
    expect(line.files.map((f) => f.path)).toEqual(made);
    for (const f of made) expect(existsSync(path.join(out, f))).toBe(true);
    const w = sim.summary();
    expect(trustOf(out)).toMatchObject({
      Principal: { AWS: trustPrincipalOf(w.principal.arn) },
      Condition: { StringEquals: { "sts:ExternalId": w.external_id } },
    });
    expect(targetsOf(out)).toEqual([w.root_id]);
  });

  it("takes --principal and --targets when given, without asking STS", async () => {
    const out = path.join(dir, "flags");
    const principal = "arn:aws:iam::999988887777:role/backup-governance";
    const r = await run(
      [
        "templates",
        "--tenant",
        "acme-onboarding",
        "--out",
        out,
        "--principal",
        principal,
        "--targets",
        "ou-ab12-cdefgh12",
      ],
      "http://127.0.0.1:9",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(trustOf(out).Principal).toEqual({ AWS: principal });
    expect(targetsOf(out)).toEqual(["ou-ab12-cdefgh12"]);
  });

  it("refuses clearly: STS unreachable without --principal, an unknown tenant, a malformed value, a bad flag", async () => {
    const noSts = await run(["templates", "--tenant", TENANT, "--out", path.join(dir, "x")], "http://127.0.0.1:9");
    expect(noSts.code).toBe(1);
    expect(noSts.stderr).toMatch(/STS could not say who this product is/);
    expect(noSts.stderr).toMatch(/give its ARN \(--principal\)/);
    expect(existsSync(path.join(dir, "x"))).toBe(false);

    const unknown = await run(["templates", "--tenant", "Nobody", "--out", path.join(dir, "y")]);
    expect({ code: unknown.code, stderr: unknown.stderr.trim() }).toEqual({
      code: 1,
      stderr: 'error: no organization named "Nobody"',
    });

    const badTarget = await run(["templates", "--tenant", TENANT, "--out", path.join(dir, "z"), "--targets", "ou-1"]);
    expect(badTarget.code).toBe(1);
    expect(badTarget.stderr).toMatch(/A deployment target must be the organization's root \(r-…\) or an OU id/);

    const badFlag = await run(["templates", "--tenant", TENANT, "--out", dir, "--princpal", "arn"]);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/unknown flag: --princpal/);
  });
});
