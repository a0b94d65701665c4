import Link from "next/link";
import type { Evidence } from "@/lib/compliance/model/finding";
import { jobHref, resourceHref, type JobKind } from "@/lib/dashboard/links";

const JOB_EVIDENCE: Partial<Record<Evidence["kind"], JobKind>> = {
  "backup-job": "backup",
  "copy-job": "copy",
  "restore-job": "restore",
};

/** Where an evidence item's own page is, when it has one. */
function hrefOf(slug: string, e: Evidence): string | null {
  if (e.kind === "resource") return resourceHref(slug, e.id);
  const job = JOB_EVIDENCE[e.kind];
  return job ? jobHref(slug, job, e.id) : null;
}

/** The facts that decided a finding, each with its id (linked to its page) and details. */
export function EvidenceList({ slug, evidence }: { slug: string; evidence: readonly Evidence[] }) {
  if (evidence.length === 0) return <p className="text-sm text-slate-500">No evidence recorded.</p>;
  return (
    <ul className="space-y-2">
      {evidence.map((e, i) => {
        const href = hrefOf(slug, e);
        return (
          <li key={`${e.kind}${e.id}${i}`} className="rounded-md border border-slate-200 p-2.5">
            <div className="text-xs">
              <span className="rounded bg-slate-100 px-1.5 py-0.5 font-medium text-slate-700">{e.kind}</span>{" "}
              {href ? (
                <Link href={href} className="font-mono break-all text-brand-700 hover:underline" data-link="evidence">
                  {e.id}
                </Link>
              ) : (
                <span className="font-mono break-all text-slate-800">{e.id}</span>
              )}
            </div>
            {e.details && Object.keys(e.details).length > 0 && (
              <dl className="mt-1.5 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5 text-xs">
                {Object.entries(e.details).map(([k, v]) => (
                  <div key={k} className="contents">
                    <dt className="text-slate-500">{k}</dt>
                    <dd className="font-mono break-all text-slate-800">
                      {Array.isArray(v) ? v.join(", ") : v === null ? "—" : String(v)}
                    </dd>
                  </div>
                ))}
              </dl>
            )}
          </li>
        );
      })}
    </ul>
  );
}
