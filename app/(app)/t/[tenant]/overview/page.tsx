import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/app/_components/ui/badge";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Widget, WidgetState } from "@/app/_components/widget";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { getBackupAgeGrid, listRecentFailedJobs, listUnitProblems } from "@/lib/dashboard/queries/overview";
import { loadWidget } from "@/lib/dashboard/widget-result";
import { formatDateTime } from "@/lib/format";
import { BackupAgeGrid } from "../_components/backup-age-grid";

export const metadata: Metadata = { title: "Overview" };

async function SyncProblems({ tenantId, slug }: { tenantId: string; slug: string }) {
  const result = await loadWidget("sync-problems", () => listUnitProblems(getDb(), tenantId, 50), (r) => (r.total === 0 ? "Every account and region was read on the last sync." : null));
  return (
    <WidgetState result={result}>
      {({ total, rows }) => {
        // The same cause usually hits many units: one entry per cause, with the places it hit.
        const groups = new Map<string, { remedy: string | null; cause: string; units: typeof rows }>();
        for (const u of rows) {
          const cause = (u.error ?? "unknown error").replace(/arn:aws:iam::\d{12}:role\/\S+?:/, "the member role:");
          const key = `${cause}|${u.remedy ?? ""}`;
          groups.set(key, { remedy: u.remedy, cause, units: [...(groups.get(key)?.units ?? []), u] });
        }
        return (
          <div className="space-y-3 text-xs">
            <p className="text-sm text-slate-700">
              <span className="font-semibold text-red-700">{total}</span> account-region{total === 1 ? "" : "s"} could not be read on the last sync.
            </p>
            {[...groups.values()].map((g) => (
              <div key={g.cause} className="rounded-md border border-slate-200 p-2.5">
                <p className="font-medium text-slate-900">{g.cause}</p>
                <p className="mt-1 flex flex-wrap gap-1">
                  {g.units.map((u) => (
                    <Link key={`${u.accountId}${u.region}`} href={`/t/${slug}/accounts/${u.accountId}`} className="rounded bg-slate-100 px-1.5 py-0.5 hover:bg-slate-200">
                      {u.accountName ?? u.accountId} <span className="font-mono text-slate-500">{u.region}</span> {u.stale ? "(stale)" : "(never read)"}
                    </Link>
                  ))}
                </p>
                {g.remedy && <p className="mt-1.5 text-slate-700"><span className="font-medium">What to do:</span> {g.remedy}</p>}
              </div>
            ))}
          </div>
        );
      }}
    </WidgetState>
  );
}

async function FailedJobs({ tenantId, slug }: { tenantId: string; slug: string }) {
  const result = await loadWidget("failed-jobs", () => listRecentFailedJobs(getDb(), tenantId), (r) => (r.length === 0 ? "No failed backup jobs in the last 7 days." : null));
  return (
    <WidgetState result={result}>
      {(jobs) => (
        <div>
          <ul className="divide-y divide-slate-100 text-xs">
            {jobs.map((j) => (
              <li key={`${j.accountId}${j.backupJobId}`} className="py-1.5">
                <Badge tone="red">{j.state.toLowerCase()}</Badge> <span className="font-mono">{j.resourceArn.split(/[:/]/).pop()}</span> <span className="text-slate-500">{j.resourceType} · {j.accountId} · {formatDateTime(j.creationDate)}</span>
                <div className="text-slate-600">{j.statusMessage}</div>
              </li>
            ))}
          </ul>
          <Link href={`/t/${slug}/jobs?problems=only`} className="mt-2 inline-block text-xs font-medium text-brand-700 hover:underline">All problem jobs →</Link>
        </div>
      )}
    </WidgetState>
  );
}

async function BackupAge({ tenantId, slug }: { tenantId: string; slug: string }) {
  const now = new Date();
  const result = await loadWidget("backup-age", () => getBackupAgeGrid(getDb(), tenantId), (r) => (r.length === 0 ? "No accounts inventoried yet." : null));
  return <WidgetState result={result}>{(cells) => <BackupAgeGrid cells={cells} now={now} slug={slug} />}</WidgetState>;
}

export default async function OverviewPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug);
  return (
    <div className="space-y-4">
      <PageHeader title="Overview" description={`Backup posture of ${tenant.name}: compliance, protection, failures and freshness at a glance.`} />
      <div className="grid gap-4 xl:grid-cols-2">
        <Widget title="Age of the newest backup" description="Per account and region, from AWS Backup's last backup time of each protected resource.">
          <BackupAge tenantId={tenant.tenantId} slug={slug} />
        </Widget>
        <div className="grid gap-4">
          <Widget title="Sync problems" description="Units whose data could not be read on the last sync; stale ones still show their previous data.">
            <SyncProblems tenantId={tenant.tenantId} slug={slug} />
          </Widget>
          <Widget title="Recent failed backup jobs" description="Last 7 days, newest first.">
            <FailedJobs tenantId={tenant.tenantId} slug={slug} />
          </Widget>
        </div>
      </div>
    </div>
  );
}
