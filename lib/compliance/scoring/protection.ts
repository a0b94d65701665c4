// The one rule for a resource's protection status, wherever it is shown. A resource is Protected
// only when a backup plan's selection really covers it (BK-01) AND its newest recovery point meets
// its RPO (BK-09). Covered but without a recent enough point (never backed up, or behind) is At
// risk, with BK-09's reason; not covered is Unprotected, with BK-01's reason. Covered alone is
// not enough: a plan that never produced a backup protects nothing.
import type { ScoredStatus } from "@/lib/compliance/model/finding";

export type ProtectionState = "protected" | "at-risk" | "unprotected" | "unknown" | "out-of-scope";

export interface ProtectionStatus {
  state: ProtectionState;
  label: string;
  tone: "green" | "amber" | "red" | "violet" | "gray";
  /** Why, in one line a person understands. */
  reason: string;
}

export function protectionStatus(p: {
  /** BK-01: covered by a plan's selection. */
  coverage: ScoredStatus;
  coverageReason: string;
  /** BK-09: newest recovery point within the RPO; null when no framework in use checks it. */
  rpo: ScoredStatus | null;
  rpoReason: string | null;
}): ProtectionStatus {
  switch (p.coverage) {
    case "NOT_APPLICABLE":
      return { state: "out-of-scope", label: "Out of scope", tone: "gray", reason: p.coverageReason };
    case "ERROR":
      return { state: "unknown", label: "Unknown (data missing)", tone: "amber", reason: p.coverageReason };
    case "FAIL":
      return { state: "unprotected", label: "Unprotected", tone: "red", reason: p.coverageReason };
    case "EXCEPTED":
      return {
        state: "unprotected",
        label: "Unprotected (accepted)",
        tone: "violet",
        reason: p.coverageReason,
      };
    case "PASS":
      break;
  }
  if (p.rpo === "PASS")
    return { state: "protected", label: "Protected", tone: "green", reason: p.rpoReason ?? p.coverageReason };
  if (p.rpo === "ERROR")
    return {
      state: "unknown",
      label: "Unknown (data missing)",
      tone: "amber",
      reason: `covered by a plan; RPO unknown: ${p.rpoReason ?? "no data"}`,
    };
  const why =
    p.rpo === null
      ? "no framework in use checks its RPO (BK-09), so no recent backup is known"
      : p.rpo === "NOT_APPLICABLE"
        ? `RPO not checked: ${p.rpoReason ?? "not applicable"}`
        : (p.rpoReason ?? "RPO missed");
  return {
    state: "at-risk",
    label: p.rpo === "EXCEPTED" ? "At risk (accepted)" : "At risk",
    tone: p.rpo === "EXCEPTED" ? "violet" : "amber",
    reason: `covered by a plan, but ${why}`,
  };
}
