import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backupVaults,
  backupVaultShares,
  orgAccounts,
  recoveryPoints,
  resources,
  restoreJobs,
  syncUnits,
} from "@/db/schema";
import { makeControlRun } from "@/lib/compliance/engine/evaluate";
import { evaluateTenant, type EvaluationResult } from "@/lib/compliance/evaluate-tenant";
import type { ControlId } from "@/lib/compliance/model/finding";
import { EMPTY_SCOPE } from "@/lib/compliance/model/scope";
import { listFindings, type FindingRow } from "@/lib/compliance/read/findings";
import { testClockMs } from "@/tests/helpers/clock";
import { testDb } from "@/tests/helpers/db";
import { makeTenant } from "@/tests/helpers/fixtures";

// The cyber-resilience controls over rows in PostgreSQL, as the evaluation reads them: scan and
// index status through the recovery-point cursor, vault shares and MPA teams through the snapshot
// load, restore validations through the SQL restore facts (one restore found only through its
// recovery point). The rows are written here, so this holds whatever the simulator's world is.

const handle = testDb();
const { db } = handle;
const now = new Date(testClockMs());
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
const A = "111122223333";
const R = "eu-west-1";
const vol = (id: string) => `arn:aws:ec2:${R}:${A}:volume/${id}`;
const vaultArn = (name: string) => `arn:aws:backup:${R}:${A}:backup-vault:${name}`;
const CRITICAL = { criticality: "critical", "data-classification": "personal" };
const TEAM = "arn:aws:mpa::999999999999:approval-team/break-glass";
let tenantId: string;
let findings: FindingRow[];
let result: EvaluationResult;

function vault(name: string, type: string, mpaApprovalTeamArn: string | null = null) {
  return {
    tenantId,
    accountId: A,
    region: R,
    vaultName: name,
    vaultArn: vaultArn(name),
    vaultType: type,
    numberOfRecoveryPoints: 1,
    locked: type === "LOGICALLY_AIR_GAPPED_BACKUP_VAULT",
    notificationEvents: [],
    mpaApprovalTeamArn,
  };
}

function point(
  id: string,
  resource: string,
  hours: number,
  over: { vault?: string; scanStatus?: string; indexStatus?: string } = {},
) {
  const name = over.vault ?? "Default";
  const lag = name.startsWith("lag");
  return {
    tenantId,
    accountId: A,
    region: R,
    recoveryPointArn: lag ? `arn:aws:backup:${R}:${A}:recovery-point:${id}` : `arn:aws:ec2:${R}::snapshot/${id}`,
    backupVaultName: name,
    backupVaultArn: vaultArn(name),
    resourceArn: resource,
    resourceType: resource.includes(":rds:") ? "RDS" : "EBS",
    creationDate: hoursAgo(hours),
    status: "COMPLETED",
    isEncrypted: true,
    isParent: false,
    vaultType: lag ? "LOGICALLY_AIR_GAPPED_BACKUP_VAULT" : "BACKUP_VAULT",
    sourceBackupVaultArn: lag ? vaultArn("Default") : null,
    scanStatus: over.scanStatus ?? null,
    scannedAt: over.scanStatus ? hoursAgo(hours - 1) : null,
    indexStatus: over.indexStatus ?? null,
  };
}

function restore(
  id: string,
  hours: number,
  validationStatus: string | null,
  sourceResourceArn: string | null,
  rp: string,
) {
  return {
    tenantId,
    accountId: A,
    region: R,
    restoreJobId: id,
    creationDate: hoursAgo(hours + 1),
    completionDate: hoursAgo(hours),
    status: "COMPLETED",
    recoveryPointArn: rp,
    sourceResourceArn,
    resourceType: "EBS",
    validationStatus,
  };
}

beforeAll(async () => {
  tenantId = (await makeTenant(db)).id;
  await db.execute(sql`select ensure_job_partitions(${hoursAgo(24 * 40)}, ${hoursAgo(-24)})`);
  await db.insert(orgAccounts).values({
    tenantId,
    accountId: A,
    name: "prod",
    email: "prod@example.com",
    state: "ACTIVE",
    parentId: "r-ab12",
    ouPath: ["r-ab12"],
  });
  await db
    .insert(syncUnits)
    .values({ tenantId, kind: "region", accountId: A, region: R, status: "ok", publishedAt: hoursAgo(1) });
  await db.insert(resources).values([
    { tenantId, accountId: A, region: R, resourceArn: vol("vol-good"), resourceType: "EBS", tags: CRITICAL },
    { tenantId, accountId: A, region: R, resourceArn: vol("vol-bad"), resourceType: "EBS", tags: CRITICAL },
    {
      tenantId,
      accountId: A,
      region: R,
      resourceArn: vol("vol-mpa"),
      resourceType: "EBS",
      tags: { criticality: "critical" },
    },
    {
      tenantId,
      accountId: A,
      region: R,
      resourceArn: `arn:aws:rds:${R}:${A}:db:customers`,
      resourceType: "RDS",
      tags: { "data-classification": "personal" },
    },
  ]);
  await db
    .insert(backupVaults)
    .values([
      vault("Default", "BACKUP_VAULT"),
      vault("lag-shared", "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"),
      vault("lag-internal", "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"),
      vault("lag-mpa", "LOGICALLY_AIR_GAPPED_BACKUP_VAULT", TEAM),
    ]);
  const share = (name: string, principal: string, external: boolean) => ({
    tenantId,
    accountId: A,
    region: R,
    vaultArn: vaultArn(name),
    resourceShareArn: `arn:aws:ram:${R}:${A}:resource-share/${name}`,
    principal,
    external,
  });
  await db
    .insert(backupVaultShares)
    .values([
      share("lag-shared", "999999999999", true),
      share("lag-internal", `arn:aws:organizations::${A}:organization/o-abc123`, false),
    ]);
  await db
    .insert(recoveryPoints)
    .values([
      point("snap-good-1", vol("vol-good"), 20, { scanStatus: "NO_THREATS_FOUND", indexStatus: "ACTIVE" }),
      point("snap-good-2", vol("vol-good"), 68, { scanStatus: "NO_THREATS_FOUND", indexStatus: "ACTIVE" }),
      point("lag-good", vol("vol-good"), 5, { vault: "lag-shared", indexStatus: "ACTIVE" }),
      point("snap-bad-new", vol("vol-bad"), 2, { scanStatus: "THREATS_FOUND", indexStatus: "PENDING" }),
      point("snap-bad-clean", vol("vol-bad"), 240, { scanStatus: "NO_THREATS_FOUND", indexStatus: "ACTIVE" }),
      point("lag-bad", vol("vol-bad"), 3, { vault: "lag-internal", indexStatus: "ACTIVE" }),
      point("lag-mpa", vol("vol-mpa"), 6, { vault: "lag-mpa" }),
    ]);
  await db
    .insert(restoreJobs)
    .values([
      restore("restore-good", 240, "SUCCESSFUL", null, `arn:aws:ec2:${R}::snapshot/snap-good-2`),
      restore("restore-bad", 120, "FAILED", vol("vol-bad"), `arn:aws:ec2:${R}::snapshot/snap-bad-clean`),
    ]);
  result = await evaluateTenant(db, tenantId, { trigger: "test", now });
  findings = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await listFindings(db, { tenantId, limit: 1000, offset });
    findings.push(...page.findings);
    if (page.findings.length < 1000) break;
  }
}, 120_000);
afterAll(() => handle.close());

/** Short subject name → "STATUS: reason", from the control's run with its default parameters. */
function verdicts(controlId: ControlId): Record<string, string> {
  const key = makeControlRun(controlId, {}, EMPTY_SCOPE).key;
  const run = result.runs.find((r) => r.key === key);
  expect(run, `${controlId} ran with its default parameters`).toBeDefined();
  return Object.fromEntries(
    findings
      .filter((f) => f.runId === run!.runId)
      .map((f) => [f.subjectId.split(/[/:]/).pop()!, `${f.findingStatus}: ${f.reason}`]),
  );
}

describe("cyber-resilience controls over stored rows", () => {
  it("BK-18 reads scan status from the recovery-point cursor", () => {
    expect(verdicts("BK-18")).toEqual({
      "vol-good": "PASS: newest clean recovery point is at most 7 days old",
      "vol-bad":
        "FAIL: malware scan found threats in the newest recovery point; last clean recovery point snap-bad-clean, made 2026-06-05 12:00 UTC, is older than 7 days",
      "vol-mpa": "FAIL: newest recovery point was never scanned; never scanned clean",
      customers:
        "NOT_APPLICABLE: AWS Backup scans EC2, EBS and S3 recovery points for malware; RDS ones cannot be scanned",
    });
  });

  it("BK-19 reads vault shares and MPA teams from the snapshot load", () => {
    expect(verdicts("BK-19")).toEqual({
      "vol-good":
        "PASS: air-gapped copy at most 1 days old in vault lag-shared, shared through RAM with 999999999999 (outside the organization)",
      "vol-bad": `FAIL: air-gapped copy at most 1 days old, but vault lag-internal is neither shared through RAM with an account outside the organization (shared only inside the organization, with arn:aws:organizations::${A}:organization/o-abc123) nor guarded by a multi-party approval team`,
      "vol-mpa": `PASS: air-gapped copy at most 1 days old in vault lag-mpa, guarded by multi-party approval team ${TEAM}`,
    });
  });

  it("BK-20 reads validations from the SQL restore facts, resolving a restore through its recovery point", () => {
    expect(verdicts("BK-20")).toEqual({
      "vol-good": "PASS: restored on 2026-06-05 and the validation succeeded",
      "vol-bad": "FAIL: restored on 2026-06-10 but the validation failed",
      "vol-mpa": "FAIL: no restore in the last 180 days",
      customers: "FAIL: no restore in the last 180 days",
    });
  });

  it("BK-21 reads index status from the recovery-point cursor", () => {
    expect(verdicts("BK-21")).toEqual({
      "vol-good": "PASS: every recovery point is indexed for search",
      "vol-bad": "FAIL: some recovery points are not indexed for search; the newest of them is still being indexed",
      customers:
        "NOT_APPLICABLE: AWS Backup indexes only EBS snapshots and S3 backups for search; RDS recovery points cannot be indexed",
    });
  });
});
