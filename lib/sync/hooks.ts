import type { CompletedJob } from "./queue";

// What runs after a sync ends. The run's last unit queues a `sync-completed` job in the same
// transaction that closes the run, so the hook runs at least once per run even if a worker dies;
// a worker runs every handler registered in its process. Evaluation registers here:
//
//   registerSyncCompletedHandler("compliance", async ({ tenantId, runId, status }) => { … });
//
// Handlers must be idempotent (a job may be retried). A throwing handler fails the job, which
// pg-boss retries (5 times, backing off).

export type SyncCompleted = CompletedJob & { status: "succeeded" | "partial" | "failed" | string };
export type SyncCompletedHandler = (event: SyncCompleted) => Promise<void>;

const handlers = new Map<string, SyncCompletedHandler>();

/** Registers (or replaces) a named handler in this process. */
export function registerSyncCompletedHandler(name: string, handler: SyncCompletedHandler): void {
  handlers.set(name, handler);
}

export function unregisterSyncCompletedHandler(name: string): void {
  handlers.delete(name);
}

/** Whether this process has handlers: a worker without any leaves `sync-completed` jobs to one that has. */
export function hasSyncCompletedHandlers(): boolean {
  return handlers.size > 0;
}

export async function runSyncCompletedHandlers(event: SyncCompleted): Promise<void> {
  const errors: string[] = [];
  for (const [name, handler] of handlers) {
    try {
      await handler(event);
    } catch (e) {
      errors.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (errors.length) throw new Error(`sync-completed handlers failed: ${errors.join("; ")}`);
}
