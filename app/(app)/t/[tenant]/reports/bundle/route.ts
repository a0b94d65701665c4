import path from "node:path";
import { invalid } from "@/lib/errors";
import { auditReport, fileResponse, requestedPeriod } from "@/lib/reports/report-response";
import { writeReportSet } from "@/lib/reports/report-set";
import { defineRoute } from "@/lib/routes";

/**
 * The signed evidence bundle of one framework over a period (`?framework=&from=&to=`): the
 * reports, the findings with their evidence, the period's audit log and the signed manifest.
 */
export const GET = defineRoute(
  { name: "reports.bundle", capability: "export", view: "history" },
  async (request, ctx) => {
    const url = new URL(request.url);
    const templateSlug = url.searchParams.get("framework") ?? "";
    if (!templateSlug) throw invalid("Name the framework (?framework=).", { framework: "Required." });
    const period = await requestedPeriod(ctx, url);
    await auditReport(ctx, `bundle:${templateSlug}`, period, { format: "zip" });
    return fileResponse(async (dir) => {
      const set = await writeReportSet(
        ctx.db,
        {
          tenantId: ctx.tenant!.tenantId,
          tenantName: ctx.tenant!.name,
          templateSlug,
          period,
          generatedBy: ctx.user.email,
        },
        dir,
      );
      return { file: set.bundle, contentType: "application/zip", filename: path.basename(set.bundle) };
    });
  },
);
