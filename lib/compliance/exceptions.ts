// Exceptions: a compliance user accepts a FAILING finding with a reason, an owner and an expiry.
// From then until it expires (or is revoked) the finding counts as EXCEPTED: not passing, reported
// on its own line in every count and score. Validated, and audited in the same transaction.
import { z } from "zod";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Conn, Db } from "@/db";
import { recordAudit } from "@/db/audit";
import { complianceExceptions } from "@/db/schema";
import { conflict, invalid, notFound } from "@/lib/errors";
import { CONTROL_IDS, SUBJECT_TYPES } from "@/lib/compliance/model/finding";
import type { Actor } from "@/lib/compliance/templates/template-store";
import { exceptionView, type ExceptionState, type ExceptionView } from "@/lib/compliance/read/exceptions-at";
import { getFinding } from "@/lib/compliance/read/findings";
import { clock } from "@/lib/clock";

const DAY_MS = 86_400_000;
/** Longest acceptance: a year, so every exception is looked at again at least yearly. */
export const MAX_EXCEPTION_DAYS = 366;

export const createExceptionInput = z.object({
  tenantId: z.uuid({ error: "Organization is not a valid id." }),
  controlId: z.enum(CONTROL_IDS, { error: "Control must be BK-01 to BK-21." }),
  subjectType: z.enum(SUBJECT_TYPES, { error: "Unknown subject type." }),
  subjectId: z.string().trim().min(1, "Subject is required.").max(2048, "Subject must be at most 2048 characters."),
  accountId: z.string().regex(/^\d{12}$/, "Account id must be 12 digits."),
  region: z.string().trim().max(32, "Region must be at most 32 characters.").default(""),
  reason: z
    .string({ error: "Reason is required." })
    .trim()
    .min(10, "Reason must say why (at least 10 characters).")
    .max(2000, "Reason must be at most 2000 characters."),
  owner: z
    .string({ error: "Owner is required." })
    .trim()
    .min(1, "Owner is required.")
    .max(200, "Owner must be at most 200 characters."),
  expiresAt: z.coerce.date({ error: "Expiry must be a date." }),
});
export type CreateExceptionInput = z.input<typeof createExceptionInput>;

export const revokeExceptionInput = z.object({
  tenantId: z.uuid({ error: "Organization is not a valid id." }),
  exceptionId: z.uuid({ error: "Exception is not a valid id." }),
  reason: z
    .string({ error: "Reason is required." })
    .trim()
    .min(3, "Say why it is revoked (at least 3 characters).")
    .max(2000, "Reason must be at most 2000 characters."),
});

/** Every exception of the tenant with its state at `at` (default now); newest first. */
export async function listExceptions(
  db: Conn,
  p: { tenantId: string; at?: Date; state?: ExceptionState | "all" },
): Promise<ExceptionView[]> {
  const at = p.at ?? clock.now();
  const rows = await db.select().from(complianceExceptions).where(eq(complianceExceptions.tenantId, p.tenantId));
  return rows
    .map((x) => exceptionView(x, at))
    .filter((x) => !p.state || p.state === "all" || x.state === p.state)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/** Accepts a finding that FAILS in the newest evaluation (an already excepted one cannot be). */
export async function createException(
  db: Db,
  actor: Actor,
  raw: CreateExceptionInput,
  now = clock.now(),
): Promise<ExceptionView> {
  const parsed = createExceptionInput.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const i of parsed.error.issues) fieldErrors[i.path.join(".") || "_form"] ??= i.message;
    throw invalid("Some fields need attention.", fieldErrors);
  }
  const input = parsed.data;
  if (input.expiresAt.getTime() <= now.getTime())
    throw invalid("Expiry must be in the future.", { expiresAt: "Expiry must be in the future." });
  if (input.expiresAt.getTime() > now.getTime() + MAX_EXCEPTION_DAYS * DAY_MS) {
    throw invalid(`Expiry is at most ${MAX_EXCEPTION_DAYS} days ahead.`, {
      expiresAt: `Expiry is at most ${MAX_EXCEPTION_DAYS} days ahead.`,
    });
  }
  const current = await getFinding(db, { ...input, region: input.region || null });
  if (!current.findings.some((f) => f.findingStatus === "FAIL"))
    throw invalid("Only a failing finding can be accepted.", {
      subjectId: "This finding does not fail in the latest evaluation.",
    });
  const findingKey = `${input.controlId}|${input.subjectType}|${input.subjectId}`;
  return db.transaction(async (tx) => {
    const open = await tx
      .select({ id: complianceExceptions.id })
      .from(complianceExceptions)
      .where(
        and(
          eq(complianceExceptions.tenantId, input.tenantId),
          eq(complianceExceptions.findingKey, findingKey),
          gt(complianceExceptions.expiresAt, now),
          isNull(complianceExceptions.revokedAt),
        ),
      )
      .for("update");
    if (open.length)
      throw conflict("This finding already has an exception in force.", {
        subjectId: "This finding already has an exception in force.",
      });
    const [row] = await tx
      .insert(complianceExceptions)
      .values({ ...input, findingKey, createdAt: now, createdById: actor.userId, createdByEmail: actor.email })
      .returning();
    await recordAudit(tx, {
      actorId: actor.userId,
      actorEmail: actor.email,
      ip: actor.ip,
      tenantId: input.tenantId,
      action: "compliance.exception.create",
      targetType: "compliance_exception",
      targetId: row!.id,
      details: {
        findingKey,
        accountId: input.accountId,
        region: input.region,
        owner: input.owner,
        reason: input.reason,
        expiresAt: input.expiresAt.toISOString(),
      },
    });
    return exceptionView(row!, now);
  });
}

export async function revokeException(
  db: Db,
  actor: Actor,
  raw: z.input<typeof revokeExceptionInput>,
  now = clock.now(),
): Promise<ExceptionView> {
  const input = revokeExceptionInput.parse(raw);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(complianceExceptions)
      .set({ revokedAt: now, revokedByEmail: actor.email, revokeReason: input.reason })
      .where(
        and(
          eq(complianceExceptions.id, input.exceptionId),
          eq(complianceExceptions.tenantId, input.tenantId),
          isNull(complianceExceptions.revokedAt),
          gt(complianceExceptions.expiresAt, now),
        ),
      )
      .returning();
    if (!row) throw notFound("That exception (in force)");
    await recordAudit(tx, {
      actorId: actor.userId,
      actorEmail: actor.email,
      ip: actor.ip,
      tenantId: input.tenantId,
      action: "compliance.exception.revoke",
      targetType: "compliance_exception",
      targetId: row.id,
      details: { findingKey: row.findingKey, reason: input.reason },
    });
    return exceptionView(row, now);
  });
}
