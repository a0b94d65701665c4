import { z } from "zod";

const optionalText = (max: number) =>
  z.preprocess((v) => (v === "" ? undefined : v), z.string().trim().max(max).optional());
const optionalDate = z.preprocess(
  (v) => (v === "" ? undefined : v),
  z.iso.date({ error: "Use a date like 2026-11-27." }).optional(),
);

/** The audit log's filters, from the URL (page and export share them). */
export const auditFilterInput = z.object({
  actor: optionalText(254),
  action: optionalText(100),
  tenant: z.preprocess((v) => (v === "" ? undefined : v), z.uuid().optional()),
  from: optionalDate,
  to: optionalDate,
  // Page cursors (entry ids): the page older than `before`, or the page newer than `after`.
  before: z.coerce.number().int().positive().optional().catch(undefined),
  after: z.coerce.number().int().positive().optional().catch(undefined),
});
export type AuditFilterInput = z.infer<typeof auditFilterInput>;

export function toAuditFilters(f: AuditFilterInput) {
  return {
    actor: f.actor,
    action: f.action,
    tenantId: f.tenant,
    from: f.from ? new Date(`${f.from}T00:00:00Z`) : undefined,
    // "to" is inclusive of the whole day.
    to: f.to ? new Date(`${f.to}T23:59:59.999Z`) : undefined,
  };
}
