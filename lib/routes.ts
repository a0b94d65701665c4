import "server-only";
import type { SessionUser, TenantAccess } from "@/lib/auth/access";
import { authorize } from "@/lib/auth/authorize";
import { isTenantCapability, type Capability } from "@/lib/auth/permissions";
import { getClientIp, getSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { AppError, forbidden, httpStatusOf, toSafeError, unauthenticated } from "@/lib/errors";
import type { Db } from "@/db";

// The route-handler twin of defineAction: every route.ts export (but Auth.js's own endpoints) is
// made here, so authorize (lib/auth/authorize.ts) decides session, capability and tenant, and
// audits a refusal, before the handler runs.

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
  const scope = isTenantCapability(spec.capability) ? "tenant" : "global";
  const route = async (
    request: Request,
    context: { params: Promise<Record<string, string | string[] | undefined>> },
  ) => {
    try {
      const params = (await context?.params) ?? {};
      const db = getDb();
      const ip = await getClientIp();
      const slug = scope === "tenant" && typeof params.tenant === "string" && params.tenant ? params.tenant : null;
      const decision = await authorize(db, await getSession(), spec.capability, slug ? { slug } : null, {
        kind: "route",
        name: spec.name,
        ip,
      });
      if (!decision.ok) {
        if (decision.reason === "unauthenticated") throw unauthenticated();
        throw decision.reason === "no_tenant" ? forbidden("You do not have access to that organization.") : forbidden();
      }
      return await handler(request, { user: decision.user, tenant: decision.tenant, ip, db, params });
    } catch (error) {
      if (!(error instanceof AppError))
        console.error(`[route ${spec.name}]`, error instanceof Error ? error.message : error);
      const safe = toSafeError(error);
      return Response.json({ error: safe }, { status: httpStatusOf(safe) });
    }
  };
  return Object.assign(route, { meta: { name: spec.name, capability: spec.capability, scope } as const });
}

export type PublicRoute = ((request: Request) => Promise<Response>) & { meta: { name: string; scope: "public" } };

/**
 * A route anyone may call, without a session: only for what the product publishes on purpose
 * (the evidence-signing public keys). Each is named in the endpoint security test's list, so a new
 * public route cannot appear unnoticed.
 */
export function definePublicRoute(
  spec: { name: string },
  handler: (request: Request) => Promise<Response>,
): PublicRoute {
  const route = async (request: Request) => {
    try {
      return await handler(request);
    } catch (error) {
      if (!(error instanceof AppError))
        console.error(`[route ${spec.name}]`, error instanceof Error ? error.message : error);
      const safe = toSafeError(error);
      return Response.json({ error: safe }, { status: httpStatusOf(safe) });
    }
  };
  return Object.assign(route, { meta: { name: spec.name, scope: "public" } as const });
}
