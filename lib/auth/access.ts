import { and, asc, eq, gt, isNull } from "drizzle-orm";
import type { Conn } from "@/db";
import type { Role } from "@/db/schema/enums";
import { sessions, tenantMemberships, tenants, users } from "@/db/schema";
import { CAPABILITIES, tenantCapabilities, type Capability } from "./permissions";
import { clock } from "@/lib/clock";

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
    return rows.map((r) => ({ ...r, capabilities: ALL_TENANT_CAPS }));
  }
  const rows = await db
    .select({ tenantId: tenants.id, slug: tenants.slug, name: tenants.name, membershipRole: tenantMemberships.role })
    .from(tenantMemberships)
    .innerJoin(tenants, eq(tenants.id, tenantMemberships.tenantId))
    .where(eq(tenantMemberships.userId, user.userId))
    .orderBy(asc(tenants.name));
  return rows.map(({ membershipRole, ...r }) => ({
    ...r,
    capabilities: tenantCapabilities(user.role, membershipRole),
  }));
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
    return row ? { ...row, capabilities: ALL_TENANT_CAPS } : null;
  }
  const [row] = await db
    .select({ tenantId: tenants.id, slug: tenants.slug, name: tenants.name, membershipRole: tenantMemberships.role })
    .from(tenantMemberships)
    .innerJoin(tenants, eq(tenants.id, tenantMemberships.tenantId))
    .where(and(eq(tenantMemberships.userId, user.userId), match))
    .limit(1);
  if (!row) return null;
  const { membershipRole, ...rest } = row;
  return { ...rest, capabilities: tenantCapabilities(user.role, membershipRole) };
}

export function isCapability(value: string): value is Capability {
  return (CAPABILITIES as readonly string[]).includes(value);
}
