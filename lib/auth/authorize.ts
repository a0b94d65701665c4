import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Conn, Db, Tx } from "@/db";
import { recordAudit } from "@/db/audit";
import { authzDenialBudgets } from "@/db/schema";
import { getTenantAccess, type SessionUser, type TenantAccess } from "./access";
import { isTenantCapability, roleHas, type Capability } from "./permissions";

// The one authorization rule. Server actions (lib/actions.ts), route handlers (lib/routes.ts) and
// pages (lib/auth/session.ts) all ask here, in the same order: a live session, then the role's
// capability, then the tenant (membership, and the capability as the membership narrows it).
// Every refusal of a signed-in user is written to the audit log the same way; a request with no
// session is not an authorization decision about anyone and is only answered (401, sign-in page).

/** What was asked for, as the audit row names it. */
export interface AuthzRequest {
  kind: "action" | "route" | "page";
  /** The action's or route's name (e.g. "users.create"), or the page. */
  name: string;
  ip: string;
}

/** The tenant a request names: by id (actions' input) or by slug (URLs); null when it names none. */
export type TenantRef = { id: string } | { slug: string } | null;

export type Authorization =
  | { ok: true; user: SessionUser; tenant: TenantAccess | null }
  | { ok: false; reason: "unauthenticated" }
  /** The tenant does not exist or the user is no member: callers do not reveal which. */
  | { ok: false; reason: "no_tenant"; user: SessionUser }
  | { ok: false; reason: "forbidden"; user: SessionUser; tenant: TenantAccess | null };

export async function authorize(
  db: Db,
  user: SessionUser | null,
  capability: Capability,
  tenantRef: TenantRef,
  request: AuthzRequest,
): Promise<Authorization> {
  if (!user) return { ok: false, reason: "unauthenticated" };
  if (!roleHas(user.role, capability)) {
    await auditDenial(db, user, capability, tenantRef, null, "capability", request);
    return { ok: false, reason: "forbidden", user, tenant: null };
  }
  if (!isTenantCapability(capability)) return { ok: true, user, tenant: null };
  const tenant = tenantRef ? await getTenantAccess(db, user, tenantRef) : null;
  if (!tenant) {
    await auditDenial(db, user, capability, tenantRef, null, "tenant", request);
    return { ok: false, reason: "no_tenant", user };
  }
  if (!tenant.capabilities.includes(capability)) {
    await auditDenial(db, user, capability, tenantRef, tenant, "membership", request);
    return { ok: false, reason: "forbidden", user, tenant };
  }
  return { ok: true, user, tenant };
}

// Denials are audited from a token bucket per user: up to DENIAL_AUDIT_BURST rows at once, then
// one every DENIAL_AUDIT_REFILL_SECONDS (6 a minute, at most 8,740 a day for a user refused
// non-stop). A person who follows a stale link or a hidden button is refused a few times and every
// refusal is recorded; a script hammering refused endpoints cannot grow the append-only log
// without bound. A denial left out is still counted, and the next row written carries the count
// (`suppressedBefore`). The budget is in PostgreSQL so that every web process shares it.
export const DENIAL_AUDIT_BURST = 100;
export const DENIAL_AUDIT_REFILL_SECONDS = 10;

/** Takes a token for this user; returns how many denials went unrecorded before, or null if none is left. */
async function takeDenialToken(tx: Tx, userId: string): Promise<number | null> {
  await tx
    .insert(authzDenialBudgets)
    .values({ userId, tokens: DENIAL_AUDIT_BURST, updatedAt: sql`clock_timestamp()` })
    .onConflictDoNothing();
  const [budget] = await tx
    .select({
      tokens: authzDenialBudgets.tokens,
      suppressed: authzDenialBudgets.suppressed,
      elapsed: sql<number>`greatest(0, extract(epoch from clock_timestamp() - ${authzDenialBudgets.updatedAt}))::float8`,
    })
    .from(authzDenialBudgets)
    .where(eq(authzDenialBudgets.userId, userId))
    .for("update");
  const available = Math.min(
    DENIAL_AUDIT_BURST,
    budget!.tokens + Number(budget!.elapsed) / DENIAL_AUDIT_REFILL_SECONDS,
  );
  const take = available >= 1;
  await tx
    .update(authzDenialBudgets)
    .set({
      tokens: take ? available - 1 : available,
      suppressed: take ? 0 : budget!.suppressed + 1,
      updatedAt: sql`clock_timestamp()`,
    })
    .where(eq(authzDenialBudgets.userId, userId));
  return take ? budget!.suppressed : null;
}

/** A tenant slug comes from the URL: kept short in the log whatever was sent. */
const SLUG_IN_LOG_MAX = 100;

/** Also for a refusal the action itself decides after authorize() (the four-eyes rule, for one). */
export async function auditDenial(
  db: Conn,
  user: SessionUser,
  capability: Capability,
  tenantRef: TenantRef,
  tenant: TenantAccess | null,
  reason: "capability" | "tenant" | "membership" | "rule" | "period",
  request: AuthzRequest,
): Promise<void> {
  const requested =
    tenantRef === null
      ? {}
      : "id" in tenantRef
        ? { requestedTenantId: tenantRef.id }
        : { requestedTenantSlug: tenantRef.slug.slice(0, SLUG_IN_LOG_MAX) };
  try {
    await db.transaction(async (tx) => {
      const suppressedBefore = await takeDenialToken(tx, user.userId);
      if (suppressedBefore === null) return;
      await recordAudit(tx, {
        actorId: user.userId,
        actorEmail: user.email,
        ip: request.ip,
        tenantId: tenant?.tenantId ?? null,
        action: "authz.denied",
        outcome: "denied",
        details: {
          [request.kind]: request.name,
          capability,
          reason,
          ...requested,
          ...(suppressedBefore > 0 ? { suppressedBefore } : {}),
        },
      });
    });
  } catch (error) {
    // The refusal stands whether or not its row could be written.
    console.error("[authz] could not audit a denial:", error instanceof Error ? error.message : error);
  }
}
