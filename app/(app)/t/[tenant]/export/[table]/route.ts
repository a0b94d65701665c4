import { z } from "zod";
import { findTable } from "@/lib/dashboard/tables/registry";
import { invalid, notFound } from "@/lib/errors";
import { EXPORT_FORMATS, exportResponse } from "@/lib/reports/export";
import { exportRange, recordExport } from "@/lib/reports/export-limits";
import { defineRoute, refuseOutsideGrant } from "@/lib/routes";
import { instantAllowed, seesCurrentState } from "@/lib/auth/audit-grant";
import { periodAsOf } from "@/lib/reports/period";
import { fieldErrorsOf } from "@/lib/validation/common";
import { clock } from "@/lib/clock";

const exportParams = z.object({
  format: z.enum(EXPORT_FORMATS, { error: "format must be csv or json" }).default("csv"),
  asOf: z.preprocess((v) => (v === "" ? undefined : v), z.iso.date().optional()),
});

/**
 * Streams exactly the rows of a table's filtered view, as CSV or JSON; the export is audited,
 * limited per user and its dates bounded (lib/reports/export-limits.ts).
 */
export const GET = defineRoute(
  { name: "tables.export", capability: "export", view: "history" },
  async (request, ctx) => {
    const table = findTable(String(ctx.params.table ?? ""));
    if (!table) throw notFound("That table");
    const query = Object.fromEntries(new URL(request.url).searchParams);
    const params = exportParams.safeParse(query);
    if (!params.success) throw invalid("Invalid export parameters.", fieldErrorsOf(params.error));
    // The sort is the table's to parse (a filter like any other): the export keeps the page's order.
    const { format: _f, asOf: _a, cursor: _c, ...filterInput } = query;
    const filters = table.filters.safeParse(filterInput);
    if (!filters.success) throw invalid("Invalid filters.", fieldErrorsOf(filters.error));
    const tenant = ctx.tenant!;
    let asOf = params.data.asOf ? new Date(`${params.data.asOf}T23:59:59.999Z`) : null;
    if (tenant.period) {
      if (!table.history) {
        if (!seesCurrentState(tenant)) await refuseOutsideGrant(ctx);
      } else if (!asOf) asOf = periodAsOf(tenant.period, clock.now());
      else if (!instantAllowed(tenant, asOf)) await refuseOutsideGrant(ctx);
    }
    const dates = filters.data as { from?: unknown; to?: unknown };
    if (typeof dates.from === "string" || typeof dates.to === "string")
      exportRange({
        from: typeof dates.from === "string" ? dates.from : undefined,
        to: typeof dates.to === "string" ? dates.to : undefined,
      });
    await recordExport(ctx.db, {
      actorId: ctx.user.userId,
      actorEmail: ctx.user.email,
      ip: ctx.ip,
      tenantId: tenant.tenantId,
      action: "export",
      targetType: "table",
      targetId: table.name,
      details: { format: params.data.format, filters: filters.data, asOf: params.data.asOf ?? null },
    });
    const columns = table.columns;
    const scope = { tenantId: tenant.tenantId, asOf };
    async function* rows() {
      for await (const page of table!.iterate(ctx.db, scope, filters.data!)) {
        yield page.map((row) => columns.map((c) => c.value(row)));
      }
    }
    return exportResponse(
      params.data.format,
      {
        tenant: tenant.name,
        table: table.name,
        filters: filters.data,
        asOf: asOf ? asOf.toISOString() : "current",
        generatedAt: clock.now().toISOString(),
      },
      columns.map((c) => c.key),
      rows(),
      params.data.format === "csv" ? table.csvText?.(ctx.db, scope, filters.data) : undefined,
    );
  },
);
