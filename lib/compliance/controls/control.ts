// The shape of a control, and the small builders every control uses for subjects and evidence.
import type { z } from "zod";
import type { BackupPlan, BackupRule, BackupVault, RecoveryPoint, Resource } from "@/lib/inventory/types";
import type { ControlId, Evidence, Finding, FindingStatus, Subject, SubjectType } from "@/lib/compliance/model/finding";
import type { ScopeFilter } from "@/lib/compliance/model/scope";
import type { EvaluationContext } from "@/lib/compliance/engine/context";
import type { RecoveryPointRef, RestoreRef, JobIssue } from "@/lib/compliance/facts/resource-facts";
import type { SelectionMatch } from "@/lib/compliance/matching/selection-matcher";

export type Emit = (f: Finding) => void;

export interface ControlDefinition<S extends z.ZodType = z.ZodType> {
  id: ControlId;
  title: string;
  /** What a finding of this control is about. */
  subjectTypes: readonly SubjectType[];
  /** What the product checks, in a sentence (shown beside scores and in reports). */
  description: string;
  /** Parameters with PRODUCT.md's defaults: `params.parse({})` gives the defaults. */
  params: S;
  /** Days of job history the control needs (BK-14's look-back, BK-15's role failures). */
  jobLookbackDays?(params: z.output<S>): number;
  /** Subjects other than recovery points. */
  evaluate?(ctx: EvaluationContext, params: z.output<S>, scope: ScopeFilter, emit: Emit): void;
  /** One recovery point at a time, so the engine can stream a million of them in one pass. */
  evaluateRecoveryPoint?(rp: RecoveryPoint, ctx: EvaluationContext, params: z.output<S>, scope: ScopeFilter): Finding | null;
}

export function defineControl<S extends z.ZodType>(def: ControlDefinition<S>): ControlDefinition<S> {
  return def;
}

export function finding(controlId: ControlId, subject: Subject, status: FindingStatus, reason: string, evidence: Evidence[]): Finding {
  return { controlId, subject, status, reason, evidence };
}

export const subjects = {
  resource: (r: Resource): Subject => ({ type: "resource", id: r.resourceArn, accountId: r.accountId, region: r.region, resourceType: r.resourceType }),
  plan: (p: BackupPlan): Subject => ({ type: "plan", id: p.planArn, accountId: p.accountId, region: p.region, resourceType: null }),
  rule: (p: BackupPlan, r: BackupRule): Subject => ({ type: "plan-rule", id: `${p.planArn}#${r.ruleId}`, accountId: p.accountId, region: p.region, resourceType: null }),
  vault: (v: BackupVault): Subject => ({ type: "vault", id: v.vaultArn, accountId: v.accountId, region: v.region, resourceType: null }),
  recoveryPoint: (rp: RecoveryPoint): Subject => ({ type: "recovery-point", id: rp.recoveryPointArn, accountId: rp.accountId, region: rp.region, resourceType: rp.resourceType }),
  unit: (accountId: string, region: string): Subject => ({ type: "account-region", id: `${accountId}/${region}`, accountId, region, resourceType: null }),
  accountType: (accountId: string, resourceType: string): Subject => ({ type: "account-resource-type", id: `${accountId}/${resourceType}`, accountId, region: null, resourceType }),
};

export const ev = {
  resource: (r: Resource): Evidence => ({ kind: "resource", id: r.resourceArn, details: { resourceType: r.resourceType, tags: Object.entries(r.tags).map(([k, v]) => `${k}=${v}`) } }),
  plan: (p: BackupPlan): Evidence => ({ kind: "plan", id: p.planArn, details: { name: p.planName, versionId: p.versionId, orgManaged: p.orgManaged } }),
  rule: (p: BackupPlan, r: BackupRule, extra: Evidence["details"] = {}): Evidence => ({
    kind: "rule",
    id: `${p.planArn}#${r.ruleId}`,
    details: {
      plan: p.planName,
      rule: r.ruleName,
      schedule: r.scheduleExpression,
      timezone: r.scheduleExpressionTimezone,
      continuous: r.enableContinuousBackup,
      deleteAfterDays: r.lifecycle?.deleteAfterDays ?? null,
      moveToColdStorageAfterDays: r.lifecycle?.moveToColdStorageAfterDays ?? null,
      targetVault: r.targetBackupVaultName,
      ...extra,
    },
  }),
  selection: (m: SelectionMatch, extra: Evidence["details"] = {}): Evidence => ({
    kind: "selection",
    id: `${m.plan.planArn}#${m.selection.selectionId}`,
    details: {
      plan: m.plan.planName,
      selection: m.selection.selectionName,
      orgManaged: m.plan.orgManaged,
      via: m.path,
      matchedBy: m.matchedBy,
      optInRequired: m.optInRequired,
      iamRoleArn: m.selection.iamRoleArn,
      ...extra,
    },
  }),
  vault: (v: BackupVault, extra: Evidence["details"] = {}): Evidence => ({
    kind: "vault",
    id: v.vaultArn,
    details: { name: v.vaultName, type: v.vaultType, ...extra },
  }),
  point: (p: RecoveryPointRef, extra: Evidence["details"] = {}): Evidence => ({
    kind: "recovery-point",
    id: p.recoveryPointArn,
    details: { creationDate: p.creationDate.toISOString(), vault: p.backupVaultArn, ...extra },
  }),
  job: (j: JobIssue): Evidence => ({
    kind: j.kind === "backup" ? "backup-job" : "copy-job",
    id: j.jobId,
    details: { state: j.state, messageCategory: j.messageCategory, statusMessage: j.statusMessage, creationDate: j.creationDate.toISOString() },
  }),
  restore: (r: RestoreRef): Evidence => ({
    kind: "restore-job",
    id: r.restoreJobId,
    details: {
      completionDate: r.completionDate.toISOString(),
      durationMinutes: Math.round(r.durationMinutes * 10) / 10,
      restoreTestingPlanArn: r.restoreTestingPlanArn,
      recoveryPoint: r.recoveryPointArn,
      resource: r.resourceArn,
    },
  }),
};

export function hoursAgo(now: Date, then: Date): number {
  return (now.getTime() - then.getTime()) / 3_600_000;
}


/** "2026-06-15 03:00 UTC": a fixed time, so a reason stays the same from one evaluation to the next. */
export function formatTime(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Ages and frequencies are given as unit + value (Audit Manager's parameters). */
export function toHours(unit: "hours" | "days", value: number): number {
  return unit === "days" ? value * 24 : value;
}
