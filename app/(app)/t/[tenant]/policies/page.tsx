import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { Badge } from "@/app/_components/ui/badge";
import { buttonClass } from "@/app/_components/ui/button";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Table, Td, Th } from "@/app/_components/ui/table";
import { WidgetSkeleton } from "@/app/_components/widget";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { formatDateTime } from "@/lib/format";
import { getPolicySettings, listPolicies, type PolicySummary } from "@/lib/policies/read";
import { listLatestPushes, listTargetOptions } from "@/lib/policies/screens";
import { TargetNames, VersionStateBadge } from "./_components/version-state";

export const metadata: Metadata = { title: "Backup policies" };

async function PolicyTable({ tenantId, slug, canDraft }: { tenantId: string; slug: string; canDraft: boolean }) {
  const db = getDb();
  const [policies, pushes, targets, settings] = await Promise.all([
    listPolicies(db, { tenantId }),
    listLatestPushes(db, { tenantId }),
    listTargetOptions(db, { tenantId }),
    getPolicySettings(db, { tenantId }),
  ]);
  if (policies.length === 0) {
    return (
      <EmptyState
        title="No managed backup policies yet"
        action={
          canDraft ? (
            <Link href={`/t/${slug}/policies/new`} className={buttonClass()}>
              New policy
            </Link>
          ) : undefined
        }
      >
        {canDraft
          ? "Generate one from a framework template, check it as you edit, and submit it for approval before it is pushed to the organization."
          : "Policies drafted here by operators appear with their versions, approvals and pushes."}
      </EmptyState>
    );
  }
  const cells = (p: PolicySummary) => {
    const push = pushes.get(p.policyId);
    return {
      name: (
        <>
          <Link
            href={`/t/${slug}/policies/${p.policyId}`}
            className="font-medium break-all text-brand-700 hover:underline"
          >
            {p.name}
          </Link>
          {p.awsPolicyId && <div className="font-mono text-xs text-slate-500">{p.awsPolicyId}</div>}
        </>
      ),
      latest: p.latest ? (
        <span className="flex items-center gap-2 whitespace-nowrap">
          <span className="tabular-nums">v{p.latest.version}</span>
          <VersionStateBadge state={p.latest.state} />
        </span>
      ) : (
        "—"
      ),
      inAws: p.pushed ? (
        <span className="text-xs">
          v{p.pushed.version}
          {p.pushed.pushedAt && <span className="block text-slate-500">{formatDateTime(p.pushed.pushedAt)}</span>}
        </span>
      ) : (
        <span className="text-xs text-slate-500">never pushed</span>
      ),
      targets: (
        <span className="text-xs">
          <TargetNames ids={p.pushed?.targets ?? []} options={targets} limit={3} />
        </span>
      ),
      push: push ? (
        <span className="text-xs">
          <span className="flex items-center gap-1.5 whitespace-nowrap">
            <Badge tone={push.status === "succeeded" ? "green" : push.status === "failed" ? "red" : "amber"}>
              {push.status}
            </Badge>
            v{push.version}
            {push.errorCode && <span className="font-mono text-red-700">{push.errorCode}</span>}
          </span>
          <span className="mt-0.5 block text-slate-500">
            {formatDateTime(push.startedAt)} by {push.startedByEmail}
          </span>
        </span>
      ) : (
        <span className="text-xs text-slate-500">none</span>
      ),
    };
  };
  return (
    <div className="space-y-3">
      <p className="text-xs text-slate-500">
        Each version needs{" "}
        {settings.requiredApprovals === 1 ? "one approval from someone" : "two approvals from people"} other than its
        author before it can be pushed.
      </p>
      {/* Phones: one card per policy; a five-column table would scroll sideways. */}
      <ul className="space-y-3 sm:hidden">
        {policies.map((p) => {
          const c = cells(p);
          return (
            <li key={p.policyId} className="rounded-lg border border-slate-200 bg-white p-3">
              {c.name}
              <dl className="mt-2 grid grid-cols-[6rem_1fr] gap-x-3 gap-y-1.5 text-sm">
                <dt className="text-xs text-slate-500">Latest</dt>
                <dd>{c.latest}</dd>
                <dt className="text-xs text-slate-500">In AWS</dt>
                <dd>{c.inAws}</dd>
                <dt className="text-xs text-slate-500">Targets</dt>
                <dd>{c.targets}</dd>
                <dt className="text-xs text-slate-500">Last push</dt>
                <dd>{c.push}</dd>
              </dl>
            </li>
          );
        })}
      </ul>
      <div className="hidden sm:block">
        <Table caption="Managed backup policies">
          <thead>
            <tr>
              <Th>Policy</Th>
              <Th>Latest version</Th>
              <Th>In AWS</Th>
              <Th>Targets</Th>
              <Th>Last push</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {policies.map((p) => {
              const c = cells(p);
              return (
                <tr key={p.policyId}>
                  <Td>{c.name}</Td>
                  <Td>{c.latest}</Td>
                  <Td className="whitespace-nowrap">{c.inAws}</Td>
                  <Td>{c.targets}</Td>
                  <Td>{c.push}</Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      </div>
    </div>
  );
}

export default async function PoliciesPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug);
  const canDraft = tenant.capabilities.includes("policy:draft");
  return (
    <div className="space-y-4">
      <PageHeader
        title="Backup policies"
        description="AWS Organizations backup policies this product manages for the organization: every version, who approved it and what each push did. Policies made elsewhere show under Drift."
        actions={
          <>
            <Link href={`/t/${slug}/policies/drift`} className={buttonClass("secondary")}>
              Drift
            </Link>
            {canDraft && (
              <Link href={`/t/${slug}/policies/new`} className={buttonClass()}>
                New policy
              </Link>
            )}
          </>
        }
      />
      <Suspense fallback={<WidgetSkeleton rows={5} />}>
        <PolicyTable tenantId={tenant.tenantId} slug={slug} canDraft={canDraft} />
      </Suspense>
    </div>
  );
}
