import type { Db } from "@/db";
import { waitForRunEnd, type RunProgress } from "@/db/queries/sync";
import type { AwsSettings } from "@/lib/aws/client-factory";
import { poolOf } from "@/lib/compliance/read/panels";
import { startSync } from "@/lib/sync/start";

// The demo's first two days. The first sync is a baseline: an organization's first evaluation
// alerts nothing (lib/alerts/detect-evaluation.ts). So once it is evaluated, the simulated world
// lives one day (its plans run, points expire, people delete points, drop tags and edit plans:
// sim/engine/day.ts) and is synced again; that evaluation's real transitions are what the demo's
// alert rules fire on, and the sync history and score trend get a second point.

export interface DemoDaysInput {
  db: Db;
  aws: AwsSettings;
  tenantId: string;
  /** Moves the simulated world one day on (the caller holds the simulator: lib/ never imports sim/). */
  advanceDay: () => void;
  log?: (m: string) => void;
  timeoutMs?: number;
}

export interface DemoDay {
  run: RunProgress;
  evaluationId: number;
}

/** The first sync (tested first, as every first sync is) and the next day's; each waited for until evaluated. */
export async function syncDemoDays(o: DemoDaysInput): Promise<DemoDay[]> {
  const log = o.log ?? (() => undefined);
  const days: DemoDay[] = [];
  for (const day of [1, 2]) {
    if (day === 2) o.advanceDay();
    const { run, test } = await startSync(o.db, o.aws, {
      tenantId: o.tenantId,
      trigger: "demo",
      actor: { userId: null, email: "demo:seed", ip: null },
    });
    if (test) log(`[sync] connection test before the first sync: ${test.verdict}`);
    if (!run) throw new Error("the demo organization is gone");
    const done = await waitForRunEnd(o.db, { tenantId: o.tenantId, runId: run.runId, timeoutMs: o.timeoutMs });
    log(
      `[sync] day ${day}: ${done.status}, ${done.ok} units read, ${done.failed} failed, ${done.skipped} skipped (the simulated organization has accounts the product cannot reach on purpose)`,
    );
    days.push({ run: done, evaluationId: await waitForEvaluation(o, run.runId) });
  }
  return days;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The evaluation the finished run asked for (lib/compliance/evaluate-queue.ts). Waited for before
 * the world moves on: a second run ending while the first's evaluation still waits in the queue
 * would be folded into it, and the day would show no change.
 */
async function waitForEvaluation(o: DemoDaysInput, runId: string): Promise<number> {
  const deadline = performance.now() + (o.timeoutMs ?? 600_000);
  for (;;) {
    const r = await poolOf(o.db).query(
      `select id, status from compliance_evaluations where tenant_id = $1 and sync_run_id = $2 order by id desc limit 1`,
      [o.tenantId, runId],
    );
    const row = r.rows[0] as { id: number; status: string } | undefined;
    if (row?.status === "succeeded") return row.id;
    if (row?.status === "failed") throw new Error(`the evaluation after sync run ${runId} failed`);
    if (performance.now() > deadline) throw new Error(`no evaluation after sync run ${runId} yet`);
    await sleep(250);
  }
}
