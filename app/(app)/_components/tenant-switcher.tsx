"use client";

import { usePathname, useRouter } from "next/navigation";

/** Lists only the tenants the server says this user may see; switching keeps the current section. */
export function TenantSwitcher({
  tenants,
  current,
}: {
  tenants: Array<{ slug: string; name: string }>;
  current: string | null;
}) {
  const router = useRouter();
  const pathname = usePathname();
  if (tenants.length === 0) return null;
  return (
    <div>
      <label
        htmlFor="tenant-switcher"
        className="mb-1 block text-xs font-medium tracking-wide text-slate-500 uppercase"
      >
        Organization
      </label>
      <select
        id="tenant-switcher"
        value={current ?? ""}
        onChange={(e) => {
          const slug = e.target.value;
          if (!slug) return;
          const section =
            current && pathname.startsWith(`/t/${current}/`) ? pathname.slice(`/t/${current}`.length) : "/overview";
          router.push(`/t/${slug}${section}`);
        }}
        className="block w-full rounded-md border-0 bg-white px-2.5 py-1.5 text-sm font-medium text-slate-900 shadow-xs ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-brand-500"
      >
        {!current && <option value="">Choose an organization…</option>}
        {tenants.map((t) => (
          <option key={t.slug} value={t.slug}>
            {t.name}
          </option>
        ))}
      </select>
    </div>
  );
}
