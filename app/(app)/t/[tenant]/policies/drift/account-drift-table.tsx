import { Badge } from "@/app/_components/ui/badge";
import { Table, Td, Th } from "@/app/_components/ui/table";
import type { Attachment, NodeDrift, UnitDrift } from "@/lib/policies/drift-report";
import { UnitStateBadge } from "./drift-badges";

const QUIET = new Set(["in-sync", "unmanaged", "not-applicable"]);

/** The three-way state per OU, account and region: intended, in AWS, materialised, and plans made by hand. */
export function AccountDriftTable({ nodes, problemsOnly }: { nodes: readonly NodeDrift[]; problemsOnly: boolean }) {
  const shown = (u: UnitDrift) => !problemsOnly || !QUIET.has(u.state) || u.handMade.length > 0;
  return (
    <Table caption="Drift per OU, account and region">
      <thead>
        <tr>
          <Th>Account</Th>
          <Th>Region</Th>
          <Th>State</Th>
          <Th>Intended</Th>
          <Th>In AWS</Th>
          <Th>Materialised plans</Th>
          <Th>By hand</Th>
          <Th>Why, and what to do</Th>
        </tr>
      </thead>
      {nodes.map((node) => {
        const accounts = node.accounts
          .map((a) => ({ ...a, units: a.units.filter(shown) }))
          .filter((a) => a.units.length > 0);
        if (problemsOnly && accounts.length === 0 && !node.attached.some((x) => x.note)) return null;
        return (
          <tbody key={node.id} className="divide-y divide-slate-100 border-t border-slate-200">
            <tr className="bg-slate-50/70">
              <td colSpan={8} className="px-3 py-2 align-top font-medium text-slate-800">
                <span
                  style={{ paddingLeft: `${node.depth * 1.25}rem` }}
                  className="inline-flex flex-wrap items-center gap-2"
                >
                  <span>{node.kind === "root" ? "Root" : `OU ${node.name}`}</span>
                  <span className="font-mono text-xs font-normal text-slate-500">{node.id}</span>
                  <Attachments items={node.attached} />
                </span>
              </td>
            </tr>
            {accounts.map((a) =>
              a.units.map((u, i) => (
                <tr key={`${a.accountId}/${u.region}`}>
                  {i === 0 && (
                    <td className="px-3 py-2 align-top whitespace-nowrap text-slate-800" rowSpan={a.units.length}>
                      <span style={{ paddingLeft: `${(node.depth + 1) * 1.25}rem` }} className="block">
                        <span className="font-medium">{a.name}</span>
                        <span className="block font-mono text-xs text-slate-500">{a.accountId}</span>
                        {a.attached.length > 0 && (
                          <span className="mt-1 block">
                            <Attachments items={a.attached} />
                          </span>
                        )}
                      </span>
                    </td>
                  )}
                  <Td className="font-mono text-xs whitespace-nowrap">{u.region}</Td>
                  <Td>
                    <UnitStateBadge state={u.state} />
                  </Td>
                  <Td className="text-xs">
                    {u.intended.length ? (
                      u.intended.map((x) => `${x.name} v${x.version}`).join(", ")
                    ) : (
                      <span className="text-slate-400">—</span>
                    )}
                  </Td>
                  <Td className="text-xs">
                    {u.inAws.length ? (
                      <span className="flex flex-wrap gap-x-1.5">
                        {u.inAws.map((x, i) => (
                          <span
                            key={x.name}
                            title={
                              x.managed
                                ? "Managed by this product"
                                : "Not managed by this product: its changes are not tracked as drift"
                            }
                            className={x.managed ? "font-medium text-brand-700" : "text-slate-600"}
                          >
                            {x.name}
                            {i < u.inAws.length - 1 ? "," : ""}
                          </span>
                        ))}
                      </span>
                    ) : (
                      <span className="text-slate-400">—</span>
                    )}
                  </Td>
                  <Td className="text-xs">
                    {u.materialised.plans.length ? (
                      u.materialised.plans.join(", ")
                    ) : (
                      <span className="text-slate-400">none</span>
                    )}
                    {u.materialised.differences?.length ? (
                      <span className="block text-amber-800">
                        {u.materialised.differences.length} difference{u.materialised.differences.length > 1 ? "s" : ""}
                      </span>
                    ) : null}
                  </Td>
                  <Td className="text-xs">
                    {u.handMade.length ? u.handMade.join(", ") : <span className="text-slate-400">—</span>}
                  </Td>
                  <Td className="min-w-60 text-xs">
                    {u.reasons.length > 0 && (
                      <ul className="space-y-0.5 text-slate-800">
                        {u.reasons.slice(0, 4).map((r) => (
                          <li key={r} className="break-words">
                            {r}
                          </li>
                        ))}
                        {u.reasons.length > 4 && <li className="text-slate-500">…and {u.reasons.length - 4} more</li>}
                      </ul>
                    )}
                    {u.advice && <p className="mt-1 text-slate-600">{u.advice}</p>}
                  </Td>
                </tr>
              )),
            )}
          </tbody>
        );
      })}
    </Table>
  );
}

function Attachments({ items }: { items: readonly Attachment[] }) {
  if (!items.length) return null;
  return (
    <span className="inline-flex flex-wrap gap-1">
      {items.map((x) => (
        <Badge
          key={`${x.name}:${x.note ?? ""}`}
          tone={x.note ? "red" : x.managed ? "blue" : "gray"}
          title={x.note ?? (x.managed ? "Managed by this product" : "A policy this product does not manage")}
        >
          {x.name}
          {x.note ? `: ${x.note}` : ""}
        </Badge>
      ))}
    </span>
  );
}
