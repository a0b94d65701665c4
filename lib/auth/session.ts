import "server-only";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { auth } from "./index";
import { listAccessibleTenants, loadSession, type SessionUser, type TenantAccess } from "./access";
import { seesCurrentState } from "./audit-grant";
import { auditDenial, authorize } from "./authorize";
import { clientIpFrom } from "./client-ip";
import type { Capability } from "./permissions";

/**
 * The signed-in user for this request, checked against the sessions table; cached per request.
 * The session id travels only inside the encrypted session token: Auth.js hands the token to
 * server-side auth() as `user`, while /api/auth/session (the browser's view) carries no id.
 */
export const getSession = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  const sid = (session?.user as { sid?: unknown } | undefined)?.sid;
  if (typeof sid !== "string") return null;
  return loadSession(getDb(), sid);
});

export async function getClientIp(): Promise<string> {
  return clientIpFrom(await headers(), env.TRUST_PROXY_HOPS);
}

/** For pages: the session, or a redirect to the sign-in page. */
export async function requireSession(): Promise<SessionUser> {
  const session = await getSession();
  if (!session) redirect("/sign-in");
  return session;
}

export const getAccessibleTenants = cache(async (): Promise<TenantAccess[]> => {
  const session = await getSession();
  return session ? listAccessibleTenants(getDb(), session) : [];
});

/** One decision (and at most one audit row) per request for the layout and the page that both ask. */
const authorizePage = cache(async (capability: Capability, slug: string | null, page: string) =>
  authorize(getDb(), await getSession(), capability, slug === null ? null : { slug }, {
    kind: "page",
    name: page,
    ip: await getClientIp(),
  }),
);

/**
 * For tenant pages: the session and the tenant named in the URL. A tenant the user may not see is
 * "not found" (its existence is not revealed); one they see without the capability is forbidden.
 * A page that shows the current state (`view: "current"`, the default) is refused to an auditor
 * whose audit period does not include today; a page that shows history as of a date within the
 * period (`view: "history"`) pins itself to the period instead. `page` names the page in the audit
 * row of a refusal.
 */
export async function requireTenantPage(
  slug: string,
  capability: Capability = "tenant:read",
  { page = "/t/[tenant]", view = "current" }: { page?: string; view?: "current" | "history" } = {},
) {
  const decision = await authorizePage(capability, slug, page);
  if (!decision.ok && decision.reason === "unauthenticated") redirect("/sign-in");
  if (!decision.ok && decision.reason === "no_tenant") notFound();
  if (!decision.ok) redirect(`/t/${encodeURIComponent(slug)}/overview?denied=${encodeURIComponent(capability)}`);
  const tenant = decision.tenant!;
  if (view === "current" && !seesCurrentState(tenant)) {
    await auditDenial(getDb(), decision.user, capability, { slug }, tenant, "period", {
      kind: "page",
      name: page,
      ip: await getClientIp(),
    });
    redirect(`/t/${encodeURIComponent(slug)}/reports?outside=period`);
  }
  return { session: decision.user, tenant };
}

/** For admin pages (global capabilities). */
export async function requireGlobalPage(capability: Capability, page = "/settings") {
  const decision = await authorizePage(capability, null, page);
  if (!decision.ok && decision.reason === "unauthenticated") redirect("/sign-in");
  if (!decision.ok) redirect("/?denied=" + encodeURIComponent(capability));
  return decision.user;
}
