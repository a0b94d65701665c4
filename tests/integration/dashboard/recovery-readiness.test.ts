import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import {
  backupVaults,
  backupVaultShares,
  orgAccounts,
  protectedResources,
  recoveryPoints,
  resources,
  restoreJobs,
} from "@/db/schema";
import type { SessionUser } from "@/lib/auth/access";
import { setMembership } from "@/lib/admin/users";
import { openSession } from "@/lib/auth/sign-in";
import { getReadinessSummary } from "@/lib/dashboard/queries/recovery-readiness";
import { CursorError, type TableScope } from "@/lib/dashboard/table";
import { recoveryReadinessTable as table, type RecoveryReadinessRow } from "@/lib/dashboard/tables/recovery-readiness";
import { testClockMs } from "@/tests/helpers/clock";
import { testDb } from "@/tests/helpers/db";
import { makeTenant, makeUser } from "@/tests/helpers/fixtures";

// The "if we are hit" table of one account, over rows this test writes: every column for a
// resource in each state (clean; infected with an older clean point; never scanned; scans
// failed; a copy only in another account's air-gapped vault shared outside the organization; an
// approval-team vault; no point at all), validated and failed restores, paging, filters, the
// export (the page's rows exactly), and the refusals: another tenant, an auditor whose period ended.

let caller: SessionUser | null = null;
vi.mock("@/lib/auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth")>()),
  auth: async () => (caller ? { user: { sid: caller.sessionId }, expires: "" } : null),
}));
vi.mock("next/headers", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/headers")>()),
  headers: async () => new Headers({ "x-forwarded-for": "203.0.113.21" }),
}));
vi.mock("next/navigation", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/navigation")>()),
  redirect: (to: string) => {
    throw new Error(`redirect ${to}`);
  },
  notFound: () => {
    throw new Error("not found");
  },
}));

type Route = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
const ROOT = path.resolve(import.meta.dirname, "../../..");
const handle = testDb();
const db = handle.db;
const now = testClockMs();
const daysAgo = (d: number) => new Date(now - d * 86_400_000);

const W = "111111111111"; // the workload account the page is about
const C = "222222222222"; // the central recovery account holding copies
const RECOVERY = "333333333333"; // an account the air-gapped vault is shared with
const OUTSIDER = "999999999999"; // outside the organization
const LAG = "LOGICALLY_AIR_GAPPED_BACKUP_VAULT";

const arn = {
  clean: `arn:aws:ec2:eu-west-1:${W}:volume/vol-clean`,
  infected: `arn:aws:ec2:eu-west-1:${W}:volume/vol-infected`,
  neverScanned: `arn:aws:rds:eu-west-1:${W}:db:never-scanned`,
  scanFailed: `arn:aws:rds:eu-west-1:${W}:db:scan-failed`,
  // An S3 bucket's ARN names no account: it is W's because W's inventory lists it.
  copyOnly: "arn:aws:s3:::payments-ledger",
  mpa: `arn:aws:dynamodb:eu-west-1:${W}:table/orders`,
  noPoint: `arn:aws:elasticfilesystem:eu-west-1:${W}:file-system/fs-empty`,
};
const vaultArn = (account: string, region: string, name: string) =>
  `arn:aws:backup:${region}:${account}:backup-vault:${name}`;
const CENTRAL_LAG = vaultArn(C, "us-east-1", "central-lag");
const TEAM = "arn:aws:mpa::444444444444:approval-team/recovery-approvers";

let tenant: Awaited<ReturnType<typeof makeTenant>>;
let other: Awaited<ReturnType<typeof makeTenant>>;
let A: TableScope;
let pointN = 0;

function point(
  tenantId: string,
  resourceArn: string,
  o: {
    account?: string;
    region?: string;
    vault?: string;
    vaultType?: string | null;
    days: number;
    status?: string;
    scan?: string | null;
    deleteAfterCopy?: boolean;
  },
) {
  const account = o.account ?? W;
  const region = o.region ?? "eu-west-1";
  const vault = o.vault ?? "Default";
  return {
    tenantId,
    accountId: account,
    region,
    recoveryPointArn: `arn:aws:backup:${region}:${account}:recovery-point:rp-${++pointN}`,
    backupVaultName: vault,
    backupVaultArn: vaultArn(account, region, vault),
    resourceArn,
    resourceType: "EBS",
    creationDate: daysAgo(o.days),
    status: o.status ?? "COMPLETED",
    isEncrypted: true,
    isParent: false,
    vaultType: o.vaultType === undefined ? "BACKUP_VAULT" : o.vaultType,
    scanStatus: o.scan === undefined ? "NO_THREATS_FOUND" : o.scan,
    scannedAt: o.scan === null ? null : daysAgo(o.days),
    deleteAfterEvent: o.deleteAfterCopy ? "DELETE_AFTER_COPY" : null,
    sourceBackupVaultArn: account === W ? null : vaultArn(W, "eu-west-1", "Default"),
  };
}

function restore(tenantId: string, resourceArn: string, id: string, days: number, validation: string | null) {
  return {
    tenantId,
    accountId: W,
    region: "eu-west-1",
    restoreJobId: id,
    creationDate: daysAgo(days),
    completionDate: new Date(daysAgo(days).getTime() + 30 * 60_000),
    status: "COMPLETED",
    recoveryPointArn: `arn:aws:backup:eu-west-1:${W}:recovery-point:any`,
    sourceResourceArn: resourceArn,
    resourceType: "EBS",
    restoreTestingPlanArn: "arn:aws:backup:eu-west-1:111111111111:restore-testing-plan:weekly",
    validationStatus: validation,
  };
}

const vaultRow = (tenantId: string, account: string, region: string, name: string, type: string, team?: string) => ({
  tenantId,
  accountId: account,
  region,
  vaultName: name,
  vaultArn: vaultArn(account, region, name),
  vaultType: type,
  numberOfRecoveryPoints: 0,
  locked: type === LAG,
  notificationEvents: [],
  mpaApprovalTeamArn: team ?? null,
});

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  tenant = await makeTenant(db);
  other = await makeTenant(db);
  A = { tenantId: tenant.id, asOf: null };
  const t = tenant.id;
  await db.execute(sql`select ensure_job_partitions(${daysAgo(400)}, ${daysAgo(-31)})`);
  await db.insert(orgAccounts).values({
    tenantId: t,
    accountId: W,
    name: "Payments",
    email: "payments@example.com",
    state: "ACTIVE",
    parentId: "r-root",
    ouPath: [],
  });
  const tagged = (resourceArn: string, type: string, tags: Record<string, string> = {}) => ({
    tenantId: t,
    accountId: W,
    region: resourceArn.startsWith("arn:aws:s3") ? "us-east-1" : "eu-west-1",
    resourceArn,
    resourceType: type,
    tags: { Name: resourceArn.split(/[:/]/).pop()!, ...tags },
  });
  await db.insert(resources).values([
    tagged(arn.clean, "EBS", { criticality: "critical" }),
    tagged(arn.infected, "EBS"),
    tagged(arn.neverScanned, "RDS"),
    tagged(arn.scanFailed, "RDS"),
    tagged(arn.copyOnly, "S3", { criticality: "critical" }),
    tagged(arn.mpa, "DynamoDB", { criticality: "high" }),
    // Another account's resource of the same tenant: not on W's page.
    { ...tagged(`arn:aws:ec2:eu-west-1:555555555555:volume/vol-elsewhere`, "EBS"), accountId: "555555555555" },
  ]);
  // Protected but not tagged (only AWS Backup lists it), and protected as well as tagged.
  await db.insert(protectedResources).values([
    { tenantId: t, accountId: W, region: "eu-west-1", resourceArn: arn.noPoint, resourceType: "EFS" },
    { tenantId: t, accountId: W, region: "eu-west-1", resourceArn: arn.clean, resourceType: "EBS" },
  ]);
  await db
    .insert(backupVaults)
    .values([
      vaultRow(t, W, "eu-west-1", "Default", "BACKUP_VAULT"),
      vaultRow(t, C, "us-east-1", "central-lag", LAG),
      vaultRow(t, C, "eu-west-1", "central-mpa", LAG, TEAM),
    ]);
  await db.insert(backupVaultShares).values([
    {
      tenantId: t,
      accountId: C,
      region: "us-east-1",
      vaultArn: CENTRAL_LAG,
      resourceShareArn: `arn:aws:ram:us-east-1:${C}:resource-share/one`,
      principal: RECOVERY,
      external: false,
    },
    {
      tenantId: t,
      accountId: C,
      region: "us-east-1",
      vaultArn: CENTRAL_LAG,
      resourceShareArn: `arn:aws:ram:us-east-1:${C}:resource-share/two`,
      principal: OUTSIDER,
      external: true,
    },
  ]);
  await db.insert(recoveryPoints).values([
    point(t, arn.clean, { days: 1 }),
    point(t, arn.clean, { days: 8 }),
    // A newer point that is not usable does not count, clean or not.
    point(t, arn.clean, { days: 0.5, status: "PARTIAL" }),
    point(t, arn.infected, { days: 1, scan: "THREATS_FOUND" }),
    point(t, arn.infected, { days: 3, deleteAfterCopy: true }),
    point(t, arn.infected, { days: 9 }),
    point(t, arn.neverScanned, { days: 2, scan: null }),
    point(t, arn.neverScanned, { days: 4, status: "EXPIRED" }),
    point(t, arn.scanFailed, { days: 2, scan: "FAILED" }),
    point(t, arn.copyOnly, { account: C, region: "us-east-1", vault: "central-lag", vaultType: LAG, days: 2 }),
    point(t, arn.copyOnly, { account: C, region: "us-east-1", vault: "central-lag", vaultType: LAG, days: 9 }),
    // No VaultType on the point: the vault's type decides.
    point(t, arn.mpa, { account: C, vault: "central-mpa", vaultType: null, days: 5 }),
    point(t, arn.mpa, { days: 1, scan: null }),
    // The other tenant's points of a resource with the same ARN (an S3 bucket) never show here.
    point(other.id, arn.copyOnly, { account: W, region: "us-east-1", days: 0.1 }),
  ]);
  await db
    .insert(restoreJobs)
    .values([
      restore(t, arn.clean, "r-clean-ok", 10, "SUCCESSFUL"),
      restore(t, arn.clean, "r-clean-old-failed", 20, "FAILED"),
      restore(t, arn.infected, "r-infected-ok", 200, "SUCCESSFUL"),
      restore(t, arn.infected, "r-infected-timeout", 5, "TIMED_OUT"),
      restore(t, arn.infected, "r-infected-validating", 2, "VALIDATING"),
      restore(t, arn.neverScanned, "r-never-adhoc", 3, null),
      restore(t, arn.scanFailed, "r-scan-failed", 4, "FAILED"),
      restore(other.id, arn.copyOnly, "r-other-tenant", 1, "SUCCESSFUL"),
    ]);
});
afterAll(() => handle.close());

async function all(filters: Record<string, string> = {}, limit = 50): Promise<RecoveryReadinessRow[][]> {
  const parsed = table.filters.parse({ account: W, ...filters });
  const pages: RecoveryReadinessRow[][] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const page = await table.page(db, A, parsed, cursor, limit);
    pages.push(page.rows);
    if (!page.next) return pages;
    cursor = page.next;
  }
  throw new Error("paging did not end");
}
const byArn = async () => new Map((await all()).flat().map((r) => [r.resourceArn, r]));

describe("each resource's row", () => {
  it("lists the account's tagged and protected resources once each, and nothing of other accounts", async () => {
    const rows = (await all()).flat();
    expect(rows.map((r) => r.resourceArn).sort()).toEqual(Object.values(arn).sort());
    expect(rows.every((r) => r.accountId === W)).toBe(true);
  });

  it("clean: the newest usable point scanned clean, in the account's own standard vault", async () => {
    const r = (await byArn()).get(arn.clean)!;
    expect(r).toMatchObject({
      readiness: "clean",
      critical: true,
      resourceType: "EBS",
      region: "eu-west-1",
      newestPointAt: daysAgo(1),
      newestInfectedAt: null,
      newestAirGappedAt: null,
      clean: {
        createdAt: daysAgo(1),
        accountId: W,
        region: "eu-west-1",
        vaultName: "Default",
        vaultType: "BACKUP_VAULT",
        airGapped: false,
        otherAccount: false,
        deleteAfterCopy: false,
        mpaApprovalTeamArn: null,
        shares: [],
      },
      validatedRestore: { restoreJobId: "r-clean-ok", accountId: W, region: "eu-west-1" },
      // The failed validation is older than the validated restore: not shown.
      failedValidation: null,
    });
    expect(table.columns.find((c) => c.key === "restore_approval")!.value(r)).toBe(`IAM of account ${W}`);
  });

  it("infected: the newest point has threats, the newest clean one is older and deleted after its copy", async () => {
    const r = (await byArn()).get(arn.infected)!;
    expect(r).toMatchObject({
      readiness: "infected",
      newestPointAt: daysAgo(1),
      newestInfectedAt: daysAgo(1),
      clean: { createdAt: daysAgo(3), vaultName: "Default", deleteAfterCopy: true },
      validatedRestore: { restoreJobId: "r-infected-ok" },
      // Newer than the validated restore; a validation still running is neither.
      failedValidation: { restoreJobId: "r-infected-timeout", status: "TIMED_OUT" },
    });
  });

  it("never scanned, and scanned with no clean result, are told apart; unusable points do not count", async () => {
    const rows = await byArn();
    expect(rows.get(arn.neverScanned)).toMatchObject({
      readiness: "never-scanned",
      newestPointAt: daysAgo(2),
      clean: null,
      validatedRestore: null,
      failedValidation: null,
    });
    expect(rows.get(arn.scanFailed)).toMatchObject({
      readiness: "none-clean",
      newestInfectedAt: null,
      clean: null,
      validatedRestore: null,
      failedValidation: { restoreJobId: "r-scan-failed", status: "FAILED" },
    });
    expect(rows.get(arn.noPoint)).toMatchObject({
      readiness: "no-point",
      resourceType: "EFS",
      critical: false,
      newestPointAt: null,
      clean: null,
      point: null,
    });
  });

  it("without a clean point, says where the newest usable point lives, marked not known clean", async () => {
    const rows = await byArn();
    for (const resource of [arn.neverScanned, arn.scanFailed])
      expect(rows.get(resource)!.point, resource).toMatchObject({
        clean: false,
        createdAt: daysAgo(2),
        vaultName: "Default",
        accountId: W,
        region: "eu-west-1",
        airGapped: false,
        otherAccount: false,
        mpaApprovalTeamArn: null,
        shares: [],
      });
    // With a clean point, the point a restore starts from is that clean point.
    const infected = rows.get(arn.infected)!;
    expect(infected.point).toEqual(infected.clean);
    expect(infected.point!.clean).toBe(true);
  });

  it("a copy only in another account's air-gapped vault, shared through RAM inside and outside the organization", async () => {
    const r = (await byArn()).get(arn.copyOnly)!;
    expect(r).toMatchObject({
      readiness: "clean",
      region: "us-east-1",
      critical: true,
      newestAirGappedAt: daysAgo(2),
      clean: {
        createdAt: daysAgo(2),
        accountId: C,
        region: "us-east-1",
        vaultName: "central-lag",
        vaultType: LAG,
        airGapped: true,
        otherAccount: true,
        mpaApprovalTeamArn: null,
        shares: [
          { principal: RECOVERY, external: false },
          { principal: OUTSIDER, external: true },
        ],
      },
      // The other tenant's restore of a bucket with the same name is not this one's.
      validatedRestore: null,
    });
    const value = (key: string) => table.columns.find((c) => c.key === key)!.value(r);
    expect(value("vault_type")).toBe("air-gapped");
    expect(value("other_account")).toBe(true);
    expect(value("shared_with")).toEqual([RECOVERY, `${OUTSIDER} (external)`]);
    expect(value("restore_approval")).toBe(`shared through AWS RAM with ${RECOVERY}, ${OUTSIDER} (external)`);
  });

  it("an approval-team vault: the team must approve; the vault's type counts when the point names none", async () => {
    const r = (await byArn()).get(arn.mpa)!;
    expect(r).toMatchObject({
      readiness: "clean",
      newestPointAt: daysAgo(1),
      newestAirGappedAt: daysAgo(5),
      clean: {
        createdAt: daysAgo(5),
        accountId: C,
        vaultName: "central-mpa",
        vaultType: LAG,
        airGapped: true,
        mpaApprovalTeamArn: TEAM,
        shares: [],
      },
    });
    expect(table.columns.find((c) => c.key === "restore_approval")!.value(r)).toBe(`multi-party approval team ${TEAM}`);
  });
});

describe("the summary", () => {
  it("counts the account's resources in each state", async () => {
    expect(await getReadinessSummary(db, { tenantId: tenant.id, accountId: W }, new Date(now))).toEqual({
      resources: 7,
      cleanRecent: 4, // clean, infected (3 days), copy-only, mpa (5 days)
      noCleanPoint: 2, // never scanned, scans failed
      noPoint: 1,
      noAirGapped: 5,
      validatedRecent: 1, // r-clean-ok; r-infected-ok is 200 days old
    });
  });
});

describe("order and paging", () => {
  // No clean point first (by ARN), then the oldest clean point first.
  const riskiest = [arn.noPoint, arn.scanFailed, arn.neverScanned, arn.mpa, arn.infected, arn.copyOnly, arn.clean];
  const noCleanByArn = [arn.neverScanned, arn.scanFailed, arn.noPoint].sort();

  it.each([1, 2, 3, 6, 7, 50])("with %i rows a page: every row once, riskiest first", async (limit) => {
    const pages = await all({}, limit);
    expect(pages.flat().map((r) => r.resourceArn)).toEqual([...noCleanByArn, ...riskiest.slice(3)]);
    expect(pages.every((p) => p.length > 0)).toBe(true);
    expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
  });

  it.each([1, 4])("newest clean first, then those without, %i a page", async (limit) => {
    const rows = (await all({ dir: "desc" }, limit)).flat().map((r) => r.resourceArn);
    expect(rows).toEqual([arn.clean, arn.copyOnly, arn.infected, arn.mpa, ...[...noCleanByArn].reverse()]);
  });

  it.each(["asc", "desc"])("by resource, %s", async (dir) => {
    const rows = (await all({ sort: "resource", dir }, 3)).flat().map((r) => r.resourceArn);
    const sorted = Object.values(arn).sort();
    expect(rows).toEqual(dir === "asc" ? sorted : sorted.reverse());
  });

  it("counts the filtered rows on the first page", async () => {
    const first = await table.page(db, A, table.filters.parse({ account: W }), null, 2);
    expect(first.total).toEqual({ count: 7, exact: true });
    expect((await table.page(db, A, table.filters.parse({ account: W }), first.next, 2)).total).toBeNull();
  });

  it("refuses a cursor of another sort or one it did not make", async () => {
    const first = await table.page(db, A, table.filters.parse({ account: W }), null, 2);
    await expect(
      table.page(db, A, table.filters.parse({ account: W, sort: "resource" }), first.next, 2),
    ).rejects.toBeInstanceOf(CursorError);
    await expect(table.page(db, A, table.filters.parse({ account: W }), "bm90IGEgY3Vyc29y", 2)).rejects.toBeInstanceOf(
      CursorError,
    );
  });
});

describe("filters", () => {
  const arns = async (f: Record<string, string>) =>
    (await all(f, 2))
      .flat()
      .map((r) => r.resourceArn)
      .sort();

  it("not recoverable clean: no clean point at all", async () => {
    expect(await arns({ clean: "no" })).toEqual(noClean());
    expect(await arns({ clean: "yes" })).toEqual([arn.clean, arn.copyOnly, arn.infected, arn.mpa].sort());
  });

  it("critical: tagged criticality=critical (another value is not critical)", async () => {
    expect(await arns({ critical: "yes" })).toEqual([arn.clean, arn.copyOnly].sort());
    expect(await arns({ critical: "no" })).toHaveLength(5);
    expect(await arns({ critical: "yes", clean: "no" })).toEqual([]);
  });

  it("resource type", async () => {
    expect(await arns({ resourceType: "S3" })).toEqual([arn.copyOnly]);
    expect(await arns({ resourceType: "RDS", clean: "no" })).toEqual([arn.neverScanned, arn.scanFailed].sort());
  });

  it("refuses a missing or malformed account with a clear message", () => {
    for (const account of [undefined, "12345", "abcdefghijkl"]) {
      const parsed = table.filters.safeParse({ account });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues[0]!.message).toBe("Account must be a 12-digit account ID.");
    }
  });

  function noClean() {
    return [arn.neverScanned, arn.scanFailed, arn.noPoint].sort();
  }
});

describe("the export and who may see it", () => {
  let tableExport: Route;
  beforeAll(async () => {
    tableExport = (await import(path.join(ROOT, "app/(app)/t/[tenant]/export/[table]/route.ts"))).GET as Route;
  });
  const signedIn = async (user: SessionUser) => ({
    ...user,
    sessionId: await openSession(db, user.userId, { ip: "203.0.113.21", userAgent: null }, "password"),
  });
  const get = (as: SessionUser, query: string) => {
    caller = as;
    return tableExport(new Request(`http://localhost/t/${tenant.slug}/export/recovery-readiness?${query}`), {
      params: Promise.resolve({ tenant: tenant.slug, table: "recovery-readiness" }),
    });
  };

  it("holds exactly the page's rows and values, in the page's order", async () => {
    const user = await signedIn(await makeUser(db, "compliance", [{ tenantId: tenant.id }]));
    for (const query of ["", "&clean=no", "&sort=resource&dir=desc", "&critical=yes"]) {
      const res = await get(user, `format=json&account=${W}${query}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { meta: { columns: string[] }; rows: Array<Record<string, unknown>> };
      const filters = Object.fromEntries(new URLSearchParams(query));
      const page = (await all(filters, 50)).flat();
      const expected = page.map((r) =>
        Object.fromEntries(
          table.columns.map((c) => {
            const v = c.value(r);
            return [c.key, v instanceof Date ? v.toISOString() : (v ?? null)];
          }),
        ),
      );
      expect(body.meta.columns).toEqual(table.columns.map((c) => c.key));
      expect(body.rows).toEqual(expected);
    }
    const csv = await get(user, `format=csv&account=${W}`);
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain(`"${arn.copyOnly}"`);
  });

  it("refuses an export without the account, naming it", async () => {
    const user = await signedIn(await makeUser(db, "compliance", [{ tenantId: tenant.id }]));
    const res = await get(user, "format=json");
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("Account must be a 12-digit account ID.");
  });

  it("refuses another tenant's members, on the export and on the page", async () => {
    const outsider = await signedIn(await makeUser(db, "compliance", [{ tenantId: other.id }]));
    expect((await get(outsider, `format=json&account=${W}`)).status).toBe(403);
    const page = (await import(path.join(ROOT, "app/(app)/t/[tenant]/accounts/[accountId]/recovery/page.tsx")))
      .default as (p: unknown) => Promise<unknown>;
    caller = outsider;
    await expect(
      page({ params: Promise.resolve({ tenant: tenant.slug, accountId: W }), searchParams: Promise.resolve({}) }),
    ).rejects.toThrow("not found");
  });

  it("refuses an auditor whose audit period has ended, on the export and on the page", async () => {
    const day = (offset: number) => new Date(now + offset * 86_400_000).toISOString().slice(0, 10);
    const auditor = await makeUser(db, "auditor");
    await setMembership(
      db,
      { userId: null, email: "admin@test.example", ip: "203.0.113.21" },
      { userId: auditor.userId, tenantId: tenant.id, periodFrom: day(-100), periodTo: day(-10), expiresOn: day(30) },
    );
    const user = await signedIn(auditor);
    const res = await get(user, `format=json&account=${W}`);
    expect(res.status).toBe(403);
    expect(JSON.stringify(await res.json())).toContain(`covers ${day(-100)} to ${day(-10)} only`);
    const page = (await import(path.join(ROOT, "app/(app)/t/[tenant]/accounts/[accountId]/recovery/page.tsx")))
      .default as (p: unknown) => Promise<unknown>;
    caller = user;
    await expect(
      page({ params: Promise.resolve({ tenant: tenant.slug, accountId: W }), searchParams: Promise.resolve({}) }),
    ).rejects.toThrow(`redirect /t/${tenant.slug}/reports?outside=period`);
  });

  it("is open to a member, for an account of the synced organization only", async () => {
    const member = await signedIn(await makeUser(db, "operator", [{ tenantId: tenant.id }]));
    const page = (await import(path.join(ROOT, "app/(app)/t/[tenant]/accounts/[accountId]/recovery/page.tsx")))
      .default as (p: unknown) => Promise<unknown>;
    caller = member;
    const open = (accountId: string) =>
      page({ params: Promise.resolve({ tenant: tenant.slug, accountId }), searchParams: Promise.resolve({}) });
    await expect(open("555555555555")).rejects.toThrow("not found");
    await expect(open("not-an-account")).rejects.toThrow("not found");
    expect(await open(W)).toBeTruthy();
  });
});
