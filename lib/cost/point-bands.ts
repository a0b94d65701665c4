import type { StorageTier } from "@/db/schema";

// How the cost report sorts recovery points: by the storage tier that bills them and by age.

/** Age bands by upper bound in days (exclusive); the last is open-ended. */
export const AGE_BANDS = [
  { id: "lt7", label: "Under 7 days", maxDays: 7 },
  { id: "lt30", label: "7–30 days", maxDays: 30 },
  { id: "lt90", label: "30–90 days", maxDays: 90 },
  { id: "lt365", label: "90 days–1 year", maxDays: 365 },
  { id: "older", label: "Over 1 year", maxDays: Infinity },
] as const;
export type AgeBand = (typeof AGE_BANDS)[number]["id"];

/** Ages at or beyond this many days all fall in the last band, so a query may cap them there. */
export const AGE_CAP_DAYS = 365;

export function ageBandOf(ageDays: number): AgeBand {
  return AGE_BANDS.find((b) => ageDays < b.maxDays)!.id;
}

/**
 * The tier a point is billed in. AWS's own StorageClass wins when the inventory has it; without
 * it, a point is cold once its calculated lifecycle MoveToColdStorageAt has passed.
 */
export function storageTierOf(p: { storageClass: string | null; coldSincePassed: boolean }): StorageTier {
  if (p.storageClass === "COLD") return "cold";
  if (p.storageClass === "WARM") return "warm";
  return p.coldSincePassed ? "cold" : "warm";
}

/** AWS bills backup storage per GB-month with GB meaning 2^30 bytes. */
export const BYTES_PER_GB = 2 ** 30;

export function monthlyCostUsd(bytes: number, usdPerGbMonth: number): number {
  return (bytes / BYTES_PER_GB) * usdPerGbMonth;
}
