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

export function scanStatusLabel(status: string | null): string {
  switch (status) {
    case "NO_THREATS_FOUND":
      return "clean";
    case "THREATS_FOUND":
      return "threats found";
    case "FAILED":
      return "scan failed";
    default:
      return "not scanned";
  }
}
