import type { Metadata } from "next";
import { LoadedDataTable } from "@/app/_components/data-table";
import { FilterBar } from "@/app/_components/filter-bar";
import { Badge } from "@/app/_components/ui/badge";
import { PageHeader } from "@/app/_components/ui/page-header";
import { requireTenantPage } from "@/lib/auth/session";
import { loadTable } from "@/lib/dashboard/load-table";
import { getAccountNames } from "@/lib/dashboard/queries/account-names";
import { resourcesTable, type ResourceFilters } from "@/lib/dashboard/tables/resources";
import type { SearchParams } from "@/lib/dashboard/url";
import { RESOURCE_TYPES } from "@/lib/inventory/types";
import { formatAgo } from "@/lib/format";
import { ResourceCell } from "../_components/resource-cell";
import { AccountName } from "../_components/account-cell";

export const metadata: Metadata = { title: "Resources" };

export default async function ResourcesPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug);
  const sp = await searchParams;
  const [loaded, names] = await Promise.all([loadTable(resourcesTable, tenant, sp), getAccountNames(tenant.tenantId)]);
  const pathname = `/t/${slug}/resources`;
  const f: Partial<ResourceFilters> = loaded.ok ? loaded.filters : {};
  return (
    <div className="space-y-4">
      <PageHeader
        title="Resources"
        description="Every resource that ought to be protected, unprotected first. Protected: a backup plan's selection really matches it (tags, conditions, exclusions and region opt-in included) and its newest recovery point meets the RPO. Covered by a plan without such a point: At risk. Not covered: Unprotected."
      />
      <FilterBar
        label="Filter resources"
        pathname={pathname}
        fields={[
          {
            kind: "select",
            name: "protection",
            label: "Protection",
            value: f.protection,
            options: [
              { value: "unprotected", label: "Not covered by a plan" },
              { value: "protected", label: "Covered by a plan" },
            ],
          },
          { kind: "text", name: "account", label: "Account", placeholder: "123456789012", value: f.account },
          { kind: "text", name: "region", label: "Region", placeholder: "us-east-1", value: f.region },
          {
            kind: "select",
            name: "resourceType",
            label: "Resource type",
            value: f.resourceType,
            options: RESOURCE_TYPES.map((t) => ({ value: t, label: t })),
          },
        ]}
      />
      <LoadedDataTable
        loaded={loaded}
        caption="Resources, unprotected first"
        pathname={pathname}
        searchParams={sp}
        rowKey={(r) => `${r.accountId}|${r.region}|${r.resourceArn}`}
        empty="No resources match. Resources appear after a sync and its evaluation."
        columns={[
          {
            key: "resource",
            label: "Resource",
            render: (r) => (
              <ResourceCell
                slug={slug}
                arn={r.resourceArn}
                detail={
                  <>
                    {r.resourceType} · <AccountName name={names.get(r.accountId)} slug={slug} accountId={r.accountId} />{" "}
                    · {r.region}
                  </>
                }
              >
                {Object.keys(r.tags).length > 0 && (
                  <div className="mt-0.5 flex flex-wrap gap-1">
                    {Object.entries(r.tags)
                      .slice(0, 4)
                      .map(([k, v]) => (
                        <span key={k} className="rounded bg-slate-100 px-1 font-mono text-[10px] text-slate-600">
                          {k}={v}
                        </span>
                      ))}
                  </div>
                )}
              </ResourceCell>
            ),
          },
          {
            key: "protection",
            label: "Protection",
            render: (r) => (
              <span className="block max-w-56" data-testid="protection-status">
                <Badge tone={r.status.tone}>{r.status.label}</Badge>
                {r.status.state !== "protected" && r.status.state !== "unprotected" && (
                  <span className="mt-0.5 block text-[11px] text-slate-600">{r.status.reason}</span>
                )}
              </span>
            ),
          },
          {
            key: "why",
            label: "Protected by / why not",
            render: (r) => <span className="block max-w-md text-xs text-slate-700">{r.protectionReason}</span>,
          },
          {
            key: "last",
            label: "Last backup",
            render: (r) => (
              <span className="text-xs whitespace-nowrap">{r.lastBackupAt ? formatAgo(r.lastBackupAt) : "never"}</span>
            ),
          },
          {
            key: "rpo",
            label: "RPO",
            render: (r) =>
              r.rpo ? (
                <span title={r.rpoReason ?? undefined}>
                  <Badge tone={r.rpo === "PASS" ? "green" : r.rpo === "FAIL" ? "red" : "gray"}>
                    {r.rpo === "PASS" ? "met" : r.rpo === "FAIL" ? "missed" : r.rpo.toLowerCase()}
                  </Badge>
                </span>
              ) : (
                <span className="text-xs text-slate-400">—</span>
              ),
          },
        ]}
      />
    </div>
  );
}
