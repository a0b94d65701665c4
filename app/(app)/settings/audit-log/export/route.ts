import { iterateAuditLog } from "@/db/queries/audit-log";
import { invalid } from "@/lib/errors";
import { csvPreamble, csvStream } from "@/lib/reports/csv";
import { exportRange, recordExport } from "@/lib/reports/export-limits";
import { defineRoute } from "@/lib/routes";
import { auditFilterInput, toAuditFilters } from "@/lib/validation/audit";
import { clock } from "@/lib/clock";

const HEADER = [
  "id",
  "at",
  "actor_email",
  "actor_id",
  "tenant_id",
  "action",
  "outcome",
  "target_type",
  "target_id",
  "ip",
  "details",
  "prev_hash",
  "hash",
];

/**
 * CSV of the filtered audit log, streamed page by page; the export itself is audited, limited per
 * user and its dates bounded (lib/reports/export-limits.ts).
 */
export const GET = defineRoute({ name: "audit.export", capability: "audit:read" }, async (request, ctx) => {
  const parsed = auditFilterInput.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw invalid("Invalid filters.");
  // Without a start date the export covers the longest range allowed, and its preamble says so.
  const input = { ...parsed.data, ...exportRange(parsed.data, { defaultFrom: true }) };
  const filters = toAuditFilters(input);
  await recordExport(ctx.db, {
    actorId: ctx.user.userId,
    actorEmail: ctx.user.email,
    ip: ctx.ip,
    action: "audit.export",
    targetType: "audit_log",
    details: { filters: input },
  });
  const generatedAt = clock.now().toISOString();
  const preamble = csvPreamble({
    export: "audit log",
    filters: JSON.stringify(input),
    generated_at: generatedAt,
    verify: "each row's hash = sha256(prev_hash + canonical row); `npm run audit:verify` checks the whole chain",
  });
  async function* rows() {
    for await (const page of iterateAuditLog(ctx.db, filters)) {
      yield page.map((r) => [
        r.id,
        r.at,
        r.actorEmail,
        r.actorId,
        r.tenantId,
        r.action,
        r.outcome,
        r.targetType,
        r.targetId,
        r.ip,
        r.details,
        r.prevHash,
        r.hash,
      ]);
    }
  }
  return new Response(csvStream(preamble, HEADER, rows()), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="audit-log-${generatedAt.slice(0, 10)}.csv"`,
      "cache-control": "no-store",
    },
  });
});
