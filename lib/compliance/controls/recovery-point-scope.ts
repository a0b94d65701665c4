// Shared preamble of the per-recovery-point controls (BK-04, BK-05, BK-12): scope, stale unit,
// points that are on their way out.
import type { RecoveryPoint } from "@/lib/inventory/types";
import type { ControlId, Evidence, Finding, Subject } from "@/lib/compliance/model/finding";
import type { ScopeFilter } from "@/lib/compliance/model/scope";
import type { EvaluationContext } from "@/lib/compliance/engine/context";
import { finding, subjects } from "./control";

/** null: out of scope; a Finding: decided before the control looks; "evaluate": go on. */
export function screenRecoveryPoint(controlId: ControlId, rp: RecoveryPoint, ctx: EvaluationContext, scope: ScopeFilter): Finding | null | "evaluate" {
  if (!scope.account(rp.accountId) || !scope.region(rp.region) || !scope.resourceType(rp.resourceType)) return null;
  if (scope.filtersTags && !scope.tags(ctx.resourceByArn(rp.resourceArn)?.tags ?? null)) return null;
  const state = ctx.unitState(rp.accountId, rp.region);
  if (!state.usable) return finding(controlId, pointSubject(rp), state.skipped ? "NOT_APPLICABLE" : "ERROR", state.reason, [state.evidence]);
  if (rp.status === "DELETING" || rp.status === "EXPIRED") {
    return finding(controlId, subjects.recoveryPoint(rp), "NOT_APPLICABLE", `recovery point is ${rp.status.toLowerCase()}`, []);
  }
  return "evaluate";
}

// The engine hands each recovery point to several controls in a row: build its evidence once.
// Findings are read-only data, so the controls share these objects.
let lastPoint: RecoveryPoint | null = null;
let lastShared: { evidence: Evidence[]; subject: Subject } | null = null;

function shared(rp: RecoveryPoint): { evidence: Evidence[]; subject: Subject } {
  if (rp !== lastPoint || !lastShared) {
    lastPoint = rp;
    lastShared = { evidence: [buildPointEvidence(rp)], subject: subjects.recoveryPoint(rp) };
  }
  return lastShared;
}

/** The recovery point as evidence (one shared, read-only array per point). */
export function pointEvidence(rp: RecoveryPoint): Evidence[] {
  return shared(rp).evidence;
}

export function pointSubject(rp: RecoveryPoint): Subject {
  return shared(rp).subject;
}

// The details are built when first read: most evaluations store only what changed, so most
// points' evidence is never looked at (a million ISO dates saved per evaluation).
function buildPointEvidence(rp: RecoveryPoint): Evidence {
  let details: Evidence["details"] | undefined;
  return {
    kind: "recovery-point",
    id: rp.recoveryPointArn,
    get details() {
      return (details ??= {
        resource: rp.resourceArn,
        vault: rp.backupVaultName,
        status: rp.status,
        creationDate: rp.creationDate.toISOString(),
        isEncrypted: rp.isEncrypted,
        encryptionKeyArn: rp.encryptionKeyArn,
        deleteAfterDays: rp.lifecycle?.deleteAfterDays ?? null,
        moveToColdStorageAfterDays: rp.lifecycle?.moveToColdStorageAfterDays ?? null,
        deleteAt: rp.deleteAt?.toISOString() ?? null,
        storageClass: rp.storageClass,
      });
    },
  };
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
