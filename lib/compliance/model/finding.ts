// What every control produces. Findings are plain data so the storage layer can hash and diff
// them (store what changed) and an auditor can read them without the engine.

export const FINDING_STATUSES = ["PASS", "FAIL", "NOT_APPLICABLE", "ERROR"] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** Scoring adds EXCEPTED: a FAIL with an accepted, unexpired exception. */
export const SCORED_STATUSES = ["PASS", "FAIL", "NOT_APPLICABLE", "ERROR", "EXCEPTED"] as const;
export type ScoredStatus = (typeof SCORED_STATUSES)[number];

export const CONTROL_IDS = [
  "BK-01",
  "BK-02",
  "BK-03",
  "BK-04",
  "BK-05",
  "BK-06",
  "BK-07",
  "BK-08",
  "BK-09",
  "BK-10",
  "BK-11",
  "BK-12",
  "BK-13",
  "BK-14",
  "BK-15",
  "BK-16",
  "BK-17",
  "BK-18",
  "BK-19",
  "BK-20",
  "BK-21",
] as const;
export type ControlId = (typeof CONTROL_IDS)[number];

export const SUBJECT_TYPES = [
  "resource",
  "plan",
  "plan-rule",
  "vault",
  "recovery-point",
  "account-region",
  "account-resource-type",
] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export interface Subject {
  type: SubjectType;
  /** ARN for resources, plans, vaults, recovery points; "<planArn>#<ruleId>" for rules;
   *  "<account>/<region>" for account-region; "<account>/<resourceType>" for account-resource-type. */
  id: string;
  accountId: string;
  /** null for subjects that span regions (BK-13 per account and resource type). */
  region: string | null;
  resourceType: string | null;
  /**
   * Where storage files the finding, when subjects come and go at different times (recovery
   * points: week of creation). Not part of the finding's identity.
   */
  bucket?: string;
}

export const EVIDENCE_KINDS = [
  "resource",
  "plan",
  "rule",
  "selection",
  "copy-action",
  "vault",
  "vault-lock",
  "policy-statement",
  "recovery-point",
  "backup-job",
  "copy-job",
  "restore-job",
  "region-setting",
  "org-policy",
  "effective-policy",
  "kms-key",
  "unit",
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export type EvidenceValue = string | number | boolean | null | string[];

export interface Evidence {
  kind: EvidenceKind;
  /** An AWS id or ARN (or a synthetic id such as "<policyArn>#statement[2]"). */
  id: string;
  details?: Record<string, EvidenceValue>;
}

/**
 * An evidence item may offer its details as a fixed list of keys and their values (the
 * recovery-point evidence does, a million times per evaluation): storage then encodes it without
 * building the details object. `details` must give the same keys and values, except that a
 * time may be given as a Date, which `details` gives as its ISO text (storage keeps the number
 * and decodes it to that text).
 */
export const COMPACT_EVIDENCE: unique symbol = Symbol("compact-evidence");
export interface CompactEvidence {
  [COMPACT_EVIDENCE](): { shape: string; keys: readonly string[]; values: Array<EvidenceValue | Date> };
}

export interface Finding {
  controlId: ControlId;
  subject: Subject;
  status: FindingStatus;
  /** One line a person understands: "daily rule keeps recovery points 14 days; 35 required". */
  reason: string;
  evidence: Evidence[];
}

/** What a control concludes from facts it read: ERROR is not among them (see Facts). */
export type VerdictStatus = Exclude<FindingStatus, "ERROR">;

/**
 * Whether the facts that decide a finding were read. A unit read completely says what exists in
 * its account and region: an object it does not hold does not exist (a FAIL, not an ERROR).
 * `skipped`: the region is not enabled for the account, so nothing there needs a verdict.
 */
export type Facts = { read: true } | { read: false; skipped: boolean; reason: string; evidence: Evidence[] };

/** Stable identity of a finding within one control run: storage keys findings by it. */
export function findingKey(f: Pick<Finding, "controlId" | "subject">): string {
  return `${f.controlId}|${f.subject.type}|${f.subject.id}`;
}
