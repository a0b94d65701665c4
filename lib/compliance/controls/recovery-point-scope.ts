// Shared preamble of the per-recovery-point controls (BK-04, BK-05, BK-12): scope, stale unit,
// points that are on their way out.
import type { RecoveryPoint } from "@/lib/inventory/types";
import {
  COMPACT_EVIDENCE,
  type CompactEvidence,
  type ControlId,
  type Evidence,
  type EvidenceValue,
  type Finding,
  type Subject,
} from "@/lib/compliance/model/finding";
import type { ScopeFilter } from "@/lib/compliance/model/scope";
import type { EvaluationContext } from "@/lib/compliance/engine/context";
import { recoveryPointRetention, type Retention } from "@/lib/compliance/lifecycle";
import { finding, judge, subjects } from "./control";

/** null: out of scope; a Finding: decided before the control looks; "evaluate": go on. */
export function screenRecoveryPoint(
  controlId: ControlId,
  rp: RecoveryPoint,
  ctx: EvaluationContext,
  scope: ScopeFilter,
): Finding | null | "evaluate" {
  if (!scope.account(rp.accountId) || !scope.region(rp.region) || !scope.resourceType(rp.resourceType)) return null;
  if (scope.filtersTags && !scope.tags(ctx.resourceByArn(rp.resourceArn)?.tags ?? null)) return null;
  const unread = judge(controlId, pointSubject(rp), ctx.unitState(rp.accountId, rp.region));
  if (unread) return unread;
  if (rp.status === "DELETING" || rp.status === "EXPIRED") {
    return finding(
      controlId,
      pointSubject(rp),
      "NOT_APPLICABLE",
      `recovery point is ${rp.status.toLowerCase()}`,
      pointEvidence(rp),
    );
  }
  return "evaluate";
}

// The engine hands each recovery point to several controls in a row: build its evidence once.
// Findings are read-only data, so the controls share these objects.
let lastPoint: RecoveryPoint | null = null;
let lastShared: { evidence: Evidence[]; subject: Subject; retention: Retention | null } | null = null;

function shared(rp: RecoveryPoint): { evidence: Evidence[]; subject: Subject; retention: Retention | null } {
  if (rp !== lastPoint || !lastShared) {
    lastPoint = rp;
    lastShared = { evidence: [new PointEvidence(rp)], subject: subjects.recoveryPoint(rp), retention: null };
  }
  return lastShared;
}

/** The point's retention, worked out once for BK-05 and every BK-12 run. */
export function pointRetention(rp: RecoveryPoint): Retention {
  const s = shared(rp);
  return (s.retention ??= recoveryPointRetention(rp));
}

/** The recovery point as evidence (one shared, read-only array per point). */
export function pointEvidence(rp: RecoveryPoint): Evidence[] {
  return shared(rp).evidence;
}

export function pointSubject(rp: RecoveryPoint): Subject {
  return shared(rp).subject;
}

// The details are built when first read: most evaluations store only what changed, so most
// points' evidence is never looked at (a million ISO dates saved per evaluation). A class with a
// getter on its prototype, not a closure per point; toJSON keeps it plain data when serialised.
const POINT_KEYS = [
  "resource",
  "vault",
  "status",
  "creationDate",
  "isEncrypted",
  "encryptionKeyArn",
  "deleteAfterDays",
  "moveToColdStorageAfterDays",
  "deleteAt",
  "storageClass",
  "plan",
  "rule",
] as const;
const POINT_SHAPE = `recovery-point|${POINT_KEYS.join("|")}`;

class PointEvidence implements Evidence, CompactEvidence {
  readonly kind = "recovery-point" as const;
  readonly id: string;
  private built: Evidence["details"] | undefined;
  constructor(private readonly rp: RecoveryPoint) {
    this.id = rp.recoveryPointArn;
  }
  /** Times as Dates: storage keeps them as numbers (a million ISO texts less to build and store). */
  private values(): Array<EvidenceValue | Date> {
    const rp = this.rp;
    return [
      rp.resourceArn,
      rp.backupVaultName,
      rp.status,
      rp.creationDate,
      rp.isEncrypted,
      rp.encryptionKeyArn,
      rp.lifecycle?.deleteAfterDays ?? null,
      rp.lifecycle?.moveToColdStorageAfterDays ?? null,
      rp.deleteAt,
      rp.storageClass,
      rp.backupPlanId,
      rp.backupRuleId,
    ];
  }
  get details(): Evidence["details"] {
    if (!this.built) {
      const v = this.values();
      this.built = Object.fromEntries(POINT_KEYS.map((k, i) => [k, v[i] instanceof Date ? v[i].toISOString() : v[i]!]));
    }
    return this.built;
  }
  [COMPACT_EVIDENCE]() {
    return { shape: POINT_SHAPE, keys: POINT_KEYS, values: this.values() };
  }
  toJSON(): Evidence {
    return { kind: this.kind, id: this.id, details: this.details };
  }
}

/** Where a recovery point's retention came from, appended to reasons (lifecycle says nothing). */
export const BASIS: Record<string, string> = {
  "recovery-point-lifecycle": "",
  "calculated-delete-date": " (calculated delete date)",
  none: "",
  "rule-lifecycle": "",
  "copy-lifecycle": "",
  "inherited-rule-lifecycle": "",
};

/**
 * Reasons of the per-point controls repeat a few forms a million times: one string per form,
 * so the findings of a unit share them instead of each holding a fresh copy.
 */
export function reasonCache(): (key: string, build: () => string) => string {
  const cache = new Map<string, string>();
  return (key, build) => {
    let r = cache.get(key);
    if (r === undefined) {
      r = build();
      if (cache.size < 10_000) cache.set(key, r);
    }
    return r;
  };
}

/** The same, keyed by a retention and a parameter without building a key string per point. */
export function retentionReasonCache(): (r: Retention, param: number, build: () => string) => string {
  const cache = new Map<string, Map<number | null, Map<number | null, Map<number, string>>>>();
  return (r, param, build) => {
    let byBasis = cache.get(r.basis);
    if (!byBasis) cache.set(r.basis, (byBasis = new Map()));
    let byDays = byBasis.get(r.days);
    if (!byDays) byBasis.set(r.days, (byDays = new Map()));
    let byCold = byDays.get(r.coldAfterDays);
    if (!byCold) byDays.set(r.coldAfterDays, (byCold = new Map()));
    let text = byCold.get(param);
    if (text === undefined) byCold.set(param, (text = build()));
    return text;
  };
}
