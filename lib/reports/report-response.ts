import "server-only";
import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { periodAllowed, defaultReportPeriod } from "@/lib/auth/audit-grant";
import { invalid } from "@/lib/errors";
import { recordExport } from "@/lib/reports/export-limits";
import { parsePeriod, periodDays, type ReportPeriod } from "@/lib/reports/period";
import { refuseOutsideGrant, type RouteContext } from "@/lib/routes";

// What the report routes share: the period they are asked for (checked against an auditor's
// grant), the audit row of the download, and the file itself. A report is written to a private
// temporary folder first and sent from there, so a failure while rendering is a clear error
// response, not a truncated file with a 200 status, and memory stays bounded however large it is.

/** The period of `?from=&to=` (both or neither), or the default; refused outside the grant. */
export async function requestedPeriod(ctx: RouteContext, url: URL): Promise<ReportPeriod> {
  const from = url.searchParams.get("from") ?? "";
  const to = url.searchParams.get("to") ?? "";
  let period: ReportPeriod;
  if (!from && !to) period = defaultReportPeriod(ctx.tenant!);
  else {
    try {
      period = parsePeriod(from, to);
    } catch (e) {
      throw invalid(`${(e as Error).message}.`, { [from ? "to" : "from"]: (e as Error).message });
    }
  }
  if (!periodAllowed(ctx.tenant!, period)) await refuseOutsideGrant(ctx);
  return period;
}

/** Audits (and rate-limits) a report download like every other export. */
export async function auditReport(
  ctx: RouteContext,
  report: string,
  period: ReportPeriod,
  details: Record<string, unknown>,
): Promise<void> {
  await recordExport(ctx.db, {
    actorId: ctx.user.userId,
    actorEmail: ctx.user.email,
    ip: ctx.ip,
    tenantId: ctx.tenant!.tenantId,
    action: "export",
    targetType: "report",
    targetId: report,
    details: { ...periodDays(period), ...details },
  });
}

/**
 * Runs `write` with a fresh private folder, then answers with the file it names; the folder is
 * removed once the response has been sent (or when writing failed).
 */
export async function fileResponse(
  write: (dir: string) => Promise<{ file: string; contentType: string; filename: string }>,
): Promise<Response> {
  const dir = await mkdtemp(path.join(tmpdir(), "report-"));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const { file, contentType, filename } = await write(dir);
    const { size } = await stat(file);
    const stream = createReadStream(file);
    stream.once("close", () => void cleanup());
    return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
      headers: {
        "content-type": contentType,
        "content-length": String(size),
        "content-disposition": `attachment; filename="${filename.replace(/[^\w.-]+/g, "_")}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (error) {
    await cleanup();
    throw error;
  }
}
