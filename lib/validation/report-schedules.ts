import { z } from "zod";
import { REPORT_DESTINATION_KINDS } from "@/db/schema/report-schedules";
import { parseCron } from "@/lib/sync/cron";
import { emailDestination, folderDestination, s3Destination } from "@/lib/reports/schedules/destination";
import { reportScheduleSpec } from "@/lib/reports/schedules/spec";
import { trimmed, uuid } from "./common";

// The schedule form: flat fields (as a form posts them) into a schedule's name, cron, spec and
// destination. Folder roots are checked by the store (lib/reports/schedules/store.ts), which
// knows the server's REPORT_FOLDER_ROOT.

const optionalText = z.preprocess((v) => (v === "" ? undefined : v), z.string().trim().optional());

export const cronField = z
  .string({ error: "Schedule is required." })
  .trim()
  .min(1, "Schedule is required.")
  .superRefine((v, ctx) => {
    try {
      parseCron(v);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: `Invalid schedule: ${(e as Error).message}.` });
    }
  });

const fields = z.object({
  tenantId: uuid("Organization"),
  name: trimmed(100, "Name"),
  cron: cronField,
  enabled: z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean()).default(false),
  kind: z.string(),
  templateSlug: optionalText,
  amTemplate: optionalText,
  format: optionalText,
  periodDays: z.unknown(),
  destinationKind: z.enum(REPORT_DESTINATION_KINDS, { error: "Choose a destination: folder, S3 or email." }),
  folderPath: optionalText,
  s3Bucket: optionalText,
  s3Prefix: optionalText,
  s3Region: optionalText,
  /** Comma-, semicolon- or newline-separated. */
  emailRecipients: optionalText,
});

function prefixed(ctx: z.RefinementCtx, prefix: string, error: z.ZodError, rename: Record<string, string> = {}) {
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "");
    ctx.addIssue({ code: "custom", message: issue.message, path: [rename[key] ?? prefix + key] });
  }
}

function toSchedule(f: z.output<typeof fields>, ctx: z.RefinementCtx) {
  const spec = reportScheduleSpec.safeParse({
    kind: f.kind,
    ...(f.templateSlug ? { templateSlug: f.templateSlug } : {}),
    ...(f.amTemplate ? { amTemplate: f.amTemplate } : {}),
    ...(f.format ? { format: f.format } : {}),
    periodDays: f.periodDays,
  });
  if (!spec.success) prefixed(ctx, "", spec.error);
  let destination: unknown = null;
  const check = <S extends z.ZodType>(schema: S, value: unknown, rename: Record<string, string>) => {
    const r = schema.safeParse(value);
    if (!r.success) prefixed(ctx, "", r.error, rename);
    return r.success ? r.data : null;
  };
  if (f.destinationKind === "folder")
    destination = check(folderDestination, { path: f.folderPath ?? "" }, { path: "folderPath" });
  else if (f.destinationKind === "s3")
    destination = check(
      s3Destination,
      { bucket: f.s3Bucket ?? "", prefix: f.s3Prefix ?? "", region: f.s3Region ?? "" },
      { bucket: "s3Bucket", prefix: "s3Prefix", region: "s3Region" },
    );
  else
    destination = check(
      emailDestination,
      {
        recipients: (f.emailRecipients ?? "")
          .split(/[,;\n]/)
          .map((s) => s.trim())
          .filter(Boolean),
      },
      { recipients: "emailRecipients" },
    );
  if (!spec.success || destination === null) return z.NEVER;
  return {
    tenantId: f.tenantId,
    name: f.name,
    cron: f.cron,
    enabled: f.enabled,
    spec: spec.data,
    destinationKind: f.destinationKind,
    destination,
  };
}

export const reportScheduleForm = fields.transform(toSchedule);
export type ReportScheduleInput = Exclude<z.output<typeof reportScheduleForm>, never>;

export const updateReportScheduleForm = fields.extend({ id: uuid("Schedule") }).transform((f, ctx) => {
  const s = toSchedule(f, ctx);
  return s === z.NEVER ? z.NEVER : { ...s, id: f.id };
});

export const scheduleRef = z.object({ tenantId: uuid("Organization"), id: uuid("Schedule") });
