import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { alertChannels, alertDeliveries, alertEvents, alertRules, tenants, type AlertDeliveryRow } from "@/db/schema";
import { clock } from "@/lib/clock";
import { retryDelayMs } from "./backoff";
import { isMutedAt, muteEndsAt } from "./mute";
import { sendToChannel, type AlertMessage, type SendDeps } from "./send";

// The dispatcher, run by the minute tick (queue.ts): claims due deliveries (pending, retrying, or
// muted whose window ended), holds those whose rule is muted now until the window ends, and sends
// the rest grouped per channel. A channel with more than BATCH_OVER due alerts gets them as one
// message (up to PER_MESSAGE alerts each, PER_CHANNEL_TICK per tick), so a new template that fails
// hundreds of resources does not flood a Slack channel; the rest wait for the next tick. A failed
// attempt is tried again after 1, 2, 4, 8, 16 minutes (backoff.ts), then marked failed.
// Claims expire, so a worker that dies mid-send loses nothing; the next tick takes over.

export const BATCH_OVER = 5;
export const PER_MESSAGE = 100;
export const PER_CHANNEL_TICK = 200;
const CLAIM_LIMIT = 1000;
const CLAIM_MS = 5 * 60_000;

async function claimDue(db: Db, now: Date): Promise<AlertDeliveryRow[]> {
  const res = await db.execute(sql`
    update ${alertDeliveries} set claimed_until = ${new Date(now.getTime() + CLAIM_MS)}
     where id in (select id from ${alertDeliveries}
                   where status in ('pending', 'retrying', 'muted') and next_attempt_at <= ${now}
                     and (claimed_until is null or claimed_until < ${now})
                   order by next_attempt_at, created_at limit ${CLAIM_LIMIT} for update skip locked)
    returning id`);
  const ids = (res.rows as { id: string }[]).map((r) => r.id);
  if (ids.length === 0) return [];
  return db.select().from(alertDeliveries).where(inArray(alertDeliveries.id, ids));
}

const release = (db: Db, ids: string[]) =>
  ids.length
    ? db.update(alertDeliveries).set({ claimedUntil: null }).where(inArray(alertDeliveries.id, ids))
    : Promise.resolve();

/** One dispatcher pass at `now`; returns how many deliveries were attempted (sent or failed). */
export async function dispatchAlerts(db: Db, deps: SendDeps, now = clock.now()): Promise<number> {
  const due = await claimDue(db, now);
  if (due.length === 0) return 0;
  const eventIds = [...new Set(due.map((d) => d.eventId).filter((x): x is string => x !== null))];
  const channelIds = [...new Set(due.map((d) => d.channelId))];
  const [events, channels] = await Promise.all([
    eventIds.length
      ? db
          .select({ event: alertEvents, mute: alertRules.mute })
          .from(alertEvents)
          .innerJoin(alertRules, eq(alertRules.id, alertEvents.ruleId))
          .where(inArray(alertEvents.id, eventIds))
      : [],
    db
      .select({ channel: alertChannels, tenant: { id: tenants.id, slug: tenants.slug, name: tenants.name } })
      .from(alertChannels)
      .innerJoin(tenants, eq(tenants.id, alertChannels.tenantId))
      .where(inArray(alertChannels.id, channelIds)),
  ]);
  const eventOf = new Map(events.map((e) => [e.event.id, e]));
  const channelOf = new Map(channels.map((c) => [c.channel.id, c]));

  const byChannel = new Map<string, { d: AlertDeliveryRow; m: AlertMessage }[]>();
  for (const d of due) {
    const e = d.eventId ? eventOf.get(d.eventId) : undefined;
    const c = channelOf.get(d.channelId);
    if (!e || !c || !c.channel.enabled) {
      await finish(db, [d], now, { ok: false, responseStatus: null, error: "The channel is disabled." }, true);
      continue;
    }
    if (isMutedAt(e.mute, now)) {
      await db
        .update(alertDeliveries)
        .set({ status: "muted", nextAttemptAt: muteEndsAt(e.mute, now), claimedUntil: null })
        .where(eq(alertDeliveries.id, d.id));
      continue;
    }
    const list = byChannel.get(d.channelId) ?? [];
    list.push({ d, m: { ...e.event, payload: e.event.payload } });
    byChannel.set(d.channelId, list);
  }

  let attempted = 0;
  for (const [channelId, list] of byChannel) {
    const { channel, tenant } = channelOf.get(channelId)!;
    list.sort((a, b) => a.m.occurredAt.getTime() - b.m.occurredAt.getTime());
    const batch = list.slice(0, PER_CHANNEL_TICK);
    await release(
      db,
      list.slice(PER_CHANNEL_TICK).map((x) => x.d.id),
    );
    const groups =
      batch.length > BATCH_OVER
        ? Array.from({ length: Math.ceil(batch.length / PER_MESSAGE) }, (_, i) =>
            batch.slice(i * PER_MESSAGE, (i + 1) * PER_MESSAGE),
          )
        : batch.map((x) => [x]);
    for (const group of groups) {
      const outcome = await sendToChannel(
        channel,
        group.map((x) => x.m),
        { tenant },
        deps,
      );
      await finish(
        db,
        group.map((x) => x.d),
        now,
        outcome,
        false,
      );
      attempted += group.length;
    }
  }
  return attempted;
}

async function finish(
  db: Db,
  ds: AlertDeliveryRow[],
  now: Date,
  outcome: { ok: boolean; responseStatus: number | null; error: string | null },
  final: boolean,
): Promise<void> {
  const batchedWith = ds.length > 1 ? ds[0]!.id : null;
  for (const d of ds) {
    const attempts = d.attempts + 1;
    const delay = outcome.ok || final ? null : retryDelayMs(attempts);
    await db
      .update(alertDeliveries)
      .set({
        status: outcome.ok ? "sent" : delay === null ? "failed" : "retrying",
        attempts,
        lastError: outcome.error,
        responseStatus: outcome.responseStatus,
        nextAttemptAt: delay === null ? d.nextAttemptAt : new Date(now.getTime() + delay),
        claimedUntil: null,
        sentAt: outcome.ok ? now : null,
        batchedWith,
      })
      .where(and(eq(alertDeliveries.id, d.id)));
  }
}
