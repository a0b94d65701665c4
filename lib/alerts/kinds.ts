import type { AlertChannelKind, AlertDeliveryStatus, AlertEventKind } from "@/db/schema";

// The words for alert kinds, channel kinds and delivery states, wherever a person reads them (the
// Alerts page, the digest). The rules themselves are in rule-params.ts.

export const EVENT_KIND_LABELS: Record<AlertEventKind, { label: string; description: string }> = {
  control_failed: {
    label: "A control turns FAIL",
    description: "A resource's finding of the chosen controls (all when none) becomes FAIL after an evaluation.",
  },
  score_dropped: {
    label: "A score drops",
    description: "A framework's compliance score, or the resilience score, falls below a threshold or by some points.",
  },
  sync_unit_failed_twice: {
    label: "An account-region fails to sync twice",
    description: "The same account and region failed in the two latest syncs that read it.",
  },
  job_failure_spike: {
    label: "Backup job failures spike",
    description: "A resource's failed backup jobs in a window reach a multiple of its own usual rate.",
  },
  exception_expired: {
    label: "An exception expires",
    description: "An accepted exception on a failing finding reaches its expiry date.",
  },
  policy_drift: {
    label: "A backup policy drifts",
    description: "A managed Organizations backup policy no longer matches the version pushed from here.",
  },
};

export const CHANNEL_KIND_LABELS: Record<AlertChannelKind, string> = {
  webhook: "Signed webhook",
  slack: "Slack (incoming webhook)",
  email: "Email",
  feed: "JSON-lines feed",
};

export const DELIVERY_STATUS_TONES: Record<AlertDeliveryStatus, "green" | "red" | "amber" | "gray" | "blue"> = {
  sent: "green",
  failed: "red",
  retrying: "amber",
  muted: "gray",
  pending: "blue",
};

export const EVENT_KINDS = Object.keys(EVENT_KIND_LABELS) as AlertEventKind[];
export const CHANNEL_KINDS = Object.keys(CHANNEL_KIND_LABELS) as AlertChannelKind[];
