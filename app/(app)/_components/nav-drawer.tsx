"use client";

import { usePathname } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";

// The sidebar is a column from the `shell` breakpoint (900 px, globals.css) up. Below it a 240 px
// column would leave the page a third of a phone's width, so it becomes a drawer: closed by
// default, opened by the header's menu button, closed by its own button, the backdrop, Escape, or
// moving to another page.

interface DrawerState {
  open: boolean;
  setOpen: (open: boolean) => void;
}

const DrawerContext = createContext<DrawerState>({ open: false, setOpen: () => undefined });
const DRAWER_ID = "app-nav";

export function NavDrawerProvider({ children }: { children: React.ReactNode }) {
  const pathname = usePathname();
  // Open only on the page where it was opened: following a link closes it.
  const [openAt, setOpenAt] = useState<string | null>(null);
  const open = openAt === pathname;
  const setOpen = useCallback((next: boolean) => setOpenAt(next ? pathname : null), [pathname]);
  return <DrawerContext value={{ open, setOpen }}>{children}</DrawerContext>;
}

export function MenuButton() {
  const { open, setOpen } = useContext(DrawerContext);
  return (
    <button
      type="button"
      aria-controls={DRAWER_ID}
      aria-expanded={open}
      onClick={() => setOpen(!open)}
      className="-ml-1 flex h-9 w-9 shrink-0 items-center justify-center rounded-md text-slate-700 hover:bg-slate-100 shell:hidden"
    >
      <span className="sr-only">Menu</span>
      <svg aria-hidden viewBox="0 0 20 20" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="1.8">
        <path d="M3 5h14M3 10h14M3 15h14" strokeLinecap="round" />
      </svg>
    </button>
  );
}

export function NavDrawer({ children }: { children: React.ReactNode }) {
  const { open, setOpen } = useContext(DrawerContext);
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open, setOpen]);
  return (
    <>
      {open && (
        <div aria-hidden className="fixed inset-0 z-30 bg-slate-900/40 shell:hidden" onClick={() => setOpen(false)} />
      )}
      <aside
        id={DRAWER_ID}
        aria-label="Main navigation"
        className={`fixed inset-y-0 left-0 z-40 w-72 max-w-[85vw] overflow-y-auto bg-white shadow-xl transition-[translate,visibility] duration-200 shell:visible shell:static shell:z-auto shell:w-60 shell:max-w-none shell:shrink-0 shell:translate-x-0 shell:border-r shell:border-slate-200 shell:shadow-none ${
          open ? "visible translate-x-0" : "invisible -translate-x-full"
        }`}
      >
        <div className="flex justify-end px-3 pt-3 shell:hidden">
          <button
            ref={closeRef}
            type="button"
            onClick={() => setOpen(false)}
            className="flex h-9 w-9 items-center justify-center rounded-md text-slate-600 hover:bg-slate-100"
          >
            <span className="sr-only">Close menu</span>
            <svg
              aria-hidden
              viewBox="0 0 20 20"
              className="h-5 w-5"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.8"
            >
              <path d="M5 5l10 10M15 5L5 15" strokeLinecap="round" />
            </svg>
          </button>
        </div>
        {children}
      </aside>
    </>
  );
}
