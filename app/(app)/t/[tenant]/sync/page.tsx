import type { Metadata } from "next";
import { Alert } from "@/app/_components/ui/alert";
import { Badge, type BadgeTone } from "@/app/_components/ui/badge";
import { Card } from "@/app/_components/ui/card";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Table, Td, Th } from "@/app/_components/ui/table";
import { getActiveRun, getFreshness, listRunUnitErrors, listRuns, type RunProgress } from "@/db/queries/sync";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { formatDateTime, formatDuration } from "@/lib/format";
import { LiveProgress, type ProgressView } from "./live-progress";
import { SyncNowForm } from "./sync-now-form";
import { UnitProblemGroups } from "../_components/unit-problem-groups";

export const metadata: Metadata = { title: "Sync" };

/** Published data older than this is called stale on this page (the evaluation's default too). */
const STALE_AFTER_MS = 48 * 3_600_000;

const STATUS_TONE: Record<string, BadgeTone> = {
  succeeded: "green",
  partial: "amber",
  failed: "red",
  running: "blue",
  queued: "gray",
  ok: "green",
  skipped: "gray",
  pending: "gray",
};

function view(p: RunProgress | null): ProgressView | null {
  return (
    p && {
      runId: p.runId,
      status: p.status,
      phase: p.phase,
      total: p.total,
      done: p.done,
      ok: p.ok,
      failed: p.failed,
      skipped: p.skipped,
      running: p.running,
      errorsSoFar: p.errorsSoFar,
    }
  );
}

export default async function SyncPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<{ run?: string }>;
}) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug);
  const db = getDb();
  const [active, runs, freshness] = await Promise.all([
    getActiveRun(db, { tenantId: tenant.tenantId }),
    listRuns(db, { tenantId: tenant.tenantId, limit: 20 }),
    getFreshness(db, { tenantId: tenant.tenantId }),
  ]);
  const { run: runParam } = await searchParams;
  const shown = runs.find((r) => r.runId === runParam) ?? runs[0] ?? null;
  const errors = shown ? await listRunUnitErrors(db, { tenantId: tenant.tenantId, runId: shown.runId }) : [];
  const canRun = tenant.capabilities.includes("sync:run");
  const age = freshness.oldestAgeMs;

  return (
    <div className="space-y-5">
      <PageHeader
        title="Sync"
        description="Reading the organization's backup estate from AWS: every account in every region, one consistent snapshot per account and region."
      />
      <StalenessNotice
        units={freshness.units}
        stale={freshness.stale}
        neverSynced={freshness.neverSynced}
        acknowledged={freshness.acknowledged}
        skipped={freshness.skipped}
        ageMs={age}
      />
      <Card
        title="Progress"
        description={
          active
            ? `Started ${formatDateTime(active.startedAt ?? active.createdAt)} (${active.trigger})`
            : "No sync is running."
        }
        actions={
          canRun && !active ? (
            <SyncNowForm tenantId={tenant.tenantId} />
          ) : !canRun ? (
            <span className="text-xs text-slate-500">Your role cannot start syncs.</span>
          ) : null
        }
      >
        {/* Keyed by run and status: a refresh with a new state starts the poller afresh. */}
        <LiveProgress
          key={`${(active ?? runs[0])?.runId ?? "none"}:${(active ?? runs[0])?.status ?? ""}`}
          slug={slug}
          initial={view(active ?? runs[0] ?? null)}
        />
      </Card>

      <Card title="Runs" description="The last 20 syncs of this organization. Choose one to see its unit errors.">
        {runs.length === 0 ? (
          <p className="text-sm text-slate-600">This organization has never been synced.</p>
        ) : (
          <Table caption="Sync runs">
            <thead>
              <tr>
                <Th>Started</Th>
                <Th>Trigger</Th>
                <Th>Status</Th>
                <Th>Units</Th>
                <Th>Duration</Th>
                <Th>AWS calls</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {runs.map((r) => (
                <tr key={r.runId} className={shown?.runId === r.runId ? "bg-brand-50/40" : undefined}>
                  <Td>
                    <a className="text-brand-700 hover:underline" href={`/t/${slug}/sync?run=${r.runId}`}>
                      {formatDateTime(r.startedAt ?? r.createdAt)}
                    </a>
                  </Td>
                  <Td>
                    {r.trigger}
                    {r.requestedByEmail ? <span className="text-slate-500"> · {r.requestedByEmail}</span> : null}
                  </Td>
                  <Td>
                    <Badge tone={STATUS_TONE[r.status] ?? "gray"}>{r.status}</Badge>
                  </Td>
                  <Td>
                    {r.ok} read · {r.failed} failed · {r.skipped} skipped · {r.total} in all
                  </Td>
                  <Td>
                    {r.finishedAt && r.startedAt ? durationText(r.finishedAt.getTime() - r.startedAt.getTime()) : "—"}
                  </Td>
                  <Td>{typeof r.summary?.calls === "number" ? r.summary.calls.toLocaleString("en-GB") : "—"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>

      {shown && (
        <Card
          title={`Units with errors in the run of ${formatDateTime(shown.startedAt ?? shown.createdAt)}`}
          description="A failed unit keeps its last good data, shown as stale everywhere; the next sync tries it again."
        >
          {errors.length === 0 ? (
            <p className="text-sm text-slate-600">No errors: every unit was read.</p>
          ) : (
            <UnitProblemGroups
              slug={slug}
              rows={errors.map((e) => ({
                ...e,
                label: e.status === "pending" || e.status === "running" ? "retrying" : e.status,
              }))}
            />
          )}
        </Card>
      )}
    </div>
  );
}

function durationText(ms: number): string {
  return ms < 60_000 ? `${Math.max(1, Math.round(ms / 1000))} s` : formatDuration(ms);
}

function StalenessNotice({
  units,
  stale,
  neverSynced,
  acknowledged,
  skipped,
  ageMs,
}: {
  units: number;
  stale: number;
  neverSynced: number;
  acknowledged: number;
  skipped: number;
  ageMs: number | null;
}) {
  if (units === 0)
    return <Alert tone="info">No data yet: run the first sync to read this organization from AWS.</Alert>;
  const old = ageMs !== null && ageMs > STALE_AFTER_MS;
  if (!stale && !neverSynced && !old)
    return acknowledged > 0 ? (
      <Alert tone="info">
        {acknowledged} account-region{acknowledged === 1 ? "" : "s"} in accounts acknowledged as not read (no data);
        every other one is current. See Accounts to withdraw an acknowledgement.
      </Alert>
    ) : null;
  return (
    <Alert tone="warning">
      <strong>Some data is stale.</strong>{" "}
      {stale > 0 &&
        `${stale} account-region${stale === 1 ? "" : "s"} failed at the last sync and show${stale === 1 ? "s" : ""} the data of an earlier one. `}
      {neverSynced > 0 &&
        `${neverSynced} account-region${neverSynced === 1 ? " has" : "s have"} never been read (an account that cannot be read on purpose can be acknowledged on its Accounts page). `}
      {old && `The oldest data shown was read ${formatDuration(ageMs!)} ago. `}
      {skipped > 0 && `${skipped} skipped (region not enabled or account suspended). `}
      {acknowledged > 0 && `${acknowledged} more in accounts acknowledged as not read. `}
      See the unit errors below for what to do.
    </Alert>
  );
}
