import "server-only";
import { getTenantAccess, type SessionUser, type TenantAccess } from "@/lib/auth/access";
import { roleHas, TENANT_CAPABILITIES, type Capability } from "@/lib/auth/permissions";
import { getClientIp, getSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { AppError, forbidden, httpStatusOf, toSafeError, unauthenticated } from "@/lib/errors";
import type { Db } from "@/db";

// The route-handler twin of defineAction: every route.ts export (but Auth.js's own endpoints) is
// made here, so session, capability and tenant are checked before the handler runs.

export interface RouteContext {
  user: SessionUser;
  tenant: TenantAccess | null;
  ip: string;
  db: Db;
  params: Record<string, string | string[] | undefined>;
}

type Handler = (request: Request, ctx: RouteContext) => Promise<Response>;
export type DefinedRoute = ((
  request: Request,
  context: { params: Promise<Record<string, string | string[] | undefined>> },
) => Promise<Response>) & {
  meta: { name: string; capability: Capability; scope: "tenant" | "global" };
};

/** Tenant routes live under a [tenant] segment (the tenant's slug). */
export function defineRoute(spec: { name: string; capability: Capability }, handler: Handler): DefinedRoute {
  const scope = (TENANT_CAPABILITIES as readonly Capability[]).includes(spec.capability) ? "tenant" : "global";
  const route = async (
    request: Request,
    context: { params: Promise<Record<string, string | string[] | undefined>> },
  ) => {
    try {
      const user = await getSession();
      if (!user) throw unauthenticated();
      const params = (await context?.params) ?? {};
      const db = getDb();
      let tenant: TenantAccess | null = null;
      if (scope === "tenant") {
        const slug = typeof params.tenant === "string" ? params.tenant : "";
        tenant = slug ? await getTenantAccess(db, user, { slug }) : null;
        if (!tenant) throw forbidden("You do not have access to that organization.");
        if (!tenant.capabilities.includes(spec.capability)) throw forbidden();
      } else if (!roleHas(user.role, spec.capability)) {
        throw forbidden();
      }
      return await handler(request, { user, tenant, ip: await getClientIp(), db, params });
    } catch (error) {
      if (!(error instanceof AppError))
        console.error(`[route ${spec.name}]`, error instanceof Error ? error.message : error);
      const safe = toSafeError(error);
      return Response.json({ error: safe }, { status: httpStatusOf(safe) });
    }
  };
  return Object.assign(route, { meta: { name: spec.name, capability: spec.capability, scope } as const });
}
