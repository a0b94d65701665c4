"use client";

import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import type { Capability } from "@/lib/auth/permissions";
import { ACTIVE_TENANT_COOKIE } from "./active-tenant";
import { NavLinks, type NavItem } from "./nav-links";
import { TenantSwitcher } from "./tenant-switcher";

// The sections of an organization, the capability a section is for when not everyone who reads the
// organization uses it, and whether it shows history (as of a date) rather than the current state,
// which an auditor whose audit period is not today does not see (the pages still check access).
const TENANT_SECTIONS: Array<{ path: string; label: string; icon: string; anyOf?: Capability[]; history?: true }> = [
  { path: "overview", label: "Overview", icon: "◎" },
  { path: "compliance", label: "Compliance", icon: "✓", history: true },
  { path: "resilience", label: "Resilience", icon: "◈", history: true },
  { path: "cost", label: "Cost", icon: "$" },
  { path: "reports", label: "Reports", icon: "▣", anyOf: ["export"], history: true },
  { path: "accounts", label: "Accounts", icon: "▤" },
  { path: "resources", label: "Resources", icon: "◇" },
  { path: "backups", label: "Backups", icon: "⬒" },
  { path: "jobs", label: "Jobs", icon: "↻" },
  { path: "sync", label: "Sync", icon: "⇅" },
  { path: "alerts", label: "Alerts", icon: "!" },
  { path: "policies", label: "Policies", icon: "§", anyOf: ["policy:draft", "policy:push"] },
];

export function Sidebar({
  tenants,
  showSettings,
  showAllOrganizations,
  lastTenant = null,
}: {
  tenants: Array<{ slug: string; name: string; capabilities?: readonly Capability[]; currentState?: boolean }>;
  showSettings: boolean;
  showAllOrganizations: boolean;
  /** The organization to keep on pages outside /t/<tenant> (from the active-tenant cookie). */
  lastTenant?: string | null;
}) {
  const pathname = usePathname();
  const fromUrl = /^\/t\/([^/]+)/.exec(pathname)?.[1];
  const inUrl = fromUrl ? decodeURIComponent(fromUrl) : null;
  const urlTenant = inUrl && tenants.some((t) => t.slug === inUrl) ? inUrl : null;
  // The layout is not rendered again on client-side navigation, so the tenant last seen in the URL
  // is remembered here too, not only in the cookie the layout read.
  const [remembered, setRemembered] = useState(lastTenant);
  if (urlTenant && urlTenant !== remembered) setRemembered(urlTenant);
  useEffect(() => {
    if (urlTenant)
      document.cookie = `${ACTIVE_TENANT_COOKIE}=${encodeURIComponent(urlTenant)}; path=/; max-age=31536000; samesite=lax`;
  }, [urlTenant]);
  const active = inUrl ? urlTenant : tenants.some((t) => t.slug === remembered) ? remembered : null;
  const activeTenant = tenants.find((t) => t.slug === active);
  const capabilities = activeTenant?.capabilities;
  const tenantItems: NavItem[] = active
    ? TENANT_SECTIONS.filter(
        (s) =>
          (!s.anyOf || s.anyOf.some((c) => capabilities?.includes(c))) &&
          (s.history || activeTenant?.currentState !== false),
      ).map((s) => ({
        href: `/t/${active}/${s.path}`,
        label: s.label,
        icon: s.icon,
      }))
    : [];
  const globalItems: NavItem[] = [
    ...(showAllOrganizations
      ? [
          { href: "/organizations", label: "All organizations", icon: "▦" },
          { href: "/portfolio", label: "Portfolio", icon: "↕" },
        ]
      : []),
    ...(showSettings ? [{ href: "/settings", label: "Settings", icon: "⚙" }] : []),
  ];
  return (
    <div className="flex flex-col gap-5 px-3 py-4">
      <TenantSwitcher tenants={tenants} current={active} />
      {tenantItems.length > 0 && <NavLinks items={tenantItems} label="Organization" />}
      {globalItems.length > 0 && (
        <div className={tenants.length > 0 ? "border-t border-slate-200 pt-4" : ""}>
          <NavLinks items={globalItems} label="Administration" />
        </div>
      )}
    </div>
  );
}
