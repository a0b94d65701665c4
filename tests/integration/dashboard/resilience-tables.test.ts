import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backupVaults, backupVaultShares, recoveryPoints, scanJobs } from "@/db/schema";
import type { TableDefinition, TableScope } from "@/lib/dashboard/table";
import { scanJobsTable } from "@/lib/dashboard/tables/jobs";
import { recoveryPointsTable } from "@/lib/dashboard/tables/recovery-points";
import { vaultsTable } from "@/lib/dashboard/tables/vaults";
import { testClockMs } from "../../helpers/clock";
import { testDb } from "../../helpers/db";

// The cyber-resilience facts where users look for them: a recovery point's malware verdict (and
// the filter for each verdict), the scan jobs with threats first, and whom an air-gapped vault
// is shared with or which approval team guards it, in the page and in the export alike.

const handle = testDb();
const db = handle.db;
const A: TableScope = { tenantId: randomUUID(), asOf: null };
const B: TableScope = { tenantId: randomUUID(), asOf: null };
const now = testClockMs();
const at = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000);
const ACCT = "111122223333";
const VAULT = `arn:aws:backup:eu-west-1:${ACCT}:backup-vault:`;

function point(tenantId: string, n: number, scanStatus: string | null, extra: Record<string, unknown> = {}) {
  return {
    tenantId,
    accountId: ACCT,
    region: "eu-west-1",
    recoveryPointArn: `arn:aws:backup:eu-west-1:${ACCT}:recovery-point:rp-${n}`,
    backupVaultName: "Default",
    backupVaultArn: `${VAULT}Default`,
    resourceArn: `arn:aws:ec2:eu-west-1:${ACCT}:volume/vol-${n}`,
    resourceType: "EBS",
    creationDate: at(n),
    status: "COMPLETED",
    isEncrypted: true,
    isParent: false,
    scanStatus,
    scannedAt: scanStatus ? at(n - 0.5) : null,
    ...extra,
  };
}

function scan(tenantId: string, id: string, hoursAgo: number, state: string, result: string | null) {
  return {
    tenantId,
    accountId: ACCT,
    region: "eu-west-1",
    scanJobId: id,
    creationDate: at(hoursAgo),
    state,
    scanResultStatus: result,
    malwareScanner: "GUARDDUTY",
    scanMode: "INCREMENTAL_SCAN",
    resourceArn: `arn:aws:ec2:eu-west-1:${ACCT}:volume/vol-${id}`,
    resourceType: "EBS",
    recoveryPointArn: `arn:aws:backup:eu-west-1:${ACCT}:recovery-point:${id}`,
    backupVaultName: "Default",
  };
}

function vault(tenantId: string, name: string, type: string, mpa: string | null, unreadable: string | null = null) {
  return {
    tenantId,
    accountId: ACCT,
    region: "eu-west-1",
    vaultName: name,
    vaultArn: `${VAULT}${name}`,
    vaultType: type,
    numberOfRecoveryPoints: 3,
    locked: true,
    notificationEvents: [],
    mpaApprovalTeamArn: mpa,
    sharesUnreadable: unreadable,
  };
}

type AnyTable = TableDefinition<Record<string, unknown>, Record<string, unknown>>;
async function rows(table: AnyTable, scope: TableScope, filters: Record<string, unknown>) {
  return (await table.page(db, scope, table.filters.parse(filters), null, 100)).rows;
}
async function exported(table: AnyTable, scope: TableScope, filters: Record<string, unknown>) {
  const out: Array<Record<string, unknown>> = [];
  for await (const chunk of table.iterate(db, scope, table.filters.parse(filters)))
    for (const r of chunk) out.push(Object.fromEntries(table.columns.map((c) => [c.key, c.value(r)])));
  return out;
}

beforeAll(async () => {
  await db
    .insert(recoveryPoints)
    .values([
      point(A.tenantId, 1, "NO_THREATS_FOUND", { indexStatus: "ACTIVE" }),
      point(A.tenantId, 2, "THREATS_FOUND"),
      point(A.tenantId, 3, "FAILED"),
      point(A.tenantId, 4, null, { deleteAfterEvent: "DELETE_AFTER_COPY" }),
      point(A.tenantId, 5, "THREATS_FOUND"),
      point(B.tenantId, 6, "THREATS_FOUND"),
    ]);
  await db.execute(sql`select ensure_job_partitions(${at(24 * 40)}, ${at(-24)})`);
  await db
    .insert(scanJobs)
    .values([
      scan(A.tenantId, "s-clean", 1, "COMPLETED", "NO_THREATS_FOUND"),
      scan(A.tenantId, "s-infected", 3, "COMPLETED", "THREATS_FOUND"),
      scan(A.tenantId, "s-failed", 2, "FAILED", null),
      scan(A.tenantId, "s-old", 24 * 10, "COMPLETED", "THREATS_FOUND"),
      scan(B.tenantId, "s-other", 1, "COMPLETED", "THREATS_FOUND"),
    ]);
  await db
    .insert(backupVaults)
    .values([
      vault(A.tenantId, "air-shared", "LOGICALLY_AIR_GAPPED_BACKUP_VAULT", null),
      vault(A.tenantId, "air-mpa", "LOGICALLY_AIR_GAPPED_BACKUP_VAULT", `arn:aws:mpa::${ACCT}:approval-team/t1`),
      vault(A.tenantId, "air-unknown", "LOGICALLY_AIR_GAPPED_BACKUP_VAULT", null, "AWS RAM refused the member role"),
      vault(A.tenantId, "plain", "BACKUP_VAULT", null),
    ]);
  await db.insert(backupVaultShares).values([
    {
      tenantId: A.tenantId,
      accountId: ACCT,
      region: "eu-west-1",
      vaultArn: `${VAULT}air-shared`,
      resourceShareArn: `arn:aws:ram:eu-west-1:${ACCT}:resource-share/s1`,
      principal: "999988887777",
      external: true,
    },
    {
      tenantId: A.tenantId,
      accountId: ACCT,
      region: "eu-west-1",
      vaultArn: `${VAULT}air-shared`,
      resourceShareArn: `arn:aws:ram:eu-west-1:${ACCT}:resource-share/s1`,
      principal: "444455556666",
      external: false,
    },
  ]);
});
afterAll(async () => {
  for (const t of ["recovery_points", "scan_jobs", "backup_vaults", "backup_vault_shares"])
    await db.execute(sql`delete from ${sql.identifier(t)} where tenant_id in (${A.tenantId}, ${B.tenantId})`);
  await handle.close();
});

describe("recovery points: the malware verdict", () => {
  const table = recoveryPointsTable as unknown as AnyTable;
  it.each([
    ["clean", ["rp-1"]],
    ["threats", ["rp-2", "rp-5"]],
    ["failed", ["rp-3"]],
    ["unscanned", ["rp-4"]],
  ])("scan=%s keeps exactly those points of the tenant", async (scanFilter, expected) => {
    const got = await rows(table, A, { scan: scanFilter });
    expect(got.map((r) => String(r.recoveryPointArn).split(":").pop())).toEqual(expected);
  });

  it("ignores a scan filter it does not know rather than failing the page", async () => {
    expect(await rows(table, A, { scan: "infected'; drop table x" })).toHaveLength(5);
  });

  it("exports the verdict, its time, the index status and the delete-after-copy event", async () => {
    const out = await exported(table, A, {});
    const byArn = new Map(out.map((r) => [String(r.recovery_point_arn).split(":").pop(), r]));
    expect(byArn.get("rp-1")).toMatchObject({ malware_scan: "clean", index_status: "ACTIVE" });
    expect(byArn.get("rp-1")!.scanned_at).toEqual(at(0.5));
    expect(byArn.get("rp-2")).toMatchObject({ malware_scan: "threats found", index_status: null });
    expect(byArn.get("rp-3")).toMatchObject({ malware_scan: "scan failed" });
    expect(byArn.get("rp-4")).toMatchObject({
      malware_scan: "not scanned",
      scanned_at: null,
      delete_after_event: "DELETE_AFTER_COPY",
    });
  });
});

describe("malware scan jobs", () => {
  const table = scanJobsTable as unknown as AnyTable;
  it("lists threats and failed scans first, then the rest, newest first, in the default window", async () => {
    const got = await rows(table, A, {});
    expect(got.map((r) => r.scanJobId)).toEqual(["s-failed", "s-infected", "s-clean"]);
    expect(got.map((r) => r.problem)).toEqual([true, true, false]);
  });

  it("keeps only problems on request, and older scans when the window is widened", async () => {
    expect((await rows(table, A, { problems: "only" })).map((r) => r.scanJobId)).toEqual(["s-failed", "s-infected"]);
    const from = new Date(now - 30 * 86_400_000).toISOString().slice(0, 10);
    expect((await rows(table, A, { from, problems: "only" })).map((r) => r.scanJobId)).toEqual([
      "s-failed",
      "s-infected",
      "s-old",
    ]);
  });

  it("never shows another tenant's scans", async () => {
    expect((await rows(table, B, {})).map((r) => r.scanJobId)).toEqual(["s-other"]);
  });
});

describe("vaults: who can reach a vault when the account cannot be trusted", () => {
  const table = vaultsTable as unknown as AnyTable;
  it("names the RAM principals (external marked), the approval team, or why the shares are unknown", async () => {
    const out = await exported(table, A, {});
    const byName = new Map(out.map((r) => [r.vault_name, r]));
    expect(byName.get("air-shared")).toMatchObject({
      shared_with: "444455556666 999988887777 (external)",
      mpa_approval_team_arn: null,
      shares_unreadable: null,
    });
    expect(byName.get("air-mpa")).toMatchObject({
      shared_with: "",
      mpa_approval_team_arn: `arn:aws:mpa::${ACCT}:approval-team/t1`,
    });
    expect(byName.get("air-unknown")).toMatchObject({
      shared_with: null,
      shares_unreadable: "AWS RAM refused the member role",
    });
    expect(byName.get("plain")).toMatchObject({ shared_with: "", mpa_approval_team_arn: null });
  });
});
