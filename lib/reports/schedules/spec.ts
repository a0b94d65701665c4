import { z } from "zod";
import { AUDIT_MANAGER_REPORTS } from "@/lib/reports/audit-manager/columns";
import { MAX_PERIOD_DAYS, type ReportPeriod } from "@/lib/reports/period";

// What a schedule produces: the report and its rolling period. The producer that renders it is
// injected (lib/reports/schedules/run.ts), so the scheduler knows no report layout.

export const REPORT_KINDS = ["framework", "audit-manager", "bundle"] as const;
export const REPORT_FORMATS = ["pdf", "html", "csv", "json"] as const;

export const reportScheduleSpec = z
  .strictObject({
    kind: z.enum(REPORT_KINDS, { error: "Choose a report: framework, audit-manager or bundle." }),
    templateSlug: z.string().trim().min(1).max(100).optional(),
    amTemplate: z
      .enum(AUDIT_MANAGER_REPORTS, { error: `Choose one of ${AUDIT_MANAGER_REPORTS.join(", ")}.` })
      .optional(),
    format: z.enum(REPORT_FORMATS, { error: "Format must be pdf, html, csv or json." }).optional(),
    /** Days in the rolling window that ends with the day before the slot. */
    periodDays: z.coerce
      .number({ error: "Period must be a number of days." })
      .int("Period must be a whole number of days.")
      .min(1, "Period must be at least 1 day.")
      .max(MAX_PERIOD_DAYS, `Period covers at most ${MAX_PERIOD_DAYS} days.`),
  })
  .refine((s) => s.kind === "audit-manager" || s.templateSlug, {
    error: "Choose the framework to report on.",
    path: ["templateSlug"],
  })
  .refine((s) => s.kind !== "audit-manager" || s.amTemplate, {
    error: "Choose the Audit Manager report template.",
    path: ["amTemplate"],
  })
  .refine((s) => s.kind !== "framework" || !s.format || s.format === "pdf" || s.format === "html", {
    error: "A framework report is PDF or HTML.",
    path: ["format"],
  })
  .refine((s) => s.kind !== "audit-manager" || !s.format || s.format === "csv" || s.format === "json", {
    error: "An Audit Manager report is CSV or JSON.",
    path: ["format"],
  });
export type ReportScheduleSpec = z.infer<typeof reportScheduleSpec>;

const DAY_MS = 86_400_000;

/** The rolling period of a slot: `periodDays` whole UTC days ending with the day before the slot's day. */
export function rollingPeriod(spec: Pick<ReportScheduleSpec, "periodDays">, slot: Date): ReportPeriod {
  const to = new Date(Date.UTC(slot.getUTCFullYear(), slot.getUTCMonth(), slot.getUTCDate()));
  return { from: new Date(to.getTime() - spec.periodDays * DAY_MS), to };
}
