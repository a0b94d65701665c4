import { Badge } from "@/app/_components/ui/badge";
import { Card } from "@/app/_components/ui/card";
import { getDb } from "@/lib/db";
import { formatDateTime, formatDuration } from "@/lib/format";
import {
  CHECK_LABELS,
  CONNECTION_CHECKS,
  cellTone,
  groupProblems,
  type CheckResult,
  type CheckStatus,
  type ConnectionCheck,
  type ProblemGroup,
  type RoleCheck,
} from "@/lib/onboarding/connection-checks";
import { getLatestConnectionTest } from "@/lib/onboarding/connection-test-store";
import { ConnectionTestButton } from "./connection-test-button";

// The latest "Test connection" of a tenant: the matrix (accounts × regions, each cell its checks)
// and what to fix, grouped by cause. Takes only the tenant id, so an onboarding wizard can show it.

const TITLE = "Test connection";
const DESCRIPTION =
  "Assumes every role the sync needs, in every account and region it covers, and makes one read of each kind. Nothing is changed in AWS. Runs by itself before the first sync.";

const SHORT: Record<ConnectionCheck, string> = { assume: "A", region: "R", optIn: "O", plans: "P", vaults: "V" };
const CHIP: Record<CheckStatus, string> = {
  ok: "bg-emerald-500 text-white",
  warn: "bg-amber-400 text-amber-950",
  fail: "bg-red-600 text-white",
  skipped: "bg-slate-200 text-slate-500",
};
const STATUS_WORD: Record<CheckStatus, string> = { ok: "ok", warn: "warning", fail: "failed", skipped: "skipped" };
const CELL_BG = { ok: "bg-emerald-50", warn: "bg-amber-50", fail: "bg-red-50", skipped: "bg-slate-50" } as const;
const VERDICT = {
  ok: <Badge tone="green">all checks passed</Badge>,
  problems: <Badge tone="amber">problems found</Badge>,
  failed: <Badge tone="red">could not get in</Badge>,
} as const;
const PLACES_SHOWN = 12;

function Chip({ check, result }: { check: ConnectionCheck; result: CheckResult }) {
  const why = result.problem ? `: ${result.problem}` : "";
  return (
    <span
      title={`${CHECK_LABELS[check]}: ${STATUS_WORD[result.status]}${why}`}
      className={`inline-flex size-5 items-center justify-center rounded text-[10px] font-bold ${CHIP[result.status]}`}
    >
      {SHORT[check]}
      <span className="sr-only">
        {" "}
        {CHECK_LABELS[check]} {STATUS_WORD[result.status]}
      </span>
    </span>
  );
}

function RoleLine({ label, role, read }: { label: string; role: RoleCheck; read: string }) {
  const item = (name: string, r: CheckResult) => (
    <span className="inline-flex items-center gap-1">
      <span className={`inline-block size-2.5 rounded-full ${CHIP[r.status].split(" ")[0]}`} aria-hidden />
      {name} <span className="text-slate-500">({STATUS_WORD[r.status]})</span>
    </span>
  );
  return (
    <li className="space-y-0.5">
      <p className="font-medium text-slate-900">
        {label} <span className="font-mono text-xs font-normal break-all text-slate-500">{role.roleArn}</span>
      </p>
      <p className="flex flex-wrap gap-x-4 gap-y-1 text-xs">
        {item("can assume", role.assume)}
        {item(read, role.read)}
      </p>
    </li>
  );
}

function Legend() {
  return (
    <p className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-600">
      {CONNECTION_CHECKS.map((c) => (
        <span key={c} className="inline-flex items-center gap-1">
          <span className="inline-flex size-4 items-center justify-center rounded bg-slate-700 text-[9px] font-bold text-white">
            {SHORT[c]}
          </span>
          {CHECK_LABELS[c]}
        </span>
      ))}
      <span className="inline-flex items-center gap-1.5">
        {(["ok", "warn", "fail", "skipped"] as const).map((s) => (
          <span key={s} className="inline-flex items-center gap-1">
            <span className={`inline-block size-2.5 rounded-sm ${CHIP[s].split(" ")[0]}`} aria-hidden />
            {STATUS_WORD[s]}
          </span>
        ))}
      </span>
    </p>
  );
}

function WhatToFix({ groups }: { groups: ProblemGroup[] }) {
  if (groups.length === 0) return null;
  return (
    <div className="space-y-3 text-xs" data-testid="connection-fixes">
      <h3 className="text-sm font-semibold text-slate-900">What to fix</h3>
      {groups.map((g) => (
        <div
          key={`${g.problem}|${g.remedy}`}
          className={`rounded-md border p-2.5 ${g.status === "fail" ? "border-red-200" : "border-amber-200"}`}
        >
          <p className="font-medium [overflow-wrap:anywhere] text-slate-900">
            <Badge tone={g.status === "fail" ? "red" : "amber"}>{g.status === "fail" ? "fails" : "warning"}</Badge>{" "}
            {g.problem}
          </p>
          <p className="mt-1 flex flex-wrap gap-1">
            {g.places.slice(0, PLACES_SHOWN).map((p) => (
              <span
                key={`${p.check}|${p.accountId}|${p.region ?? ""}`}
                className="rounded bg-slate-100 px-1.5 py-0.5 [overflow-wrap:anywhere]"
              >
                {p.accountName}{" "}
                {p.accountId && <span className="font-mono whitespace-nowrap text-slate-500">{p.accountId}</span>}{" "}
                {p.region ? (
                  <span className="font-mono whitespace-nowrap text-slate-500">{p.region}</span>
                ) : p.check === "assume" ? (
                  <span className="whitespace-nowrap text-slate-500">(every region)</span>
                ) : null}
              </span>
            ))}
            {g.places.length > PLACES_SHOWN && (
              <span className="px-1.5 py-0.5 text-slate-500">and {g.places.length - PLACES_SHOWN} more</span>
            )}
          </p>
          {g.remedy && (
            <p className="mt-1.5 [overflow-wrap:anywhere] text-slate-700">
              <span className="font-medium">What to do:</span> {g.remedy}
            </p>
          )}
        </div>
      ))}
    </div>
  );
}

export async function ConnectionTestSection({ tenantId }: { tenantId: string }) {
  const last = await getLatestConnectionTest(getDb(), tenantId);
  const button = <ConnectionTestButton tenantId={tenantId} again={last !== null} />;
  if (!last)
    return (
      <Card title={TITLE} description={DESCRIPTION}>
        <div className="space-y-3">
          <p className="text-sm text-slate-600">Not tested yet.</p>
          {button}
        </div>
      </Card>
    );
  const r = last.result;
  const groups = groupProblems(r);
  return (
    <Card title={TITLE} description={DESCRIPTION}>
      <div className="space-y-4" data-testid="connection-test">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <p className="text-sm text-slate-700">
            {VERDICT[last.verdict]} Tested {formatDateTime(last.ranAt)}
            {last.ranByEmail && <> by {last.ranByEmail}</>} · {r.accounts.length} account
            {r.accounts.length === 1 ? "" : "s"} × {r.regions.length} region{r.regions.length === 1 ? "" : "s"} in{" "}
            {r.durationMs < 60_000 ? `${(r.durationMs / 1000).toFixed(1)} s` : formatDuration(r.durationMs)}
          </p>
          {button}
        </div>
        <ul className="space-y-2 text-sm">
          <RoleLine label="Entry role" role={r.entry} read="can list the organization's accounts" />
          {r.policyPush && <RoleLine label="Policy push role" role={r.policyPush} read="can list backup policies" />}
        </ul>
        {r.accounts.length > 0 && (
          <>
            <Legend />
            {/* The matrix scrolls inside its own box, never the page (a phone is 390 px wide). */}
            <div className="max-h-[36rem] overflow-auto rounded-md border border-slate-200">
              <table className="w-full border-collapse text-xs" data-testid="connection-matrix">
                <caption className="sr-only">Checks per account and region</caption>
                <thead className="sticky top-0 z-10 bg-slate-50">
                  <tr>
                    <th
                      scope="col"
                      className="sticky left-0 bg-slate-50 px-2 py-1.5 text-left font-medium text-slate-600"
                    >
                      Account
                    </th>
                    {r.regions.map((region) => (
                      <th
                        key={region}
                        scope="col"
                        className="px-2 py-1.5 text-left font-mono font-medium text-slate-600"
                      >
                        {region}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {r.accounts.map((a) => (
                    <tr key={a.accountId} data-account={a.accountId}>
                      <th
                        scope="row"
                        className="sticky left-0 z-[1] max-w-36 bg-white px-2 py-1.5 text-left align-top font-normal sm:max-w-56"
                      >
                        <span className="block truncate font-medium text-slate-900" title={a.name}>
                          {a.name}
                        </span>
                        <span className="block font-mono text-[11px] text-slate-500">{a.accountId}</span>
                        {a.state !== "ACTIVE" && (
                          <span className="text-[11px] text-slate-500">{a.state.toLowerCase()}</span>
                        )}
                      </th>
                      {a.cells.map((c) => (
                        <td
                          key={c.region}
                          className={`px-2 py-1.5 align-top ${CELL_BG[cellTone(c)]}`}
                          data-region={c.region}
                        >
                          <span className="flex gap-0.5">
                            {CONNECTION_CHECKS.map((check) => (
                              <Chip key={check} check={check} result={c.checks[check]} />
                            ))}
                          </span>
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
        <WhatToFix groups={groups} />
      </div>
    </Card>
  );
}
