import type { Metadata } from "next";
import Link from "next/link";
import { LoadedDataTable } from "@/app/_components/data-table";
import { FilterBar } from "@/app/_components/filter-bar";
import { Alert } from "@/app/_components/ui/alert";
import { PageHeader } from "@/app/_components/ui/page-header";
import { requireTenantPage } from "@/lib/auth/session";
import { CONTROL_IDS, SCORED_STATUSES } from "@/lib/compliance/model/finding";
import { CONTROLS } from "@/lib/compliance/controls/registry";
import { getDb } from "@/lib/db";
import { parseAsOf } from "@/lib/dashboard/as-of";
import { loadTable } from "@/lib/dashboard/load-table";
import { getOrgTree } from "@/lib/dashboard/queries/accounts";
import { getAccountNames } from "@/lib/dashboard/queries/account-names";
import { getComplianceSummary } from "@/lib/dashboard/queries/compliance";
import { getRunFrameworks } from "@/lib/dashboard/queries/run-frameworks";
import { findingsTable, type FindingFilters } from "@/lib/dashboard/tables/findings";
import { first, type SearchParams } from "@/lib/dashboard/url";
import { RESOURCE_TYPES } from "@/lib/inventory/types";
import { formatDate, shortArn } from "@/lib/format";
import { controlHref } from "@/lib/dashboard/links";
import { AccountName } from "../../_components/account-cell";
import { AsOfForm } from "../_components/as-of-form";
import { StatusBadge } from "../_components/score";

export const metadata: Metadata = { title: "Findings" };

export default async function FindingsPage({
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
  const db = getDb();
  const [loaded, summary, tree, frameworksOf, names] = await Promise.all([
    loadTable(findingsTable, tenant, sp, asOf.at),
    getComplianceSummary(db, tenant.tenantId, asOf.at),
    getOrgTree(db, tenant.tenantId),
    getRunFrameworks(db, tenant.tenantId, asOf.at),
    getAccountNames(tenant.tenantId),
  ]);
  const f: Partial<FindingFilters> = loaded.ok ? loaded.filters : {};
  const pathname = `/t/${slug}/compliance/findings`;
  const framework = summary.frameworks.find((x) => x.slug === f.framework);
  const detailHref = (r: {
    controlId: string;
    subjectType: string;
    subjectId: string;
    accountId: string;
    region: string | null;
  }) =>
    `/t/${slug}/compliance/findings/detail?${new URLSearchParams({ control: r.controlId, subjectType: r.subjectType, subject: r.subjectId, account: r.accountId, region: r.region ?? "", ...(asOf.param ? { asOf: asOf.param } : {}) })}`;
  const keep = Object.fromEntries(
    Object.entries(sp)
      .filter(([k]) => k !== "asOf" && k !== "cursor")
      .map(([k, v]) => [k, first(v)]),
  );
  return (
    <div className="space-y-4">
      <PageHeader
        title="Findings"
        description="Every check of every control: its status, the one-line reason, and (open one) the evidence that decided it."
        actions={<AsOfForm pathname={pathname} value={asOf.param} keep={keep} pinned={Boolean(tenant.period)} />}
      />
      {asOf.error && <Alert tone="warning">{asOf.error}</Alert>}
      <FilterBar
        label="Filter findings"
        pathname={pathname}
        keep={{ asOf: asOf.param }}
        fields={[
          {
            kind: "select",
            name: "framework",
            label: "Framework",
            value: f.framework,
            options: summary.frameworks.map((x) => ({ value: x.slug, label: x.name })),
          },
          ...(framework
            ? [
                {
                  kind: "select" as const,
                  name: "requirement",
                  label: "Requirement",
                  value: f.requirement,
                  options: framework.requirements.map((r) => ({ value: r.id, label: `${r.id} ${r.title}` })),
                },
              ]
            : []),
          {
            kind: "select",
            name: "control",
            label: "Control",
            value: f.control,
            options: CONTROL_IDS.map((c) => ({ value: c, label: `${c} ${CONTROLS[c].title}` })),
          },
          {
            kind: "select",
            name: "status",
            label: "Status",
            value: f.status,
            options: SCORED_STATUSES.map((s) => ({
              value: s,
              label: s === "NOT_APPLICABLE" ? "not applicable" : s.toLowerCase(),
            })),
          },
          {
            kind: "select",
            name: "ou",
            label: "OU",
            value: f.ou,
            options: tree.ous.map((o) => ({ value: o.ouId, label: o.parentId ? o.name : "Root (everything)" })),
          },
          // A select of a thousand accounts helps no one: large organizations type the ID.
          tree.accounts.length <= 200
            ? {
                kind: "select" as const,
                name: "account",
                label: "Account",
                value: f.account,
                options: tree.accounts.map((a) => ({ value: a.accountId, label: `${a.name} (${a.accountId})` })),
              }
            : {
                kind: "text" as const,
                name: "account",
                label: "Account",
                placeholder: "123456789012",
                value: f.account,
              },
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
        caption="Findings"
        pathname={pathname}
        searchParams={sp}
        rowKey={(r) => `${r.runId}|${r.controlId}|${r.subjectType}|${r.subjectId}`}
        empty="No findings match these filters."
        columns={[
          { key: "status", label: "Status", render: (r) => <StatusBadge status={r.status} /> },
          {
            key: "control",
            label: "Control",
            render: (r) => (
              <span className="text-xs" title={CONTROLS[r.controlId].title}>
                {f.framework ? (
                  <Link
                    href={controlHref(slug, f.framework, r.controlId, asOf.param)}
                    className="font-mono text-brand-700 hover:underline"
                  >
                    {r.controlId}
                  </Link>
                ) : (
                  <span className="font-mono">{r.controlId}</span>
                )}
                {/* Two checks of one control differ by parameters: say whose they are. */}
                {frameworksOf[r.runId] && (
                  <span className="block max-w-28 text-[11px] leading-tight text-slate-500">
                    {frameworksOf[r.runId]!.join(", ")}
                  </span>
                )}
              </span>
            ),
          },
          {
            key: "subject",
            label: "Subject",
            render: (r) => (
              <div className="max-w-xs">
                <Link
                  href={detailHref(r)}
                  className="block truncate font-mono text-xs text-brand-700 hover:underline"
                  title={r.subjectId}
                  data-link="finding"
                >
                  {shortArn(r.subjectId)}
                </Link>
                <div className="text-xs text-slate-500">
                  {r.subjectType.replace("-", " ")}
                  {r.resourceType ? ` · ${r.resourceType}` : ""} ·{" "}
                  <AccountName name={names.get(r.accountId)} slug={slug} accountId={r.accountId} />
                  {r.region ? ` · ${r.region}` : ""}
                </div>
              </div>
            ),
          },
          {
            key: "reason",
            label: "Reason",
            render: (r) => (
              <div className="max-w-xl text-xs text-slate-800">
                {r.reason}
                {r.exception && (
                  <div className="mt-0.5 text-violet-700">
                    Accepted by {r.exception.owner} until {formatDate(r.exception.expiresAt)}: {r.exception.reason}
                  </div>
                )}
              </div>
            ),
          },
          {
            key: "since",
            label: "Since",
            render: (r) => (
              <span className="text-xs whitespace-nowrap text-slate-600">
                {r.since.at ? formatDate(r.since.at) : "—"}
              </span>
            ),
          },
        ]}
      />
    </div>
  );
}
