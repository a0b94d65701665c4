import Link from "next/link";
import { Suspense } from "react";
import { getFreshness } from "@/db/queries/sync";
import { seesCurrentState } from "@/lib/auth/audit-grant";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { bySnapshot } from "@/lib/dashboard/snapshot-cache";
import { formatDateTime } from "@/lib/format";

/** Says on every page of an organization how fresh its data is, and links to the sync. */
async function FreshnessBar({ tenantId, slug }: { tenantId: string; slug: string }) {
  // Kept per snapshot: the marker moves whenever a unit's status does, so the bar is never behind.
  const f = await bySnapshot(getDb(), tenantId, "layout.freshness", null, () =>
    getFreshness(getDb(), { tenantId }),
  ).catch(() => null);
  if (!f) return null;
  const problems = f.stale + f.neverSynced;
  const tone =
    f.units === 0
      ? "border-slate-200 bg-white text-slate-600"
      : problems
        ? "border-amber-200 bg-amber-50 text-amber-900"
        : "border-slate-200 bg-white text-slate-600";
  return (
    <div
      role="status"
      className={`mb-5 flex flex-wrap items-center justify-between gap-2 rounded-md border px-3 py-1.5 text-xs ${tone}`}
    >
      <span>
        {f.units === 0
          ? "Not synced yet."
          : `Data read ${f.oldestPublishedAt ? formatDateTime(f.oldestPublishedAt) : "never"}${f.newestPublishedAt && f.oldestPublishedAt && f.newestPublishedAt.getTime() - f.oldestPublishedAt.getTime() > 60_000 ? ` to ${formatDateTime(f.newestPublishedAt)}` : ""} · ${f.ok} of ${f.units - f.skipped - f.acknowledged} account-regions current${f.stale ? ` · ${f.stale} stale (last sync failed, previous data shown)` : ""}${f.neverSynced ? ` · ${f.neverSynced} never read` : ""}${f.acknowledged ? ` · ${f.acknowledged} not read, acknowledged` : ""}${f.skipped ? ` · ${f.skipped} skipped` : ""}`}
      </span>
      <Link href={`/t/${slug}/sync`} className="font-medium text-brand-700 hover:underline">
        Sync status →
      </Link>
    </div>
  );
}

export default async function TenantLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ tenant: string }>;
}) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug, "tenant:read", { view: "history" });
  return (
    <>
      {/* How fresh the current data is means nothing to an auditor held to a period that has ended. */}
      {seesCurrentState(tenant) && (
        <Suspense fallback={<div className="mb-5 h-7" />}>
          <FreshnessBar tenantId={tenant.tenantId} slug={slug} />
        </Suspense>
      )}
      {children}
    </>
  );
}
