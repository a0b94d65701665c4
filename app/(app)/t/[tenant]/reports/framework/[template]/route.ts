import path from "node:path";
import { invalid } from "@/lib/errors";
import { loadFrameworkReport, writeFrameworkReportHtml, writeFrameworkReportPdf } from "@/lib/reports/framework";
import { periodDays } from "@/lib/reports/period";
import { auditReport, fileResponse, requestedPeriod } from "@/lib/reports/report-response";
import { toFile } from "@/lib/reports/report-set";
import { defineRoute } from "@/lib/routes";

const FORMATS = { pdf: "application/pdf", html: "text/html; charset=utf-8" } as const;

/** One framework's report over a period (`?from=&to=`, an auditor's grant by default), as PDF or HTML. */
export const GET = defineRoute(
  { name: "reports.framework", capability: "export", view: "history" },
  async (request, ctx) => {
    const url = new URL(request.url);
    const format = url.searchParams.get("format") ?? "pdf";
    if (format !== "pdf" && format !== "html") throw invalid("format must be pdf or html", { format: "pdf or html" });
    const templateSlug = String(ctx.params.template ?? "");
    const period = await requestedPeriod(ctx, url);
    const report = await loadFrameworkReport(ctx.db, {
      tenantId: ctx.tenant!.tenantId,
      templateSlug,
      period,
      generatedBy: ctx.user.email,
    });
    await auditReport(ctx, `framework:${templateSlug}`, period, { format });
    const { from, to } = periodDays(period);
    return fileResponse(async (dir) => {
      const file = path.join(dir, `report.${format}`);
      await toFile(file, (out) =>
        (format === "pdf" ? writeFrameworkReportPdf : writeFrameworkReportHtml)(ctx.db, report, out),
      );
      return {
        file,
        contentType: FORMATS[format],
        filename: `${ctx.tenant!.slug}-${templateSlug}-${from}-to-${to}.${format}`,
      };
    });
  },
);
