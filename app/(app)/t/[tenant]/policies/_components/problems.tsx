"use client";

import type { PolicyError } from "@/lib/policies/errors";
import { MAX_POLICY_CHARS } from "@/lib/policies/limits";

/** The validator's verdict under the editor: each problem with its path, reason and AWS code; a click selects it in the text. */
export function Problems({
  errors,
  characters,
  onJump,
}: {
  errors: PolicyError[];
  characters: number;
  onJump: (index: number) => void;
}) {
  const size = (
    <span className={`tabular-nums ${characters > MAX_POLICY_CHARS ? "font-medium text-red-700" : "text-slate-500"}`}>
      {characters.toLocaleString("en-US")} of {MAX_POLICY_CHARS.toLocaleString("en-US")} characters
    </span>
  );
  if (errors.length === 0) {
    return (
      <div
        role="status"
        aria-live="polite"
        className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
      >
        <span>Valid: AWS Organizations would accept this document.</span>
        {size}
      </div>
    );
  }
  return (
    <div role="status" aria-live="polite" className="rounded-md border border-red-200 bg-red-50/60">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-red-100 px-3 py-2 text-sm text-red-800">
        <span className="font-medium">
          {errors.length} problem{errors.length === 1 ? "" : "s"}: AWS would refuse this document
        </span>
        {size}
      </div>
      <ol className="max-h-64 divide-y divide-red-100 overflow-y-auto" aria-label="Problems in the policy document">
        {errors.map((e, i) => (
          <li key={`${e.path}-${e.reason}-${i}`}>
            <button
              type="button"
              onClick={() => onJump(i)}
              className="block w-full px-3 py-2 text-left hover:bg-red-50 focus:bg-red-50 focus:outline-none"
            >
              <span className="block text-sm text-slate-900">{e.message}</span>
              <span className="mt-0.5 flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-slate-600">
                <code className="break-all text-slate-800">{e.path}</code>
                <span>{e.reason}</span>
                <span className="font-mono">{e.code}</span>
              </span>
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}
