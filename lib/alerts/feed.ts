import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { alertChannels, alertDeliveries, alertEvents } from "@/db/schema";
import { timingSafeEqual } from "node:crypto";
import { feedTokenDigest } from "./channels";
import { eventJson } from "./send";

// The JSON-lines feed a SIEM pulls: one event per line, oldest first, from a cursor (`after`: the
// `seq` of the last event read; the response's `next`). Read through a feed channel it holds the
// events routed to that channel; the bearer token is the channel's (stored as its SHA-256 only).

export interface FeedEvent extends ReturnType<typeof eventJson> {
  seq: number;
  ruleId: string;
}

export async function readAlertFeed(
  db: Db,
  tenantId: string,
  o: { after?: number; limit?: number; channelId?: string } = {},
): Promise<{ events: FeedEvent[]; next: number }> {
  const limit = Math.min(Math.max(o.limit ?? 500, 1), 5000);
  const after = Math.max(o.after ?? 0, 0);
  const rows = await db
    .select()
    .from(alertEvents)
    .where(
      and(
        eq(alertEvents.tenantId, tenantId),
        gt(alertEvents.seq, after),
        o.channelId
          ? sql`exists (select 1 from ${alertDeliveries} d where d.event_id = ${alertEvents.id} and d.channel_id = ${o.channelId})`
          : undefined,
      ),
    )
    .orderBy(asc(alertEvents.seq))
    .limit(limit);
  const events = rows.map((e) => ({ seq: e.seq!, ruleId: e.ruleId, ...eventJson(e) }));
  return { events, next: events.length ? events[events.length - 1]!.seq : after };
}

/** The events as JSON lines (each line one event, newline-terminated). */
export const alertFeedLines = (events: readonly FeedEvent[]) => events.map((e) => `${JSON.stringify(e)}\n`).join("");

/** The feed channel a bearer token opens, or null (unknown channel, wrong token, disabled). */
export async function authenticateFeed(
  db: Db,
  channelId: string,
  token: string | null,
): Promise<{ tenantId: string; channelId: string } | null> {
  if (!token || !/^[0-9a-f-]{36}$/i.test(channelId)) return null;
  const [c] = await db
    .select({ tenantId: alertChannels.tenantId, secret: alertChannels.secret, enabled: alertChannels.enabled })
    .from(alertChannels)
    .where(and(eq(alertChannels.id, channelId), eq(alertChannels.kind, "feed")));
  if (!c?.secret || !c.enabled) return null;
  const want = Buffer.from(c.secret, "hex");
  const got = Buffer.from(feedTokenDigest(token), "hex");
  return want.length === got.length && timingSafeEqual(want, got) ? { tenantId: c.tenantId, channelId } : null;
}
