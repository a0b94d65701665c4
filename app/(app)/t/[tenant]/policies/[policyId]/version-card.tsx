import { Badge } from "@/app/_components/ui/badge";
import { formatDateTime } from "@/lib/format";
import type { PushStepView, PushView, VersionView } from "@/lib/policies/read";
import type { TargetOption } from "@/lib/policies/screens";
import { TargetNames, VersionStateBadge } from "../_components/version-state";
import { VersionDiff } from "./diff-view";
import { PushHistory } from "./push-history";
import { VersionActions, type VersionActionsView } from "./version-actions";

function Meta({ label, children, wide = false }: { label: string; children: React.ReactNode; wide?: boolean }) {
  return (
    <div className={`min-w-0 ${wide ? "col-span-2 lg:col-span-1" : ""}`}>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-sm break-words text-slate-800">{children}</dd>
    </div>
  );
}

/** Approvals given against the number required, and every decision with its comment. */
function Decisions({ v, required }: { v: VersionView; required: number }) {
  const approvals = v.decisions.filter((d) => d.decision === "approved").length;
  const waiting = v.state === "submitted";
  if (!waiting && v.decisions.length === 0) return null;
  // A rejection ends the count: the decision below says it all.
  const counted = v.state !== "rejected";
  return (
    <div className="space-y-1.5">
      {counted && (
        <p className="text-sm text-slate-700">
          <span className={`font-medium ${waiting ? "text-amber-800" : "text-slate-900"}`}>
            {approvals} of {required} approval{required === 1 ? "" : "s"}
          </span>
          {waiting && ` · waiting for ${required - approvals} more from someone other than ${v.authorEmail}`}
        </p>
      )}
      {v.decisions.length > 0 && (
        <ul className="space-y-1">
          {v.decisions.map((d) => (
            <li
              key={`${d.approverEmail}-${d.at.toISOString()}`}
              className="flex flex-wrap items-baseline gap-x-2 text-xs text-slate-600"
            >
              <Badge tone={d.decision === "approved" ? "green" : "red"}>{d.decision}</Badge>
              <span className="text-slate-800">{d.approverEmail}</span>
              <span>{formatDateTime(d.at)}</span>
              {d.comment && <span className="w-full pl-1 text-slate-700 italic sm:w-auto">“{d.comment}”</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function VersionCard({
  v,
  content,
  previous,
  pushes,
  steps,
  targets,
  required,
  actions,
  latest,
  inAws,
}: {
  v: VersionView;
  content: string | null;
  previous: { version: number; content: string | null } | null;
  pushes: PushView[];
  steps: Map<string, PushStepView[]>;
  targets: TargetOption[];
  required: number;
  actions: VersionActionsView | null;
  latest: boolean;
  inAws: boolean;
}) {
  return (
    <section
      id={`v${v.version}`}
      aria-label={`Version ${v.version}`}
      className="rounded-lg border border-slate-200 bg-white shadow-xs"
    >
      <header className="flex flex-wrap items-center gap-2 border-b border-slate-100 px-4 py-3 sm:px-5">
        <h3 className="text-sm font-semibold text-slate-900">Version {v.version}</h3>
        <VersionStateBadge state={v.state} />
        {latest && <Badge tone="violet">latest</Badge>}
        {inAws && <Badge tone="green">in AWS</Badge>}
        {v.sourceVersion !== null && (
          <span className="text-xs text-slate-500">rollback to version {v.sourceVersion}</span>
        )}
        <span className="ml-auto text-xs text-slate-500">
          by {v.authorEmail}, {formatDateTime(v.createdAt)}
        </span>
      </header>
      <div className="space-y-4 p-4 sm:p-5">
        <dl className="grid grid-cols-2 gap-x-6 gap-y-3 lg:grid-cols-4">
          <Meta label="Targets" wide>
            <TargetNames ids={v.targets} options={targets} />
          </Meta>
          <Meta label="Submitted">{v.submittedAt ? formatDateTime(v.submittedAt) : "—"}</Meta>
          <Meta label={v.state === "rejected" ? "Rejected" : "Approved"}>
            {v.decidedAt ? formatDateTime(v.decidedAt) : "—"}
          </Meta>
          <Meta label="Pushed">{v.pushedAt ? formatDateTime(v.pushedAt) : "—"}</Meta>
          {v.description && (
            <Meta label="Description" wide>
              {v.description}
            </Meta>
          )}
          {v.note && (
            <Meta label="Note" wide>
              {v.note}
            </Meta>
          )}
          <Meta label="Size">{v.characters.toLocaleString("en-US")} characters</Meta>
        </dl>
        <Decisions v={v} required={required} />
        {actions && <VersionActions v={actions} />}
        {content !== null && previous?.content != null && (
          <VersionDiff
            before={previous.content}
            after={content}
            beforeLabel={`version ${previous.version}`}
            open={latest}
          />
        )}
        {content !== null && !previous && (
          <details className="group rounded-md border border-slate-200">
            <summary className="cursor-pointer list-none px-3 py-2 text-xs font-medium text-slate-700 hover:bg-slate-50">
              <span className="mr-1 inline-block transition-transform group-open:rotate-90" aria-hidden>
                ▸
              </span>
              The document (first version)
            </summary>
            <pre className="max-h-96 overflow-auto border-t border-slate-200 p-3 text-xs leading-5 whitespace-pre-wrap break-all text-slate-700">
              {content}
            </pre>
          </details>
        )}
        <PushHistory pushes={pushes} steps={steps} />
      </div>
    </section>
  );
}
