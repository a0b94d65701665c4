import type { Metadata } from "next";
import Link from "next/link";
import { ScoreTrend } from "@/app/_components/charts/score-trend";
import { Alert } from "@/app/_components/ui/alert";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Widget, WidgetState } from "@/app/_components/widget";
import { CURRENT_STATE_REFUSED, outsideGrantMessage } from "@/lib/auth/audit-grant";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { parseAsOf } from "@/lib/dashboard/as-of";
import { getComplianceSummary, getFrameworkTrends, type FrameworkSummary } from "@/lib/dashboard/queries/compliance";
import { first, type SearchParams } from "@/lib/dashboard/url";
import { loadCachedWidget } from "@/lib/dashboard/cached-widget";
import { formatDateTime } from "@/lib/format";
import { AsOfForm } from "./_components/as-of-form";
import { CountsLine, formatScore, FullyMet, SCORE_EXPLAINED, ScoreNumber, scoreTone } from "./_components/score";

export const metadata: Metadata = { title: "Compliance" };

const COLORS = ["#2552e0", "#0d9488", "#c026d3", "#ea580c"];

function FrameworkCard({ f, slug, asOf }: { f: FrameworkSummary; slug: string; asOf: string | undefined }) {
  const q = (extra: Record<string, string>) => `?${new URLSearchParams({ ...(asOf ? { asOf } : {}), ...extra })}`;
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-5 shadow-xs" aria-label={f.name}>
      <div className="flex items-start justify-between gap-3">
        <div>
          <h2 className="font-semibold text-slate-900">
            <Link href={`/t/${slug}/compliance/${f.slug}${q({})}`} className="hover:underline">
              {f.name}
            </Link>
          </h2>
          <p className="text-xs text-slate-500">
            template {f.version}, revision {f.revision}
          </p>
        </div>
        <div className="text-right">
          <span data-testid="framework-score">
            <ScoreNumber score={f.score} />
          </span>
          <div className="text-xs" data-testid="framework-fully-met">
            <FullyMet passing={f.requirementsPassing} applicable={f.requirementsApplicable} />
          </div>
        </div>
      </div>
      <div className="mt-3 h-2 overflow-hidden rounded-full bg-slate-100" aria-hidden>
        <div className="h-full bg-emerald-500" style={{ width: `${(f.score ?? 0) * 100}%` }} />
      </div>
      <p className="mt-1 text-xs text-slate-500">{SCORE_EXPLAINED}</p>
      <div className="mt-3">
        <CountsLine
          counts={f.counts}
          href={(status) => `/t/${slug}/compliance/findings${q({ framework: f.slug, status })}`}
        />
      </div>
      <ul className="mt-4 space-y-1.5 border-t border-slate-100 pt-3">
        {f.requirements.map((r) => (
          <li key={r.id} className="flex items-center justify-between gap-3 text-sm">
            <Link
              href={`/t/${slug}/compliance/${f.slug}${q({})}#${encodeURIComponent(r.id)}`}
              className="min-w-0 truncate text-slate-800 hover:underline"
            >
              <span className="font-mono text-xs text-slate-500">{r.id}</span> {r.title}
            </Link>
            <span className="shrink-0 text-xs tabular-nums" data-testid="requirement-score">
              {r.status === "NOT_APPLICABLE" ? (
                <span className="text-slate-400">n/a</span>
              ) : (
                <>
                  <span className={`font-medium ${scoreTone(r.score)}`}>{formatScore(r.score)} of checks pass</span>{" "}
                  <span className={r.status === "PASS" ? "text-emerald-700" : "text-slate-500"}>
                    · {r.status === "PASS" ? "fully met" : "not fully met"}
                  </span>
                </>
              )}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

async function Trend({
  tenantId,
  frameworks,
  to,
  notBefore,
}: {
  tenantId: string;
  frameworks: FrameworkSummary[];
  to: Date | null;
  notBefore: Date | null;
}) {
  const result = await loadCachedWidget(
    "compliance.trend",
    tenantId,
    { asOf: to?.toISOString() ?? null, notBefore: notBefore?.toISOString() ?? null },
    () => getFrameworkTrends(getDb(), tenantId, frameworks, 90, to, notBefore),
    (rows) => (rows.length < 2 ? "The trend appears after evaluations on two or more days." : null),
  );
  return (
    <WidgetState result={result}>
      {(rows) => (
        <ScoreTrend
          label="Score per framework, daily, last 90 days"
          data={rows}
          series={frameworks.map((f, i) => ({
            key: f.slug,
            label: f.name,
            color: COLORS[i % COLORS.length]!,
          }))}
        />
      )}
    </WidgetState>
  );
}

export default async function CompliancePage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug, "tenant:read", { view: "history" });
  const sp = await searchParams;
  const asOf = parseAsOf(sp, tenant.period);
  const outside = first(sp.outside);
  const summary = await getComplianceSummary(getDb(), tenant.tenantId, asOf.at);
  const pathname = `/t/${slug}/compliance`;
  return (
    <div className="space-y-5">
      <PageHeader
        title="Compliance"
        description={
          summary.evaluation
            ? `Evaluated ${formatDateTime(summary.evaluation.evaluatedAt)} over data read ${summary.evaluation.snapshotAt ? formatDateTime(summary.evaluation.snapshotAt) : "—"}.`
            : "Scores appear after the organization has been synced and evaluated."
        }
        actions={<AsOfForm pathname={pathname} value={asOf.param} keep={{}} pinned={Boolean(tenant.period)} />}
      />
      {outside === "period" && (
        <Alert tone="warning">
          {outsideGrantMessage(tenant)} {CURRENT_STATE_REFUSED}
        </Alert>
      )}
      {asOf.error && <Alert tone="warning">{asOf.error}</Alert>}
      {asOf.param && summary.evaluation && (
        <Alert tone="info">
          Showing the evaluation in force on {asOf.param}: every number below is as it stood then.
        </Alert>
      )}
      {summary.frameworks.length === 0 ? (
        <EmptyState title={asOf.param ? `No evaluation existed on ${asOf.param}` : "Not evaluated yet"}>
          Run a sync; the evaluation follows it.
        </EmptyState>
      ) : (
        <>
          <div className="grid gap-4 lg:grid-cols-2 2xl:grid-cols-3">
            {summary.frameworks.map((f) => (
              <FrameworkCard key={f.slug} f={f} slug={slug} asOf={asOf.param} />
            ))}
          </div>
          <Widget title="Trend" description="Each framework's score per day (the day's last evaluation).">
            <Trend
              tenantId={tenant.tenantId}
              frameworks={summary.frameworks}
              to={asOf.at}
              notBefore={tenant.period?.from ?? null}
            />
          </Widget>
        </>
      )}
    </div>
  );
}
