import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/app/_components/ui/badge";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Widget, WidgetState } from "@/app/_components/widget";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { accountFreshness, getOrgTree, type AccountNode, type OrgTree, type OuNode } from "@/lib/dashboard/queries/accounts";
import { loadWidget } from "@/lib/dashboard/widget-result";
import { formatDateTime } from "@/lib/format";
import { UnitChips } from "./unit-chips";

export const metadata: Metadata = { title: "Accounts" };

function AccountRow({ account, slug }: { account: AccountNode; slug: string }) {
  const fresh = accountFreshness(account.units);
  const oldest = account.units.map((u) => u.publishedAt).filter((d): d is Date => d !== null).sort((a, b) => a.getTime() - b.getTime())[0];
  return (
    <li className="flex flex-wrap items-center gap-x-4 gap-y-1 border-t border-slate-100 py-2 pl-2 first:border-t-0">
      <Link href={`/t/${slug}/accounts/${account.accountId}`} className="min-w-56 font-medium text-brand-700 hover:underline">
        {account.name}
      </Link>
      <span className="font-mono text-xs text-slate-600">{account.accountId}</span>
      {account.state !== "ACTIVE" && <Badge tone="amber">{account.state.toLowerCase()}</Badge>}
      <Badge tone={fresh.tone}>{fresh.label}</Badge>
      <UnitChips units={account.units} />
      <span className="ml-auto text-xs text-slate-500">{oldest ? `data from ${formatDateTime(oldest)}` : ""}</span>
    </li>
  );
}

function OuBranch({ ou, tree, slug, depth }: { ou: OuNode; tree: OrgTree; slug: string; depth: number }) {
  const children = tree.ous.filter((o) => o.parentId === ou.ouId);
  const accounts = tree.accounts.filter((a) => a.parentId === ou.ouId);
  return (
    <li className={depth > 0 ? "mt-2 border-l-2 border-slate-100 pl-4" : ""}>
      <div className="flex items-center gap-2 text-sm font-semibold text-slate-800">
        <span aria-hidden className="text-slate-400">{ou.parentId ? "▸" : "◆"}</span>
        {ou.parentId ? ou.name : "Root"}
        <span className="font-mono text-xs font-normal text-slate-400">{ou.ouId}</span>
      </div>
      {accounts.length > 0 && <ul className="mt-1 ml-5">{accounts.map((a) => <AccountRow key={a.accountId} account={a} slug={slug} />)}</ul>}
      {children.length > 0 && <ul className="ml-2">{children.map((c) => <OuBranch key={c.ouId} ou={c} tree={tree} slug={slug} depth={depth + 1} />)}</ul>}
    </li>
  );
}

async function Tree({ tenantId, slug }: { tenantId: string; slug: string }) {
  const result = await loadWidget("org-tree", () => getOrgTree(getDb(), tenantId), (t) => (t.accounts.length === 0 ? "No accounts yet: run the first sync of this organization." : null));
  return (
    <WidgetState result={result}>
      {(tree) => {
        const roots = tree.ous.filter((o) => !o.parentId);
        return roots.length ? <ul className="space-y-2">{roots.map((r) => <OuBranch key={r.ouId} ou={r} tree={tree} slug={slug} depth={0} />)}</ul> : <EmptyState title="No organization tree" />;
      }}
    </WidgetState>
  );
}

export default async function AccountsPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug);
  return (
    <div className="space-y-4">
      <PageHeader title="Accounts" description="The organization's OUs and accounts as last synced, with how fresh each account's data is, region by region." />
      <Widget title="Organization tree" description="Green: read on the last sync. Amber: the last attempt failed, showing the previous good data. Red: never read.">
        <Tree tenantId={tenant.tenantId} slug={slug} />
      </Widget>
    </div>
  );
}
