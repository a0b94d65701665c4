import { Badge, type BadgeTone } from "@/app/_components/ui/badge";
import type { PolicyDriftStatus } from "@/lib/policies/drift-diff";
import type { UnitState } from "@/lib/policies/drift-report";

// The words and colours of each drift state, shared by the page's two tables and its legend.

export const UNIT_STATE: Record<UnitState, { label: string; tone: BadgeTone; meaning: string }> = {
  drifted: {
    label: "changed outside",
    tone: "red",
    meaning:
      "A policy this product manages was changed in AWS outside it (content or attachment), and the change reaches here.",
  },
  materialisation: {
    label: "plans differ",
    tone: "amber",
    meaning: "The org-managed plans AWS Backup materialised here differ from the account's effective policy.",
  },
  "not-covered": {
    label: "not covered",
    tone: "amber",
    meaning: "No backup policy applies to this account and region.",
  },
  "awaiting-sync": {
    label: "awaiting sync",
    tone: "blue",
    meaning: "A version was pushed after the last sync read the organization.",
  },
  unknown: {
    label: "not read",
    tone: "gray",
    meaning: "This account and region (or the organization's policies) could not be read.",
  },
  "in-sync": { label: "in sync", tone: "green", meaning: "Intended, in AWS and materialised agree." },
  unmanaged: {
    label: "other policies",
    tone: "violet",
    meaning: "Covered, and materialised as the effective policy says, by policies this product does not manage.",
  },
  "not-applicable": {
    label: "not applicable",
    tone: "gray",
    meaning: "A suspended account, or a region the account has not enabled.",
  },
};

export const POLICY_STATUS: Record<PolicyDriftStatus, { label: string; tone: BadgeTone }> = {
  "in-sync": { label: "as pushed", tone: "green" },
  drifted: { label: "changed outside", tone: "red" },
  missing: { label: "deleted in AWS", tone: "red" },
  "awaiting-sync": { label: "awaiting sync", tone: "blue" },
  "not-read": { label: "not read", tone: "gray" },
};

export function UnitStateBadge({ state }: { state: UnitState }) {
  const s = UNIT_STATE[state];
  return (
    <Badge tone={s.tone} title={s.meaning}>
      {s.label}
    </Badge>
  );
}

export function PolicyStatusBadge({ status }: { status: PolicyDriftStatus }) {
  const s = POLICY_STATUS[status];
  return <Badge tone={s.tone}>{s.label}</Badge>;
}
