import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import {
  auditLog,
  backupPlans,
  backupPriceOverrides,
  backupRules,
  backupSelections,
  backupVaults,
  orgAccounts,
  protectedResources,
  recoveryPoints,
  resources,
  tenants,
} from "@/db/schema";
import type { SessionUser } from "@/lib/auth/access";
import { getHygieneReport, type PointTotals } from "@/lib/cost/hygiene-report";
import { BYTES_PER_GB } from "@/lib/cost/point-bands";
import { REPORT_LINE_COLUMNS } from "@/lib/cost/report-lines";
import { testClockMs } from "@/tests/helpers/clock";
import { readCsv } from "@/tests/helpers/csv-read";
import { testDb } from "@/tests/helpers/db";
import { makeTenant, makeUser } from "@/tests/helpers/fixtures";

// A small world whose every report line has a known answer: seven points (one of them without a
// size, of an untagged resource still backed up) across two accounts, a requested and an unrequested copy, an orphan that never expires,
// a point of a resource outside the organization, a plan with and two without selections, and
// two empty vaults. Then the price override: refused when bad, audited when good.

let caller: SessionUser | null = null;
vi.mock("@/lib/auth/session", () => ({ getSession: async () => caller, getClientIp: async () => "203.0.113.9" }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const handle = testDb();
const { db } = handle;
const now = new Date(testClockMs());
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
const GB = BYTES_PER_GB;
const W = "111111111111";
const C = "222222222222";
const R = "eu-west-1";
const vaultArn = (account: string, name: string) => `arn:aws:backup:${R}:${account}:backup-vault:${name}`;
const live = `arn:aws:ec2:${R}:${W}:volume/vol-live`;
const fs = `arn:aws:elasticfilesystem:${R}:${W}:file-system/fs-live`;
const gone = `arn:aws:ec2:${R}:${W}:volume/vol-gone`;
const untagged = `arn:aws:ec2:${R}:${W}:volume/vol-untagged`;
const outside = `arn:aws:ec2:${R}:999999999999:volume/vol-outside`;

let tenantId: string;
let n = 0;

function point(
  resourceArn: string,
  o: {
    account?: string;
    vault?: string;
    type?: string;
    days: number;
    gb: number | null;
    keepDays?: number | null;
    coldAfterDays?: number;
    storageClass?: string;
    copyFrom?: string;
  },
) {
  const account = o.account ?? W;
  const vault = o.vault ?? "Default";
  const keep = o.keepDays === undefined ? 35 : o.keepDays;
  return {
    tenantId,
    accountId: account,
    region: R,
    recoveryPointArn: `arn:aws:backup:${R}:${account}:recovery-point:rp-${++n}`,
    backupVaultName: vault,
    backupVaultArn: vaultArn(account, vault),
    resourceArn,
    resourceType: o.type ?? "EBS",
    creationDate: daysAgo(o.days),
    status: "COMPLETED",
    isEncrypted: true,
    isParent: false,
    deleteAfterDays: keep,
    deleteAt: keep === null ? null : daysAgo(o.days - keep),
    moveToColdStorageAfterDays: o.coldAfterDays ?? null,
    moveToColdStorageAt: o.coldAfterDays === undefined ? null : daysAgo(o.days - o.coldAfterDays),
    storageClass: o.storageClass ?? null,
    backupSizeBytes: o.gb === null ? null : o.gb * GB,
    backupPlanId: "plan-1",
    backupRuleId: "rule-1",
    sourceBackupVaultArn: o.copyFrom ?? null,
  };
}

const vault = (account: string, name: string, points: number) => ({
  tenantId,
  accountId: account,
  region: R,
  vaultName: name,
  vaultArn: vaultArn(account, name),
  vaultType: "BACKUP_VAULT",
  numberOfRecoveryPoints: points,
  locked: false,
  notificationEvents: [],
});

const plan = (account: string, planId: string) => ({
  tenantId,
  accountId: account,
  region: R,
  planId,
  planArn: `arn:aws:backup:${R}:${account}:backup-plan:${planId}`,
  planName: `${planId}-name`,
  versionId: "v2",
  orgManaged: false,
  advancedBackupSettings: [],
});

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  tenantId = (await makeTenant(db)).id;
  const account = (id: string, name: string) => ({
    tenantId,
    accountId: id,
    name,
    email: `${name}@example.com`,
    state: "ACTIVE",
    parentId: "r-root",
    ouPath: [],
  });
  await db.insert(orgAccounts).values([account(W, "workload"), account(C, "central")]);
  await db.insert(resources).values([
    { tenantId, accountId: W, region: R, resourceArn: live, resourceType: "EBS", tags: {} },
    { tenantId, accountId: W, region: R, resourceArn: fs, resourceType: "EFS", tags: {} },
  ]);
  // AWS Backup lists every resource that has points, the deleted one too: its list cannot tell.
  await db
    .insert(protectedResources)
    .values(
      [untagged, gone].map((resourceArn) => ({ tenantId, accountId: W, region: R, resourceArn, resourceType: "EBS" })),
    );
  await db.insert(recoveryPoints).values([
    point(live, { days: 3, gb: 10 }),
    point(fs, { type: "EFS", days: 100, gb: 20, keepDays: 365, coldAfterDays: 30 }),
    point(gone, { days: 40, gb: 5, keepDays: null }),
    point(outside, { days: 10, gb: 7 }),
    point(live, {
      account: C,
      vault: "central",
      days: 20,
      gb: 8,
      storageClass: "WARM",
      copyFrom: vaultArn(W, "Default"),
    }),
    point(live, {
      account: C,
      vault: "stray",
      days: 400,
      gb: 4,
      keepDays: 500,
      storageClass: "COLD",
      copyFrom: vaultArn(W, "Default"),
    }),
    // Untagged, so not in the tagged inventory, but backed up yesterday: it exists.
    point(untagged, { days: 1, gb: null }),
  ]);
  await db
    .insert(backupVaults)
    .values([
      vault(W, "Default", 5),
      vault(W, "empty-vault", 0),
      vault(C, "central", 1),
      vault(C, "stray", 1),
      vault(C, "unused", 0),
    ]);
  await db.insert(backupPlans).values([plan(W, "plan-1"), plan(W, "plan-2"), plan(C, "plan-3")]);
  const rule = (versionId: string, destinations: string[]) => ({
    tenantId,
    accountId: W,
    region: R,
    planId: "plan-1",
    versionId,
    ruleId: "rule-1",
    position: 0,
    ruleName: "daily",
    targetBackupVaultName: "Default",
    copyActions: destinations.map((d) => ({ destinationBackupVaultArn: d, lifecycle: null })),
    enableContinuousBackup: false,
    recoveryPointTags: {},
  });
  // The old version also copied to "stray"; only the current one (v2) says what is asked for.
  await db
    .insert(backupRules)
    .values([rule("v1", [vaultArn(C, "central"), vaultArn(C, "stray")]), rule("v2", [vaultArn(C, "central")])]);
  await db.insert(backupSelections).values({
    tenantId,
    accountId: W,
    region: R,
    planId: "plan-1",
    selectionId: "sel-1",
    selectionName: "all",
    iamRoleArn: `arn:aws:iam::${W}:role/backup`,
    resources: ["*"],
    notResources: [],
    listOfTags: [],
    conditions: [],
  });
});
afterAll(() => handle.close());

const totals = (count: number, gb: number, costUsd: number, unsized = 0): PointTotals => ({
  count,
  bytes: gb * GB,
  unsized,
  costUsd: expect.closeTo(costUsd, 9) as unknown as number,
});

describe("the cost and hygiene report", () => {
  it("counts, sizes and prices every line of the organization", async () => {
    const r = await getHygieneReport(db, { tenantId, now });
    // EBS warm 0.05: 10 + 5 + 7 + 8 GB; EFS cold 0.01: 20 GB; EBS cold 0.0125: 4 GB; unsized: nothing.
    expect(r.all).toEqual(totals(7, 54, 0.5 + 0.25 + 0.35 + 0.4 + 0.2 + 0.05, 1));
    expect(r.orphans).toEqual(totals(1, 5, 0.25));
    expect(r.neverExpire).toEqual(totals(1, 5, 0.25));
    expect(r.unrequestedCopies).toEqual(totals(1, 4, 0.05));
    expect(r.byTierAndAge.map((l) => [l.tier, l.band, l.count, l.bytes / GB, l.unsized])).toEqual([
      ["warm", "lt7", 2, 10, 1],
      ["warm", "lt30", 2, 15, 0],
      ["warm", "lt90", 1, 5, 0],
      ["cold", "lt365", 1, 20, 0],
      ["cold", "older", 1, 4, 0],
    ]);
    expect(r.byType.map((l) => [l.resourceType, l.tier, l.count, l.price])).toEqual([
      ["EBS", "warm", 5, { usdPerGbMonth: 0.05, from: "published" }],
      ["EFS", "cold", 1, { usdPerGbMonth: 0.01, from: "published" }],
      ["EBS", "cold", 1, { usdPerGbMonth: 0.0125, from: "published" }],
    ]);
    expect(r.plansWithoutSelections.map((p) => `${p.accountId}/${p.planId}`)).toEqual([`${W}/plan-2`, `${C}/plan-3`]);
    expect(r.emptyVaults.map((v) => `${v.accountId}/${v.vaultName}`)).toEqual([`${W}/empty-vault`, `${C}/unused`]);
  });

  it("keeps to one account when asked", async () => {
    const r = await getHygieneReport(db, { tenantId, accountId: C, now });
    expect(r.all).toEqual(totals(2, 12, 0.4 + 0.05));
    expect(r.unrequestedCopies).toEqual(totals(1, 4, 0.05));
    expect(r.orphans.count).toBe(0);
    expect(r.plansWithoutSelections.map((p) => p.planId)).toEqual(["plan-3"]);
    expect(r.emptyVaults.map((v) => v.vaultName)).toEqual(["unused"]);
  });

  it("shows nothing of another tenant", async () => {
    const other = await makeTenant(db);
    const r = await getHygieneReport(db, { tenantId: other.id, now });
    expect(r.all.count).toBe(0);
    expect(r.plansWithoutSelections).toEqual([]);
    expect(r.emptyVaults).toEqual([]);
  });
});

describe("a price override", () => {
  const form = (fields: Record<string, string>) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    return fd;
  };
  const state = async () => ({
    overrides: await db.$count(backupPriceOverrides, eq(backupPriceOverrides.tenantId, tenantId)),
    audit: await db.$count(auditLog),
  });

  it.each([
    [
      "a negative price",
      { resourceType: "EBS", tier: "warm", usdPerGbMonth: "-0.01" },
      "usdPerGbMonth",
      /cannot be negative/,
    ],
    [
      "a price that is no number",
      { resourceType: "EBS", tier: "warm", usdPerGbMonth: "cheap" },
      "usdPerGbMonth",
      /must be a number/,
    ],
    [
      "an unknown resource type",
      { resourceType: "Redshift", tier: "warm", usdPerGbMonth: "0.02" },
      "resourceType",
      /must be one of/,
    ],
    ["an unknown tier", { resourceType: "EBS", tier: "glacier", usdPerGbMonth: "0.02" }, "tier", /warm or cold/],
  ])("refuses %s with a clear message and changes nothing", async (_what, fields, field, message) => {
    const { setPriceOverrideAction } = await import("@/app/(app)/t/[tenant]/cost/actions");
    caller = await makeUser(db, "admin");
    const before = await state();
    const result = await setPriceOverrideAction(null, form({ tenantId, ...fields }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("VALIDATION");
    expect(result.error.fieldErrors?.[field]).toMatch(message);
    expect(await state()).toEqual(before);
  });

  it("is refused to an operator, who does not manage organizations", async () => {
    const { setPriceOverrideAction } = await import("@/app/(app)/t/[tenant]/cost/actions");
    caller = await makeUser(db, "operator", [{ tenantId }]);
    const before = await state();
    const result = await setPriceOverrideAction(
      null,
      form({ tenantId, resourceType: "EBS", tier: "warm", usdPerGbMonth: "0.04" }),
    );
    expect(result.ok ? null : result.error.code).toBe("FORBIDDEN");
    expect((await state()).overrides).toBe(before.overrides);
  });

  it("changes the estimate and the orphans' saving, and is in the audit log", async () => {
    const { setPriceOverrideAction } = await import("@/app/(app)/t/[tenant]/cost/actions");
    caller = await makeUser(db, "admin");
    const result = await setPriceOverrideAction(
      null,
      form({ tenantId, resourceType: "EBS", tier: "warm", usdPerGbMonth: "0.04" }),
    );
    expect(result.ok).toBe(true);
    const r = await getHygieneReport(db, { tenantId, now });
    expect(r.all.costUsd).toBeCloseTo(0.4 + 0.2 + 0.28 + 0.32 + 0.2 + 0.05, 9);
    expect(r.orphans.costUsd).toBeCloseTo(0.2, 9);
    expect(r.byType[0]!.price).toEqual({ usdPerGbMonth: 0.04, from: "override" });
    const [audit] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, "cost.price_override.set")));
    expect(audit).toMatchObject({
      actorId: caller.userId,
      targetId: "EBS:warm",
      outcome: "success",
      details: { from: null, to: 0.04 },
    });

    const removed = await setPriceOverrideAction(
      null,
      form({ tenantId, resourceType: "EBS", tier: "warm", usdPerGbMonth: "" }),
    );
    expect(removed.ok).toBe(true);
    expect(await db.$count(backupPriceOverrides, eq(backupPriceOverrides.tenantId, tenantId))).toBe(0);
    expect((await getHygieneReport(db, { tenantId, now })).all.costUsd).toBeCloseTo(1.75, 9);
  });
});

describe("the CSV export", () => {
  const get = async (query: string) => {
    const { GET } = await import("@/app/(app)/t/[tenant]/cost/export/route");
    const [row] = await db.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, tenantId));
    return GET(new Request(`http://localhost/t/${row!.slug}/cost/export?${query}`), {
      params: Promise.resolve({ tenant: row!.slug }),
    });
  };

  it("holds the page's lines for one account, and is audited", async () => {
    caller = await makeUser(db, "auditor", [{ tenantId }]);
    const res = await get(`account=${C}`);
    expect(res.status).toBe(200);
    const records = readCsv(await res.text()).map((r) => r.map((f) => f.text));
    const data = records.filter((r) => !r[0]!.startsWith("#"));
    expect(data[0]).toEqual([...REPORT_LINE_COLUMNS]);
    const line = (section: string, name: string) => data.find((r) => r[0] === section && r[1] === name);
    expect(line("total", "all recovery points")?.slice(3, 7)).toEqual(["2", String(12 * GB), "0", "0.45"]);
    expect(line("hygiene", "copies no rule asks for")?.slice(3, 7)).toEqual(["1", String(4 * GB), "0", "0.05"]);
    expect(line("plan without selections", "plan-3-name")?.slice(9)).toEqual([C, R]);
    expect(line("empty vault", "unused")?.slice(9)).toEqual([C, R]);
    const [audit] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorId, caller.userId), eq(auditLog.targetId, "cost")));
    expect(audit).toMatchObject({ action: "export", details: { format: "csv", filters: { account: C } } });
  });

  it("refuses a malformed account", async () => {
    caller = await makeUser(db, "auditor", [{ tenantId }]);
    expect((await get("account=12")).status).toBe(400);
  });
});
