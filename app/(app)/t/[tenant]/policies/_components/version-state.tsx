import { Badge, type BadgeTone } from "@/app/_components/ui/badge";
import type { PolicyVersionState } from "@/db/schema/policies";
import type { TargetOption } from "@/lib/policies/screens";

const labelOf = (options: readonly TargetOption[], id: string) => options.find((o) => o.id === id)?.name ?? id;

const TONES: Record<PolicyVersionState, BadgeTone> = {
  draft: "gray",
  submitted: "amber",
  approved: "blue",
  pushed: "green",
  rejected: "red",
  superseded: "gray",
};

/** What each state means for the next step, for the badge's tooltip. */
const MEANING: Record<PolicyVersionState, string> = {
  draft: "Written, not yet handed to the approvers.",
  submitted: "Waiting for approval by someone other than the author.",
  approved: "Approved: ready to push to AWS.",
  pushed: "This content is what the product last pushed to AWS.",
  rejected: "Rejected by an approver; it can't be pushed.",
  superseded: "A later version replaced it.",
};

export function VersionStateBadge({ state }: { state: PolicyVersionState }) {
  return (
    <Badge tone={TONES[state]} title={MEANING[state]}>
      {state}
    </Badge>
  );
}

/** Targets by name, with the id for the people who work in the AWS console. */
export function TargetNames({
  ids,
  options,
  limit = 4,
}: {
  ids: string[];
  options: readonly TargetOption[];
  limit?: number;
}) {
  if (ids.length === 0) return <span className="text-slate-500">not attached anywhere</span>;
  const shown = ids.slice(0, limit);
  return (
    <span className="flex flex-wrap gap-x-2 gap-y-0.5">
      {shown.map((id) => (
        <span key={id} title={id} className="whitespace-nowrap">
          {labelOf(options, id)}
          {labelOf(options, id) !== id && <span className="ml-1 font-mono text-[11px] text-slate-400">{id}</span>}
        </span>
      ))}
      {ids.length > limit && <span className="text-slate-500">and {ids.length - limit} more</span>}
    </span>
  );
}
