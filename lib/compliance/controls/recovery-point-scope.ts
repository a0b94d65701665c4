// Shared preamble of the per-recovery-point controls (BK-04, BK-05, BK-12): scope, stale unit,
// points that are on their way out.
import type { RecoveryPoint } from "@/lib/inventory/types";
import type { ControlId, Finding } from "@/lib/compliance/model/finding";
import type { ScopeFilter } from "@/lib/compliance/model/scope";
import type { EvaluationContext } from "@/lib/compliance/engine/context";
import { finding, subjects } from "./control";

/** null: out of scope; a Finding: decided before the control looks; "evaluate": go on. */
export function screenRecoveryPoint(controlId: ControlId, rp: RecoveryPoint, ctx: EvaluationContext, scope: ScopeFilter): Finding | null | "evaluate" {
  if (!scope.account(rp.accountId) || !scope.region(rp.region) || !scope.resourceType(rp.resourceType)) return null;
  if (scope.filtersTags && !scope.tags(ctx.resourceByArn(rp.resourceArn)?.tags ?? null)) return null;
  const state = ctx.unitState(rp.accountId, rp.region);
  if (!state.usable) return finding(controlId, subjects.recoveryPoint(rp), state.skipped ? "NOT_APPLICABLE" : "ERROR", state.reason, [state.evidence]);
  if (rp.status === "DELETING" || rp.status === "EXPIRED") {
    return finding(controlId, subjects.recoveryPoint(rp), "NOT_APPLICABLE", `recovery point is ${rp.status.toLowerCase()}`, []);
  }
  return "evaluate";
}

// The engine hands each recovery point to several controls in a row: build its evidence once.
let lastPoint: RecoveryPoint | null = null;
let lastEvidence: ReturnType<typeof buildPointEvidence> | null = null;

export function pointEvidence(rp: RecoveryPoint) {
  if (rp !== lastPoint || !lastEvidence) {
    lastPoint = rp;
    lastEvidence = buildPointEvidence(rp);
  }
  return lastEvidence;
}

function buildPointEvidence(rp: RecoveryPoint) {
  return {
    kind: "recovery-point" as const,
    id: rp.recoveryPointArn,
    details: {
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
    },
  };
}
