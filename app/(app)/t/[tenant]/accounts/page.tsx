import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/app/_components/ui/badge";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Widget, WidgetState } from "@/app/_components/widget";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import {
  accountFreshness,
  getOrgTree,
  type AccountNode,
  type OrgTree,
  type OuNode,
} from "@/lib/dashboard/queries/accounts";
import { loadCachedWidget } from "@/lib/dashboard/cached-widget";
import { getSliceScores, type SliceScores } from "@/lib/dashboard/queries/compliance";
import { formatDateTime } from "@/lib/format";
import { formatScore, SCORE_EXPLAINED, scoreTone } from "../compliance/_components/score";
import { UnitChips } from "./unit-chips";
import { UnreadAccountForm } from "./unread-account-form";

export const metadata: Metadata = { title: "Accounts" };

function Scores({
  scores,
  frameworks,
  noData = false,
}: {
  scores: Array<number | null> | undefined;
  frameworks: SliceScores["frameworks"];
  /** Never read: every framework says "no data". */
  noData?: boolean;
}) {
  if (frameworks.length === 0) return null;
  if (noData)
    return (
      <span className="text-xs font-medium text-slate-400" title="The sync has never read this: no score">
        no data
      </span>
    );
  if (!scores) return null;
  return (
    <span className="flex gap-2 text-xs tabular-nums">
      {frameworks.map((f, i) => (
        <span key={f.slug} title={`${f.name}: score (${SCORE_EXPLAINED})`} className={scoreTone(scores[i] ?? null)}>
          <span className="text-slate-400">{f.name.split(/[ /:(]/)[0]}</span> {formatScore(scores[i] ?? null)}
        </span>
      ))}
    </span>
  );
}

function AccountRow({ account, view }: { account: AccountNode; view: View }) {
  const { slug, scores } = view;
  const fresh = account.ack
    ? { tone: "gray" as const, label: "No data: acknowledged" }
    : accountFreshness(account.units);
  const oldest = account.units
    .map((u) => u.publishedAt)
    .filter((d): d is Date => d !== null)
    .sort((a, b) => a.getTime() - b.getTime())[0];
  return (
    <li className="flex flex-wrap items-center gap-x-4 gap-y-1 border-t border-slate-100 py-2 pl-2 first:border-t-0">
      <Link
        href={`/t/${slug}/accounts/${account.accountId}`}
        className="min-w-56 font-medium text-brand-700 hover:underline"
      >
        {account.name}
      </Link>
      <span className="font-mono text-xs text-slate-600">{account.accountId}</span>
      {account.state !== "ACTIVE" && <Badge tone="amber">{account.state.toLowerCase()}</Badge>}
      <Badge tone={fresh.tone}>{fresh.label}</Badge>
      <UnitChips units={account.units} />
      <Scores scores={scores.byAccount[account.accountId]} frameworks={scores.frameworks} noData={account.unread} />
      {account.ack && (
        <span className="text-xs text-slate-500" title={`by ${account.ack.acknowledgedByEmail ?? "unknown"}`}>
          “{account.ack.reason}”
        </span>
      )}
      {account.unread && view.canAcknowledge && (
        <UnreadAccountForm
          tenantId={view.tenantId}
          accountId={account.accountId}
          accountName={account.name}
          acknowledged={account.ack !== null}
        />
      )}
      <span className="ml-auto text-xs text-slate-500">{oldest ? `data from ${formatDateTime(oldest)}` : ""}</span>
    </li>
  );
}

// Small organizations show every account; large ones show each OU's totals and the accounts of
// the OU chosen in the URL (?ou=), so the page stays readable and fast at a thousand accounts.
const SHOW_ALL_UP_TO = 150;
const ACCOUNTS_PER_OU = 200;

interface View {
  tree: OrgTree;
  scores: SliceScores;
  slug: string;
  tenantId: string;
  /** May acknowledge accounts with no data (an operator's or admin's capability). */
  canAcknowledge: boolean;
  /** null: every OU is open (small organizations). */
  open: Set<string> | null;
}

function OuSummary({ ouId, tree }: { ouId: string; tree: OrgTree }) {
  const under = tree.accounts.filter((a) => a.ouPath.includes(ouId));
  const fresh = under.filter((a) => accountFreshness(a.units).tone === "green").length;
  return (
    <span className="text-xs font-normal text-slate-500">
      {under.length} account{under.length === 1 ? "" : "s"} · {fresh} fresh
      {under.length - fresh ? ` · ${under.length - fresh} not fresh` : ""}
    </span>
  );
}

/** An OU whose accounts were all never read has no data either. */
function ouUnread(tree: OrgTree, ouId: string): boolean {
  const under = tree.accounts.filter((a) => a.ouPath.includes(ouId));
  return under.length > 0 && under.every((a) => a.unread);
}

function OuBranch({ ou, view, depth }: { ou: OuNode; view: View; depth: number }) {
  const { tree, slug, open, scores } = view;
  const children = tree.ous.filter((o) => o.parentId === ou.ouId);
  const isOpen = !open || open.has(ou.ouId);
  const accounts = isOpen ? tree.accounts.filter((a) => a.parentId === ou.ouId) : [];
  return (
    <li className={depth > 0 ? "mt-2 border-l-2 border-slate-100 pl-4" : ""}>
      <div className="flex flex-wrap items-center gap-2 text-sm font-semibold text-slate-800">
        <span aria-hidden className="text-slate-400">
          {ou.parentId ? "▸" : "◆"}
        </span>
        {open && !isOpen ? (
          <Link
            href={`/t/${slug}/accounts?ou=${encodeURIComponent(ou.ouId)}`}
            className="text-brand-700 hover:underline"
          >
            {ou.parentId ? ou.name : "Root"}
          </Link>
        ) : (
          <span>{ou.parentId ? ou.name : "Root"}</span>
        )}
        <span className="font-mono text-xs font-normal text-slate-400">{ou.ouId}</span>
        {open && <OuSummary ouId={ou.ouId} tree={tree} />}
        <Scores scores={scores.byOu[ou.ouId]} frameworks={scores.frameworks} noData={ouUnread(tree, ou.ouId)} />
      </div>
      {accounts.length > 0 && (
        <ul className="mt-1 ml-5">
          {accounts.slice(0, ACCOUNTS_PER_OU).map((a) => (
            <AccountRow key={a.accountId} account={a} view={view} />
          ))}
          {accounts.length > ACCOUNTS_PER_OU && (
            <li className="py-2 text-xs text-slate-500">
              and {accounts.length - ACCOUNTS_PER_OU} more: filter the pages by account to see them.
            </li>
          )}
        </ul>
      )}
      {children.length > 0 && (
        <ul className="ml-2">
          {children.map((c) => (
            <OuBranch key={c.ouId} ou={c} view={view} depth={depth + 1} />
          ))}
        </ul>
      )}
    </li>
  );
}

async function Tree({
  tenantId,
  slug,
  ou,
  canAcknowledge,
}: {
  tenantId: string;
  slug: string;
  ou: string | undefined;
  canAcknowledge: boolean;
}) {
  const result = await loadCachedWidget(
    "accounts.tree",
    tenantId,
    null,
    async () => ({ tree: await getOrgTree(getDb(), tenantId), scores: await getSliceScores(getDb(), tenantId, null) }),
    (r) => (r.tree.accounts.length === 0 ? "No accounts yet: run the first sync of this organization." : null),
  );
  return (
    <WidgetState result={result}>
      {({ tree, scores }) => {
        const roots = tree.ous.filter((o) => !o.parentId);
        // Large organizations: open the chosen OU (default the root) and the path down to it.
        const chosen = tree.ous.find((o) => o.ouId === ou) ?? roots[0];
        const open =
          tree.accounts.length <= SHOW_ALL_UP_TO || !chosen
            ? null
            : new Set(chosen.path.length ? chosen.path : [chosen.ouId]);
        const view: View = { tree, slug, open, scores, tenantId, canAcknowledge };
        return roots.length ? (
          <ul className="space-y-2">
            {roots.map((r) => (
              <OuBranch key={r.ouId} ou={r} view={view} depth={0} />
            ))}
          </ul>
        ) : (
          <EmptyState title="No organization tree" />
        );
      }}
    </WidgetState>
  );
}

export default async function AccountsPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<{ ou?: string }>;
}) {
  const { tenant: slug } = await params;
  const { ou } = await searchParams;
  const { tenant } = await requireTenantPage(slug);
  return (
    <div className="space-y-4">
      <PageHeader
        title="Accounts"
        description="The organization's OUs and accounts as last synced, with how fresh each account's data is, region by region."
      />
      <Widget
        title="Organization tree"
        description="Green: read on the last sync. Amber: the last attempt failed, showing the previous good data. Red: never read, so no data and no score; an operator can acknowledge it."
      >
        <Tree
          tenantId={tenant.tenantId}
          slug={slug}
          ou={typeof ou === "string" ? ou : undefined}
          canAcknowledge={tenant.capabilities.includes("sync:run")}
        />
      </Widget>
    </div>
  );
}
