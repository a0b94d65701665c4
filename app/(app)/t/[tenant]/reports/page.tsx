import type { Metadata } from "next";
import Link from "next/link";
import { DateInput } from "@/app/_components/form/date-input";
import { Alert } from "@/app/_components/ui/alert";
import { buttonClass } from "@/app/_components/ui/button";
import { Card } from "@/app/_components/ui/card";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { PageHeader } from "@/app/_components/ui/page-header";
import { CURRENT_STATE_REFUSED, defaultReportPeriod, outsideGrantMessage, periodAllowed } from "@/lib/auth/audit-grant";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { getComplianceSummary } from "@/lib/dashboard/queries/compliance";
import { first, type SearchParams } from "@/lib/dashboard/url";
import { formatDateTime } from "@/lib/format";
import { AUDIT_MANAGER_REPORTS } from "@/lib/reports/audit-manager/columns";
import { WELL_KNOWN_KEYS_PATH } from "@/lib/reports/evidence/bundle-layout";
import { parsePeriod, periodAsOf, periodDays, periodLabel, type ReportPeriod } from "@/lib/reports/period";
import { clock } from "@/lib/clock";
import { FullyMet, ScoreNumber } from "../compliance/_components/score";

export const metadata: Metadata = { title: "Reports" };

const linkClass = "font-medium text-brand-700 hover:underline";

/** The period asked for in the URL, the default one, or why the one asked for cannot be used. */
function periodFrom(sp: SearchParams, fallback: ReportPeriod): { period: ReportPeriod; error: string | null } {
  const from = first(sp.from);
  const to = first(sp.to);
  if (!from && !to) return { period: fallback, error: null };
  try {
    return { period: parsePeriod(from ?? "", to ?? ""), error: null };
  } catch (e) {
    return { period: fallback, error: `${(e as Error).message}. Showing ${periodLabel(fallback)}.` };
  }
}

function PeriodForm({ pathname, period }: { pathname: string; period: ReportPeriod }) {
  const days = periodDays(period);
  const input =
    "mt-1 block w-36 rounded-md border-0 px-2.5 py-1 text-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-brand-500";
  return (
    <form method="get" action={pathname} className="flex flex-wrap items-start gap-2" aria-label="Audit period">
      <label className="text-xs font-medium text-slate-700">
        Period from
        <DateInput key={`f${days.from}`} name="from" defaultValue={days.from} className={input} />
      </label>
      <label className="text-xs font-medium text-slate-700">
        to
        <DateInput key={`t${days.to}`} name="to" defaultValue={days.to} className={input} />
      </label>
      <button type="submit" className={`mt-5 ${buttonClass("secondary", "sm")}`}>
        Show
      </button>
    </form>
  );
}

export default async function ReportsPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug, "tenant:read", { page: "/t/[tenant]/reports", view: "history" });
  const sp = await searchParams;
  const now = clock.now();
  const asked = periodFrom(sp, defaultReportPeriod(tenant, now));
  const outsideGrant = !periodAllowed(tenant, asked.period);
  const period = outsideGrant ? defaultReportPeriod(tenant, now) : asked.period;
  const days = periodDays(period);
  const asOf = periodAsOf(period, now);
  const summary = await getComplianceSummary(getDb(), tenant.tenantId, asOf);
  const canExport = tenant.capabilities.includes("export");
  const canSchedule = tenant.capabilities.includes("report:schedule");
  const q = (extra: Record<string, string> = {}) => `?${new URLSearchParams({ ...days, ...extra })}`;
  const base = `/t/${slug}/reports`;
  return (
    <div className="space-y-5">
      <PageHeader
        title="Reports"
        description={`Framework reports, AWS Backup Audit Manager layouts and signed evidence for ${periodLabel(period)}, as of ${formatDateTime(asOf)}.`}
        actions={<PeriodForm pathname={base} period={period} />}
      />
      {first(sp.outside) === "period" && (
        <Alert tone="warning">
          {outsideGrantMessage(tenant)} {CURRENT_STATE_REFUSED}
        </Alert>
      )}
      {tenant.period && first(sp.outside) !== "period" && (
        <Alert tone="info">
          Your audit access covers {periodLabel(tenant.period)}
          {tenant.expiresAt
            ? `; you have access until ${new Date(tenant.expiresAt.getTime() - 1).toISOString().slice(0, 10)}`
            : ""}
          . Everything here is shown as of that period.
        </Alert>
      )}
      {asked.error && <Alert tone="warning">{asked.error}</Alert>}
      {outsideGrant && (
        <Alert tone="warning">{outsideGrantMessage(tenant)} Showing your whole audit period instead.</Alert>
      )}
      {!canExport && (
        <Alert tone="info">Your role shows reports on screen only; downloading them needs the export permission.</Alert>
      )}

      <Card
        title="Framework reports"
        description="Cover, executive summary with the score's trend, every requirement with its controls, failing resources, exceptions and the facts behind a sample of findings."
      >
        {summary.frameworks.length === 0 ? (
          <EmptyState title={`No evaluation existed on ${asOf.toISOString().slice(0, 10)}`}>
            A report needs an evaluation at or before the period&apos;s end.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100" data-testid="framework-reports">
            {summary.frameworks.map((f) => (
              <li key={f.slug} className="flex flex-wrap items-center justify-between gap-3 py-3">
                <div className="min-w-0">
                  <div className="font-medium text-slate-900">{f.name}</div>
                  <div className="text-xs">
                    <FullyMet passing={f.requirementsPassing} applicable={f.requirementsApplicable} />
                  </div>
                </div>
                <div className="flex flex-wrap items-center gap-2">
                  <span data-testid="report-score" data-slug={f.slug}>
                    <ScoreNumber score={f.score} className="text-2xl" />
                  </span>
                  {canExport && (
                    <>
                      <a
                        className={buttonClass("secondary", "sm")}
                        href={`${base}/framework/${f.slug}${q({ format: "pdf" })}`}
                      >
                        PDF
                      </a>
                      <a
                        className={buttonClass("secondary", "sm")}
                        href={`${base}/framework/${f.slug}${q({ format: "html" })}`}
                      >
                        HTML
                      </a>
                      <a
                        className={buttonClass("primary", "sm")}
                        href={`${base}/bundle${q({ framework: f.slug })}`}
                        data-testid="bundle-link"
                      >
                        Evidence bundle (ZIP)
                      </a>
                    </>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
        <p className="mt-3 text-xs text-slate-500">
          An evidence bundle holds these reports, the findings with their evidence, the audit log of the period with its
          hash chain, and a manifest of SHA-256 hashes signed with the product&apos;s Ed25519 key. Check it offline with{" "}
          <code>npm run evidence:verify -- bundle.zip</code> or with openssl and sha256sum (its README says how); the
          public keys are at{" "}
          <a className={linkClass} href={WELL_KNOWN_KEYS_PATH}>
            {WELL_KNOWN_KEYS_PATH}
          </a>
          .
        </p>
      </Card>

      <Card
        title="AWS Backup Audit Manager layouts"
        description="The five report templates of AWS Backup Audit Manager, with AWS's column names, for every account and region of the organization over the period."
      >
        <ul className="grid gap-2 sm:grid-cols-2" data-testid="audit-manager-reports">
          {AUDIT_MANAGER_REPORTS.map((t) => (
            <li key={t} className="flex items-center justify-between gap-2 rounded-md px-3 py-2 ring-1 ring-slate-200">
              <code className="truncate text-xs">{t}</code>
              {canExport && (
                <span className="flex shrink-0 gap-2 text-xs">
                  <a className={linkClass} href={`${base}/audit-manager/${t}${q({ format: "csv" })}`}>
                    CSV
                  </a>
                  <a className={linkClass} href={`${base}/audit-manager/${t}${q({ format: "json" })}`}>
                    JSON
                  </a>
                </span>
              )}
            </li>
          ))}
        </ul>
        <p className="mt-3 text-xs text-slate-500">
          Narrow them to accounts or regions with <code>&amp;accounts=111122223333,…</code> and{" "}
          <code>&amp;regions=eu-west-1,…</code> on the link, as a pipeline would.
        </p>
      </Card>

      {canSchedule && (
        <Card
          title="Scheduled delivery"
          description="Any of these reports on a schedule, to a folder, an S3 bucket or by email."
        >
          <Link href={`${base}/schedules`} className={linkClass}>
            Manage report schedules →
          </Link>
        </Card>
      )}
    </div>
  );
}
