import type { ReportPeriod } from "@/lib/reports/period";

/** One file a producer wrote, as the destinations send it. */
export interface DeliveryFile {
  /** The file's name (no directory), as delivered. */
  name: string;
  /** Where the producer wrote it. */
  path: string;
  bytes: number;
}

/** What a destination names and writes beside the files. */
export interface DeliveryTarget {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  scheduleName: string;
  slot: Date;
  period: ReportPeriod;
}

const TYPES: Record<string, string> = {
  pdf: "application/pdf",
  html: "text/html; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  json: "application/json",
  zip: "application/zip",
  txt: "text/plain; charset=utf-8",
};

export function contentTypeOf(name: string): string {
  return TYPES[name.split(".").pop()?.toLowerCase() ?? ""] ?? "application/octet-stream";
}
