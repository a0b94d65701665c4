import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { LoadedDataTable } from "@/app/_components/data-table";
import { FilterBar } from "@/app/_components/filter-bar";
import { Badge } from "@/app/_components/ui/badge";
import { PageHeader } from "@/app/_components/ui/page-header";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { clock } from "@/lib/clock";
import { getAccountDetail } from "@/lib/dashboard/queries/accounts";
import {
  CLEAN_WITHIN_DAYS,
  CRITICAL_TAG,
  getReadinessSummary,
  VALIDATED_WITHIN_DAYS,
} from "@/lib/dashboard/queries/recovery-readiness";
import { loadTable } from "@/lib/dashboard/load-table";
import { bySnapshot } from "@/lib/dashboard/snapshot-cache";
import { hrefWith, type SearchParams } from "@/lib/dashboard/url";
import {
  recoveryReadinessTable,
  type RecoveryReadinessFilters,
  type RecoveryReadinessRow,
} from "@/lib/dashboard/tables/recovery-readiness";
import { RESOURCE_TYPES } from "@/lib/inventory/types";
import { ResourceCell } from "../../../_components/resource-cell";
import { ApprovalCell, CleanPointCell, LocationCell, RestoreCell } from "./readiness-cells";

export const metadata: Metadata = { title: "If we are hit: recovery readiness" };

const PAGE = "/t/[tenant]/accounts/[accountId]/recovery";

export default async function RecoveryReadinessPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string; accountId: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug, accountId } = await params;
  const { tenant } = await requireTenantPage(slug, "tenant:read", { page: PAGE });
  if (!/^\d{12}$/.test(accountId)) notFound();
  const db = getDb();
  const detail = await getAccountDetail(db, tenant.tenantId, accountId);
  if (!detail) notFound();
  const sp = await searchParams;
  const [loaded, summary] = await Promise.all([
    loadTable(recoveryReadinessTable, tenant, { ...sp, account: accountId }),
    bySnapshot(db, tenant.tenantId, "recovery-readiness-summary", accountId, () =>
      getReadinessSummary(db, { tenantId: tenant.tenantId, accountId }, clock.now()),
    ),
  ]);
  const pathname = `/t/${slug}/accounts/${accountId}/recovery`;
  const f: Partial<RecoveryReadinessFilters> = loaded.ok ? loaded.filters : {};
  const withPoints = summary.resources - summary.noPoint;
  const tiles = [
    { label: "Resources", value: summary.resources, note: "tagged or protected in this account" },
    {
      label: `Clean point within ${CLEAN_WITHIN_DAYS} days`,
      value: summary.cleanRecent,
      note: `of ${summary.resources}`,
      tone: summary.cleanRecent < summary.resources ? "text-amber-700" : "text-emerald-700",
    },
    {
      label: "Only infected or unscanned",
      value: summary.noCleanPoint,
      note: `of ${withPoints} with recovery points; ${summary.noPoint} ${summary.noPoint === 1 ? "has" : "have"} none`,
      href: hrefWith(pathname, {}, { clean: "no" }),
      tone: summary.noCleanPoint ? "text-red-700" : "text-slate-900",
    },
    {
      label: "No air-gapped copy",
      value: summary.noAirGapped,
      note: "no usable point in a logically air-gapped vault",
      tone: summary.noAirGapped ? "text-amber-700" : "text-slate-900",
    },
    {
      label: `Validated restore in ${VALIDATED_WITHIN_DAYS} days`,
      value: summary.validatedRecent,
      note: `of ${summary.resources}`,
    },
  ];
  return (
    <div className="space-y-4">
      <Link href={`/t/${slug}/accounts/${accountId}`} className="text-sm text-brand-700 hover:underline">
        ← {detail.account.name}
      </Link>
      <PageHeader
        title="If we are hit: recovery readiness"
        description={
          <>
            {detail.account.name} (<span className="font-mono">{accountId}</span>). For every resource of this account:
            the newest recovery point that a malware scan found clean, where it lives (this account or a copy
            elsewhere), who must approve a restore from there, and the last restore whose validation succeeded. Only
            completed or available points count.
          </>
        }
      />
      <dl
        className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5"
        aria-label="Recovery readiness in this account"
      >
        {tiles.map((t) => (
          <div key={t.label} className="rounded-lg border border-slate-200 bg-white p-3 shadow-xs sm:p-4">
            <dt className="text-xs font-medium text-slate-500">{t.label}</dt>
            <dd className={`mt-1 text-2xl font-semibold ${t.tone ?? "text-slate-900"}`}>
              {t.value.toLocaleString("en-US")}
            </dd>
            <dd className="text-xs text-slate-500">{t.note}</dd>
            {t.href && t.value > 0 && (
              <dd className="mt-1 text-xs">
                <Link href={t.href} className="font-medium text-brand-700 hover:underline">
                  All without a clean point →
                </Link>
              </dd>
            )}
          </div>
        ))}
      </dl>
      <FilterBar
        label="Filter resources"
        pathname={pathname}
        keep={{
          sort: typeof sp.sort === "string" ? sp.sort : undefined,
          dir: typeof sp.dir === "string" ? sp.dir : undefined,
        }}
        fields={[
          {
            kind: "select",
            name: "resourceType",
            label: "Resource type",
            value: f.resourceType,
            options: RESOURCE_TYPES.map((t) => ({ value: t, label: t })),
          },
          {
            kind: "select",
            name: "clean",
            label: "Recoverable clean",
            value: f.clean,
            options: [
              { value: "no", label: "No: no clean point" },
              { value: "yes", label: "Yes" },
            ],
          },
          {
            kind: "select",
            name: "critical",
            label: `Critical (${CRITICAL_TAG.key}=${CRITICAL_TAG.value})`,
            value: f.critical,
            options: [
              { value: "yes", label: "Critical only" },
              { value: "no", label: "Not critical" },
            ],
          },
        ]}
      />
      <LoadedDataTable<RecoveryReadinessRow>
        loaded={loaded}
        caption="Recovery readiness per resource"
        pathname={pathname}
        searchParams={sp}
        exportParams={{ account: accountId }}
        sort={{ key: f.sort ?? "clean", dir: f.dir ?? "asc" }}
        rowKey={(r) => r.resourceArn}
        empty="No resources match. Resources appear after a sync."
        columns={[
          {
            key: "resource",
            label: "Resource",
            sort: "resource",
            render: (r) => (
              <ResourceCell
                slug={slug}
                arn={r.resourceArn}
                detail={
                  <>
                    {r.resourceType} · {r.region}
                  </>
                }
              >
                {r.critical && (
                  <div className="mt-0.5">
                    <Badge tone="violet">critical</Badge>
                  </div>
                )}
              </ResourceCell>
            ),
          },
          {
            key: "clean",
            label: "Newest clean point",
            sort: "clean",
            render: (r) => <CleanPointCell row={r} />,
          },
          {
            key: "where",
            label: "Where it lives",
            render: (r) => <LocationCell row={r} tenantId={tenant.tenantId} slug={slug} />,
          },
          {
            key: "approval",
            label: "Who approves a restore",
            render: (r) => <ApprovalCell row={r} tenantId={tenant.tenantId} slug={slug} />,
          },
          { key: "restore", label: "Last validated restore", render: (r) => <RestoreCell row={r} /> },
        ]}
      />
    </div>
  );
}
