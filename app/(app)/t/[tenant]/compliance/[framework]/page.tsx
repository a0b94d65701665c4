import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert } from "@/app/_components/ui/alert";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Widget, WidgetState } from "@/app/_components/widget";
import { requireTenantPage } from "@/lib/auth/session";
import { CONTROLS } from "@/lib/compliance/controls/registry";
import { paramsLine } from "@/lib/compliance/templates/parameter-form";
import { getDb } from "@/lib/db";
import { parseAsOf } from "@/lib/dashboard/as-of";
import { getAccountScores, getComplianceSummary } from "@/lib/dashboard/queries/compliance";
import type { SearchParams } from "@/lib/dashboard/url";
import { loadCachedWidget } from "@/lib/dashboard/cached-widget";
import { formatDateTime } from "@/lib/format";
import { AsOfForm } from "../_components/as-of-form";
import { Badge } from "@/app/_components/ui/badge";
import type { StatusCounts } from "@/lib/compliance/scoring/score";
import { CountsLine, formatScore, FullyMet, SCORE_EXPLAINED, ScoreNumber, scoreTone } from "../_components/score";

export const metadata: Metadata = { title: "Framework" };

/** One control's checks in a requirement: how many pass and fail, and the share passing. */
function ControlCounts({ counts, href }: { counts: StatusCounts | undefined; href: (status: string) => string }) {
  if (!counts) return <span className="text-xs text-slate-400">not evaluated</span>;
  const applicable = counts.PASS + counts.FAIL + counts.ERROR + counts.EXCEPTED;
  return (
    <div className="flex flex-col items-end gap-0.5 [&>span:last-child]:justify-end">
      <span className="text-xs font-medium text-slate-700 tabular-nums">
        {applicable ? `${formatScore(counts.PASS / applicable)} pass` : "n/a"}
      </span>
      <CountsLine counts={counts} href={href} />
    </div>
  );
}

async function AccountScores({
  tenantId,
  slug,
  framework,
  asOf,
}: {
  tenantId: string;
  slug: string;
  framework: string;
  asOf: { at: Date | null; param: string | undefined };
}) {
  const result = await loadCachedWidget(
    "compliance.account-scores",
    tenantId,
    { framework, asOf: asOf.param ?? null },
    () => getAccountScores(getDb(), tenantId, framework, asOf.at),
    (r) => (r.length === 0 ? "No account scores in this evaluation." : null),
  );
  return (
    <WidgetState result={result}>
      {(accounts) => (
        <ul className="divide-y divide-slate-100 text-sm">
          {accounts.length > 25 && (
            <li className="pb-1.5 text-xs text-slate-500">
              The 25 lowest of {accounts.length.toLocaleString("en-US")} accounts.
            </li>
          )}
          {accounts.slice(0, 25).map((a) => (
            <li key={a.accountId} className="flex items-center justify-between gap-3 py-1.5">
              <Link
                href={`/t/${slug}/compliance/findings?${new URLSearchParams({ framework, account: a.accountId, status: "FAIL", ...(asOf.param ? { asOf: asOf.param } : {}) })}`}
                className="min-w-0 truncate hover:underline"
              >
                {a.name} <span className="font-mono text-xs text-slate-500">{a.accountId}</span>
              </Link>
              {a.noData ? (
                <span className="shrink-0 text-xs font-semibold text-slate-400">
                  no data{a.acknowledged ? " (acknowledged)" : ""}
                </span>
              ) : (
                <span className={`shrink-0 text-xs font-semibold tabular-nums ${scoreTone(a.score)}`}>
                  {formatScore(a.score)}{" "}
                  <span className="font-normal text-slate-500" title="requirements fully met">
                    ({a.requirementsPassing}/{a.requirementsApplicable} fully met)
                  </span>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </WidgetState>
  );
}

export default async function FrameworkPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string; framework: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug, framework } = await params;
  const { tenant } = await requireTenantPage(slug, "tenant:read", { view: "history" });
  const asOf = parseAsOf(await searchParams, tenant.period);
  const summary = await getComplianceSummary(getDb(), tenant.tenantId, asOf.at);
  const f = summary.frameworks.find((x) => x.slug === framework);
  if (!f) notFound();
  const pathname = `/t/${slug}/compliance/${framework}`;
  // A control's drill-down: its description, parameters, counts and failures grouped by cause.
  const controlHref = (c: string) =>
    `${pathname}/${c}${asOf.param ? `?${new URLSearchParams({ asOf: asOf.param })}` : ""}`;
  const findings = (extra: Record<string, string>) =>
    `/t/${slug}/compliance/findings?${new URLSearchParams({ framework, ...(asOf.param ? { asOf: asOf.param } : {}), ...extra })}`;
  return (
    <div className="space-y-5">
      <PageHeader
        title={f.name}
        description={`Template ${f.version}, revision ${f.revision}.${summary.evaluation ? ` Evaluated ${formatDateTime(summary.evaluation.evaluatedAt)}.` : ""}`}
        actions={<AsOfForm pathname={pathname} value={asOf.param} keep={{}} pinned={Boolean(tenant.period)} />}
      />
      {asOf.error && <Alert tone="warning">{asOf.error}</Alert>}
      <section
        aria-label="Framework score"
        className="flex flex-wrap items-end gap-x-8 gap-y-2 rounded-lg border border-slate-200 bg-white p-4 shadow-xs"
      >
        <div>
          <div className="text-xs font-medium text-slate-500 uppercase">Score</div>
          <span data-testid="framework-score">
            <ScoreNumber score={f.score} />
          </span>
        </div>
        <div className="text-sm" data-testid="framework-fully-met">
          <FullyMet passing={f.requirementsPassing} applicable={f.requirementsApplicable} />
        </div>
        <p className="basis-full text-xs text-slate-500">{SCORE_EXPLAINED}</p>
      </section>
      <div className="grid gap-5 xl:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="space-y-3">
          {f.requirements.map((r) => (
            <section
              key={r.id}
              id={r.id}
              className="rounded-lg border border-slate-200 bg-white p-4 shadow-xs"
              aria-label={`${r.id} ${r.title}`}
            >
              <div className="flex items-start justify-between gap-4">
                <div>
                  <h2 className="font-semibold text-slate-900">
                    <span className="font-mono text-sm text-slate-500">{r.id}</span> {r.title}
                  </h2>
                  <p className="mt-0.5 max-w-3xl text-sm text-slate-600">{r.description}</p>
                </div>
                <div className="shrink-0 text-right">
                  <ScoreNumber score={r.score} className="text-xl" />
                  <div className="text-xs text-slate-500">of checks pass</div>
                  <div className="mt-0.5">
                    <Badge tone={r.status === "PASS" ? "green" : r.status === "FAIL" ? "red" : "gray"}>
                      {r.status === "PASS" ? "fully met" : r.status === "FAIL" ? "not fully met" : "n/a"}
                    </Badge>
                  </div>
                  {r.weight !== 1 && <div className="text-xs text-slate-500">weight {r.weight}</div>}
                </div>
              </div>
              <div className="mt-2">
                <CountsLine counts={r.counts} href={(status) => findings({ requirement: r.id, status })} />
              </div>
              <table className="mt-3 w-full text-sm">
                <caption className="sr-only">Controls of {r.id}</caption>
                <tbody className="divide-y divide-slate-100">
                  {r.controls.map((c) => (
                    <tr key={c}>
                      <th
                        scope="row"
                        className="w-20 py-1.5 pr-3 text-left align-top font-mono text-xs font-medium text-slate-600"
                      >
                        <Link href={controlHref(c)} className="hover:underline">
                          {c}
                        </Link>
                      </th>
                      <td className="py-1.5 align-top">
                        <Link href={controlHref(c)} className="text-slate-800 hover:underline">
                          {CONTROLS[c].title}
                        </Link>
                        <div className="text-xs text-slate-500">
                          {paramsLine(c, f.parameters[c], (raw) => CONTROLS[c].params.safeParse(raw))}
                        </div>
                      </td>
                      <td className="w-44 py-1.5 pl-3 text-right align-top" data-testid="control-counts">
                        <ControlCounts
                          counts={r.controlCounts[c]}
                          href={(status) => findings({ requirement: r.id, control: c, status })}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}
        </div>
        <Widget
          title="Accounts, worst first"
          description="This framework's score in each account, and its requirements fully met there. Accounts the sync never read say no data."
        >
          <AccountScores tenantId={tenant.tenantId} slug={slug} framework={framework} asOf={asOf} />
        </Widget>
      </div>
    </div>
  );
}
