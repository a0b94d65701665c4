import "server-only";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { jobHasIssue } from "@/db/job-issue";
import { backupJobs, backupPlans, backupRules, copyJobs, restoreJobs } from "@/db/schema";
import type { JobKind } from "../links";

// One job of one tenant, by its AWS id; every read is bounded by the tenant id, so another
// tenant's job id finds nothing.

export interface JobDetail {
  kind: JobKind;
  jobId: string;
  /** As IAM names it (AWS lists jobs by id only). */
  jobArn: string;
  accountId: string;
  region: string;
  state: string;
  statusMessage: string | null;
  messageCategory: string | null;
  /** Failed, or completed with issues (db/job-issue.ts). */
  hasIssue: boolean;
  resourceArn: string | null;
  resourceType: string;
  creationDate: Date;
  completionDate: Date | null;
  sizeBytes: number | null;
  /** The role AWS Backup ran the job with, as the job listing reported it. */
  iamRoleArn: string | null;
  plan: { planId: string; planName: string | null; ruleId: string | null; ruleName: string | null } | null;
  facts: Array<[label: string, value: string | null]>;
}

const ARN_TYPE: Record<JobKind, string> = { backup: "backup-job", copy: "copy-job", restore: "restore-job" };

export async function getJobDetail(db: Db, tenantId: string, kind: JobKind, jobId: string): Promise<JobDetail | null> {
  const arn = (accountId: string, region: string) => `arn:aws:backup:${region}:${accountId}:${ARN_TYPE[kind]}:${jobId}`;
  if (kind === "backup") {
    const [j] = await db
      .select()
      .from(backupJobs)
      .where(and(eq(backupJobs.tenantId, tenantId), eq(backupJobs.backupJobId, jobId)))
      .limit(1);
    if (!j) return null;
    let plan: JobDetail["plan"] = null;
    if (j.backupPlanId) {
      const unit = (t: typeof backupPlans | typeof backupRules) =>
        and(
          eq(t.tenantId, tenantId),
          eq(t.accountId, j.accountId),
          eq(t.region, j.region),
          eq(t.planId, j.backupPlanId!),
        );
      const [p] = await db.select({ name: backupPlans.planName }).from(backupPlans).where(unit(backupPlans));
      const [rule] = j.backupRuleId
        ? await db
            .select({ name: backupRules.ruleName })
            .from(backupRules)
            .where(and(unit(backupRules), eq(backupRules.ruleId, j.backupRuleId)))
            .limit(1)
        : [];
      plan = {
        planId: j.backupPlanId,
        planName: p?.name ?? null,
        ruleId: j.backupRuleId,
        ruleName: rule?.name ?? null,
      };
    }
    return {
      kind,
      jobId,
      jobArn: arn(j.accountId, j.region),
      accountId: j.accountId,
      region: j.region,
      state: j.state,
      statusMessage: j.statusMessage,
      messageCategory: j.messageCategory,
      hasIssue: jobHasIssue(j.state, j.messageCategory),
      resourceArn: j.resourceArn,
      resourceType: j.resourceType,
      creationDate: j.creationDate,
      completionDate: j.completionDate,
      sizeBytes: j.backupSizeBytes,
      iamRoleArn: j.iamRoleArn,
      plan,
      facts: [
        ["Vault", j.backupVaultName],
        ["Recovery point", j.recoveryPointArn],
        ["Parent job", j.parentJobId],
      ],
    };
  }
  if (kind === "copy") {
    const [j] = await db
      .select()
      .from(copyJobs)
      .where(and(eq(copyJobs.tenantId, tenantId), eq(copyJobs.copyJobId, jobId)))
      .limit(1);
    if (!j) return null;
    return {
      kind,
      jobId,
      jobArn: arn(j.accountId, j.region),
      accountId: j.accountId,
      region: j.region,
      state: j.state,
      statusMessage: j.statusMessage,
      messageCategory: j.messageCategory,
      hasIssue: jobHasIssue(j.state, j.messageCategory),
      resourceArn: j.resourceArn,
      resourceType: j.resourceType,
      creationDate: j.creationDate,
      completionDate: j.completionDate,
      sizeBytes: j.backupSizeBytes,
      iamRoleArn: j.iamRoleArn,
      plan: null,
      facts: [
        ["Source vault", j.sourceBackupVaultArn],
        ["Source recovery point", j.sourceRecoveryPointArn],
        ["Destination vault", j.destinationBackupVaultArn],
        ["Destination recovery point", j.destinationRecoveryPointArn],
      ],
    };
  }
  const [j] = await db
    .select()
    .from(restoreJobs)
    .where(and(eq(restoreJobs.tenantId, tenantId), eq(restoreJobs.restoreJobId, jobId)))
    .limit(1);
  if (!j) return null;
  return {
    kind,
    jobId,
    jobArn: arn(j.accountId, j.region),
    accountId: j.accountId,
    region: j.region,
    state: j.status,
    statusMessage: j.statusMessage,
    messageCategory: null,
    hasIssue: jobHasIssue(j.status, null),
    resourceArn: j.sourceResourceArn,
    resourceType: j.resourceType,
    creationDate: j.creationDate,
    completionDate: j.completionDate,
    sizeBytes: null,
    iamRoleArn: j.iamRoleArn,
    plan: null,
    facts: [
      ["Recovery point", j.recoveryPointArn],
      ["Created resource", j.createdResourceArn],
      ["Restore testing plan", j.restoreTestingPlanArn],
      ["Validation", j.validationStatus],
    ],
  };
}
