import "server-only";
import { sql } from "drizzle-orm";
import { cache } from "react";
import type { Db } from "@/db";
import { BucketCache } from "./bucket-cache";
import { clock } from "@/lib/clock";

// The dashboard reads data that changes only when a sync publishes, an evaluation lands or an
// exception is accepted or revoked. So each widget's result is kept in memory per server process,
// keyed by the tenant's snapshot (those markers, and unread accounts acknowledged), and recomputed every 5 minutes as well
// (ages and "last 7 days" windows move with the clock), each widget at its own moment within
// those 5 minutes. Concurrent requests for the same key share one computation. The web tier
// stays stateless: a cold process computes on its first request.

const widgets = new BucketCache({ maxEntries: 2_000, bucketMs: 5 * 60_000, spread: true });

// Widgets that read the clock only through the UTC day (a trend over the last N days) are kept
// per (snapshot, day) and never refreshed on the clock: within a day only a new snapshot changes
// them. The jobs trend (a month of backup jobs, 0.3 s and three parallel workers of PostgreSQL on
// the bench world) re-ran every 5 minutes in every server process, and the pages served during
// that refresh were the slowest of bench:pages (jobs p95 590-930 ms against ~270).
const daily = new BucketCache({ maxEntries: 500, bucketMs: Number.POSITIVE_INFINITY });

/** The tenant's snapshot marker: one cheap query over three small tables, once per request. */
const snapshotMarker = cache(async (db: Db, tenantId: string): Promise<string> => {
  const r = await db.execute<{ marker: string }>(sql`
    select concat_ws('|',
      (select max(updated_at)::text from sync_units where tenant_id = ${tenantId}),
      (select max(id)::text from compliance_evaluations where tenant_id = ${tenantId} and status = 'succeeded'),
      (select max(greatest(created_at, coalesce(revoked_at, created_at)))::text || count(*)::text from compliance_exceptions where tenant_id = ${tenantId}),
      (select max(acknowledged_at)::text || count(*)::text from unread_account_acks where tenant_id = ${tenantId})
    ) as marker`);
  return r.rows[0]?.marker ?? "";
});

/** A cached result's key: tenant, widget, its arguments, the day (daily widgets) and the snapshot. */
const keyOf = async (db: Db, tenantId: string, name: string, args: unknown, day = "") =>
  `${tenantId}|${name}|${JSON.stringify(args ?? null)}|${day}|${await snapshotMarker(db, tenantId)}`;

/**
 * `load()` once per (tenant snapshot, name, args), refreshed every 5 minutes. A new snapshot is
 * never answered from an older one; a value whose 5 minutes are up is answered once more while
 * its refresh runs (see BucketCache). A failed load is not kept.
 */
export async function bySnapshot<T>(
  db: Db,
  tenantId: string,
  name: string,
  args: unknown,
  load: () => Promise<T>,
): Promise<T> {
  return widgets.get(await keyOf(db, tenantId, name, args), load);
}

/** The start of `now`'s UTC day. */
export const utcDay = (now: Date): Date =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

/** `load(today)` once per (tenant snapshot, name, args, UTC day): for results that depend on the clock only through the day. */
export async function bySnapshotAndDay<T>(
  db: Db,
  tenantId: string,
  name: string,
  args: unknown,
  load: (today: Date) => Promise<T>,
  now = clock.now(),
): Promise<T> {
  const today = utcDay(now);
  return daily.get(await keyOf(db, tenantId, name, args, today.toISOString().slice(0, 10)), () => load(today));
}
