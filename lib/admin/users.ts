import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { recordAudit } from "@/db/audit";
import type { Role } from "@/db/schema/enums";
import { sessions, tenantMemberships, tenants, users } from "@/db/schema";
import { generatePassword, hashPassword } from "@/lib/auth/password";
import { conflict, invalid, isUniqueViolation, notFound } from "@/lib/errors";
import { clock } from "@/lib/clock";

export interface Actor {
  userId: string | null;
  email: string;
  ip: string | null;
}

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
  hasPassword: boolean;
  memberships: Array<{
    tenantId: string;
    tenantName: string;
    role: Role | null;
    periodFrom: string | null;
    periodTo: string | null;
    expiresAt: Date | null;
  }>;
}

const audit = (actor: Actor) => ({ actorId: actor.userId, actorEmail: actor.email, ip: actor.ip });

export async function listUsers(db: Db, only?: { userId: string }): Promise<UserRow[]> {
  const rows = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      disabled: users.disabled,
      createdAt: users.createdAt,
      lastLoginAt: users.lastLoginAt,
      hasPassword: sql<boolean>`${users.passwordHash} is not null`,
    })
    .from(users)
    .where(only ? eq(users.id, only.userId) : undefined)
    .orderBy(asc(users.email));
  const memberships = await db
    .select({
      userId: tenantMemberships.userId,
      tenantId: tenants.id,
      tenantName: tenants.name,
      role: tenantMemberships.role,
      periodFrom: tenantMemberships.periodFrom,
      periodTo: tenantMemberships.periodTo,
      expiresAt: tenantMemberships.expiresAt,
    })
    .from(tenantMemberships)
    .innerJoin(tenants, eq(tenants.id, tenantMemberships.tenantId))
    .where(only ? eq(tenantMemberships.userId, only.userId) : undefined)
    .orderBy(asc(tenants.name));
  return rows.map((u) => ({
    ...u,
    memberships: memberships.filter((m) => m.userId === u.id).map(({ userId: _u, ...m }) => m),
  }));
}

export async function createUser(
  db: Db,
  actor: Actor,
  input: { email: string; name: string; role: Role; password?: string },
): Promise<{ userId: string; generatedPassword: string | null }> {
  const generatedPassword = input.password ? null : generatePassword();
  const passwordHash = await hashPassword(input.password ?? generatedPassword!);
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({ email: input.email, name: input.name, role: input.role, passwordHash })
        .returning({ id: users.id });
      await recordAudit(tx, {
        ...audit(actor),
        action: "user.create",
        targetType: "user",
        targetId: row!.id,
        details: { email: input.email, role: input.role },
      });
      return { userId: row!.id, generatedPassword };
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw conflict("A user with this email already exists.", { email: "A user with this email already exists." });
    throw error;
  }
}

export async function getUser(db: Db, userId: string): Promise<UserRow | null> {
  return (await listUsers(db, { userId }))[0] ?? null;
}

async function requireUser(db: Db, userId: string) {
  const [row] = await db
    .select({ id: users.id, email: users.email, role: users.role, disabled: users.disabled })
    .from(users)
    .where(eq(users.id, userId));
  if (!row) throw notFound("That user");
  return row;
}

async function activeAdminCount(db: Db): Promise<number> {
  return db.$count(users, and(eq(users.role, "admin"), eq(users.disabled, false)));
}

export async function setUserRole(db: Db, actor: Actor, input: { userId: string; role: Role }): Promise<void> {
  const target = await requireUser(db, input.userId);
  if (target.id === actor.userId && input.role !== "admin")
    throw invalid("You cannot remove your own administrator role.", {
      role: "You cannot remove your own administrator role.",
    });
  if (target.role === "admin" && input.role !== "admin" && !target.disabled && (await activeAdminCount(db)) <= 1)
    throw invalid("This is the last active administrator.", { role: "This is the last active administrator." });
  await db.transaction(async (tx) => {
    await tx.update(users).set({ role: input.role }).where(eq(users.id, input.userId));
    await recordAudit(tx, {
      ...audit(actor),
      action: "user.set_role",
      targetType: "user",
      targetId: input.userId,
      details: { email: target.email, from: target.role, to: input.role },
    });
  });
}

export async function setUserDisabled(
  db: Db,
  actor: Actor,
  input: { userId: string; disabled: boolean },
): Promise<void> {
  const target = await requireUser(db, input.userId);
  if (target.id === actor.userId && input.disabled) throw invalid("You cannot disable your own account.");
  if (input.disabled && target.role === "admin" && !target.disabled && (await activeAdminCount(db)) <= 1)
    throw invalid("This is the last active administrator.");
  await db.transaction(async (tx) => {
    await tx.update(users).set({ disabled: input.disabled }).where(eq(users.id, input.userId));
    // Disabling ends every open session at once (sessions are checked on each request anyway).
    if (input.disabled)
      await tx
        .update(sessions)
        .set({ revokedAt: clock.now() })
        .where(and(eq(sessions.userId, input.userId), isNull(sessions.revokedAt)));
    await recordAudit(tx, {
      ...audit(actor),
      action: input.disabled ? "user.disable" : "user.enable",
      targetType: "user",
      targetId: input.userId,
      details: { email: target.email },
    });
  });
}

export async function resetPassword(
  db: Db,
  actor: Actor,
  input: { userId: string; password?: string },
): Promise<{ generatedPassword: string | null }> {
  const target = await requireUser(db, input.userId);
  const generatedPassword = input.password ? null : generatePassword();
  const passwordHash = await hashPassword(input.password ?? generatedPassword!);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, input.userId));
    await tx
      .update(sessions)
      .set({ revokedAt: clock.now() })
      .where(and(eq(sessions.userId, input.userId), isNull(sessions.revokedAt)));
    await recordAudit(tx, {
      ...audit(actor),
      action: "user.reset_password",
      targetType: "user",
      targetId: input.userId,
      details: { email: target.email, generated: generatedPassword !== null },
    });
  });
  return { generatedPassword };
}

/**
 * Adds or changes a membership. With a period it is an audit grant, which only an auditor can hold
 * (an auditor's reading is what a period bounds; the other roles act on the current state) and
 * which must end: `expiresOn` is the last day it gives access.
 */
export async function setMembership(
  db: Db,
  actor: Actor,
  input: { userId: string; tenantId: string; role?: Role; periodFrom?: string; periodTo?: string; expiresOn?: string },
): Promise<void> {
  const target = await requireUser(db, input.userId);
  const [tenant] = await db
    .select({ id: tenants.id, name: tenants.name })
    .from(tenants)
    .where(eq(tenants.id, input.tenantId));
  if (!tenant) throw notFound("That organization");
  const period = input.periodFrom && input.periodTo ? { from: input.periodFrom, to: input.periodTo } : null;
  if (period && (input.role ?? target.role) !== "auditor")
    throw invalid("An audit period can be set only on an auditor's membership.", {
      periodFrom: "Only an auditor's membership has an audit period.",
    });
  const expiresAt = input.expiresOn ? new Date(Date.parse(`${input.expiresOn}T00:00:00Z`) + 86_400_000) : null;
  if (expiresAt && expiresAt <= clock.now())
    throw invalid("The access end date has already passed.", { expiresOn: "Choose today or a later day." });
  const values = {
    role: input.role ?? null,
    periodFrom: period?.from ?? null,
    periodTo: period?.to ?? null,
    expiresAt,
  };
  await db.transaction(async (tx) => {
    await tx
      .insert(tenantMemberships)
      .values({ userId: input.userId, tenantId: input.tenantId, ...values })
      .onConflictDoUpdate({ target: [tenantMemberships.userId, tenantMemberships.tenantId], set: values });
    await recordAudit(tx, {
      ...audit(actor),
      tenantId: input.tenantId,
      action: "membership.set",
      targetType: "user",
      targetId: input.userId,
      details: {
        email: target.email,
        tenant: tenant.name,
        role: input.role ?? null,
        ...(period ? { periodFrom: period.from, periodTo: period.to } : {}),
        ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
      },
    });
  });
}

export async function removeMembership(
  db: Db,
  actor: Actor,
  input: { userId: string; tenantId: string },
): Promise<void> {
  const target = await requireUser(db, input.userId);
  await db.transaction(async (tx) => {
    const removed = await tx
      .delete(tenantMemberships)
      .where(and(eq(tenantMemberships.userId, input.userId), eq(tenantMemberships.tenantId, input.tenantId)))
      .returning({ tenantId: tenantMemberships.tenantId });
    if (removed.length === 0) throw notFound("That membership");
    await recordAudit(tx, {
      ...audit(actor),
      tenantId: input.tenantId,
      action: "membership.remove",
      targetType: "user",
      targetId: input.userId,
      details: { email: target.email },
    });
  });
}
