import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/app/_components/ui/badge";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Widget, WidgetState } from "@/app/_components/widget";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { getBackupAgeGrid, listRecentFailedJobs, listUnitProblems } from "@/lib/dashboard/queries/overview";
import {
  getAccountScores,
  getComplianceSummary,
  getFrameworkTrends,
  getTopFailingControls,
} from "@/lib/dashboard/queries/compliance";
import { listFindings } from "@/lib/compliance/read/findings";
import { ScoreTrend } from "@/app/_components/charts/score-trend";
import { formatDateTime, formatPercent, shortArn } from "@/lib/format";
import { formatScore, FullyMet, SCORE_EXPLAINED, ScoreNumber, scoreTone } from "../compliance/_components/score";
import { loadCachedWidget } from "@/lib/dashboard/cached-widget";
import { AccountCell } from "../_components/account-cell";
import { BackupAgeGrid } from "../_components/backup-age-grid";
import { jobHref, resourceHref } from "@/lib/dashboard/links";
import { UnitProblemGroups } from "../_components/unit-problem-groups";
import { clock } from "@/lib/clock";
import { getTenantResilienceView } from "@/lib/dashboard/queries/resilience";
import { ScoreChange } from "../resilience/_components/resilience";

export const metadata: Metadata = { title: "Overview" };

async function SyncProblems({ tenantId, slug }: { tenantId: string; slug: string }) {
  const result = await loadCachedWidget(
    "overview.sync-problems",
    tenantId,
    null,
    () => listUnitProblems(getDb(), tenantId, 50),
    (r) =>
      r.total === 0
        ? r.acknowledged
          ? `Every account and region was read on the last sync, apart from ${r.acknowledged} in accounts acknowledged as not read.`
          : "Every account and region was read on the last sync."
        : null,
  );
  return (
    <WidgetState result={result}>
      {({ total, acknowledged, rows }) => (
        <div className="space-y-3">
          <p className="text-sm text-slate-700">
            <span className="font-semibold text-red-700">{total}</span> account-region{total === 1 ? "" : "s"} could not
            be read on the last sync.
            {acknowledged > 0 &&
              ` ${acknowledged} more in accounts acknowledged as not read are not listed (see Accounts).`}
          </p>
          <UnitProblemGroups
            slug={slug}
            perGroup={6}
            rows={rows.map((u) => ({ ...u, label: u.stale ? "stale" : "never read" }))}
          />
        </div>
      )}
    </WidgetState>
  );
}

async function FailedJobs({ tenantId, slug }: { tenantId: string; slug: string }) {
  const result = await loadCachedWidget(
    "overview.failed-jobs",
    tenantId,
    null,
    () => listRecentFailedJobs(getDb(), tenantId),
    (r) => (r.length === 0 ? "No failed backup jobs in the last 7 days." : null),
  );
  return (
    <WidgetState result={result}>
      {(jobs) => (
        <div>
          <ul className="divide-y divide-slate-100 text-xs">
            {jobs.map((j) => (
              <li key={`${j.accountId}${j.backupJobId}`} className="py-1.5">
                <Badge tone="red">{j.state.toLowerCase()}</Badge>{" "}
                <Link href={jobHref(slug, "backup", j.backupJobId)} className="font-mono hover:underline">
                  {shortArn(j.resourceArn)}
                </Link>{" "}
                <span className="text-slate-500">
                  {j.resourceType} · <AccountCell tenantId={tenantId} slug={slug} accountId={j.accountId} /> ·{" "}
                  {formatDateTime(j.creationDate)}
                </span>
                <div className="text-slate-600">{j.statusMessage}</div>
              </li>
            ))}
          </ul>
          <Link
            href={`/t/${slug}/jobs?problems=only`}
            className="mt-2 inline-block text-xs font-medium text-brand-700 hover:underline"
          >
            All problem jobs →
          </Link>
        </div>
      )}
    </WidgetState>
  );
}

const COLORS = ["#2552e0", "#0d9488", "#c026d3", "#ea580c"];

async function FrameworkScores({ tenantId, slug }: { tenantId: string; slug: string }) {
  const result = await loadCachedWidget(
    "overview.framework-scores",
    tenantId,
    null,
    async () => {
      const summary = await getComplianceSummary(getDb(), tenantId, null);
      const trend = await getFrameworkTrends(getDb(), tenantId, summary.frameworks, 90);
      return { summary, trend };
    },
    (r) =>
      r.summary.frameworks.length === 0
        ? "Not evaluated yet: scores appear after the first sync and its evaluation."
        : null,
  );
  return (
    <WidgetState result={result}>
      {({ summary, trend }) => (
        <div className="space-y-4">
          <p className="text-xs text-slate-500">{SCORE_EXPLAINED}</p>
          <div className="grid gap-3 sm:grid-cols-3">
            {summary.frameworks.map((f) => (
              <Link
                key={f.slug}
                href={`/t/${slug}/compliance/${f.slug}`}
                className="rounded-md border border-slate-200 p-3 hover:border-brand-500"
              >
                <div className="text-xs font-medium text-slate-600">{f.name}</div>
                <ScoreNumber score={f.score} className="text-2xl" />
                <div className="text-xs">
                  <FullyMet passing={f.requirementsPassing} applicable={f.requirementsApplicable} />
                </div>
              </Link>
            ))}
          </div>
          {trend.length >= 2 ? (
            <ScoreTrend
              height={160}
              label="Score per framework, last 90 days"
              data={trend}
              series={summary.frameworks.map((f, i) => ({
                key: f.slug,
                label: f.name,
                color: COLORS[i % COLORS.length]!,
              }))}
            />
          ) : (
            <p className="text-xs text-slate-500">The trend line appears once evaluations exist on two or more days.</p>
          )}
        </div>
      )}
    </WidgetState>
  );
}

async function FailingControls({ tenantId, slug }: { tenantId: string; slug: string }) {
  const result = await loadCachedWidget(
    "overview.failing-controls",
    tenantId,
    null,
    () => getTopFailingControls(getDb(), tenantId, null),
    (r) => (r.length === 0 ? "No control fails." : null),
  );
  return (
    <WidgetState result={result}>
      {(controls) => (
        <ul className="space-y-2">
          {controls.map((c) => (
            <li key={c.controlId} className="text-sm">
              <div className="flex items-baseline justify-between gap-3">
                <Link
                  href={`/t/${slug}/compliance/findings?control=${c.controlId}&status=FAIL`}
                  className="min-w-0 font-medium text-slate-900 hover:underline"
                >
                  <span className="font-mono text-xs text-slate-500">{c.controlId}</span> {c.title}
                </Link>
                <span className="shrink-0 text-sm font-semibold text-red-700 tabular-nums">
                  {formatPercent(c.share, 1)}
                </span>
              </div>
              <div className="text-xs text-slate-600">
                {c.failing.toLocaleString("en-US")} of {c.applicable.toLocaleString("en-US")} {c.subject}
                {c.applicable === 1 ? "" : "s"} failing
                {c.resources && c.resources.count > 0 && c.subject !== "resource" && (
                  <>
                    {" "}
                    · {c.resources.exact ? "" : "at least "}
                    {c.resources.count.toLocaleString("en-US")} resource{c.resources.count === 1 ? "" : "s"} affected
                  </>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </WidgetState>
  );
}

async function WorstAccounts({ tenantId, slug }: { tenantId: string; slug: string }) {
  const result = await loadCachedWidget(
    "overview.worst-accounts",
    tenantId,
    null,
    async () => {
      const summary = await getComplianceSummary(getDb(), tenantId, null);
      const first = summary.frameworks[0];
      return first
        ? { framework: first, accounts: (await getAccountScores(getDb(), tenantId, first.slug, null)).slice(0, 6) }
        : null;
    },
    (r) => (!r || r.accounts.length === 0 ? "No account scores yet." : null),
  );
  return (
    <WidgetState result={result}>
      {(r) => (
        <div>
          <p className="mb-2 text-xs text-slate-500">
            By {r!.framework.name}: the score in each account. Accounts with no data first.
          </p>
          <ul className="divide-y divide-slate-100 text-sm">
            {r!.accounts.map((a) => (
              <li key={a.accountId} className="flex justify-between gap-3 py-1.5">
                <Link href={`/t/${slug}/accounts/${a.accountId}`} className="truncate hover:underline">
                  {a.name}
                </Link>
                {a.noData ? (
                  <span className="text-xs font-semibold text-slate-400">
                    no data{a.acknowledged ? " (acknowledged)" : ""}
                  </span>
                ) : (
                  <span className={`text-xs font-semibold tabular-nums ${scoreTone(a.score)}`}>
                    {formatScore(a.score)}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </WidgetState>
  );
}

async function Resilience({ tenantId, slug }: { tenantId: string; slug: string }) {
  const result = await loadCachedWidget(
    "overview.resilience",
    tenantId,
    null,
    () => getTenantResilienceView(getDb(), tenantId, null),
    (r) => (r.tenant ? null : "Not scored yet: the score appears after the first sync and its evaluation."),
  );
  return (
    <WidgetState result={result}>
      {(r) => {
        const { now, change } = r.tenant!;
        const weakest = now.components
          .filter((c) => c.score !== null)
          .sort((a, b) => a.score! - b.score!)
          .at(0);
        return (
          <div className="space-y-2">
            <div className="flex flex-wrap items-baseline gap-x-3">
              <ScoreNumber score={now.score} noData={now.score === null} className="text-3xl" />
              <span className="text-sm">
                <ScoreChange change={change} /> <span className="text-xs text-slate-500">since last week</span>
              </span>
            </div>
            <ul className="space-y-0.5 text-xs">
              {now.components.map((c) => (
                <li key={c.id} className="flex justify-between gap-3">
                  <span className="text-slate-600">{c.label}</span>
                  <span className={`tabular-nums ${c.score === null ? "text-slate-400" : scoreTone(c.score)}`}>
                    {c.score === null ? "no data" : formatScore(c.score)}
                  </span>
                </li>
              ))}
            </ul>
            {weakest && weakest.score! < 1 && (
              <p className="text-xs text-slate-500">
                Weakest:{" "}
                <Link href={`/t/${slug}/resilience`} className="hover:underline">
                  {weakest.label}
                </Link>
                .
              </p>
            )}
          </div>
        );
      }}
    </WidgetState>
  );
}

async function Unprotected({ tenantId, slug }: { tenantId: string; slug: string }) {
  const result = await loadCachedWidget(
    "overview.unprotected",
    tenantId,
    null,
    async () => {
      const [unprotected, protectedCount] = await Promise.all([
        listFindings(getDb(), {
          tenantId,
          controlId: "BK-01",
          subjectType: "resource",
          status: ["FAIL", "ERROR", "EXCEPTED"],
          limit: 5,
        }),
        listFindings(getDb(), { tenantId, controlId: "BK-01", subjectType: "resource", status: "PASS", limit: 1 }),
      ]);
      return { unprotected, protectedTotal: protectedCount.total };
    },
    (r) => (r.unprotected.total + r.protectedTotal === 0 ? "No resources evaluated yet." : null),
  );
  return (
    <WidgetState result={result}>
      {({ unprotected, protectedTotal }) => (
        <div>
          <p className="text-sm">
            <span className={`text-2xl font-semibold ${unprotected.total ? "text-red-600" : "text-emerald-600"}`}>
              {unprotected.total.toLocaleString("en-US")}
            </span>{" "}
            <span className="text-slate-600">
              of {(unprotected.total + protectedTotal).toLocaleString("en-US")} resources are not protected by any plan
            </span>
          </p>
          <ul className="mt-2 space-y-1 text-xs">
            {unprotected.findings.map((f) => (
              <li key={`${f.accountId}${f.subjectId}`} className="truncate" title={f.reason}>
                <Link href={resourceHref(slug, f.subjectId)} className="font-mono hover:underline">
                  {shortArn(f.subjectId)}
                </Link>{" "}
                <span className="text-slate-500">
                  {f.resourceType} · <AccountCell tenantId={tenantId} slug={slug} accountId={f.accountId} />: {f.reason}
                </span>
              </li>
            ))}
          </ul>
          <Link
            href={`/t/${slug}/resources?protection=unprotected`}
            className="mt-2 inline-block text-xs font-medium text-brand-700 hover:underline"
          >
            All unprotected resources →
          </Link>
        </div>
      )}
    </WidgetState>
  );
}

async function BackupAge({ tenantId, slug }: { tenantId: string; slug: string }) {
  const now = clock.now();
  const result = await loadCachedWidget(
    "overview.backup-age",
    tenantId,
    null,
    () => getBackupAgeGrid(getDb(), tenantId),
    (r) => (r.cells.length === 0 ? "No accounts inventoried yet." : null),
  );
  return (
    <WidgetState result={result}>
      {({ cells, accounts }) => (
        <>
          {accounts > new Set(cells.map((c) => c.accountId)).size && (
            <p className="mb-2 text-xs text-slate-500">
              The {new Set(cells.map((c) => c.accountId)).size} accounts most behind, of{" "}
              {accounts.toLocaleString("en-US")}.
            </p>
          )}
          <BackupAgeGrid cells={cells} now={now} slug={slug} />
        </>
      )}
    </WidgetState>
  );
}

export default async function OverviewPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug);
  return (
    <div className="space-y-4">
      <PageHeader
        title="Overview"
        description={`Backup posture of ${tenant.name}: compliance, protection, failures and freshness at a glance.`}
      />
      <div className="grid gap-4 xl:grid-cols-3">
        <Widget
          title="Compliance by framework"
          description="Each framework's score, beside its requirements fully met."
          className="xl:col-span-2"
        >
          <FrameworkScores tenantId={tenant.tenantId} slug={slug} />
        </Widget>
        <Widget
          title="Resilience score"
          description="How ready the backups are to bring the organization back after an attack."
          actions={
            <Link href={`/t/${slug}/resilience`} className="text-xs font-medium text-brand-700 hover:underline">
              Breakdown →
            </Link>
          }
        >
          <Resilience tenantId={tenant.tenantId} slug={slug} />
        </Widget>
        <Widget title="Unprotected resources" description="Not selected by any backup plan (BK-01).">
          <Unprotected tenantId={tenant.tenantId} slug={slug} />
        </Widget>
        <Widget
          title="Controls failing most"
          description="By the share of each control's checks failing (or unreadable), then by resources affected."
        >
          <FailingControls tenantId={tenant.tenantId} slug={slug} />
        </Widget>
        <Widget title="Accounts with the worst scores">
          <WorstAccounts tenantId={tenant.tenantId} slug={slug} />
        </Widget>
        <Widget title="Recent failed backup jobs" description="Last 7 days, newest first." className="xl:col-span-3">
          <FailedJobs tenantId={tenant.tenantId} slug={slug} />
        </Widget>
      </div>
      <div className="grid gap-4 xl:grid-cols-2">
        <Widget
          title="Age of the newest backup"
          description="Per account and region, from AWS Backup's last backup time of each protected resource."
        >
          <BackupAge tenantId={tenant.tenantId} slug={slug} />
        </Widget>
        <Widget
          title="Sync problems"
          description="Units whose data could not be read on the last sync; stale ones still show their previous data."
        >
          <SyncProblems tenantId={tenant.tenantId} slug={slug} />
        </Widget>
      </div>
    </div>
  );
}
