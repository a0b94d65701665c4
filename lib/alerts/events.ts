import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db";
import {
  alertChannels,
  alertDeliveries,
  alertEvents,
  alertRules,
  tenants,
  type AlertEventKind,
  type AlertRuleRow,
} from "@/db/schema";
import { clock } from "@/lib/clock";
import { env } from "@/lib/env";
import { parseRuleParams, type RuleParams } from "./rule-params";

// Where detection hands over: an event per (rule, dedup key) and a pending delivery per channel,
// in one transaction. The unique (rule, dedup key) makes detection idempotent: a retried job, or
// an evaluation looked at twice, adds nothing. Feed channels are pull: their delivery is logged
// as sent when the event becomes readable in the feed.

export interface AlertCandidate {
  /** Stable for the same occurrence, different for a new one (e.g. the transition's evaluation). */
  dedupKey: string;
  title: string;
  summary: string;
  /** Path in the app (from lib/dashboard/links.ts); made absolute with APP_URL here. */
  path: string;
  payload: Record<string, unknown>;
  occurredAt: Date;
}

export interface ActiveRule<K extends AlertEventKind> {
  row: AlertRuleRow;
  params: RuleParams<K>;
}

/** The tenant's enabled rules of a kind whose params parse (a row edited by hand into nonsense is skipped). */
export async function activeRules<K extends AlertEventKind>(
  db: Db,
  tenantId: string,
  kind: K,
): Promise<ActiveRule<K>[]> {
  const rows = await db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.tenantId, tenantId), eq(alertRules.kind, kind), eq(alertRules.enabled, true)));
  const out: ActiveRule<K>[] = [];
  for (const row of rows) {
    try {
      out.push({ row, params: parseRuleParams(kind, row.params) });
    } catch {
      continue;
    }
  }
  return out;
}

/** The app's public address for links (APP_URL, else localhost on PORT). */
export function appBaseUrl(): string {
  return (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, "");
}

export async function tenantSlug(db: Db, tenantId: string): Promise<string | null> {
  const [t] = await db.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, tenantId));
  return t?.slug ?? null;
}

/** Records the candidates of one rule; returns how many events are new. */
export async function recordAlertEvents(
  db: Db,
  rule: AlertRuleRow,
  candidates: readonly AlertCandidate[],
  now = clock.now(),
): Promise<number> {
  if (candidates.length === 0) return 0;
  const base = appBaseUrl();
  return db.transaction(async (tx) => {
    const channels = rule.channelIds.length
      ? await tx
          .select({ id: alertChannels.id, kind: alertChannels.kind })
          .from(alertChannels)
          .where(
            and(
              eq(alertChannels.tenantId, rule.tenantId),
              inArray(alertChannels.id, rule.channelIds),
              eq(alertChannels.enabled, true),
            ),
          )
      : [];
    let created = 0;
    for (let i = 0; i < candidates.length; i += 500) {
      const inserted = await tx
        .insert(alertEvents)
        .values(
          candidates.slice(i, i + 500).map((c) => ({
            tenantId: rule.tenantId,
            ruleId: rule.id,
            kind: rule.kind,
            dedupKey: c.dedupKey,
            title: c.title.slice(0, 300),
            summary: c.summary.slice(0, 2000),
            link: `${base}${c.path}`,
            payload: c.payload,
            occurredAt: c.occurredAt,
            createdAt: now,
          })),
        )
        .onConflictDoNothing({ target: [alertEvents.ruleId, alertEvents.dedupKey] })
        .returning({ id: alertEvents.id });
      created += inserted.length;
      const deliveries = inserted.flatMap((e) =>
        channels.map((ch) => ({
          tenantId: rule.tenantId,
          eventId: e.id,
          channelId: ch.id,
          status: ch.kind === "feed" ? ("sent" as const) : ("pending" as const),
          nextAttemptAt: now,
          createdAt: now,
          sentAt: ch.kind === "feed" ? now : null,
        })),
      );
      if (deliveries.length) await tx.insert(alertDeliveries).values(deliveries).onConflictDoNothing();
    }
    return created;
  });
}
