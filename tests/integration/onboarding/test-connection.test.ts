import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { groupProblems, type ConnectionAccount, type ConnectionCheck } from "@/lib/onboarding/connection-checks";
import {
  checkBeforeFirstSync,
  getLatestConnectionTest,
  runConnectionTest,
} from "@/lib/onboarding/connection-test-store";
import { startHarness, type Harness } from "../sync/harness";

// "Test connection" against the simulator's demo world, which holds one account per kind of
// misconfiguration: each shows in its own cell with its own advice; every other account is ok.

const ACTOR = { userId: null, email: "test@example.com", ip: null };
let h: Harness;
const idOf = (name: string) => h.world.accounts.find((a) => a.name === name)!.account_id;
const memberRole = (name: string) => `arn:aws:iam::${idOf(name)}:role/${h.world.member_role_name}`;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

async function tenantRow() {
  return (await h.db.pool.query(`select * from tenants where id = $1`, [h.tenantId])).rows[0]!;
}
async function setTenant(fields: Record<string, string | null>) {
  const keys = Object.keys(fields);
  await h.db.pool.query(`update tenants set ${keys.map((k, i) => `${k} = $${i + 2}`).join(", ")} where id = $1`, [
    h.tenantId,
    ...keys.map((k) => fields[k]),
  ]);
}

describe("test connection on the demo world", () => {
  let accounts: Map<string, ConnectionAccount>;
  const cell = (name: string, region: string) => accounts.get(name)!.cells.find((c) => c.region === region)!;
  const statuses = (name: string, region: string) =>
    Object.fromEntries(Object.entries(cell(name, region).checks).map(([k, v]) => [k, v.status])) as Record<
      ConnectionCheck,
      string
    >;

  beforeAll(async () => {
    const test = await runConnectionTest(h.db.db, ACTOR, h.tenantId, h.aws);
    accounts = new Map(test.result.accounts.map((a) => [a.name, a]));
  });

  it("gets in through the entry role and tests every account of the organization in every region", async () => {
    const last = (await getLatestConnectionTest(h.db.db, h.tenantId))!;
    expect(last.verdict).toBe("problems");
    expect(last.ranByEmail).toBe(ACTOR.email);
    expect(last.result.entry).toMatchObject({ assume: { status: "ok" }, read: { status: "ok" } });
    expect(last.result.policyPush).toBeNull();
    expect([...accounts.keys()].sort()).toEqual(h.world.accounts.map((a) => a.name).sort());
    for (const a of accounts.values()) expect(a.cells.map((c) => c.region)).toEqual(h.world.regions);
    // Nothing secret is kept: no ExternalId, no session keys.
    const json = JSON.stringify(last.result);
    expect(json).not.toContain(h.world.external_id);
    expect(json).not.toMatch(/ASIA[A-Z0-9]{16}|AKIA[A-Z0-9]{16}/);
    const audit = await h.db.pool.query(
      `select details from audit_log where action = 'tenant.connection_test' and tenant_id = $1`,
      [h.tenantId],
    );
    expect(audit.rows[0]!.details).toMatchObject({ verdict: "problems", accounts: h.world.accounts.length });
  });

  it("says a missing or untrusting member role cannot be assumed, and skips the rest", () => {
    for (const name of ["Sandbox One", "Sandbox Two"]) {
      for (const region of h.world.regions) {
        expect(statuses(name, region)).toEqual({
          assume: "fail",
          region: "skipped",
          optIn: "skipped",
          plans: "skipped",
          vaults: "skipped",
        });
        const assume = cell(name, region).checks.assume;
        expect(assume.problem).toBe(
          `cannot assume ${memberRole(name)}: the role's trust policy or ExternalId does not admit this product`,
        );
        expect(assume.remedy).toBe(
          `The role is missing in that account or does not trust ${h.world.management_role_arn}: deploy the member role there (Settings → Organizations → Set up roles), or make its trust policy name that role.`,
        );
      }
    }
  });

  it("names the list a member role is denied, with the action and the role to allow it on", () => {
    for (const [name, check, action] of [
      ["Sandbox Three", "plans", "backup:ListBackupPlans"],
      ["Sandbox Four", "vaults", "backup:ListBackupVaults"],
    ] as const) {
      for (const region of h.world.regions) {
        const c = cell(name, region).checks;
        expect(c.assume.status).toBe("ok");
        expect(c[check]).toMatchObject({ status: "fail", code: "AccessDeniedException" });
        expect(c[check].problem).toContain(`${action.split(":")[1]}: access denied`);
        expect(c[check].remedy).toContain(`Allow ${action} in the permissions policy of ${memberRole(name)}`);
        expect(c[check === "plans" ? "vaults" : "plans"].status).toBe("ok");
      }
    }
  });

  it("says which region an account has not enabled, and tests the others", () => {
    expect(statuses("Sandbox Five", "us-east-1")).toEqual({
      assume: "ok",
      region: "ok",
      optIn: "ok",
      plans: "ok",
      vaults: "ok",
    });
    expect(statuses("Sandbox Five", "eu-west-1")).toMatchObject({
      region: "fail",
      plans: "skipped",
      vaults: "skipped",
    });
    const region = cell("Sandbox Five", "eu-west-1").checks.region;
    expect(region.code).toBe("UnrecognizedClientException");
    expect(region.remedy).toContain("Enable eu-west-1 for this account");
  });

  it("warns of resource types not opted in to AWS Backup where they are off", () => {
    const optIn = cell("Prod Data", "eu-west-1").checks.optIn;
    expect(optIn).toMatchObject({ status: "warn", problem: "AWS Backup is not opted in for FSx in this region" });
    expect(optIn.remedy).toContain(`account ${idOf("Prod Data")}`);
    expect(statuses("Prod Data", "us-east-1").optIn).toBe("ok");
  });

  it("skips the suspended account, saying why, and finds every other account healthy", () => {
    for (const region of h.world.regions) {
      expect(new Set(Object.values(statuses("Legacy", region)))).toEqual(new Set(["skipped"]));
      expect(cell("Legacy", region).checks.assume.problem).toBe("account suspended: skipped");
    }
    const misconfigured = new Set(["Sandbox One", "Sandbox Two", "Sandbox Three", "Sandbox Four", "Sandbox Five"]);
    misconfigured.add("Legacy").add("Prod Data");
    const healthy = [...accounts.keys()].filter((n) => !misconfigured.has(n));
    expect(healthy.length).toBeGreaterThanOrEqual(8);
    for (const name of healthy)
      for (const region of h.world.regions)
        expect(new Set(Object.values(statuses(name, region))), `${name} ${region}`).toEqual(new Set(["ok"]));
  });

  it("groups what to fix by cause: five failures and one warning", async () => {
    const groups = groupProblems((await getLatestConnectionTest(h.db.db, h.tenantId))!.result);
    expect(groups.map((g) => g.status)).toEqual(["fail", "fail", "fail", "fail", "warn"]);
    const places = (text: string) =>
      groups
        .find((g) => g.problem.includes(text))!
        .places.map((p) => `${p.accountName}${p.region ? ` ${p.region}` : ""}`);
    expect(places("cannot assume")).toEqual(expect.arrayContaining(["Sandbox One", "Sandbox Two"]));
    expect(groups[0]!.remedy).toContain(`does not trust ${h.world.management_role_arn}`);
    expect(groups[0]!.problem).toBe(
      `cannot assume arn:aws:iam::<account>:role/${h.world.member_role_name}: the role's trust policy or ExternalId does not admit this product`,
    );
    expect(places("ListBackupPlans")).toEqual(["Sandbox Three us-east-1", "Sandbox Three eu-west-1"]);
    expect(places("ListBackupVaults")).toEqual(["Sandbox Four us-east-1", "Sandbox Four eu-west-1"]);
    expect(places("region not enabled")).toEqual(["Sandbox Five eu-west-1"]);
    expect(places("not opted in")).toEqual(["Prod Data eu-west-1"]);
  });
});

describe("the policy push role", () => {
  it("is tested when configured: a role that does not exist cannot be assumed", async () => {
    const bogus = `arn:aws:iam::${h.world.management_account_id}:role/NoSuchPushRole`;
    await setTenant({ policy_push_role_arn: bogus });
    try {
      const test = await runConnectionTest(h.db.db, ACTOR, h.tenantId, h.aws, { accountConcurrency: 16 });
      expect(test.result.policyPush).toMatchObject({
        roleArn: bogus,
        assume: { status: "fail" },
        read: { status: "skipped" },
      });
      expect(test.result.policyPush!.assume.remedy).toContain("sts:ExternalId");
      await setTenant({ policy_push_role_arn: h.world.management_role_arn });
      const ok = await runConnectionTest(h.db.db, ACTOR, h.tenantId, h.aws, { accountConcurrency: 16 });
      expect(ok.result.policyPush).toMatchObject({ assume: { status: "ok" }, read: { status: "ok" } });
    } finally {
      await setTenant({ policy_push_role_arn: null });
    }
  });
});

describe("bad input", () => {
  it("refuses a malformed role ARN or account id with a clear error, calling and writing nothing", async () => {
    const before = await getLatestConnectionTest(h.db.db, h.tenantId);
    const good = await tenantRow();
    const audits = async () =>
      (
        await h.db.pool.query(
          `select count(*)::int as n from audit_log where action = 'tenant.connection_test' and tenant_id = $1`,
          [h.tenantId],
        )
      ).rows[0]!.n as number;
    const auditsBefore = await audits();
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { management_role_arn: "arn:aws:iam::1234:role/Mgmt" },
        /management role ARN "arn:aws:iam::1234:role\/Mgmt" is malformed/,
      ],
      [
        { management_role_arn: "BackupGovernanceManagementRole" },
        /is malformed: expected arn:aws:iam::<12-digit account>:role\/<name>/,
      ],
      [{ management_account_id: "12345" }, /management account ID "12345" is not a 12-digit AWS account ID/],
      [{ policy_push_role_arn: "arn:aws:iam::123456789012:user/push" }, /policy push role ARN .* is malformed/],
    ];
    try {
      for (const [fields, message] of cases) {
        await setTenant({
          management_role_arn: good.management_role_arn as string,
          management_account_id: good.management_account_id as string,
          policy_push_role_arn: null,
          ...fields,
        });
        h.sim.resetStats();
        const error = await runConnectionTest(h.db.db, ACTOR, h.tenantId, h.aws).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe("VALIDATION");
        expect((error as AppError).message).toMatch(message);
        expect((error as AppError).message).toMatch(/Settings → Organizations/);
        expect(h.sim.stats().calls.total).toBe(0);
      }
    } finally {
      await setTenant({
        management_role_arn: good.management_role_arn as string,
        management_account_id: good.management_account_id as string,
        policy_push_role_arn: null,
      });
    }
    expect(await getLatestConnectionTest(h.db.db, h.tenantId)).toEqual(before);
    expect(await audits()).toBe(auditsBefore);
  });
});

describe("before the first sync", () => {
  const runs = async () =>
    (await h.db.pool.query(`select count(*)::int as n from sync_runs where tenant_id = $1`, [h.tenantId])).rows[0]!
      .n as number;

  it("refuses when the entry role cannot be assumed, with the test's advice, and starts nothing", async () => {
    await setTenant({ external_id: "not-the-external-id" });
    try {
      const error = await checkBeforeFirstSync(h.db.db, ACTOR, h.tenantId, h.aws).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).message).toContain(
        `The first sync was not started: the connection test could not get in. cannot assume ${h.world.management_role_arn}`,
      );
      expect((error as AppError).message).toContain("What to fix: Check that the role exists");
      expect((await getLatestConnectionTest(h.db.db, h.tenantId))!.verdict).toBe("failed");
      expect(await runs()).toBe(0);
    } finally {
      await setTenant({ external_id: h.world.external_id });
    }
  });

  it("lets the sync go when only some accounts fail, and does not test again once a sync ran", async () => {
    const test = await checkBeforeFirstSync(h.db.db, ACTOR, h.tenantId, h.aws);
    expect(test?.verdict).toBe("problems");
    await h.db.pool.query(`insert into sync_runs (tenant_id, trigger) values ($1, 'manual')`, [h.tenantId]);
    expect(await checkBeforeFirstSync(h.db.db, ACTOR, h.tenantId, h.aws)).toBeNull();
  });
});
