import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Conn } from "../index";
import { ACTIVE_RUN_STATUSES, syncRuns, syncRunUnits, syncUnits, tenants, unreadAccountAcks } from "../schema";
import { clock } from "@/lib/clock";

// Reads for the Sync page and the sync command: small objects, tenant scope required.

export interface RunProgress {
  runId: string;
  status: string;
  phase: string;
  trigger: string;
  requestedByEmail: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  total: number;
  done: number;
  ok: number;
  failed: number;
  skipped: number;
  running: number;
  /** Units that failed or are waiting to retry after an error. */
  errorsSoFar: number;
  summary: Record<string, unknown> | null;
}

// One pass over the run's units (its primary key starts with run_id) for all the tallies.
const tally = sql<{
  total: number;
  done: number;
  ok: number;
  failed: number;
  skipped: number;
  running: number;
  errors: number;
}>`(
  select json_build_object(
    'total', count(*),
    'done', count(*) filter (where u.status in ('ok', 'failed', 'skipped')),
    'ok', count(*) filter (where u.status = 'ok'),
    'failed', count(*) filter (where u.status = 'failed'),
    'skipped', count(*) filter (where u.status = 'skipped'),
    'running', count(*) filter (where u.status = 'running'),
    'errors', count(*) filter (where u.status = 'failed' or (u.status in ('pending', 'running') and u.error is not null)))
  from ${syncRunUnits} u where u.run_id = ${syncRuns.id})`;

const progressColumns = {
  runId: syncRuns.id,
  status: syncRuns.status,
  phase: syncRuns.phase,
  trigger: syncRuns.trigger,
  requestedByEmail: syncRuns.requestedByEmail,
  createdAt: syncRuns.createdAt,
  startedAt: syncRuns.startedAt,
  finishedAt: syncRuns.finishedAt,
  summary: syncRuns.summary,
  tally,
};

type ProgressRow = Omit<RunProgress, "total" | "done" | "ok" | "failed" | "skipped" | "running" | "errorsSoFar"> & {
  tally: { total: number; done: number; ok: number; failed: number; skipped: number; running: number; errors: number };
};

function toProgress({ tally: t, ...r }: ProgressRow): RunProgress {
  return {
    ...r,
    total: t.total,
    done: t.done,
    ok: t.ok,
    failed: t.failed,
    skipped: t.skipped,
    running: t.running,
    errorsSoFar: t.errors,
  };
}

export async function getRunProgress(db: Conn, p: { tenantId: string; runId: string }): Promise<RunProgress | null> {
  const [row] = await db
    .select(progressColumns)
    .from(syncRuns)
    .where(and(eq(syncRuns.tenantId, p.tenantId), eq(syncRuns.id, p.runId)));
  return row ? toProgress(row) : null;
}

const isActive = (status: string) => (ACTIVE_RUN_STATUSES as readonly string[]).includes(status);

/**
 * A run's progress once it has ended (neither queued nor running), read every `pollMs`; throws
 * when the run is gone or still active after `timeoutMs`. Durations, so performance.now().
 */
export async function waitForRunEnd(
  db: Conn,
  p: { tenantId: string; runId: string; timeoutMs?: number; pollMs?: number },
): Promise<RunProgress> {
  const timeoutMs = p.timeoutMs ?? 600_000;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const progress = await getRunProgress(db, p);
    if (!progress) throw new Error(`sync run ${p.runId} disappeared`);
    if (!isActive(progress.status)) return progress;
    if (performance.now() > deadline)
      throw new Error(
        `sync run ${p.runId} still ${progress.status}/${progress.phase} after ${timeoutMs} ms (${progress.done}/${progress.total} units)`,
      );
    await new Promise((r) => setTimeout(r, p.pollMs ?? 250));
  }
}

/** The queued or running run, if any. */
export async function getActiveRun(db: Conn, p: { tenantId: string }): Promise<RunProgress | null> {
  const [row] = await db
    .select(progressColumns)
    .from(syncRuns)
    .where(and(eq(syncRuns.tenantId, p.tenantId), inArray(syncRuns.status, [...ACTIVE_RUN_STATUSES])))
    .limit(1);
  return row ? toProgress(row) : null;
}

export async function listRuns(db: Conn, p: { tenantId: string; limit?: number }): Promise<RunProgress[]> {
  const rows = await db
    .select(progressColumns)
    .from(syncRuns)
    .where(eq(syncRuns.tenantId, p.tenantId))
    .orderBy(desc(syncRuns.createdAt))
    .limit(p.limit ?? 20);
  return rows.map(toProgress);
}

export interface UnitError {
  accountId: string;
  accountName: string | null;
  region: string;
  status: string;
  error: string | null;
  errorKind: string | null;
  remedy: string | null;
  finishedAt: Date | null;
}

/** Units of a run that failed, were skipped, or are waiting to retry after an error. */
export async function listRunUnitErrors(
  db: Conn,
  p: { tenantId: string; runId: string; limit?: number },
): Promise<UnitError[]> {
  return db
    .select({
      accountId: syncRunUnits.accountId,
      accountName: syncRunUnits.accountName,
      region: syncRunUnits.region,
      status: syncRunUnits.status,
      error: syncRunUnits.error,
      errorKind: syncRunUnits.errorKind,
      remedy: syncRunUnits.remedy,
      finishedAt: syncRunUnits.finishedAt,
    })
    .from(syncRunUnits)
    .where(
      and(
        eq(syncRunUnits.tenantId, p.tenantId),
        eq(syncRunUnits.runId, p.runId),
        sql`${syncRunUnits.error} is not null`,
      ),
    )
    .orderBy(syncRunUnits.status, syncRunUnits.accountId, syncRunUnits.region)
    .limit(p.limit ?? 200);
}

export interface Freshness {
  units: number;
  ok: number;
  stale: number;
  skipped: number;
  /** Units never read, apart from those of accounts acknowledged as unread. */
  neverSynced: number;
  /** Units never read in accounts an operator acknowledged as unread: not a problem to warn about. */
  acknowledged: number;
  /** Oldest published data among units with data. */
  oldestPublishedAt: Date | null;
  newestPublishedAt: Date | null;
  /** Age of the oldest published data, by the database's clock. */
  oldestAgeMs: number | null;
}

/** How fresh the tenant's published data is, unit by unit (a failed unit keeps its last good data). */
export async function getFreshness(db: Conn, p: { tenantId: string }): Promise<Freshness> {
  const [row] = await db
    .select({
      units: sql<number>`count(*)::int`,
      ok: sql<number>`count(*) filter (where ${syncUnits.status} = 'ok')::int`,
      stale: sql<number>`count(*) filter (where ${syncUnits.status} = 'failed' and ${syncUnits.publishedAt} is not null)::int`,
      skipped: sql<number>`count(*) filter (where ${syncUnits.status} = 'skipped')::int`,
      neverSynced: sql<number>`count(*) filter (where ${syncUnits.publishedAt} is null and ${syncUnits.status} <> 'skipped' and ${unreadAccountAcks.accountId} is null)::int`,
      acknowledged: sql<number>`count(*) filter (where ${syncUnits.publishedAt} is null and ${syncUnits.status} <> 'skipped' and ${unreadAccountAcks.accountId} is not null)::int`,
      oldestPublishedAt: sql<Date | null>`min(${syncUnits.publishedAt})`,
      newestPublishedAt: sql<Date | null>`max(${syncUnits.publishedAt})`,
    })
    .from(syncUnits)
    .leftJoin(
      unreadAccountAcks,
      and(eq(unreadAccountAcks.tenantId, syncUnits.tenantId), eq(unreadAccountAcks.accountId, syncUnits.accountId)),
    )
    .where(and(eq(syncUnits.tenantId, p.tenantId), eq(syncUnits.kind, "region")));
  const fix = (v: Date | string | null | undefined) => (v ? new Date(v) : null);
  return {
    units: row?.units ?? 0,
    ok: row?.ok ?? 0,
    stale: row?.stale ?? 0,
    skipped: row?.skipped ?? 0,
    neverSynced: row?.neverSynced ?? 0,
    acknowledged: row?.acknowledged ?? 0,
    oldestPublishedAt: fix(row?.oldestPublishedAt),
    newestPublishedAt: fix(row?.newestPublishedAt),
    oldestAgeMs: row?.oldestPublishedAt ? clock.nowMs() - fix(row.oldestPublishedAt)!.getTime() : null,
  };
}

/** Resolves the sync command's --tenant (name or slug, case-insensitive). */
export async function findTenantByNameOrSlug(
  db: Conn,
  nameOrSlug: string,
): Promise<{ id: string; name: string; slug: string } | null> {
  const [row] = await db
    .select({ id: tenants.id, name: tenants.name, slug: tenants.slug })
    .from(tenants)
    .where(sql`lower(${tenants.name}) = lower(${nameOrSlug}) or ${tenants.slug} = lower(${nameOrSlug})`)
    .limit(1);
  return row ?? null;
}
