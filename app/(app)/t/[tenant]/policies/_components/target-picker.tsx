"use client";

import { useId, useState } from "react";
import { useFieldError } from "@/app/_components/form/action-form";
import type { TargetOption } from "@/lib/policies/screens";

const KIND: Record<TargetOption["kind"], string> = { root: "root", ou: "OU", account: "account" };

/**
 * Root, OUs and accounts from the last sync, as a tree of checkboxes. The chosen ids travel as
 * hidden inputs, so filtering the list never drops a choice that scrolled out of view.
 */
export function TargetPicker({ options, defaultSelected }: { options: TargetOption[]; defaultSelected: string[] }) {
  const id = useId();
  const error = useFieldError("targets");
  const [selected, setSelected] = useState<string[]>(defaultSelected);
  const [filter, setFilter] = useState("");
  const needle = filter.trim().toLowerCase();
  const shown = needle
    ? options.filter((o) => o.name.toLowerCase().includes(needle) || o.id.includes(needle))
    : options;
  const unknown = selected.filter((s) => !options.some((o) => o.id === s));
  const toggle = (target: string, on: boolean) =>
    setSelected((s) => (on ? [...s, target] : s.filter((x) => x !== target)));
  return (
    <fieldset aria-describedby={error ? `${id}-error` : `${id}-hint`}>
      <legend className="mb-1 block text-sm font-medium text-slate-800">Attach to</legend>
      {selected.map((s) => (
        <input key={s} type="hidden" name="targets" value={s} />
      ))}
      {options.length === 0 ? (
        <p className="rounded-md bg-slate-50 p-3 text-sm text-slate-600">
          The organization has not been synced yet, so there is nothing to choose from. Save the draft now and choose
          targets in a later version, after a sync.
        </p>
      ) : (
        <>
          {options.length > 20 && (
            <input
              type="search"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              placeholder="Filter by name or ID"
              aria-label="Filter targets"
              className="mb-2 block w-full rounded-md border-0 px-2.5 py-1.5 text-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-brand-500"
            />
          )}
          <ul className="max-h-72 overflow-y-auto rounded-md py-1 ring-1 ring-slate-200 ring-inset">
            {shown.map((o) => (
              <li key={o.id} style={{ paddingLeft: `${0.5 + (needle ? 0 : o.depth) * 1.1}rem` }} className="pr-2">
                <label className="flex min-h-8 items-center gap-2 py-0.5 text-sm text-slate-800">
                  <input
                    type="checkbox"
                    checked={selected.includes(o.id)}
                    onChange={(e) => toggle(o.id, e.target.checked)}
                    className="rounded border-slate-300"
                  />
                  <span className={o.kind === "account" ? "" : "font-medium"}>{o.name}</span>
                  <span className="text-xs text-slate-400">{KIND[o.kind]}</span>
                  <span className="ml-auto hidden font-mono text-xs text-slate-400 sm:inline">{o.id}</span>
                  {o.state && <span className="text-xs text-amber-700">{o.state.toLowerCase()}</span>}
                </label>
              </li>
            ))}
            {shown.length === 0 && <li className="px-3 py-2 text-sm text-slate-500">Nothing matches “{filter}”.</li>}
          </ul>
        </>
      )}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-xs text-red-700">
          {error}
        </p>
      ) : (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {selected.length === 0
            ? "None chosen: the version is saved but attached nowhere when pushed."
            : `Chosen: ${selected.map((s) => options.find((o) => o.id === s)?.name ?? s).join(", ")}. A policy on an OU applies to every account below it.`}
          {unknown.length > 0 && ` Not in the last sync: ${unknown.join(", ")}.`}
        </p>
      )}
    </fieldset>
  );
}
