import { and, asc, eq, gt, isNull, or, type SQL } from "drizzle-orm";
import type { Conn } from "@/db";
import type { Role } from "@/db/schema/enums";
import { sessions, tenantMemberships, tenants, users } from "@/db/schema";
import { CAPABILITIES, tenantCapabilities, type Capability } from "./permissions";
import { clock } from "@/lib/clock";
import { parsePeriod, type ReportPeriod } from "@/lib/reports/period";

/** The signed-in user as the server sees them on this request (never the password hash). */
export interface SessionUser {
  sessionId: string;
  userId: string;
  email: string;
  name: string;
  role: Role;
}

export interface TenantAccess {
  tenantId: string;
  slug: string;
  name: string;
  capabilities: Capability[];
  /** An audit grant's period: what the user sees and exports is "as of" within it. Null: no bound. */
  period: ReportPeriod | null;
  /** When the membership stops giving access; null: it does not expire. */
  expiresAt: Date | null;
}

/** A live session: not revoked, not expired, and its user not disabled. */
export async function loadSession(db: Conn, sessionId: string): Promise<SessionUser | null> {
  const [row] = await db
    .select({ sessionId: sessions.id, userId: users.id, email: users.email, name: users.name, role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, sessionId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, clock.now()),
        eq(users.disabled, false),
      ),
    )
    .limit(1);
  return row ?? null;
}

const ALL_TENANT_CAPS = tenantCapabilities("admin", null);

const membershipColumns = {
  tenantId: tenants.id,
  slug: tenants.slug,
  name: tenants.name,
  membershipRole: tenantMemberships.role,
  periodFrom: tenantMemberships.periodFrom,
  periodTo: tenantMemberships.periodTo,
  expiresAt: tenantMemberships.expiresAt,
};

/** An expired membership gives no access at all: the tenant is as unknown to the user as any other. */
const notExpired = (): SQL => or(isNull(tenantMemberships.expiresAt), gt(tenantMemberships.expiresAt, clock.now()))!;

function membershipAccess(
  role: Role,
  {
    membershipRole,
    periodFrom,
    periodTo,
    ...r
  }: { membershipRole: Role | null; periodFrom: string | null; periodTo: string | null } & Omit<
    TenantAccess,
    "capabilities" | "period"
  >,
): TenantAccess {
  return {
    ...r,
    capabilities: tenantCapabilities(role, membershipRole),
    period: periodFrom && periodTo ? parsePeriod(periodFrom, periodTo) : null,
  };
}

/** Tenants the user may see: admins see all; everyone else only their memberships. */
export async function listAccessibleTenants(
  db: Conn,
  user: Pick<SessionUser, "userId" | "role">,
): Promise<TenantAccess[]> {
  if (user.role === "admin") {
    const rows = await db
      .select({ tenantId: tenants.id, slug: tenants.slug, name: tenants.name })
      .from(tenants)
      .orderBy(asc(tenants.name));
    return rows.map((r) => ({ ...r, capabilities: ALL_TENANT_CAPS, period: null, expiresAt: null }));
  }
  const rows = await db
    .select(membershipColumns)
    .from(tenantMemberships)
    .innerJoin(tenants, eq(tenants.id, tenantMemberships.tenantId))
    .where(and(eq(tenantMemberships.userId, user.userId), notExpired()))
    .orderBy(asc(tenants.name));
  return rows.map((r) => membershipAccess(user.role, r));
}

/** The user's access to one tenant, by id or slug; null when they may not see it at all. */
export async function getTenantAccess(
  db: Conn,
  user: Pick<SessionUser, "userId" | "role">,
  tenant: { id: string } | { slug: string },
): Promise<TenantAccess | null> {
  const match = "id" in tenant ? eq(tenants.id, tenant.id) : eq(tenants.slug, tenant.slug);
  if (user.role === "admin") {
    const [row] = await db
      .select({ tenantId: tenants.id, slug: tenants.slug, name: tenants.name })
      .from(tenants)
      .where(match)
      .limit(1);
    return row ? { ...row, capabilities: ALL_TENANT_CAPS, period: null, expiresAt: null } : null;
  }
  const [row] = await db
    .select(membershipColumns)
    .from(tenantMemberships)
    .innerJoin(tenants, eq(tenants.id, tenantMemberships.tenantId))
    .where(and(eq(tenantMemberships.userId, user.userId), match, notExpired()))
    .limit(1);
  return row ? membershipAccess(user.role, row) : null;
}

export function isCapability(value: string): value is Capability {
  return (CAPABILITIES as readonly string[]).includes(value);
}
