import path from "node:path";
import { invalid } from "@/lib/errors";
import { writeAuditManagerReport } from "@/lib/reports/audit-manager/write-report";
import { periodDays } from "@/lib/reports/period";
import { auditReport, fileResponse, requestedPeriod } from "@/lib/reports/report-response";
import { toFile } from "@/lib/reports/report-set";
import { defineRoute } from "@/lib/routes";
import { auditManagerReportFields, commaList } from "@/lib/validation/audit-manager-report";
import { fieldErrorsOf } from "@/lib/validation/common";

/**
 * One of AWS Backup Audit Manager's five report layouts over a period, as CSV or JSON, for every
 * account and region or those named in `?accounts=` and `?regions=`.
 */
export const GET = defineRoute(
  { name: "reports.audit_manager", capability: "export", view: "history" },
  async (request, ctx) => {
    const url = new URL(request.url);
    const fields = auditManagerReportFields.safeParse({
      template: String(ctx.params.template ?? ""),
      format: url.searchParams.get("format") ?? "csv",
      accountIds: commaList(url.searchParams.get("accounts")),
      regions: commaList(url.searchParams.get("regions")),
    });
    if (!fields.success) throw invalid("Invalid Audit Manager report request.", fieldErrorsOf(fields.error));
    const { template, format, accountIds, regions } = fields.data;
    const period = await requestedPeriod(ctx, url);
    const { from, to } = periodDays(period);
    await auditReport(ctx, template, period, { format, accountIds: accountIds ?? "all", regions: regions ?? "all" });
    return fileResponse(async (dir) => {
      const file = path.join(dir, `report.${format}`);
      await toFile(file, (out) =>
        writeAuditManagerReport(
          ctx.db,
          { tenantId: ctx.tenant!.tenantId, template, period, accountIds, regions, format },
          out,
        ),
      );
      return {
        file,
        contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
        filename: `${ctx.tenant!.slug}-${template}-${from}-to-${to}.${format}`,
      };
    });
  },
);
