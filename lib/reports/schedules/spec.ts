import { z } from "zod";
import { MAX_PERIOD_DAYS, type ReportPeriod } from "@/lib/reports/period";

// What a schedule produces: the report and its rolling period. The producer that renders it is
// injected (lib/reports/schedules/run.ts), so the scheduler knows no report layout.

export const REPORT_KINDS = ["framework", "audit-manager", "bundle"] as const;
export const REPORT_FORMATS = ["pdf", "html", "csv", "json"] as const;

export const reportScheduleSpec = z
  .strictObject({
    kind: z.enum(REPORT_KINDS, { error: "Choose a report: framework, audit-manager or bundle." }),
    templateSlug: z.string().trim().min(1).max(100).optional(),
    amTemplate: z.string().trim().min(1).max(100).optional(),
    format: z.enum(REPORT_FORMATS, { error: "Format must be pdf, html, csv or json." }).optional(),
    /** Days in the rolling window that ends with the day before the slot. */
    periodDays: z.coerce
      .number({ error: "Period must be a number of days." })
      .int("Period must be a whole number of days.")
      .min(1, "Period must be at least 1 day.")
      .max(MAX_PERIOD_DAYS, `Period covers at most ${MAX_PERIOD_DAYS} days.`),
  })
  .refine((s) => s.kind !== "framework" || s.templateSlug, {
    error: "A framework report needs a framework template.",
    path: ["templateSlug"],
  })
  .refine((s) => s.kind !== "audit-manager" || s.amTemplate, {
    error: "An Audit Manager report needs an Audit Manager framework.",
    path: ["amTemplate"],
  });
export type ReportScheduleSpec = z.infer<typeof reportScheduleSpec>;

const DAY_MS = 86_400_000;

/** The rolling period of a slot: `periodDays` whole UTC days ending with the day before the slot's day. */
export function rollingPeriod(spec: Pick<ReportScheduleSpec, "periodDays">, slot: Date): ReportPeriod {
  const to = new Date(Date.UTC(slot.getUTCFullYear(), slot.getUTCMonth(), slot.getUTCDate()));
  return { from: new Date(to.getTime() - spec.periodDays * DAY_MS), to };
}
