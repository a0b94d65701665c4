import { and, asc, count, desc, eq, inArray } from "drizzle-orm";
import { ZodError } from "zod";
import type { Db, Tx } from "@/db";
import { recordAudit } from "@/db/audit";
import {
  alertChannels,
  alertDeliveries,
  alertEvents,
  alertRules,
  type AlertDeliveryStatus,
  type AlertRuleRow,
  type AlertEventKind,
  type MuteSchedule,
} from "@/db/schema";
import { clock } from "@/lib/clock";
import { conflict, invalid, isUniqueViolation, notFound } from "@/lib/errors";
import { ruleInput, type RuleInput } from "@/lib/validation/alerts";
import { fieldErrorsOf } from "@/lib/validation/common";
import { auditOf, describeTarget, parseOrInvalid, type AlertActor } from "./channels";
import { parseRuleParams } from "./rule-params";

// Alert rules as users change them (each change one transaction with its audit row), and the
// delivery log as users read it.

export interface RuleView {
  id: string;
  name: string;
  kind: AlertEventKind;
  /** With every default filled in. */
  params: Record<string, unknown>;
  channelIds: string[];
  mute: MuteSchedule | null;
  enabled: boolean;
  createdAt: Date;
  createdByEmail: string | null;
}

function viewOf(r: AlertRuleRow): RuleView {
  let params = r.params;
  try {
    params = parseRuleParams(r.kind, r.params) as Record<string, unknown>;
  } catch {
    // shown as stored; detection skips it
  }
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    params,
    channelIds: r.channelIds,
    mute: r.mute ?? null,
    enabled: r.enabled,
    createdAt: r.createdAt,
    createdByEmail: r.createdByEmail,
  };
}

export async function listRules(db: Db, p: { tenantId: string }): Promise<RuleView[]> {
  const rows = await db
    .select()
    .from(alertRules)
    .where(eq(alertRules.tenantId, p.tenantId))
    .orderBy(asc(alertRules.name));
  return rows.map(viewOf);
}

/** One rule of the tenant, or null (another tenant's id is not found either). */
export async function getRule(db: Db, p: { tenantId: string; id: string }): Promise<RuleView | null> {
  const [row] = await db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.tenantId, p.tenantId), eq(alertRules.id, p.id)));
  return row ? viewOf(row) : null;
}

/** The input with its params parsed for its kind and its channels checked to be the tenant's. */
async function checked(tx: Tx, raw: RuleInput) {
  const input = parseOrInvalid(ruleInput, raw);
  let params: Record<string, unknown>;
  try {
    params = parseRuleParams(input.kind, input.params) as Record<string, unknown>;
  } catch (e) {
    if (!(e instanceof ZodError)) throw e;
    const fields = Object.fromEntries(Object.entries(fieldErrorsOf(e)).map(([k, v]) => [`params.${k}`, v]));
    throw invalid("Some fields need attention.", fields);
  }
  const channelIds = [...new Set(input.channelIds)];
  if (channelIds.length) {
    const found = await tx
      .select({ id: alertChannels.id })
      .from(alertChannels)
      .where(and(eq(alertChannels.tenantId, input.tenantId), inArray(alertChannels.id, channelIds)));
    if (found.length !== channelIds.length)
      throw invalid("Some fields need attention.", { channelIds: "A chosen channel does not exist (any more)." });
  }
  return { ...input, params, channelIds };
}

/** What a rule's audit row records of a create or an update: the whole rule as saved. */
const auditDetails = (input: Awaited<ReturnType<typeof checked>>) => ({
  name: input.name,
  kind: input.kind,
  params: input.params,
  channelIds: input.channelIds,
  mute: input.mute,
  enabled: input.enabled,
});

const nameTaken = () =>
  conflict("A rule with this name already exists.", { name: "A rule with this name already exists." });

async function unique<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
}

export async function createRule(db: Db, actor: AlertActor, raw: RuleInput): Promise<{ id: string }> {
  const now = clock.now();
  return unique(() =>
    db.transaction(async (tx) => {
      const input = await checked(tx, raw);
      const [row] = await tx
        .insert(alertRules)
        .values({
          tenantId: input.tenantId,
          name: input.name,
          kind: input.kind,
          params: input.params,
          channelIds: input.channelIds,
          mute: input.mute,
          enabled: input.enabled,
          createdById: actor.userId,
          createdByEmail: actor.email,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: alertRules.id });
      await recordAudit(tx, {
        ...auditOf(actor),
        tenantId: input.tenantId,
        action: "alert_rule.create",
        targetType: "alert_rule",
        targetId: row!.id,
        details: auditDetails(input),
      });
      return { id: row!.id };
    }),
  );
}

/** Changes a rule (its kind stays: a different kind is a different rule). */
export async function updateRule(db: Db, actor: AlertActor, raw: RuleInput & { id: string }): Promise<void> {
  await unique(() =>
    db.transaction(async (tx) => {
      const input = await checked(tx, raw);
      const [row] = await tx
        .update(alertRules)
        .set({
          name: input.name,
          params: input.params,
          channelIds: input.channelIds,
          mute: input.mute,
          enabled: input.enabled,
          updatedAt: clock.now(),
        })
        .where(and(eq(alertRules.id, raw.id), eq(alertRules.tenantId, input.tenantId), eq(alertRules.kind, input.kind)))
        .returning({ id: alertRules.id });
      if (!row) throw notFound("That rule");
      await recordAudit(tx, {
        ...auditOf(actor),
        tenantId: input.tenantId,
        action: "alert_rule.update",
        targetType: "alert_rule",
        targetId: raw.id,
        details: auditDetails(input),
      });
    }),
  );
}

/** Deletes a rule with its events and their deliveries. */
export async function deleteRule(db: Db, actor: AlertActor, ref: { tenantId: string; id: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .delete(alertRules)
      .where(and(eq(alertRules.id, ref.id), eq(alertRules.tenantId, ref.tenantId)))
      .returning({ name: alertRules.name, kind: alertRules.kind });
    if (!row) throw notFound("That rule");
    await recordAudit(tx, {
      ...auditOf(actor),
      tenantId: ref.tenantId,
      action: "alert_rule.delete",
      targetType: "alert_rule",
      targetId: ref.id,
      details: { name: row.name, kind: row.kind },
    });
  });
}

export interface DeliveryView {
  id: string;
  status: AlertDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  responseStatus: number | null;
  createdAt: Date;
  sentAt: Date | null;
  channel: { id: string; name: string; kind: string; target: string };
  /** Null for a channel test. */
  event: { id: string; kind: AlertEventKind; title: string; link: string; occurredAt: Date; ruleId: string } | null;
}

/** The delivery log, newest first, paged; optionally one channel's or one status's. */
export async function listDeliveries(
  db: Db,
  p: { tenantId: string; channelId?: string; status?: AlertDeliveryStatus; limit?: number; offset?: number },
): Promise<{ total: number; deliveries: DeliveryView[] }> {
  const limit = Math.min(Math.max(p.limit ?? 50, 1), 500);
  const where = and(
    eq(alertDeliveries.tenantId, p.tenantId),
    p.channelId ? eq(alertDeliveries.channelId, p.channelId) : undefined,
    p.status ? eq(alertDeliveries.status, p.status) : undefined,
  );
  const [[total], rows] = await Promise.all([
    db.select({ n: count() }).from(alertDeliveries).where(where),
    db
      .select({ d: alertDeliveries, c: alertChannels, e: alertEvents })
      .from(alertDeliveries)
      .innerJoin(alertChannels, eq(alertChannels.id, alertDeliveries.channelId))
      .leftJoin(alertEvents, eq(alertEvents.id, alertDeliveries.eventId))
      .where(where)
      .orderBy(desc(alertDeliveries.createdAt), desc(alertDeliveries.id))
      .limit(limit)
      .offset(Math.max(p.offset ?? 0, 0)),
  ]);
  return {
    total: total?.n ?? 0,
    deliveries: rows.map(({ d, c, e }) => ({
      id: d.id,
      status: d.status,
      attempts: d.attempts,
      nextAttemptAt: d.status === "sent" || d.status === "failed" ? null : d.nextAttemptAt,
      lastError: d.lastError,
      responseStatus: d.responseStatus,
      createdAt: d.createdAt,
      sentAt: d.sentAt,
      channel: { id: c.id, name: c.name, kind: c.kind, target: describeTarget(c.kind, c.target) },
      event: e
        ? { id: e.id, kind: e.kind, title: e.title, link: e.link, occurredAt: e.occurredAt, ruleId: e.ruleId }
        : null,
    })),
  };
}
