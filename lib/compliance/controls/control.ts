// The shape of a control, and the small builders every control uses for subjects and evidence.
import type { z } from "zod";
import type { BackupPlan, BackupRule, BackupVault, RecoveryPoint, Resource } from "@/lib/inventory/types";
import type {
  ControlId,
  Evidence,
  Facts,
  Finding,
  Subject,
  SubjectType,
  VerdictStatus,
} from "@/lib/compliance/model/finding";
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
  /** How to make a failing finding pass, in a few sentences (the control's drill-down opens with it). */
  remediation: string;
  /** Parameters with PRODUCT.md's defaults: `params.parse({})` gives the defaults. */
  params: S;
  /** Days of job history the control needs (BK-14's look-back, BK-15's role failures). */
  jobLookbackDays?(params: z.output<S>): number;
  /** Subjects other than recovery points. */
  evaluate?(ctx: EvaluationContext, params: z.output<S>, scope: ScopeFilter, emit: Emit): void;
  /** One recovery point at a time, so the engine can stream a million of them in one pass. */
  evaluateRecoveryPoint?(
    rp: RecoveryPoint,
    ctx: EvaluationContext,
    params: z.output<S>,
    scope: ScopeFilter,
  ): Finding | null;
}

export function defineControl<S extends z.ZodType>(def: ControlDefinition<S>): ControlDefinition<S> {
  return def;
}

/** A verdict from facts that were read: PASS, FAIL or NOT_APPLICABLE (ERROR only comes from `judge`). */
export function finding(
  controlId: ControlId,
  subject: Subject,
  status: VerdictStatus,
  reason: string,
  evidence: Evidence[],
): Finding {
  return { controlId, subject, status, reason, evidence };
}

export interface Verdict {
  status: VerdictStatus;
  reason: string;
  evidence: Evidence[];
}

export const READ: Facts = { read: true };

/** A fact that was fetched but cannot be interpreted (a malformed document): as good as unread. */
export function unreadable(reason: string, evidence: Evidence[] = []): Facts {
  return { read: false, skipped: false, reason, evidence };
}

function firstUnread(facts: Facts | readonly Facts[]): Extract<Facts, { read: false }> | null {
  if (!Array.isArray(facts)) return (facts as Facts).read ? null : (facts as Extract<Facts, { read: false }>);
  for (const f of facts as readonly Facts[]) if (!f.read) return f;
  return null;
}

/**
 * The one rule between ERROR and a verdict, which every control follows: a finding is ERROR only
 * when a fact that decides it could not be read (NOT_APPLICABLE when that is because the region
 * is not enabled, so nothing there needs a verdict). With every fact read, the control's verdict
 * stands, and it cannot be ERROR: an object that a complete read of its account and region did
 * not find does not exist, which is a FAIL with that reason. Pass only the facts that can still
 * change the verdict (a PASS that holds whatever an unread fact says needs none).
 * Without `decide`: the unread finding, or null when every fact was read and the control goes on.
 */
export function judge(controlId: ControlId, subject: Subject, facts: Facts | readonly Facts[]): Finding | null;
export function judge(
  controlId: ControlId,
  subject: Subject,
  facts: Facts | readonly Facts[],
  decide: () => Verdict,
): Finding;
export function judge(
  controlId: ControlId,
  subject: Subject,
  facts: Facts | readonly Facts[],
  decide?: () => Verdict,
): Finding | null {
  const unread = firstUnread(facts);
  if (unread)
    return {
      controlId,
      subject,
      status: unread.skipped ? "NOT_APPLICABLE" : "ERROR",
      reason: unread.reason,
      evidence: unread.evidence,
    };
  if (!decide) return null;
  const v = decide();
  return finding(controlId, subject, v.status, v.reason, v.evidence);
}

/**
 * Whether an object referenced from elsewhere (a copy destination, a target vault, a KMS key)
 * would be in the inventory if it existed: its account belongs to the tenant and its unit was read
 * completely. A region not enabled for the account holds nothing, so absence there is a fact too.
 */
export function referenceFacts(ctx: EvaluationContext, accountId: string, region: string, what: string): Facts {
  if (!ctx.account(accountId)) {
    return unreadable(
      ctx.snapshot.accounts.length
        ? `${what} is in account ${accountId}, outside this organization, so it was not read`
        : `the organization's accounts were not read, so ${what} could not be looked up`,
    );
  }
  const f = ctx.unitState(accountId, region);
  return !f.read && f.skipped ? READ : f;
}

const WEEK_MS = 7 * 86_400_000;

// A resource's subject is shared by the findings of every control about it (read-only data).
let resourceSubjects = new WeakMap<Resource, Subject>();

export const subjects = {
  resource: (r: Resource): Subject => {
    let s = resourceSubjects.get(r);
    if (!s)
      resourceSubjects.set(
        r,
        (s = {
          type: "resource",
          id: r.resourceArn,
          accountId: r.accountId,
          region: r.region,
          resourceType: r.resourceType,
        }),
      );
    return s;
  },
  plan: (p: BackupPlan): Subject => ({
    type: "plan",
    id: p.planArn,
    accountId: p.accountId,
    region: p.region,
    resourceType: null,
  }),
  rule: (p: BackupPlan, r: BackupRule): Subject => ({
    type: "plan-rule",
    id: `${p.planArn}#${r.ruleId}`,
    accountId: p.accountId,
    region: p.region,
    resourceType: null,
  }),
  vault: (v: BackupVault): Subject => ({
    type: "vault",
    id: v.vaultArn,
    accountId: v.accountId,
    region: v.region,
    resourceType: null,
  }),
  recoveryPoint: (rp: RecoveryPoint): Subject => ({
    type: "recovery-point",
    id: rp.recoveryPointArn,
    accountId: rp.accountId,
    region: rp.region,
    resourceType: rp.resourceType,
    bucket: `w${Math.floor(rp.creationDate.getTime() / WEEK_MS)}`,
  }),
  unit: (accountId: string, region: string): Subject => ({
    type: "account-region",
    id: `${accountId}/${region}`,
    accountId,
    region,
    resourceType: null,
  }),
  accountType: (accountId: string, resourceType: string): Subject => ({
    type: "account-resource-type",
    id: `${accountId}/${resourceType}`,
    accountId,
    region: null,
    resourceType,
  }),
};

// Evidence items are read-only data: one object per source object, shared by every finding that
// cites it, so storage interns them by identity instead of serialising each copy.
const memoCaches: Array<{ cache: WeakMap<object, Evidence> }> = [];
function memo<K extends object>(build: (k: K) => Evidence): (k: K) => Evidence {
  const holder = { cache: new WeakMap<object, Evidence>() };
  memoCaches.push(holder);
  return (k) => {
    let e = holder.cache.get(k);
    if (!e) holder.cache.set(k, (e = build(k)));
    return e;
  };
}

/**
 * Forgets shared evidence objects (they stay alive as long as their source object, e.g. every
 * resource of the snapshot): the streamed evaluation calls it after each account.
 */
export function releaseEvidenceCaches(): void {
  for (const h of memoCaches) h.cache = new WeakMap();
  resourceSubjects = new WeakMap();
}
const noExtra = (extra: Evidence["details"] | undefined) => !extra || Object.keys(extra).length === 0;
const resourceEvidence = memo((r: Resource): Evidence => ({
  kind: "resource",
  id: r.resourceArn,
  details: { resourceType: r.resourceType, tags: Object.entries(r.tags).map(([k, v]) => `${k}=${v}`) },
}));
const planEvidence = memo((p: BackupPlan): Evidence => ({
  kind: "plan",
  id: p.planArn,
  details: { name: p.planName, versionId: p.versionId, orgManaged: p.orgManaged },
}));

export const ev = {
  resource: resourceEvidence,
  plan: planEvidence,
  rule: (p: BackupPlan, r: BackupRule, extra?: Evidence["details"]): Evidence =>
    noExtra(extra) ? ruleEvidence(p, r) : buildRuleEvidence(p, r, extra),
  selection: (m: SelectionMatch, extra?: Evidence["details"]): Evidence =>
    noExtra(extra) ? selectionEvidence(m) : buildSelectionEvidence(m, extra),
  vault: (v: BackupVault, extra?: Evidence["details"]): Evidence =>
    noExtra(extra) ? vaultEvidence(v) : buildVaultEvidence(v, extra),
  point: (p: RecoveryPointRef, extra?: Evidence["details"]): Evidence =>
    noExtra(extra) ? pointRefEvidence(p) : buildPointEvidence(p, extra),
  job: memo((j: JobIssue): Evidence => ({
    kind: j.kind === "backup" ? "backup-job" : "copy-job",
    id: j.jobId,
    details: {
      state: j.state,
      messageCategory: j.messageCategory,
      statusMessage: j.statusMessage,
      creationDate: j.creationDate.toISOString(),
    },
  })),
  restore: memo((r: RestoreRef): Evidence => ({
    kind: "restore-job",
    id: r.restoreJobId,
    details: {
      completionDate: r.completionDate.toISOString(),
      durationMinutes: Math.round(r.durationMinutes * 10) / 10,
      restoreTestingPlanArn: r.restoreTestingPlanArn,
      validationStatus: r.validationStatus,
      recoveryPoint: r.recoveryPointArn,
      resource: r.resourceArn,
    },
  })),
};

function buildRuleEvidence(p: BackupPlan, r: BackupRule, extra: Evidence["details"] = {}): Evidence {
  return {
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
  };
}
const ruleEvidence = (() => {
  const holder = { cache: new WeakMap<object, Evidence>() };
  memoCaches.push(holder);
  return (p: BackupPlan, r: BackupRule): Evidence => {
    let e = holder.cache.get(r);
    if (!e) holder.cache.set(r, (e = buildRuleEvidence(p, r)));
    return e;
  };
})();

function buildSelectionEvidence(m: SelectionMatch, extra: Evidence["details"] = {}): Evidence {
  return {
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
  };
}
const selectionEvidence = memo((m: SelectionMatch) => buildSelectionEvidence(m));

function buildVaultEvidence(v: BackupVault, extra: Evidence["details"] = {}): Evidence {
  return { kind: "vault", id: v.vaultArn, details: { name: v.vaultName, type: v.vaultType, ...extra } };
}
const vaultEvidence = memo((v: BackupVault) => buildVaultEvidence(v));

function buildPointEvidence(p: RecoveryPointRef, extra: Evidence["details"] = {}): Evidence {
  return {
    kind: "recovery-point",
    id: p.recoveryPointArn,
    details: { creationDate: p.creationDate.toISOString(), vault: p.backupVaultArn, ...extra },
  };
}
const pointRefEvidence = memo((p: RecoveryPointRef) => buildPointEvidence(p));

export function hoursAgo(now: Date, then: Date): number {
  return (now.getTime() - then.getTime()) / 3_600_000;
}

/** "2026-06-15 03:00 UTC": a fixed time, so a reason stays the same from one evaluation to the next. */
export function formatTime(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** The last part of a recovery point's ARN (snap-…, image/ami-…'s id, the recovery-point id), for reasons. */
export function pointName(recoveryPointArn: string): string {
  return recoveryPointArn.slice(Math.max(recoveryPointArn.lastIndexOf("/"), recoveryPointArn.lastIndexOf(":")) + 1);
}

/** "2026-06-15": the day of a restore or a test, for reasons. */
export function formatDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Ages and frequencies are given as unit + value (Audit Manager's parameters). */
export function toHours(unit: "hours" | "days", value: number): number {
  return unit === "days" ? value * 24 : value;
}
