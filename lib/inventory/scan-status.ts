import type { RecoveryPointScanStatus } from "./types";

// The words for a recovery point's malware scan verdict, the same on every page and export.

export const SCAN_FILTERS = ["clean", "threats", "failed", "unscanned"] as const;
export type ScanFilter = (typeof SCAN_FILTERS)[number];

/** The stored scan_status each filter word selects (null: never scanned). */
export const SCAN_FILTER_STATUS: Record<ScanFilter, RecoveryPointScanStatus | null> = {
  clean: "NO_THREATS_FOUND",
  threats: "THREATS_FOUND",
  failed: "FAILED",
  unscanned: null,
};

/** The word for each scan verdict; a point never scanned (null) is NOT_SCANNED. */
export const SCAN_STATUS_LABELS: Record<RecoveryPointScanStatus, string> = {
  NO_THREATS_FOUND: "clean",
  THREATS_FOUND: "threats found",
  FAILED: "scan failed",
};
export const NOT_SCANNED = "not scanned";

export function scanStatusLabel(status: string | null): string {
  return Object.hasOwn(SCAN_STATUS_LABELS, status ?? "")
    ? SCAN_STATUS_LABELS[status as RecoveryPointScanStatus]
    : NOT_SCANNED;
}
