// Accounts the sync has no data for: every region was refused (access denied), skipped (account
// suspended) or never tried. Such an account says "no data" wherever a score or an age would be,
// never 0% or "none", which mean something was read. An operator may acknowledge one (a sandbox
// without the member role, a suspended account awaiting closure) so that the freshness banner
// stops warning about it; the acknowledgement is audited in the same transaction.
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Conn, Db } from "@/db";
import { recordAudit } from "@/db/audit";
import { orgAccounts, syncUnits, unreadAccountAcks } from "@/db/schema";
import { clock } from "@/lib/clock";
import type { Actor } from "@/lib/compliance/templates/template-store";
import { conflict, notFound } from "@/lib/errors";

/** True when no region of the account holds data read by a sync (skipped regions hold none). */
export function isUnread(units: ReadonlyArray<{ status: string; publishedAt: Date | null }>): boolean {
  return !units.some((u) => u.status !== "skipped" && u.publishedAt !== null);
}

export const acknowledgeUnreadInput = z.object({
  tenantId: z.uuid({ error: "Organization is not a valid id." }),
  accountId: z.string().regex(/^\d{12}$/, "Account id must be 12 digits."),
  reason: z
    .string({ error: "Say why this account is not read." })
    .trim()
    .min(3, "Say why this account is not read (at least 3 characters).")
    .max(500, "Reason must be at most 500 characters."),
});

export const withdrawAcknowledgementInput = z.object({
  tenantId: z.uuid({ error: "Organization is not a valid id." }),
  accountId: z.string().regex(/^\d{12}$/, "Account id must be 12 digits."),
});

export interface UnreadAccountAckView {
  accountId: string;
  reason: string;
  acknowledgedAt: Date;
  acknowledgedByEmail: string | null;
}

/** Acknowledgements of the tenant, by account id. */
export async function listUnreadAccountAcks(db: Conn, tenantId: string): Promise<Map<string, UnreadAccountAckView>> {
  const rows = await db
    .select({
      accountId: unreadAccountAcks.accountId,
      reason: unreadAccountAcks.reason,
      acknowledgedAt: unreadAccountAcks.acknowledgedAt,
      acknowledgedByEmail: unreadAccountAcks.acknowledgedByEmail,
    })
    .from(unreadAccountAcks)
    .where(eq(unreadAccountAcks.tenantId, tenantId));
  return new Map(rows.map((r) => [r.accountId, r]));
}

/** Acknowledges an account the sync has no data for; refused for an account that has data. */
export async function acknowledgeUnreadAccount(
  db: Db,
  actor: Actor,
  input: z.output<typeof acknowledgeUnreadInput>,
): Promise<UnreadAccountAckView> {
  return db.transaction(async (tx) => {
    const [account] = await tx
      .select({ name: orgAccounts.name })
      .from(orgAccounts)
      .where(and(eq(orgAccounts.tenantId, input.tenantId), eq(orgAccounts.accountId, input.accountId)));
    if (!account) throw notFound("That account");
    const units = await tx
      .select({ status: syncUnits.status, publishedAt: syncUnits.publishedAt })
      .from(syncUnits)
      .where(
        and(
          eq(syncUnits.tenantId, input.tenantId),
          eq(syncUnits.accountId, input.accountId),
          eq(syncUnits.kind, "region"),
        ),
      );
    if (!isUnread(units))
      throw conflict("This account has data from a sync; only accounts with no data can be acknowledged.");
    const row = {
      tenantId: input.tenantId,
      accountId: input.accountId,
      reason: input.reason,
      acknowledgedAt: clock.now(),
      acknowledgedById: actor.userId,
      acknowledgedByEmail: actor.email,
    };
    await tx
      .insert(unreadAccountAcks)
      .values(row)
      .onConflictDoUpdate({
        target: [unreadAccountAcks.tenantId, unreadAccountAcks.accountId],
        set: {
          reason: row.reason,
          acknowledgedAt: row.acknowledgedAt,
          acknowledgedById: row.acknowledgedById,
          acknowledgedByEmail: row.acknowledgedByEmail,
        },
      });
    await recordAudit(tx, {
      actorId: actor.userId,
      actorEmail: actor.email,
      ip: actor.ip,
      tenantId: input.tenantId,
      action: "sync.unread_account.acknowledge",
      targetType: "account",
      targetId: input.accountId,
      details: { accountName: account.name, reason: input.reason },
    });
    return {
      accountId: row.accountId,
      reason: row.reason,
      acknowledgedAt: row.acknowledgedAt,
      acknowledgedByEmail: row.acknowledgedByEmail,
    };
  });
}

/** Takes an acknowledgement back: the account counts as a data problem again. */
export async function withdrawAcknowledgement(
  db: Db,
  actor: Actor,
  input: z.output<typeof withdrawAcknowledgementInput>,
): Promise<void> {
  await db.transaction(async (tx) => {
    const removed = await tx
      .delete(unreadAccountAcks)
      .where(and(eq(unreadAccountAcks.tenantId, input.tenantId), eq(unreadAccountAcks.accountId, input.accountId)))
      .returning({ reason: unreadAccountAcks.reason });
    if (removed.length === 0) throw notFound("That acknowledgement");
    await recordAudit(tx, {
      actorId: actor.userId,
      actorEmail: actor.email,
      ip: actor.ip,
      tenantId: input.tenantId,
      action: "sync.unread_account.withdraw",
      targetType: "account",
      targetId: input.accountId,
      details: { reason: removed[0]!.reason },
    });
  });
}
