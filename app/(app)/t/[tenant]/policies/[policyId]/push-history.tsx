import { Badge } from "@/app/_components/ui/badge";
import { formatDateTime } from "@/lib/format";
import type { PushStepView, PushView } from "@/lib/policies/read";

const STATUS_TONE = { running: "amber", succeeded: "green", failed: "red" } as const;
const STEP_TONE = { succeeded: "green", failed: "red", skipped: "gray" } as const;

function Steps({ steps }: { steps: PushStepView[] }) {
  if (steps.length === 0) return <p className="text-xs text-slate-500">No AWS call was made.</p>;
  return (
    <details className="group">
      <summary className="cursor-pointer list-none text-xs font-medium text-brand-700 hover:underline">
        <span className="mr-1 inline-block transition-transform group-open:rotate-90" aria-hidden>
          ▸
        </span>
        {steps.length} AWS call{steps.length === 1 ? "" : "s"} with their request IDs
      </summary>
      <div className="mt-2 overflow-x-auto rounded-md border border-slate-200">
        <table className="min-w-full divide-y divide-slate-100 text-xs">
          <caption className="sr-only">AWS calls of this push</caption>
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              <th scope="col" className="px-2.5 py-1.5 font-semibold">
                #
              </th>
              <th scope="col" className="px-2.5 py-1.5 font-semibold">
                Call
              </th>
              <th scope="col" className="px-2.5 py-1.5 font-semibold">
                Target
              </th>
              <th scope="col" className="px-2.5 py-1.5 font-semibold">
                Outcome
              </th>
              <th scope="col" className="px-2.5 py-1.5 font-semibold">
                Request ID
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {steps.map((s) => (
              <tr key={s.seq} className="align-top">
                <td className="px-2.5 py-1.5 text-slate-400 tabular-nums">{s.seq}</td>
                <td className="px-2.5 py-1.5 font-medium whitespace-nowrap text-slate-800">{s.operation}</td>
                <td className="px-2.5 py-1.5 font-mono text-slate-600">{s.target ?? "—"}</td>
                <td className="px-2.5 py-1.5">
                  <Badge tone={STEP_TONE[s.outcome]}>{s.outcome}</Badge>
                  {(s.errorCode || s.detail) && (
                    <div className="mt-0.5 max-w-xs text-slate-600">
                      {s.errorCode && <span className="font-mono text-red-700">{s.errorCode} </span>}
                      {s.detail}
                    </div>
                  )}
                </td>
                <td className="px-2.5 py-1.5 font-mono break-all text-slate-600">{s.requestId ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** The pushes of one version, newest first: who, when, what AWS answered, and every call. */
export function PushHistory({ pushes, steps }: { pushes: PushView[]; steps: Map<string, PushStepView[]> }) {
  if (pushes.length === 0) return null;
  return (
    <div className="space-y-2">
      <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Pushes</h4>
      <ul className="space-y-2">
        {pushes.map((p) => (
          <li key={p.pushId} className="rounded-md border border-slate-200 px-3 py-2" data-testid="push">
            <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-slate-600">
              <Badge tone={STATUS_TONE[p.status]}>{p.status === "running" ? "running" : p.status}</Badge>
              <span>
                {formatDateTime(p.startedAt)} by {p.startedByEmail}
              </span>
              {p.finishedAt && <span className="text-slate-400">finished {formatDateTime(p.finishedAt)}</span>}
            </div>
            {p.error && (
              <div role="note" className="mt-2 rounded-md bg-red-50 px-2.5 py-2 text-xs text-red-900">
                <p>
                  <span className="font-mono font-semibold">{p.error.code}</span>
                  {p.error.reason && <span className="font-mono"> ({p.error.reason})</span>}: {p.error.message}
                </p>
                {p.error.requestId && (
                  <p className="mt-1 text-red-800">
                    AWS request ID <span className="font-mono">{p.error.requestId}</span>
                  </p>
                )}
              </div>
            )}
            <div className="mt-2">
              <Steps steps={steps.get(p.pushId) ?? []} />
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
