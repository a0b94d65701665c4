import type { ReportScheduleRow } from "@/db/schema";

// Shared by the server pages and the client form; a "use client" module cannot export values to
// a server component, so the form's shape and defaults live here.

export interface ScheduleFormValues {
  id?: string;
  name: string;
  cron: string;
  enabled: boolean;
  kind: string;
  templateSlug: string;
  amTemplate: string;
  format: string;
  periodDays: number;
  destinationKind: "folder" | "s3" | "email";
  folderPath: string;
  s3Bucket: string;
  s3Prefix: string;
  s3Region: string;
  emailRecipients: string;
}

export const EMPTY_SCHEDULE: ScheduleFormValues = {
  name: "",
  cron: "0 6 * * 1",
  enabled: true,
  kind: "framework",
  templateSlug: "",
  amTemplate: "",
  format: "pdf",
  periodDays: 7,
  destinationKind: "email",
  folderPath: "",
  s3Bucket: "",
  s3Prefix: "",
  s3Region: "us-east-1",
  emailRecipients: "",
};

/** A stored schedule as the form's flat fields. */
export function formValuesOf(row: ReportScheduleRow): ScheduleFormValues {
  const spec = row.spec as Record<string, unknown>;
  const dest = row.destination as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  return {
    id: row.id,
    name: row.name,
    cron: row.cron,
    enabled: row.enabled,
    kind: text(spec.kind),
    templateSlug: text(spec.templateSlug),
    amTemplate: text(spec.amTemplate),
    format: text(spec.format) || "pdf",
    periodDays: typeof spec.periodDays === "number" ? spec.periodDays : 7,
    destinationKind: row.destinationKind,
    folderPath: text(dest.path),
    s3Bucket: text(dest.bucket),
    s3Prefix: text(dest.prefix),
    s3Region: text(dest.region) || "us-east-1",
    emailRecipients: Array.isArray(dest.recipients) ? dest.recipients.join(", ") : "",
  };
}

/** One line saying where a schedule delivers. */
export function destinationLabel(row: ReportScheduleRow): string {
  const v = formValuesOf(row);
  if (row.destinationKind === "folder") return `folder ${v.folderPath}`;
  if (row.destinationKind === "s3") return `s3://${v.s3Bucket}/${v.s3Prefix ? `${v.s3Prefix}/` : ""} (${v.s3Region})`;
  return `email to ${v.emailRecipients}`;
}
