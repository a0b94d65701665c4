import { getActiveRun, getRunProgress } from "@/db/queries/sync";
import { defineRoute } from "@/lib/routes";

/** Live progress for the Sync page: the active run, or the run named by ?run= (tenant-scoped). */
export const GET = defineRoute({ name: "sync.progress", capability: "tenant:read" }, async (request, ctx) => {
  const runId = new URL(request.url).searchParams.get("run");
  const tenantId = ctx.tenant!.tenantId;
  const valid = runId && /^[0-9a-f-]{36}$/i.test(runId);
  const progress = valid ? await getRunProgress(ctx.db, { tenantId, runId }) : await getActiveRun(ctx.db, { tenantId });
  return Response.json(
    progress && {
      runId: progress.runId,
      status: progress.status,
      phase: progress.phase,
      total: progress.total,
      done: progress.done,
      ok: progress.ok,
      failed: progress.failed,
      skipped: progress.skipped,
      running: progress.running,
      errorsSoFar: progress.errorsSoFar,
    },
    { headers: { "Cache-Control": "no-store" } },
  );
});
