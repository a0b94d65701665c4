import { and, asc, eq, gte, lt } from "drizzle-orm";
import type { Db } from "@/db";
import { recordAudit } from "@/db/audit";
import {
  alertDigestDeliveries,
  alertDigestSubscriptions,
  alertEvents,
  tenantMemberships,
  tenants,
  users,
  type AlertDigestFrequency,
} from "@/db/schema";
import { getResilience } from "@/lib/compliance/read/resilience";
import { getScores } from "@/lib/compliance/read/scores";
import { clock } from "@/lib/clock";
import { smtpFailureReason, smtpTransport, type SmtpSettings } from "@/lib/reports/schedules/deliver-email";
import { digestInput } from "@/lib/validation/alerts";
import { auditOf, parseOrInvalid, type AlertActor } from "./channels";
import { appBaseUrl } from "./events";

// The digest: per subscribed user and tenant, once a day (periods end at 00:00 UTC) or once a week
// (periods end Monday 00:00 UTC), one mail with the tenant's alerts of the period — muted ones too —
// and its current scores. Each digest is logged (alert_digest_deliveries, unique per period, so a
// duplicate tick sends nothing twice); a failed one is logged and tried again every 15 minutes
// while its period is the newest. A user who lost access to the tenant, or was disabled, gets nothing.

const DAY = 86_400_000;
const RETRY_MS = 15 * 60_000;

/** The end of the newest whole period at `now`. */
export function periodEnd(frequency: AlertDigestFrequency, now: Date): Date {
  const midnight = Math.floor(now.getTime() / DAY) * DAY;
  if (frequency === "daily") return new Date(midnight);
  const weekday = new Date(midnight).getUTCDay(); // 0 Sunday … 1 Monday
  return new Date(midnight - ((weekday + 6) % 7) * DAY);
}

const lengthOf = (f: AlertDigestFrequency) => (f === "daily" ? DAY : 7 * DAY);

/** Subscribes the acting user to the tenant's digest (frequency null: unsubscribes). */
export async function setDigestSubscription(
  db: Db,
  actor: AlertActor,
  raw: { tenantId: string; frequency: AlertDigestFrequency | null },
): Promise<void> {
  const input = parseOrInvalid(digestInput, raw);
  await db.transaction(async (tx) => {
    const key = and(
      eq(alertDigestSubscriptions.userId, actor.userId),
      eq(alertDigestSubscriptions.tenantId, input.tenantId),
    );
    if (input.frequency === null) await tx.delete(alertDigestSubscriptions).where(key);
    else
      await tx
        .insert(alertDigestSubscriptions)
        .values({
          userId: actor.userId,
          tenantId: input.tenantId,
          frequency: input.frequency,
          // The first digest covers the period that ends next, not the past.
          lastSentAt: periodEnd(input.frequency, clock.now()),
          createdAt: clock.now(),
        })
        .onConflictDoUpdate({
          target: [alertDigestSubscriptions.userId, alertDigestSubscriptions.tenantId],
          set: { frequency: input.frequency },
        });
    await recordAudit(tx, {
      ...auditOf(actor),
      tenantId: input.tenantId,
      action: "alert_digest.set",
      targetType: "user",
      targetId: actor.userId,
      details: { frequency: input.frequency },
    });
  });
}

/** The acting user's digest frequency for the tenant, or null. */
export async function getDigestSubscription(
  db: Db,
  p: { userId: string; tenantId: string },
): Promise<AlertDigestFrequency | null> {
  const [row] = await db
    .select({ frequency: alertDigestSubscriptions.frequency })
    .from(alertDigestSubscriptions)
    .where(and(eq(alertDigestSubscriptions.userId, p.userId), eq(alertDigestSubscriptions.tenantId, p.tenantId)));
  return row?.frequency ?? null;
}

const pct = (s: number | null | undefined) =>
  s === null || s === undefined ? "no data" : `${Math.floor(s * 1000) / 10}%`;

/** Mails every digest that is due at `now`; returns how many were sent. */
export async function sendDueDigests(
  db: Db,
  smtp: Pick<SmtpSettings, "url" | "from">,
  now = clock.now(),
): Promise<number> {
  const subs = await db
    .select({
      sub: alertDigestSubscriptions,
      email: users.email,
      role: users.role,
      disabled: users.disabled,
      member: tenantMemberships.userId,
      tenant: { id: tenants.id, slug: tenants.slug, name: tenants.name },
    })
    .from(alertDigestSubscriptions)
    .innerJoin(users, eq(users.id, alertDigestSubscriptions.userId))
    .innerJoin(tenants, eq(tenants.id, alertDigestSubscriptions.tenantId))
    .leftJoin(
      tenantMemberships,
      and(
        eq(tenantMemberships.userId, alertDigestSubscriptions.userId),
        eq(tenantMemberships.tenantId, alertDigestSubscriptions.tenantId),
      ),
    );
  let sent = 0;
  for (const s of subs) {
    const end = periodEnd(s.sub.frequency, now);
    if (s.sub.lastSentAt && s.sub.lastSentAt >= end) continue;
    if (s.disabled || (s.role !== "admin" && !s.member)) continue;
    // A failed digest is tried again every RETRY_MS (not every minute) while its period is the newest.
    const [tried] = await db
      .select({ createdAt: alertDigestDeliveries.createdAt })
      .from(alertDigestDeliveries)
      .where(
        and(
          eq(alertDigestDeliveries.userId, s.sub.userId),
          eq(alertDigestDeliveries.tenantId, s.tenant.id),
          eq(alertDigestDeliveries.periodEnd, end),
        ),
      );
    if (tried && now.getTime() - tried.createdAt.getTime() < RETRY_MS) continue;
    const start = new Date(Math.max(end.getTime() - lengthOf(s.sub.frequency), s.sub.lastSentAt?.getTime() ?? 0));
    const events = await db
      .select({
        title: alertEvents.title,
        summary: alertEvents.summary,
        link: alertEvents.link,
        occurredAt: alertEvents.occurredAt,
      })
      .from(alertEvents)
      .where(
        and(eq(alertEvents.tenantId, s.tenant.id), gte(alertEvents.createdAt, start), lt(alertEvents.createdAt, end)),
      )
      .orderBy(asc(alertEvents.createdAt))
      .limit(500);
    const [scores, resilience] = await Promise.all([
      getScores(db, { tenantId: s.tenant.id }),
      getResilience(db, { tenantId: s.tenant.id }),
    ]);
    const text = [
      `${s.tenant.name}: ${events.length} alert(s) from ${start.toISOString()} to ${end.toISOString()}.`,
      "",
      "Current scores:",
      `  Resilience: ${pct(resilience.tenant?.now.score)}`,
      ...scores.frameworks.map((f) => `  ${f.name}: ${pct(f.score)}`),
      "",
      ...events.map((e) => `- ${e.title}\n  ${e.summary}\n  ${e.link}`),
      events.length === 500 ? "\n(Only the first 500 are listed.)" : "",
      "",
      `${appBaseUrl()}/t/${s.tenant.slug}/overview`,
    ].join("\n");
    let error: string | null = null;
    if (!smtp.url || !smtp.from) error = "SMTP_URL or REPORT_MAIL_FROM is not set on the server.";
    else {
      const transport = smtpTransport(smtp.url, 10_000);
      try {
        await transport.sendMail({
          from: smtp.from,
          to: s.email,
          subject: `[${s.tenant.name}] ${s.sub.frequency === "daily" ? "Daily" : "Weekly"} alert digest: ${events.length} alert(s)`,
          text,
        });
      } catch (e) {
        error = smtpFailureReason(e);
      } finally {
        transport.close();
      }
    }
    await db.transaction(async (tx) => {
      await tx
        .insert(alertDigestDeliveries)
        .values({
          userId: s.sub.userId,
          tenantId: s.tenant.id,
          periodStart: start,
          periodEnd: end,
          events: events.length,
          status: error ? "failed" : "sent",
          error,
          createdAt: now,
        })
        .onConflictDoUpdate({
          target: [alertDigestDeliveries.userId, alertDigestDeliveries.tenantId, alertDigestDeliveries.periodEnd],
          set: { status: error ? "failed" : "sent", error, createdAt: now },
        });
      if (!error)
        await tx
          .update(alertDigestSubscriptions)
          .set({ lastSentAt: end })
          .where(
            and(eq(alertDigestSubscriptions.userId, s.sub.userId), eq(alertDigestSubscriptions.tenantId, s.tenant.id)),
          );
    });
    if (!error) sent++;
  }
  return sent;
}
