import { cookies } from "next/headers";
import Link from "next/link";
import { seesCurrentState } from "@/lib/auth/audit-grant";
import { roleHas, ROLE_LABELS } from "@/lib/auth/permissions";
import { getAccessibleTenants, requireSession } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { ACTIVE_TENANT_COOKIE } from "./_components/active-tenant";
import { MenuButton, NavDrawer, NavDrawerProvider } from "./_components/nav-drawer";
import { SignOutButton } from "./_components/sign-out-button";
import { Sidebar } from "./_components/sidebar";

// The signed-in shell. Each page still checks its own access: a layout does not re-run on every
// navigation, so it can never be the only guard.
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const session = await requireSession();
  const tenants = await getAccessibleTenants();
  const cookieTenant = (await cookies()).get(ACTIVE_TENANT_COOKIE)?.value;
  const lastTenant =
    tenants.find((t) => t.slug === cookieTenant)?.slug ?? (tenants.length === 1 ? tenants[0]!.slug : null);
  return (
    <NavDrawerProvider>
      <div className="flex min-h-screen flex-col">
        {env.DEMO_MODE && (
          <div role="note" className="bg-amber-100 px-4 py-1.5 text-center text-xs font-medium text-amber-900">
            Demo: every organization here is simulated by the built-in AWS simulator. No real AWS account is read or
            changed.
          </div>
        )}
        <header className="flex h-14 items-center justify-between gap-3 border-b border-slate-200 bg-white px-4">
          <div className="flex min-w-0 items-center gap-2">
            <MenuButton />
            <Link href="/" className="flex min-w-0 items-center gap-2 font-semibold text-slate-900">
              <span
                className="flex h-7 w-7 shrink-0 items-center justify-center rounded-md bg-brand-600 text-sm font-bold text-white"
                aria-hidden
              >
                B
              </span>
              <span className="truncate max-sm:sr-only">Backup Governance</span>
            </Link>
          </div>
          <div className="flex shrink-0 items-center gap-3 sm:gap-4">
            <div className="text-right leading-tight">
              <div className="hidden text-sm font-medium text-slate-900 sm:block" data-testid="user-name">
                {session.name}
              </div>
              <div className="text-xs text-slate-500">
                <span className="hidden sm:inline">{session.email} · </span>
                <span data-testid="user-role">{ROLE_LABELS[session.role]}</span>
              </div>
            </div>
            <SignOutButton />
          </div>
        </header>
        <div className="flex flex-1">
          <NavDrawer>
            <Sidebar
              tenants={tenants.map((t) => ({
                slug: t.slug,
                name: t.name,
                capabilities: t.capabilities,
                currentState: seesCurrentState(t),
              }))}
              showSettings={roleHas(session.role, "user:manage")}
              showAllOrganizations={tenants.length > 1}
              lastTenant={lastTenant}
            />
          </NavDrawer>
          <main id="main" className="min-w-0 flex-1 px-4 py-5 shell:px-8 shell:py-6">
            {children}
          </main>
        </div>
      </div>
    </NavDrawerProvider>
  );
}
