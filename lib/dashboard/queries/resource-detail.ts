import "server-only";
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db";
import { jobHasIssue } from "@/db/job-issue";
import {
  backupJobs,
  backupVaults,
  copyJobs,
  protectedResources,
  recoveryPoints,
  resources,
  restoreJobs,
} from "@/db/schema";
import { listFindings, type FindingRow } from "@/lib/compliance/read/findings";

// One resource of one tenant: what it is, the plans and selections that protect it (as BK-01
// found them), its recovery points with their vaults (copies in other units included), its jobs
// and every finding about it with the evidence. Every read is bounded by the tenant id.

const JOBS_SHOWN = 20;
const POINTS_SHOWN = 20;

export interface ResourcePoint {
  recoveryPointArn: string;
  accountId: string;
  region: string;
  backupVaultName: string;
  backupVaultArn: string;
  creationDate: Date;
  status: string;
  isEncrypted: boolean;
  encryptionKeyArn: string | null;
  deleteAt: Date | null;
  deleteAfterDays: number | null;
  storageClass: string | null;
  isCopy: boolean;
  vaultLocked: boolean | null;
  vaultType: string | null;
}

export interface ResourceJob {
  kind: "backup" | "copy" | "restore";
  jobId: string;
  accountId: string;
  region: string;
  state: string;
  /** Failed, or completed with issues (db/job-issue.ts). */
  hasIssue: boolean;
  statusMessage: string | null;
  creationDate: Date;
  completionDate: Date | null;
}

export interface ResourceDetail {
  resourceArn: string;
  accountId: string;
  region: string;
  resourceType: string;
  tags: Record<string, string>;
  resourceName: string | null;
  lastBackupTime: Date | null;
  points: ResourcePoint[];
  pointsTotal: number;
  jobs: ResourceJob[];
  findings: FindingRow[];
}

export async function getResourceDetail(
  db: Db,
  tenantId: string,
  resourceArn: string,
  asOf: Date | null,
): Promise<ResourceDetail | null> {
  const [inventoried] = await db
    .select()
    .from(resources)
    .where(and(eq(resources.tenantId, tenantId), eq(resources.resourceArn, resourceArn)))
    .limit(1);
  const [prot] = await db
    .select()
    .from(protectedResources)
    .where(and(eq(protectedResources.tenantId, tenantId), eq(protectedResources.resourceArn, resourceArn)))
    .limit(1);
  const base = inventoried ?? prot;
  if (!base) return null;
  const { accountId, region } = base;

  const ofResource = and(eq(recoveryPoints.tenantId, tenantId), eq(recoveryPoints.resourceArn, resourceArn));
  const [pointRows, pointsTotal, backups, copies, restores, resourceFindings, typeFindings] = await Promise.all([
    db.select().from(recoveryPoints).where(ofResource).orderBy(desc(recoveryPoints.creationDate)).limit(POINTS_SHOWN),
    db.$count(recoveryPoints, ofResource),
    db
      .select()
      .from(backupJobs)
      .where(and(eq(backupJobs.tenantId, tenantId), eq(backupJobs.resourceArn, resourceArn)))
      .orderBy(desc(backupJobs.creationDate))
      .limit(JOBS_SHOWN),
    db
      .select()
      .from(copyJobs)
      .where(and(eq(copyJobs.tenantId, tenantId), eq(copyJobs.resourceArn, resourceArn)))
      .orderBy(desc(copyJobs.creationDate))
      .limit(JOBS_SHOWN),
    db
      .select()
      .from(restoreJobs)
      .where(and(eq(restoreJobs.tenantId, tenantId), eq(restoreJobs.sourceResourceArn, resourceArn)))
      .orderBy(desc(restoreJobs.creationDate))
      .limit(JOBS_SHOWN),
    listFindings(db, {
      tenantId,
      asOf,
      subjectType: "resource",
      subjectId: resourceArn,
      accountId,
      region,
      evidence: true,
      limit: 100,
    }),
    // BK-13 judges restores per account and resource type: that finding is about this resource too.
    listFindings(db, {
      tenantId,
      asOf,
      subjectType: "account-resource-type",
      subjectId: `${accountId}/${base.resourceType}`,
      accountId,
      region: "",
      evidence: true,
      limit: 20,
    }),
  ]);

  const vaultArns = [...new Set(pointRows.map((p) => p.backupVaultArn))];
  const vaults = vaultArns.length
    ? await db
        .select({ arn: backupVaults.vaultArn, locked: backupVaults.locked, type: backupVaults.vaultType })
        .from(backupVaults)
        .where(and(eq(backupVaults.tenantId, tenantId), inArray(backupVaults.vaultArn, vaultArns)))
    : [];
  const vaultOf = new Map(vaults.map((v) => [v.arn, v]));
  const points: ResourcePoint[] = pointRows.map((p) => ({
    recoveryPointArn: p.recoveryPointArn,
    accountId: p.accountId,
    region: p.region,
    backupVaultName: p.backupVaultName,
    backupVaultArn: p.backupVaultArn,
    creationDate: p.creationDate,
    status: p.status,
    isEncrypted: p.isEncrypted,
    encryptionKeyArn: p.encryptionKeyArn,
    deleteAt: p.deleteAt,
    deleteAfterDays: p.deleteAfterDays,
    storageClass: p.storageClass,
    isCopy: p.sourceBackupVaultArn !== null,
    vaultLocked: vaultOf.get(p.backupVaultArn)?.locked ?? null,
    vaultType: vaultOf.get(p.backupVaultArn)?.type ?? p.vaultType,
  }));
  const jobs: ResourceJob[] = [
    ...backups.map((j) => ({
      kind: "backup" as const,
      jobId: j.backupJobId,
      accountId: j.accountId,
      region: j.region,
      state: j.state,
      hasIssue: jobHasIssue(j.state, j.messageCategory),
      statusMessage: j.statusMessage,
      creationDate: j.creationDate,
      completionDate: j.completionDate,
    })),
    ...copies.map((j) => ({
      kind: "copy" as const,
      jobId: j.copyJobId,
      accountId: j.accountId,
      region: j.region,
      state: j.state,
      hasIssue: jobHasIssue(j.state, j.messageCategory),
      statusMessage: j.statusMessage,
      creationDate: j.creationDate,
      completionDate: j.completionDate,
    })),
    ...restores.map((j) => ({
      kind: "restore" as const,
      jobId: j.restoreJobId,
      accountId: j.accountId,
      region: j.region,
      state: j.status,
      hasIssue: jobHasIssue(j.status, null),
      statusMessage: j.statusMessage,
      creationDate: j.creationDate,
      completionDate: j.completionDate,
    })),
  ].sort((a, b) => b.creationDate.getTime() - a.creationDate.getTime());

  const order: Record<string, number> = { FAIL: 0, ERROR: 1, EXCEPTED: 2, NOT_APPLICABLE: 3, PASS: 4 };
  const findings = [...resourceFindings.findings, ...typeFindings.findings].sort(
    (a, b) => order[a.status]! - order[b.status]! || a.controlId.localeCompare(b.controlId),
  );
  return {
    resourceArn,
    accountId,
    region,
    resourceType: base.resourceType,
    tags: inventoried?.tags ?? {},
    resourceName: prot?.resourceName ?? null,
    lastBackupTime: prot?.lastBackupTime ?? null,
    points,
    pointsTotal,
    jobs,
    findings,
  };
}
