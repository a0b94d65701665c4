import { createHash, randomBytes } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Db } from "@/db";
import { recordAudit } from "@/db/audit";
import {
  alertChannels,
  alertDeliveries,
  alertRules,
  tenants,
  type AlertChannelKind,
  type AlertChannelRow,
} from "@/db/schema";
import type { Role } from "@/db/schema/enums";
import { clock } from "@/lib/clock";
import { conflict, forbidden, invalid, isUniqueViolation, notFound } from "@/lib/errors";
import { channelInput, type ChannelInput } from "@/lib/validation/alerts";
import { fieldErrorsOf } from "@/lib/validation/common";
import { appBaseUrl } from "./events";
import { sendToChannel, type SendDeps, type SendOutcome } from "./send";
import { generateWebhookSecret } from "./signature";
import { checkAlertUrl, UnsafeUrlError, type Resolver } from "./url-guard";

// Alert channels as users change them: each change one transaction with its audit row. Secrets
// (a webhook's HMAC key, a feed's bearer token) are made here and returned once, by create and by
// a rotation; lists never carry them, and audit rows never name them.

export interface AlertActor {
  userId: string;
  email: string;
  ip: string | null;
  /** Only an admin may let a channel reach private addresses. */
  role: Role;
}

export const auditOf = (actor: AlertActor) => ({ actorId: actor.userId, actorEmail: actor.email, ip: actor.ip });

export function parseOrInvalid<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw invalid("Some fields need attention.", fieldErrorsOf(parsed.error));
  return parsed.data;
}

export interface ChannelView {
  id: string;
  name: string;
  kind: AlertChannelKind;
  /** What the channel sends to, safe to show: a URL's scheme and host only (a Slack URL's path is its secret). */
  target: string;
  allowPrivateAddress: boolean;
  enabled: boolean;
  createdAt: Date;
  createdByEmail: string | null;
}

export function describeTarget(kind: AlertChannelKind, target: string): string {
  if (kind === "email") return target.split(",").join(", ");
  if (kind === "feed") return "JSON-lines feed";
  try {
    const u = new URL(target);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return "(invalid URL)";
  }
}

const view = (c: AlertChannelRow): ChannelView => ({
  id: c.id,
  name: c.name,
  kind: c.kind,
  target: describeTarget(c.kind, c.target),
  allowPrivateAddress: c.allowPrivateAddress,
  enabled: c.enabled,
  createdAt: c.createdAt,
  createdByEmail: c.createdByEmail,
});

export async function listChannels(db: Db, p: { tenantId: string }): Promise<ChannelView[]> {
  const rows = await db
    .select()
    .from(alertChannels)
    .where(eq(alertChannels.tenantId, p.tenantId))
    .orderBy(asc(alertChannels.name));
  return rows.map(view);
}

export const feedTokenDigest = (token: string) => createHash("sha256").update(token).digest("hex");

/** Target and a fresh secret for a channel input, after the server-side checks (URL, admin flag). */
async function settle(
  actor: AlertActor,
  input: z.output<typeof channelInput>,
  resolve?: Resolver,
): Promise<{ target: string; allowPrivateAddress: boolean }> {
  if (input.kind === "email") return { target: input.recipients.join(","), allowPrivateAddress: false };
  if (input.kind === "feed") return { target: "", allowPrivateAddress: false };
  if (input.allowPrivateAddress && actor.role !== "admin")
    throw forbidden("Only an administrator may let a channel send to private addresses.");
  try {
    await checkAlertUrl(input.url, { allowPrivateAddress: input.allowPrivateAddress, resolve });
  } catch (e) {
    if (e instanceof UnsafeUrlError) throw invalid("Some fields need attention.", { url: e.message });
    throw e;
  }
  return { target: input.url, allowPrivateAddress: input.allowPrivateAddress };
}

/** The secret a kind needs, as shown once and as stored. */
function newSecret(kind: AlertChannelKind): { shown: string; stored: string } | null {
  if (kind === "webhook") {
    const s = generateWebhookSecret();
    return { shown: s, stored: s };
  }
  if (kind === "feed") {
    const token = `feed_${randomBytes(32).toString("base64url")}`;
    return { shown: token, stored: feedTokenDigest(token) };
  }
  return null;
}

const nameTaken = () =>
  conflict("A channel with this name already exists.", { name: "A channel with this name already exists." });

/**
 * Makes a channel. A webhook's signing secret, or a feed's bearer token, is in the result and
 * nowhere else: show it once.
 */
export async function createChannel(
  db: Db,
  actor: AlertActor,
  raw: ChannelInput,
  o: { resolve?: Resolver } = {},
): Promise<{ id: string; secret: string | null }> {
  const input = parseOrInvalid(channelInput, raw);
  const { target, allowPrivateAddress } = await settle(actor, input, o.resolve);
  const secret = newSecret(input.kind);
  const now = clock.now();
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(alertChannels)
        .values({
          tenantId: input.tenantId,
          name: input.name,
          kind: input.kind,
          target,
          secret: secret?.stored ?? null,
          allowPrivateAddress,
          enabled: input.enabled,
          createdById: actor.userId,
          createdByEmail: actor.email,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: alertChannels.id });
      await recordAudit(tx, {
        ...auditOf(actor),
        tenantId: input.tenantId,
        action: "alert_channel.create",
        targetType: "alert_channel",
        targetId: row!.id,
        details: {
          name: input.name,
          kind: input.kind,
          target: describeTarget(input.kind, target),
          allowPrivateAddress,
        },
      });
      return { id: row!.id, secret: secret?.shown ?? null };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
}

/**
 * Changes a channel (its kind stays). `rotateSecret` makes a new webhook secret or feed token,
 * returned once; otherwise the secret is kept and null returned.
 */
export async function updateChannel(
  db: Db,
  actor: AlertActor,
  raw: ChannelInput & { id: string; rotateSecret?: boolean },
  o: { resolve?: Resolver } = {},
): Promise<{ secret: string | null }> {
  const input = parseOrInvalid(channelInput, raw);
  const { target, allowPrivateAddress } = await settle(actor, input, o.resolve);
  const secret = raw.rotateSecret ? newSecret(input.kind) : null;
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .update(alertChannels)
        .set({
          name: input.name,
          target,
          allowPrivateAddress,
          enabled: input.enabled,
          updatedAt: clock.now(),
          ...(secret ? { secret: secret.stored } : {}),
        })
        .where(
          and(
            eq(alertChannels.id, raw.id),
            eq(alertChannels.tenantId, input.tenantId),
            eq(alertChannels.kind, input.kind),
          ),
        )
        .returning({ id: alertChannels.id });
      if (!row) throw notFound("That channel");
      await recordAudit(tx, {
        ...auditOf(actor),
        tenantId: input.tenantId,
        action: "alert_channel.update",
        targetType: "alert_channel",
        targetId: raw.id,
        details: {
          name: input.name,
          target: describeTarget(input.kind, target),
          allowPrivateAddress,
          enabled: input.enabled,
          secretRotated: Boolean(secret),
        },
      });
      return { secret: secret?.shown ?? null };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
}

/** Deletes a channel with its delivery log, and takes it out of the rules that named it. */
export async function deleteChannel(db: Db, actor: AlertActor, ref: { tenantId: string; id: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .delete(alertChannels)
      .where(and(eq(alertChannels.id, ref.id), eq(alertChannels.tenantId, ref.tenantId)))
      .returning({ name: alertChannels.name, kind: alertChannels.kind });
    if (!row) throw notFound("That channel");
    await tx
      .update(alertRules)
      .set({ channelIds: sql`array_remove(${alertRules.channelIds}, ${ref.id}::uuid)` })
      .where(and(eq(alertRules.tenantId, ref.tenantId), sql`${ref.id}::uuid = any(${alertRules.channelIds})`));
    await recordAudit(tx, {
      ...auditOf(actor),
      tenantId: ref.tenantId,
      action: "alert_channel.delete",
      targetType: "alert_channel",
      targetId: ref.id,
      details: { name: row.name, kind: row.kind },
    });
  });
}

/**
 * Sends a test alert to the channel now and returns the outcome (also in the delivery log and
 * the audit log). A failure is an outcome, not an error: its `error` says why in a user's words.
 */
export async function testChannel(
  db: Db,
  actor: AlertActor,
  ref: { tenantId: string; id: string },
  deps: SendDeps,
): Promise<SendOutcome> {
  const [row] = await db
    .select({ channel: alertChannels, tenant: { id: tenants.id, slug: tenants.slug, name: tenants.name } })
    .from(alertChannels)
    .innerJoin(tenants, eq(tenants.id, alertChannels.tenantId))
    .where(and(eq(alertChannels.id, ref.id), eq(alertChannels.tenantId, ref.tenantId)));
  if (!row) throw notFound("That channel");
  const now = clock.now();
  const outcome = await sendToChannel(
    row.channel,
    [
      {
        id: `test-${randomBytes(8).toString("hex")}`,
        kind: "test",
        title: `Test alert for ${row.channel.name}`,
        summary: `Sent by ${actor.email} to check this channel. No action needed.`,
        link: `${appBaseUrl()}/t/${row.tenant.slug}/overview`,
        occurredAt: now,
        payload: {},
      },
    ],
    { tenant: row.tenant, test: true },
    deps,
  );
  await db.transaction(async (tx) => {
    await tx.insert(alertDeliveries).values({
      tenantId: ref.tenantId,
      eventId: null,
      channelId: ref.id,
      status: outcome.ok ? "sent" : "failed",
      attempts: 1,
      nextAttemptAt: now,
      lastError: outcome.error,
      responseStatus: outcome.responseStatus,
      createdAt: now,
      sentAt: outcome.ok ? now : null,
    });
    await recordAudit(tx, {
      ...auditOf(actor),
      tenantId: ref.tenantId,
      action: "alert_channel.test",
      targetType: "alert_channel",
      targetId: ref.id,
      outcome: outcome.ok ? "success" : "failure",
      details: { responseStatus: outcome.responseStatus, error: outcome.error },
    });
  });
  return outcome;
}
