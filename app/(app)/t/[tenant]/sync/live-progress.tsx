"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import type { RunProgress } from "@/db/queries/sync";

/** What the progress bar shows of a run (the Sync page's query answers it). */
export type ProgressView = Pick<
  RunProgress,
  "runId" | "status" | "phase" | "total" | "done" | "ok" | "failed" | "skipped" | "running" | "errorsSoFar"
>;

const PHASES: Record<string, string> = {
  queued: "Queued: waiting for a sync worker",
  discovering: "Reading the organization (accounts, OUs)",
  inventory: "Reading accounts and regions",
  done: "Finished",
};

/** Polls the run's progress every 1.5 s while it is queued or running; refreshes the page when it ends. */
export function LiveProgress({ slug, initial }: { slug: string; initial: ProgressView | null }) {
  const router = useRouter();
  const [p, setP] = useState<ProgressView | null>(initial);
  const [lost, setLost] = useState(false);
  const wasActive = useRef(initial !== null && (initial.status === "queued" || initial.status === "running"));

  useEffect(() => {
    const active = p !== null && (p.status === "queued" || p.status === "running");
    if (!active) return;
    const t = setInterval(async () => {
      try {
        const res = await fetch(`/t/${slug}/sync/progress?run=${p.runId}`, { cache: "no-store" });
        if (!res.ok) throw new Error(String(res.status));
        const next = (await res.json()) as ProgressView | null;
        setLost(false);
        setP(next);
        if (next && next.status !== "queued" && next.status !== "running" && wasActive.current) {
          wasActive.current = false;
          router.refresh();
        }
      } catch {
        setLost(true);
      }
    }, 1500);
    return () => clearInterval(t);
  }, [p, slug, router]);

  if (!p) return <p className="text-sm text-slate-600">No sync is running.</p>;
  const pct = p.total ? Math.round((p.done / p.total) * 100) : 0;
  const active = p.status === "queued" || p.status === "running";
  return (
    <div className="space-y-2" data-testid="sync-progress">
      <div className="flex items-baseline justify-between gap-3 text-sm">
        <span className="font-medium text-slate-900">
          {active ? (PHASES[p.phase] ?? p.phase) : `Last run ${p.status}`}
        </span>
        <span className="text-slate-600">
          {p.done} of {p.total} units{p.running ? ` · ${p.running} in progress` : ""} · {p.errorsSoFar} error
          {p.errorsSoFar === 1 ? "" : "s"}
          {active ? " so far" : ""}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label="Sync progress: units done of total"
        aria-valuemin={0}
        aria-valuemax={p.total}
        aria-valuenow={p.done}
        aria-valuetext={`${p.done} of ${p.total} units, ${p.errorsSoFar} errors`}
        className="h-2.5 w-full overflow-hidden rounded-full bg-slate-100"
      >
        <div
          className={`h-full ${p.failed ? "bg-amber-500" : "bg-brand-600"} transition-all`}
          style={{ width: `${pct}%` }}
        />
      </div>
      <p className="text-xs text-slate-500">
        A unit is one account in one region (plus one for the organization itself). {p.ok} read, {p.failed} failed,{" "}
        {p.skipped} skipped.
        {lost && " Lost contact with the server; retrying…"}
      </p>
    </div>
  );
}
