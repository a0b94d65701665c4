import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import pg from "pg";
import type { PgBoss } from "pg-boss";
import { AwsFactory, type AwsSettings } from "@/lib/aws/client-factory";
import { Semaphore } from "@/lib/aws/rate-gate";
import { ChainCache, DEFAULT_SYNC_SETTINGS, type SyncDeps, type SyncSettings } from "./context";
import { summarizeRun } from "./counts";
import { hasSyncCompletedHandlers, runSyncCompletedHandlers } from "./hooks";
import { runOrganizationUnit } from "./org-unit";
import { ensureQueues, newBoss, QUEUES, type CompletedJob, type RunJob, type UnitJob } from "./queue";
import { requeueV10Jobs, setAsideV10Schema, V10_SCHEMA } from "./queue-v10";
import { runRegionUnit } from "./region-unit";
import { dropExpiredJobPartitions } from "./drop-job-partitions";
import { dispatchQueuedRuns, finishRunIfDone, heartbeat, openRunsWithoutWork, reapStaleUnits } from "./runs";
import { startScheduledSyncs } from "./schedule";

// A sync worker: any number of them, on any machine, share the queue. Each fetches jobs up to its
// own concurrency, keeps its claims alive with a heartbeat, takes over units whose worker died,
// queues runs that the web asked for, and (when `schedule` is on) starts cron-scheduled syncs.

export interface WorkerOptions {
  pool: pg.Pool;
  databaseUrl: string;
  aws: AwsSettings;
  settings?: Partial<SyncSettings>;
  /** Run the once-a-minute cron tick (pg-boss makes sure one worker does each tick). */
  schedule?: boolean;
  log?: (message: string) => void;
}

export interface SyncWorker {
  id: string;
  boss: PgBoss;
  factory: AwsFactory;
  /** Stops fetching, waits up to `graceMs` for jobs in hand, then closes the queue connection. */
  stop(graceMs?: number): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startSyncWorker(o: WorkerOptions): Promise<SyncWorker> {
  const settings: SyncSettings = { ...DEFAULT_SYNC_SETTINGS, ...o.settings };
  const id = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const log = o.log ?? (() => undefined);
  const boss = newBoss(o.databaseUrl, { schedule: o.schedule ?? true });
  boss.on("error", (e) => log(`queue error: ${e.message}`));
  // A database last used by pg-boss 10: its schema goes aside before pg-boss 12 starts, and its
  // waiting jobs come over once the queues exist (queue-v10.ts).
  if (await setAsideV10Schema(o.pool))
    log(`pg-boss 10's queue schema renamed to ${V10_SCHEMA}; pg-boss 12 installs its own`);
  await boss.start();
  await ensureQueues(boss).catch(() => ensureQueues(boss));
  const moved = await requeueV10Jobs(o.pool, boss);
  if (moved !== null) log(`${moved} job(s) of pg-boss 10 queued again; schema ${V10_SCHEMA} dropped`);
  const factory = new AwsFactory(o.aws);
  const deps: SyncDeps = {
    pool: o.pool,
    boss,
    factory,
    workerId: id,
    settings,
    publishSlots: new Semaphore(settings.publishConcurrency),
    log,
  };
  // Heartbeats on their own connection: a pool busy publishing must not make a live worker look dead.
  const beatPool = new pg.Pool({
    connectionString: o.databaseUrl,
    max: 1,
    application_name: "backup-governance-heartbeat",
  });
  beatPool.on("error", () => undefined);
  const chains = new ChainCache(factory);
  let stopping = false;
  const inHand = new Set<Promise<unknown>>();

  /** Fetches and runs jobs of one queue, never more than `limit` at once. */
  const loop = async <T extends object>(
    queue: string,
    limit: number,
    handle: (data: T) => Promise<void>,
    when: () => boolean = () => true,
  ) => {
    let active = 0;
    while (!stopping) {
      if (!when()) {
        await sleep(500);
        continue;
      }
      const free = limit - active;
      const jobs = free > 0 ? await boss.fetch<T>(queue, { batchSize: Math.min(free, 50) }).catch(() => []) : [];
      if (jobs.length === 0) {
        await sleep(free > 0 ? 250 : 50);
        continue;
      }
      for (const job of jobs) {
        active++;
        const p = handle(job.data)
          .then(
            // The job itself, not its id: pg-boss then settles only the attempt this worker fetched,
            // never a later retry of it that another worker holds.
            () => boss.complete(queue, job),
            (e: unknown) => {
              log(`${queue} job failed: ${e instanceof Error ? e.message : String(e)}`);
              return boss.fail(queue, job, { message: e instanceof Error ? e.message : String(e) });
            },
          )
          .catch(() => undefined)
          .finally(() => {
            active--;
            inHand.delete(p);
          });
        inHand.add(p);
      }
    }
  };

  const loops = [
    loop<RunJob>(QUEUES.run, settings.runConcurrency, (d) => runOrganizationUnit(d, deps, chains)),
    loop<UnitJob>(QUEUES.unit, settings.unitConcurrency, (d) => runRegionUnit(d, deps, chains)),
    // Only a process with handlers (the evaluation) takes these jobs; the others leave them queued.
    loop<CompletedJob>(QUEUES.completed, 2, (d) => runSyncCompletedHandlers(d), hasSyncCompletedHandlers),
  ];

  const every = (ms: number, fn: () => Promise<unknown>) => {
    const t = setInterval(
      () =>
        void fn().catch((e: unknown) => log(`background task failed: ${e instanceof Error ? e.message : String(e)}`)),
      ms,
    );
    t.unref();
    return t;
  };
  const timers = [
    every(settings.heartbeatSeconds * 1000, () => heartbeat(beatPool, id)),
    every(Math.max(2, settings.staleSeconds / 3) * 1000, async () => {
      const n = await reapStaleUnits(o.pool, boss, settings.staleSeconds, id);
      if (n) log(`took over ${n} unit(s) of a worker that stopped`);
      for (const runId of await openRunsWithoutWork(o.pool))
        await finishRunIfDone(o.pool, boss, runId, (c, tenantId) => summarizeRun(c, runId, tenantId), log);
    }),
    every(1000, () => dispatchQueuedRuns(o.pool, boss)),
    every(60_000, async () => chains.prune()),
    every(6 * 3_600_000, async () => {
      const dropped = await dropExpiredJobPartitions(o.pool, settings.jobRetentionDays);
      if (dropped.length)
        log(`job history older than ${settings.jobRetentionDays} days dropped: ${dropped.join(", ")}`);
    }),
  ];
  if (o.schedule ?? true) await startScheduledSyncs(boss, o.pool, o.aws, log);
  void dispatchQueuedRuns(o.pool, boss).catch(() => undefined);

  return {
    id,
    boss,
    factory,
    async stop(graceMs = 10_000) {
      stopping = true;
      for (const t of timers) clearInterval(t);
      await Promise.race([Promise.allSettled([...loops, ...inHand]), sleep(graceMs)]);
      await boss.stop({ graceful: false, timeout: 2000 }).catch(() => undefined);
      factory.destroy();
      await beatPool.end().catch(() => undefined);
    },
  };
}
