// How long AWS keeps what a rule, a copy action or a recovery point creates.
// - A rule without a lifecycle (or DeleteAfterDays unset or -1) keeps recovery points forever.
// - A copy action without a lifecycle inherits the source rule's lifecycle
//   (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsBackupBackupPlanRuleCopyActionsDetails.html).
// - Cold storage does not shorten retention; DeleteAfterDays counts from creation.
import type { BackupRule, CopyAction, Lifecycle, RecoveryPoint } from "@/lib/inventory/types";

const DAY_MS = 86_400_000;

export interface Retention {
  /** null = never expires. */
  days: number | null;
  coldAfterDays: number | null;
  /** Where the figure came from, for evidence. */
  basis:
    | "rule-lifecycle"
    | "copy-lifecycle"
    | "inherited-rule-lifecycle"
    | "recovery-point-lifecycle"
    | "calculated-delete-date"
    | "none";
}

export function deleteAfterDays(l: Lifecycle | null | undefined): number | null {
  const d = l?.deleteAfterDays;
  return d === null || d === undefined || d < 0 ? null : d;
}

export function ruleRetention(rule: BackupRule): Retention {
  return {
    days: deleteAfterDays(rule.lifecycle),
    coldAfterDays: rule.lifecycle?.moveToColdStorageAfterDays ?? null,
    basis: rule.lifecycle ? "rule-lifecycle" : "none",
  };
}

export function copyRetention(rule: BackupRule, copy: CopyAction): Retention {
  if (!copy.lifecycle) return { ...ruleRetention(rule), basis: "inherited-rule-lifecycle" };
  return {
    days: deleteAfterDays(copy.lifecycle),
    coldAfterDays: copy.lifecycle.moveToColdStorageAfterDays ?? null,
    basis: "copy-lifecycle",
  };
}

/**
 * A recovery point's retention: its own lifecycle when set, else the calculated delete date
 * (CalculatedLifecycle.DeleteAt, measured from creation), else it never expires.
 */
export function recoveryPointRetention(rp: RecoveryPoint): Retention {
  const fromLifecycle = deleteAfterDays(rp.lifecycle);
  const coldAfterDays = rp.lifecycle?.moveToColdStorageAfterDays ?? null;
  if (fromLifecycle !== null) return { days: fromLifecycle, coldAfterDays, basis: "recovery-point-lifecycle" };
  if (rp.deleteAt) {
    const days = (rp.deleteAt.getTime() - rp.creationDate.getTime()) / DAY_MS;
    return { days: Math.round(days * 1000) / 1000, coldAfterDays, basis: "calculated-delete-date" };
  }
  return { days: null, coldAfterDays, basis: "none" };
}

export function describeRetention(r: Retention): string {
  if (r.days === null) return "never expires";
  const d = Number.isInteger(r.days) ? `${r.days}` : r.days.toFixed(1);
  const cold = r.coldAfterDays !== null && r.coldAfterDays >= 0 ? ` (cold after ${r.coldAfterDays})` : "";
  return `${d} day${r.days === 1 ? "" : "s"}${cold}`;
}

/** Human word for a worst-case interval, used in reasons: "daily", "weekly", "every 72 h". */
export function cadenceWord(minutes: number): string {
  if (minutes === 0) return "continuous";
  if (minutes === 1440) return "daily";
  if (minutes === 10080) return "weekly";
  if (minutes === 60) return "hourly";
  if (!Number.isFinite(minutes)) return "never-running";
  return minutes % 1440 === 0
    ? `every-${minutes / 1440}-days`
    : minutes % 60 === 0
      ? `every-${minutes / 60}-h`
      : `every-${minutes}-min`;
}
