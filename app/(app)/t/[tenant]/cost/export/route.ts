import { z } from "zod";
import { clock } from "@/lib/clock";
import { getHygieneReport } from "@/lib/cost/hygiene-report";
import { REPORT_LINE_COLUMNS, reportLines } from "@/lib/cost/report-lines";
import { optionalAccount } from "@/lib/dashboard/filters";
import { invalid } from "@/lib/errors";
import { exportResponse } from "@/lib/reports/export";
import { recordExport } from "@/lib/reports/export-limits";
import { defineRoute } from "@/lib/routes";
import { fieldErrorsOf } from "@/lib/validation/common";

const costExportParams = z.object({ account: optionalAccount });

/** The cost and hygiene report's lines as CSV, for the organization or one account; audited like every export. */
export const GET = defineRoute({ name: "cost.export", capability: "export" }, async (request, ctx) => {
  const params = costExportParams.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!params.success) throw invalid("Invalid export parameters.", fieldErrorsOf(params.error));
  const tenant = ctx.tenant!;
  const filters = { account: params.data.account ?? null };
  await recordExport(ctx.db, {
    actorId: ctx.user.userId,
    actorEmail: ctx.user.email,
    ip: ctx.ip,
    tenantId: tenant.tenantId,
    action: "export",
    targetType: "table",
    targetId: "cost",
    details: { format: "csv", filters },
  });
  const now = clock.now();
  const report = await getHygieneReport(ctx.db, { tenantId: tenant.tenantId, accountId: params.data.account, now });
  async function* rows() {
    yield reportLines(report);
  }
  return exportResponse(
    "csv",
    { tenant: tenant.name, table: "cost", filters, asOf: "current", generatedAt: now.toISOString() },
    [...REPORT_LINE_COLUMNS],
    rows(),
  );
});
