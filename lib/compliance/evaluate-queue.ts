// Evaluation on the Postgres job queue. A finished sync (lib/sync/hooks.ts) asks for an
// evaluation of its tenant; a worker that registered the handler runs it. The queue is "stately"
// keyed by tenant: at most one evaluation of a tenant waiting and one running, so a burst of syncs
// (or clicks) costs one more evaluation, not one each. Evaluations of a tenant are serialised by
// an advisory lock anyway, so a duplicate delivery only re-evaluates.
import type { PgBoss } from "pg-boss";
import type { Db } from "@/db";
import { registerSyncCompletedHandler } from "@/lib/sync/hooks";
import { QUEUE_RETENTION_SECONDS } from "@/lib/sync/queue";
import { EvaluationTimeBudgetExceeded, evaluateTenant, type EvaluationResult } from "./evaluate-tenant";
import { pruneComplianceHistory } from "./store/prune-history";

export const EVALUATE_QUEUE = "compliance-evaluate";

export interface EvaluateJob {
  tenantId: string;
  syncRunId?: string | null;
  trigger?: string;
}

const JOB = {
  // The bench world evaluates in well under a minute; a job active longer has a dead worker.
  expireInSeconds: 1800,
  retryLimit: 2,
  retryDelay: 30,
  retryBackoff: true,
};

export async function ensureEvaluateQueue(boss: PgBoss): Promise<void> {
  const existing = await boss.getQueue(EVALUATE_QUEUE);
  if (!existing)
    await boss.createQueue(EVALUATE_QUEUE, { policy: "stately", ...JOB, retentionSeconds: QUEUE_RETENTION_SECONDS });
}

/** Queues an evaluation of the tenant; null when one is already waiting. */
export async function requestEvaluation(boss: PgBoss, job: EvaluateJob): Promise<string | null> {
  return boss.send(EVALUATE_QUEUE, job, { ...JOB, singletonKey: job.tenantId });
}

/** Runs queued evaluations in this process (one at a time: an evaluation uses a core and ~1 GB). */
export async function registerComplianceJobs(
  boss: PgBoss,
  o: {
    db: Db;
    log?: (m: string) => void;
    timeBudgetMs?: number;
    /**
     * Runs after each stored evaluation (alert detection). A throw is logged, not retried: a retry
     * would evaluate again, and the new evaluation would not show this one's changes.
     */
    onEvaluated?: (r: EvaluationResult) => Promise<void>;
  },
): Promise<string> {
  await ensureEvaluateQueue(boss);
  const log = o.log ?? (() => undefined);
  return boss.work<EvaluateJob>(EVALUATE_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, async (jobs) => {
    for (const job of jobs) {
      let r: EvaluationResult;
      try {
        r = await evaluateTenant(o.db, job.data.tenantId, {
          trigger: job.data.trigger ?? "queue",
          syncRunId: job.data.syncRunId ?? null,
          log,
          timeBudgetMs: o.timeBudgetMs,
        });
      } catch (error) {
        // Recorded as the tenant's failed evaluation; a retry would only spend the budget again
        // while other tenants wait, so the job ends here and the next sync asks again.
        if (!(error instanceof EvaluationTimeBudgetExceeded)) throw error;
        log(`tenant ${job.data.tenantId}: ${error.message}`);
        continue;
      }
      log(
        `evaluated tenant ${job.data.tenantId}: evaluation ${r.evaluationId}, ${r.stats.findings} findings in ${r.stats.millis.total} ms`,
      );
      await o
        .onEvaluated?.(r)
        .catch((e: unknown) =>
          log(
            `tenant ${job.data.tenantId}: after evaluation ${r.evaluationId}: ${e instanceof Error ? e.message : String(e)}`,
          ),
        );
      // Retention rides along: history beyond 400 days goes (a few deletes when there is any).
      await pruneComplianceHistory(o.db, { tenantId: job.data.tenantId });
    }
  });
}

/** Every finished sync (succeeded, partial or failed: stale units must turn into ERROR) queues an evaluation. */
export function registerComplianceSyncHook(boss: PgBoss): void {
  registerSyncCompletedHandler("compliance", async (event) => {
    await ensureEvaluateQueue(boss);
    await requestEvaluation(boss, { tenantId: event.tenantId, syncRunId: event.runId, trigger: "sync" });
  });
}
