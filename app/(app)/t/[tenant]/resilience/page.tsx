import type { Metadata } from "next";
import Link from "next/link";
import { ScoreTrend } from "@/app/_components/charts/score-trend";
import { Alert } from "@/app/_components/ui/alert";
import { Badge } from "@/app/_components/ui/badge";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Table, Td, Th } from "@/app/_components/ui/table";
import { Widget, WidgetState } from "@/app/_components/widget";
import { requireTenantPage } from "@/lib/auth/session";
import { clock } from "@/lib/clock";
import {
  componentMovedMost,
  RESILIENCE_COMPONENTS,
  RESILIENCE_EXPLAINED,
  type ResilienceScore,
} from "@/lib/compliance/resilience/score";
import { scoreChange } from "@/lib/compliance/scoring/score-text";
import { getDb } from "@/lib/db";
import { parseAsOf } from "@/lib/dashboard/as-of";
import { loadCachedWidget } from "@/lib/dashboard/cached-widget";
import {
  getResilienceTrendRows,
  getTenantResilienceView,
  type ResilienceRow,
} from "@/lib/dashboard/queries/resilience";
import { first, hrefWith, type SearchParams } from "@/lib/dashboard/url";
import { formatDate, formatDateTime } from "@/lib/format";
import { AsOfForm } from "../compliance/_components/as-of-form";
import { ScoreNumber } from "../compliance/_components/score";
import { ComponentBreakdown, ComponentCells, ScoreChange } from "./_components/resilience";

export const metadata: Metadata = { title: "Resilience" };

/** Rows shown per table before "show all": an organization of a thousand accounts stays readable. */
const ROWS_SHOWN = 50;

interface Focus {
  scope: "tenant" | "ou" | "account";
  id: string;
  name: string;
  row: ResilienceRow | null;
}

async function Trend({
  tenantId,
  focus,
  to,
  notBefore,
}: {
  tenantId: string;
  focus: Focus;
  to: Date | null;
  notBefore: Date | null;
}) {
  const result = await loadCachedWidget(
    "resilience.trend",
    tenantId,
    { scope: focus.scope, id: focus.id, to: to?.toISOString() ?? null, notBefore: notBefore?.toISOString() ?? null },
    () => getResilienceTrendRows(getDb(), tenantId, { ...focus, to, notBefore, now: clock.now() }),
    (rows) => (rows.length < 2 ? "The trend appears once scores exist on two or more days." : null),
  );
  return (
    <WidgetState result={result}>
      {(rows) => (
        <ScoreTrend
          height={240}
          label={`Resilience score of ${focus.name}, daily, last 90 days`}
          data={rows}
          series={[{ key: "score", label: "Resilience score", color: "#2552e0" }]}
        />
      )}
    </WidgetState>
  );
}

/** What moved since last week: the score, and each component. */
function SinceLastWeek({
  weekAgoDay,
  now,
  before,
  change,
}: {
  weekAgoDay: string | null;
  now: ResilienceScore | null;
  before: ResilienceScore | null;
  change: number | null;
}) {
  if (!weekAgoDay) return <p className="text-xs text-slate-500">No score a week or more before this one yet.</p>;
  if (!now || !before) return <p className="text-xs text-slate-500">No score here on {weekAgoDay} to compare with.</p>;
  const moved = componentMovedMost(now, before);
  return (
    <div className="text-xs" data-testid="since-last-week">
      <p className="text-slate-600">
        Since {formatDate(new Date(`${weekAgoDay}T00:00:00Z`))}: <ScoreChange change={change} />
        {moved ? `; ${moved.label} moved most.` : "; no component moved."}
      </p>
      <ul className="mt-1.5 grid gap-x-6 gap-y-0.5 sm:grid-cols-2">
        {now.components.map((c) => (
          <li key={c.id} className="flex justify-between gap-2">
            <span className="truncate text-slate-600">{c.label}</span>
            <ScoreChange change={scoreChange(c.score, before.components.find((b) => b.id === c.id)?.score ?? null)} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function RankedTable({
  title,
  rows,
  slug,
  keep,
  showAll,
  allHref,
  focused,
}: {
  title: string;
  rows: ResilienceRow[];
  slug: string;
  keep: SearchParams;
  showAll: boolean;
  allHref: string;
  /** The row shown above, marked. */
  focused: string | null;
}) {
  const shown = showAll ? rows : rows.slice(0, ROWS_SHOWN);
  const focusHref = (r: ResilienceRow) =>
    hrefWith(`/t/${slug}/resilience`, keep, { ou: undefined, account: undefined, [r.scope]: r.id });
  return (
    <div className="space-y-2">
      <Table caption={`${title}, worst first`}>
        <thead>
          <tr>
            <Th>{title === "OUs" ? "OU" : "Account"}</Th>
            <Th className="text-right">Score</Th>
            <Th className="text-right">Since last week</Th>
            {RESILIENCE_COMPONENTS.map((c) => (
              <Th key={c.id} className="hidden text-right lg:table-cell">
                {c.label}
              </Th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {shown.map((r) => (
            <tr
              key={r.id}
              className={r.id === focused ? "bg-brand-50" : undefined}
              aria-current={r.id === focused ? "true" : undefined}
            >
              <Td className="max-w-64">
                <Link href={focusHref(r)} className="font-medium text-brand-700 hover:underline">
                  {r.name}
                </Link>
                <div className="flex flex-wrap items-center gap-x-2 text-xs text-slate-500">
                  <span className="hidden font-mono sm:inline">{r.id}</span>
                  {r.scope === "account" && (
                    <Link href={`/t/${slug}/accounts/${r.id}`} className="hover:underline">
                      account →
                    </Link>
                  )}
                </div>
              </Td>
              <Td className="text-right">
                {r.noData ? (
                  <Badge tone="gray" title="The sync has never read it: no score">
                    no data{r.acknowledged ? " (acknowledged)" : ""}
                  </Badge>
                ) : r.score === null ? (
                  <span className="text-xs text-slate-400" title="None of the score's checks applies here">
                    nothing to check
                  </span>
                ) : (
                  <ScoreNumber score={r.score} className="text-sm" />
                )}
              </Td>
              <Td className="text-right text-xs">
                <ScoreChange change={r.change} />
              </Td>
              <ComponentCells score={r.now} />
            </tr>
          ))}
        </tbody>
      </Table>
      {!showAll && rows.length > ROWS_SHOWN && (
        <Link href={allHref} className="text-xs font-medium text-brand-700 hover:underline">
          Show all {rows.length.toLocaleString("en-US")} →
        </Link>
      )}
    </div>
  );
}

export default async function ResiliencePage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug, "tenant:read", {
    page: "/t/[tenant]/resilience",
    view: "history",
  });
  const sp = await searchParams;
  const asOf = parseAsOf(sp, tenant.period);
  const view = await getTenantResilienceView(getDb(), tenant.tenantId, asOf.at, tenant.period?.from ?? null);
  const pathname = `/t/${slug}/resilience`;
  const ouParam = first(sp.ou);
  const accountParam = first(sp.account);
  const asked = accountParam
    ? view.accounts.find((a) => a.id === accountParam)
    : ouParam
      ? view.ous.find((o) => o.id === ouParam)
      : undefined;
  const focus: Focus = asked
    ? { scope: asked.scope, id: asked.id, name: asked.name, row: asked }
    : { scope: "tenant", id: "", name: tenant.name, row: null };
  const focusScore = (focus.scope === "tenant" ? view.tenant?.now : focus.row?.now) ?? null;
  const weekAgo = (focus.scope === "tenant" ? view.tenant?.weekAgo : focus.row?.weekAgo) ?? null;
  const change = focus.scope === "tenant" ? (view.tenant?.change ?? null) : (focus.row?.change ?? null);
  const keep = { asOf: asOf.param };
  return (
    <div className="space-y-5">
      <PageHeader
        title={focus.scope === "tenant" ? "Resilience" : `Resilience of ${focus.name}`}
        description={
          view.day
            ? `How ready the backups are to bring ${focus.scope === "tenant" ? "the organization" : `this ${focus.scope === "ou" ? "OU" : "account"}`} back after an attack. Scored ${formatDateTime(view.evaluatedAt!)}.`
            : "The resilience score appears after the organization has been synced and evaluated."
        }
        actions={<AsOfForm pathname={pathname} value={asOf.param} keep={{}} pinned={Boolean(tenant.period)} />}
      />
      {asOf.error && <Alert tone="warning">{asOf.error}</Alert>}
      {(ouParam || accountParam) && !asked && (
        <Alert tone="warning">
          No {accountParam ? "account" : "OU"} “{accountParam ?? ouParam}” in this organization; showing the whole
          organization.
        </Alert>
      )}
      {focus.scope !== "tenant" && (
        <p className="text-sm">
          <Link href={hrefWith(pathname, keep, {})} className="font-medium text-brand-700 hover:underline">
            ← {tenant.name}
          </Link>
          {focus.scope === "account" && (
            <>
              {" · "}
              <Link href={`/t/${slug}/accounts/${focus.id}`} className="font-medium text-brand-700 hover:underline">
                Account page →
              </Link>
            </>
          )}
        </p>
      )}
      {!view.day ? (
        <EmptyState title={asOf.param ? `No score existed on ${asOf.param}` : "Not scored yet"}>
          Run a sync; the evaluation that follows it computes the score.
        </EmptyState>
      ) : (
        <>
          <div className="grid gap-4 xl:grid-cols-2">
            <Widget title="Score and its components" description={RESILIENCE_EXPLAINED}>
              {focusScore ? (
                <div className="space-y-3">
                  <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1">
                    <span data-testid="resilience-score">
                      <ScoreNumber score={focusScore.score} noData={focusScore.score === null} className="text-4xl" />
                    </span>
                    <span className="text-sm" data-testid="resilience-change">
                      <ScoreChange change={change} />{" "}
                      <span className="text-xs text-slate-500">
                        {view.weekAgoDay
                          ? `since ${formatDate(new Date(`${view.weekAgoDay}T00:00:00Z`))}`
                          : "no score a week before yet"}
                      </span>
                    </span>
                  </div>
                  {focusScore.score === null && (
                    <p className="text-sm text-slate-600">
                      None of the score&apos;s checks applies yet: no resource was read here. The{" "}
                      <Link href={`/t/${slug}/sync`} className="text-brand-700 hover:underline">
                        sync status
                      </Link>{" "}
                      says why.
                    </p>
                  )}
                  <ComponentBreakdown score={focusScore} />
                </div>
              ) : (
                <p className="text-sm text-slate-500">
                  {focus.row?.noData
                    ? "The sync has never read this account: there is no score."
                    : "None of the score's checks applies here: there is nothing to score."}
                </p>
              )}
            </Widget>
            <Widget title="Trend" description="The score per day (the day's last evaluation), last 90 days.">
              <div className="space-y-4">
                <Trend tenantId={tenant.tenantId} focus={focus} to={asOf.at} notBefore={tenant.period?.from ?? null} />
                <SinceLastWeek weekAgoDay={view.weekAgoDay} now={focusScore} before={weekAgo} change={change} />
              </div>
            </Widget>
          </div>
          {view.ous.length > 0 && (
            <Widget title="OUs, worst first" description="An account counts toward every OU above it.">
              <RankedTable
                title="OUs"
                rows={view.ous}
                slug={slug}
                keep={keep}
                showAll={first(sp.all) === "ou"}
                focused={focus.scope === "ou" ? focus.id : null}
                allHref={hrefWith(pathname, sp, { all: "ou" })}
              />
            </Widget>
          )}
          <Widget
            title="Accounts, worst first"
            description="Accounts the sync could not read come first: nothing about them is known."
          >
            <RankedTable
              title="Accounts"
              rows={view.accounts}
              slug={slug}
              keep={keep}
              showAll={first(sp.all) === "account"}
              focused={focus.scope === "account" ? focus.id : null}
              allHref={hrefWith(pathname, sp, { all: "account" })}
            />
          </Widget>
        </>
      )}
    </div>
  );
}
