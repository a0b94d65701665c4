"use client";

import { usePathname } from "next/navigation";
import { useState } from "react";

/**
 * The sidebar, as a column from md up and behind a "Menu" button on phones, where a 240 px
 * column would leave the page a third of the screen. It closes when the page changes.
 */
export function CollapsibleNav({ children }: { children: React.ReactNode }) {
  const pathname = usePathname();
  const [openAt, setOpenAt] = useState<string | null>(null);
  const open = openAt === pathname;
  return (
    <aside
      className="shrink-0 border-b border-slate-200 bg-white md:w-60 md:border-r md:border-b-0"
      aria-label="Main navigation"
    >
      <button
        type="button"
        aria-expanded={open}
        onClick={() => setOpenAt(open ? null : pathname)}
        className="flex w-full items-center justify-between px-4 py-2.5 text-sm font-medium text-slate-700 md:hidden"
      >
        Menu
        <span aria-hidden className="text-slate-400">
          {open ? "▴" : "▾"}
        </span>
      </button>
      <div className={open ? "block" : "hidden md:block"}>{children}</div>
    </aside>
  );
}
