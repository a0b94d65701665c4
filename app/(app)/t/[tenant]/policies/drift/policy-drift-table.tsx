import Link from "next/link";
import { Badge } from "@/app/_components/ui/badge";
import { Table, Td, Th } from "@/app/_components/ui/table";
import { formatDateTime } from "@/lib/format";
import type { TenantDrift } from "@/lib/policies/drift";
import { DriftButtons } from "./drift-buttons";
import { PolicyStatusBadge } from "./drift-badges";

/** Each managed policy: the version pushed last, what AWS holds now, what differs, and what to do. */
export function PolicyDriftTable({
  drift,
  slug,
  tenantId,
  canDraft,
  nameOf,
}: {
  drift: TenantDrift;
  slug: string;
  tenantId: string;
  canDraft: boolean;
  nameOf: (id: string) => string;
}) {
  return (
    <Table caption="Managed policies: intended against AWS">
      <thead>
        <tr>
          <Th>Policy</Th>
          <Th>Intended</Th>
          <Th>In AWS</Th>
          <Th>What differs</Th>
          <Th>Seen</Th>
          <Th>Resolve</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {drift.policies.map(({ intent, drift: d }) => {
          const waiting = drift.waiting[intent.policyId];
          const resolvable = d.status === "drifted" || d.status === "missing";
          return (
            <tr key={intent.policyId}>
              <Td>
                <Link
                  href={`/t/${slug}/policies/${intent.policyId}`}
                  className="font-medium text-brand-700 hover:underline"
                >
                  {intent.name}
                </Link>
                <div className="font-mono text-xs text-slate-500">{intent.awsPolicyId}</div>
              </Td>
              <Td className="text-xs whitespace-nowrap">
                v{intent.version}
                {intent.pushedAt && <div className="text-slate-500">pushed {formatDateTime(intent.pushedAt)}</div>}
                <div className="text-slate-500">on {intent.targets.map(nameOf).join(", ") || "no target"}</div>
              </Td>
              <Td className="whitespace-nowrap">
                <PolicyStatusBadge status={d.status} />
              </Td>
              <Td className="text-xs">
                <Differences d={d} nameOf={nameOf} />
              </Td>
              <Td className="text-xs whitespace-nowrap text-slate-600">
                {d.status === "drifted" || d.status === "missing"
                  ? drift.readAt
                    ? `sync of ${formatDateTime(drift.readAt)}`
                    : "—"
                  : "—"}
              </Td>
              <Td className="text-xs">
                {waiting ? (
                  <span className="flex flex-wrap items-center gap-1.5">
                    <Badge tone="amber">
                      v{waiting.version} {waiting.state}
                    </Badge>
                    <Link href={`/t/${slug}/policies/${intent.policyId}`} className="text-brand-700 hover:underline">
                      approve and push it
                    </Link>
                  </span>
                ) : resolvable && canDraft ? (
                  <DriftButtons
                    tenantId={tenantId}
                    policyId={intent.policyId}
                    slug={slug}
                    canAdopt={d.status === "drifted"}
                  />
                ) : resolvable ? (
                  <span className="text-slate-500">An operator can re-push or adopt it.</span>
                ) : (
                  <span className="text-slate-500">—</span>
                )}
              </Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}

function Differences({ d, nameOf }: { d: TenantDrift["policies"][number]["drift"]; nameOf: (id: string) => string }) {
  if (d.status === "missing")
    return <span>AWS no longer has this policy: it was deleted outside the product. Re-pushing creates it again.</span>;
  if (d.status === "awaiting-sync")
    return <span className="text-slate-500">Pushed after the last sync read the organization: sync to compare.</span>;
  if (d.status === "not-read")
    return <span className="text-slate-500">The organization&apos;s policies were not read by the last sync.</span>;
  if (d.status === "in-sync")
    return <span className="text-slate-500">Nothing: AWS holds the pushed content on the pushed targets.</span>;
  return (
    <ul className="space-y-1">
      {d.differences.map((x) => (
        <li key={x.path}>
          <code className="font-mono break-all text-slate-800">{x.path}</code>
          <div className="text-slate-600">
            intended <code className="font-mono">{x.intended ?? "absent"}</code> · AWS{" "}
            <code className="font-mono text-red-700">{x.aws ?? "absent"}</code>
          </div>
        </li>
      ))}
      {d.truncated && <li className="text-slate-500">…and more.</li>}
      {d.attachedOutside.length > 0 && (
        <li>Attached outside the product to {d.attachedOutside.map(nameOf).join(", ")}.</li>
      )}
      {d.detachedOutside.length > 0 && (
        <li>Detached outside the product from {d.detachedOutside.map(nameOf).join(", ")}.</li>
      )}
      {d.differences.length > 0 && (
        <li className="text-slate-500">Reaches {d.regions === null ? "every region" : d.regions.join(", ")}.</li>
      )}
    </ul>
  );
}
