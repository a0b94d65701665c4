import "server-only";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { auth } from "./index";
import { listAccessibleTenants, loadSession, type SessionUser, type TenantAccess } from "./access";
import { clientIpFrom } from "./client-ip";
import type { Capability } from "./permissions";

/** The signed-in user for this request, checked against the sessions table; cached per request. */
export const getSession = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  if (!session?.sid) return null;
  return loadSession(getDb(), session.sid);
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

/** Looked up in the user's tenant list (loaded once per request for the switcher anyway). */
const tenantBySlug = cache(
  async (slug: string): Promise<TenantAccess | null> =>
    (await getAccessibleTenants()).find((t) => t.slug === slug) ?? null,
);

/**
 * For tenant pages: the session and the tenant named in the URL. A tenant the user may not see is
 * "not found" (its existence is not revealed); one they see without the capability is forbidden.
 */
export async function requireTenantPage(slug: string, capability: Capability = "tenant:read") {
  const session = await requireSession();
  const tenant = await tenantBySlug(slug);
  if (!tenant) notFound();
  if (!tenant.capabilities.includes(capability))
    redirect(`/t/${tenant.slug}/overview?denied=${encodeURIComponent(capability)}`);
  return { session, tenant };
}

/** For admin pages (global capabilities). */
export async function requireGlobalPage(capability: Capability) {
  const session = await requireSession();
  const { roleHas } = await import("./permissions");
  if (!roleHas(session.role, capability)) redirect("/?denied=" + encodeURIComponent(capability));
  return session;
}
