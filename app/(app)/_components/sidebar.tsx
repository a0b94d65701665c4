"use client";

import { usePathname } from "next/navigation";
import { NavLinks, type NavItem } from "./nav-links";
import { TenantSwitcher } from "./tenant-switcher";

// What each tenant section is for; later releases fill them, the shell is the same.
const TENANT_SECTIONS: Array<{ path: string; label: string; icon: string }> = [
  { path: "overview", label: "Overview", icon: "◎" },
  { path: "compliance", label: "Compliance", icon: "✓" },
  { path: "accounts", label: "Accounts", icon: "▤" },
  { path: "resources", label: "Resources", icon: "◇" },
  { path: "backups", label: "Backups", icon: "⬒" },
  { path: "jobs", label: "Jobs", icon: "↻" },
  { path: "sync", label: "Sync", icon: "⇅" },
  { path: "policies", label: "Policies", icon: "§" },
  { path: "reports", label: "Reports", icon: "▦" },
];

export function Sidebar({
  tenants,
  showSettings,
  showClients,
}: {
  tenants: Array<{ slug: string; name: string }>;
  showSettings: boolean;
  showClients: boolean;
}) {
  const pathname = usePathname();
  const fromUrl = /^\/t\/([^/]+)/.exec(pathname)?.[1];
  const current = fromUrl ? decodeURIComponent(fromUrl) : null;
  const active = current && tenants.some((t) => t.slug === current) ? current : null;
  const tenantItems: NavItem[] = active
    ? TENANT_SECTIONS.map((s) => ({ href: `/t/${active}/${s.path}`, label: s.label, icon: s.icon }))
    : [];
  const globalItems: NavItem[] = [
    ...(showClients ? [{ href: "/clients", label: "All organizations", icon: "▦" }] : []),
    ...(showSettings ? [{ href: "/settings", label: "Settings", icon: "⚙" }] : []),
  ];
  return (
    <div className="flex h-full flex-col gap-5 px-3 py-4">
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
