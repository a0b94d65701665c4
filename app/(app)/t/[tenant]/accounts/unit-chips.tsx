import type { UnitState } from "@/lib/dashboard/queries/accounts";

const TONE: Record<string, string> = {
  ok: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  failed: "bg-red-50 text-red-700 ring-red-200",
  skipped: "bg-slate-100 text-slate-600 ring-slate-200",
  running: "bg-brand-50 text-brand-700 ring-brand-100",
  pending: "bg-slate-50 text-slate-500 ring-slate-200",
};

/** One chip per region: its status, with the error (and when) in the tooltip. */
export function UnitChips({ units }: { units: UnitState[] }) {
  return (
    <span className="flex flex-wrap gap-1">
      {units.map((u) => {
        const stale = u.status === "failed" && u.publishedAt;
        return (
          <span
            key={u.region}
            title={
              u.error
                ? `${u.error}${stale ? " (showing the previous good data)" : ""}`
                : `read ${u.publishedAt?.toISOString() ?? "never"}`
            }
            className={`rounded px-1.5 py-0.5 font-mono text-[11px] ring-1 ring-inset ${stale ? "bg-amber-50 text-amber-800 ring-amber-200" : (TONE[u.status] ?? TONE.pending)}`}
          >
            {u.region}
            <span className="sr-only"> {stale ? "stale" : u.status}</span>
          </span>
        );
      })}
    </span>
  );
}
