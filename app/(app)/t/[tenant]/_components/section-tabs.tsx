"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** Tabs between the pages of one section; the active one is the longest matching prefix. */
export function SectionTabs({ tabs, label }: { tabs: Array<{ href: string; label: string }>; label: string }) {
  const pathname = usePathname();
  const active = [...tabs]
    .sort((a, b) => b.href.length - a.href.length)
    .find((t) => pathname === t.href || pathname.startsWith(`${t.href}/`));
  return (
    <nav aria-label={label} className="mb-5 border-b border-slate-200">
      <ul className="-mb-px flex flex-wrap gap-x-6 gap-y-1">
        {tabs.map((tab) => (
          <li key={tab.href}>
            <Link
              href={tab.href}
              aria-current={tab === active ? "page" : undefined}
              className={`inline-block border-b-2 px-1 pb-2.5 text-sm font-medium ${tab === active ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900"}`}
            >
              {tab.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
