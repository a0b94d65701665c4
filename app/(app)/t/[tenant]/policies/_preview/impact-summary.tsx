import { Badge } from "@/app/_components/ui/badge";
import { Card } from "@/app/_components/ui/card";
import { Table, Td, Th } from "@/app/_components/ui/table";
import type { StatusCounts } from "@/lib/compliance/scoring/score";
import { formatPercent } from "@/lib/format";
import type { ComplianceImpact, RunImpact } from "@/lib/policies/preview-impact";
import { StatusBadge } from "../../compliance/_components/score";

const changed = (a: StatusCounts, b: StatusCounts) =>
  a.PASS !== b.PASS ||
  a.FAIL !== b.FAIL ||
  a.ERROR !== b.ERROR ||
  a.EXCEPTED !== b.EXCEPTED ||
  a.NOT_APPLICABLE !== b.NOT_APPLICABLE;

function Move({ before, after, good }: { before: number; after: number; good: "up" | "down" }) {
  if (before === after) return <span className="text-slate-500 tabular-nums">{before}</span>;
  const better = good === "up" ? after > before : after < before;
  return (
    <span className="whitespace-nowrap tabular-nums">
      {before} → <span className={`font-semibold ${better ? "text-emerald-700" : "text-red-700"}`}>{after}</span>
    </span>
  );
}

function Status({ status }: { status: string | null }) {
  return status === null ? <Badge tone="gray">absent</Badge> : <StatusBadge status={status} />;
}

function RunFlips({ run }: { run: RunImpact }) {
  if (run.flips.length === 0) return <span className="text-xs text-slate-500">no subject changes status</span>;
  return (
    <details className="group">
      <summary className="cursor-pointer text-xs font-medium text-brand-700 hover:underline">
        {run.flips.length + run.moreFlips} subject{run.flips.length + run.moreFlips === 1 ? "" : "s"} flip
      </summary>
      <ul className="mt-2 space-y-1.5">
        {run.flips.map((f) => (
          <li key={`${f.subjectType}|${f.subjectId}`} className="text-xs">
            <div className="flex flex-wrap items-center gap-1.5">
              <Status status={f.before} /> → <Status status={f.after} />
              <span className="font-mono break-all text-slate-800">{f.label}</span>
            </div>
            {(f.reasonAfter ?? f.reasonBefore) && (
              <p className="mt-0.5 pl-1 text-slate-500">{f.reasonAfter ?? `was: ${f.reasonBefore}`}</p>
            )}
          </li>
        ))}
        {run.moreFlips > 0 && <li className="text-xs text-slate-500">and {run.moreFlips} more</li>}
      </ul>
    </details>
  );
}

/** Per framework requirement and per control: counts before → after over the reached accounts, and the subjects that flip. */
export function ImpactSummary({ impact }: { impact: ComplianceImpact }) {
  const moving = impact.runs.filter((r) => r.flips.length > 0 || changed(r.before, r.after));
  const still = [...new Set(impact.runs.filter((r) => !moving.includes(r)).map((r) => r.controlId))].filter(
    (id) => !moving.some((r) => r.controlId === id),
  );
  return (
    <div className="space-y-5">
      <p className="text-sm text-slate-700">
        {impact.flips === 0
          ? "No finding would change status"
          : `${impact.flips} finding${impact.flips === 1 ? "" : "s"} would change status`}{" "}
        in the {impact.accounts.length} account
        {impact.accounts.length === 1 ? "" : "s"} the change reaches. Counts below are over those accounts; the others
        do not change.
      </p>
      {impact.frameworks.map((f) => (
        <Card key={f.slug} title={f.name} description="Each requirement's share of passing checks, before → after.">
          <Table caption={`${f.name}: requirements before and after`}>
            <thead>
              <tr>
                <Th>Requirement</Th>
                <Th>Controls</Th>
                <Th className="text-right">Score</Th>
                <Th className="text-right">Pass</Th>
                <Th className="text-right">Fail</Th>
                <Th className="text-right">Flips</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {f.requirements.map((r) => (
                <tr key={r.id} className={r.flips > 0 ? "bg-brand-50/40" : undefined}>
                  <Td>
                    <span className="font-mono text-xs text-slate-500">{r.id}</span> {r.title}
                  </Td>
                  <Td className="text-xs text-slate-600">{r.controls.join(" ")}</Td>
                  <Td className="text-right whitespace-nowrap tabular-nums">
                    {r.scoreBefore === r.scoreAfter ? (
                      <span className="text-slate-500">{formatPercent(r.scoreAfter)}</span>
                    ) : (
                      <>
                        {formatPercent(r.scoreBefore)} →{" "}
                        <span
                          className={`font-semibold ${(r.scoreAfter ?? 0) > (r.scoreBefore ?? 0) ? "text-emerald-700" : "text-red-700"}`}
                        >
                          {formatPercent(r.scoreAfter)}
                        </span>
                      </>
                    )}
                  </Td>
                  <Td className="text-right">
                    <Move before={r.before.PASS} after={r.after.PASS} good="up" />
                  </Td>
                  <Td className="text-right">
                    <Move before={r.before.FAIL} after={r.after.FAIL} good="down" />
                  </Td>
                  <Td className="text-right tabular-nums">{r.flips}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      ))}
      <Card
        title="Controls"
        description="Each control run as the tenant's templates configure it (a run without a template is the control at its defaults)."
      >
        {moving.length === 0 ? (
          <p className="text-sm text-slate-600">No control changes.</p>
        ) : (
          <Table caption="Controls that change: counts before and after, and the subjects that flip">
            <thead>
              <tr>
                <Th>Control</Th>
                <Th className="text-right">Pass</Th>
                <Th className="text-right">Fail</Th>
                <Th className="text-right">Error</Th>
                <Th>Subjects</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {moving.map((r) => (
                <tr key={r.runKey}>
                  <Td>
                    <div className="font-medium">
                      <span className="font-mono text-xs text-slate-500">{r.controlId}</span> {r.title}
                    </div>
                    <div className="text-xs text-slate-500">
                      {r.templates.length ? `as in ${r.templates.join(", ")}` : "at its defaults"}
                    </div>
                  </Td>
                  <Td className="text-right">
                    <Move before={r.before.PASS} after={r.after.PASS} good="up" />
                  </Td>
                  <Td className="text-right">
                    <Move before={r.before.FAIL} after={r.after.FAIL} good="down" />
                  </Td>
                  <Td className="text-right">
                    <Move before={r.before.ERROR} after={r.after.ERROR} good="down" />
                  </Td>
                  <Td className="max-w-xl">
                    <RunFlips run={r} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {still.length > 0 && <p className="mt-3 text-xs text-slate-500">Unchanged: {still.join(", ")}.</p>}
      </Card>
    </div>
  );
}
