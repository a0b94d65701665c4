import "server-only";
import type { SessionUser, TenantAccess } from "@/lib/auth/access";
import { outsideGrantMessage, seesCurrentState } from "@/lib/auth/audit-grant";
import { auditDenial, authorize } from "@/lib/auth/authorize";
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
  /** The route's own name and capability, as its audit rows name them. */
  route: { name: string; capability: Capability };
}

type Handler = (request: Request, ctx: RouteContext) => Promise<Response>;
export type DefinedRoute = ((
  request: Request,
  context: { params: Promise<Record<string, string | string[] | undefined>> },
) => Promise<Response>) & {
  meta: { name: string; capability: Capability; scope: "tenant" | "global" };
};

/** Tenant routes live under a [tenant] segment (the tenant's slug). */
/**
 * `view`: a tenant route of the current state ("current", the default) is refused to an auditor
 * whose audit period does not include today; a "history" route checks the period against what it
 * was asked for itself (refuseOutsideGrant).
 */
export function defineRoute(
  spec: { name: string; capability: Capability; view?: "current" | "history" },
  handler: Handler,
): DefinedRoute {
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
      const ctx: RouteContext = {
        user: decision.user,
        tenant: decision.tenant,
        ip,
        db,
        params,
        route: { name: spec.name, capability: spec.capability },
      };
      if (ctx.tenant && spec.view !== "history" && !seesCurrentState(ctx.tenant)) await refuseOutsideGrant(ctx);
      return await handler(request, ctx);
    } catch (error) {
      if (!(error instanceof AppError))
        console.error(`[route ${spec.name}]`, error instanceof Error ? error.message : error);
      const safe = toSafeError(error);
      return Response.json({ error: safe }, { status: httpStatusOf(safe) });
    }
  };
  return Object.assign(route, { meta: { name: spec.name, capability: spec.capability, scope } as const });
}

/**
 * Refuses a request for data outside the user's audit grant (lib/auth/audit-grant.ts), audited
 * like every other refusal.
 */
export async function refuseOutsideGrant(ctx: RouteContext): Promise<never> {
  const tenant = ctx.tenant!;
  await auditDenial(ctx.db, ctx.user, ctx.route.capability, { slug: tenant.slug }, tenant, "period", {
    kind: "route",
    name: ctx.route.name,
    ip: ctx.ip,
  });
  throw forbidden(outsideGrantMessage(tenant));
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
