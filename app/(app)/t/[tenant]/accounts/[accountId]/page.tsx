import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@/app/_components/ui/badge";
import { buttonClass } from "@/app/_components/ui/button";
import { Card } from "@/app/_components/ui/card";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Table, Td, Th } from "@/app/_components/ui/table";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { accountFreshness, getAccountDetail } from "@/lib/dashboard/queries/accounts";
import { getSliceScores } from "@/lib/dashboard/queries/compliance";
import { SCORE_EXPLAINED, ScoreNumber } from "../../compliance/_components/score";
import { UnreadAccountForm } from "../unread-account-form";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage({ params }: { params: Promise<{ tenant: string; accountId: string }> }) {
  const { tenant: slug, accountId } = await params;
  const { tenant } = await requireTenantPage(slug);
  if (!/^\d{12}$/.test(accountId)) notFound();
  const [detail, scores] = await Promise.all([
    getAccountDetail(getDb(), tenant.tenantId, accountId),
    getSliceScores(getDb(), tenant.tenantId, null),
  ]);
  if (!detail) notFound();
  const { account, counts, ouNames } = detail;
  const fresh = account.ack
    ? { tone: "gray" as const, label: "No data: acknowledged" }
    : accountFreshness(account.units);
  const q = `account=${accountId}`;
  const stats = [
    {
      label: "Backup plans",
      value: counts.plans,
      note: counts.orgPlans ? `${counts.orgPlans} org-managed` : "none org-managed",
      href: `/t/${slug}/backups?${q}`,
    },
    { label: "Vaults", value: counts.vaults, href: `/t/${slug}/backups/vaults?${q}` },
    { label: "Recovery points", value: counts.recoveryPoints, href: `/t/${slug}/backups/recovery-points?${q}` },
    { label: "Resources", value: counts.resources, href: `/t/${slug}/resources?${q}` },
  ];
  return (
    <div className="space-y-6">
      <Link href={`/t/${slug}/accounts`} className="text-sm text-brand-700 hover:underline">
        ← All accounts
      </Link>
      <PageHeader
        title={account.name}
        description={
          <>
            <span className="font-mono">{account.accountId}</span> · {account.email} · {ouNames.join(" / ")}{" "}
            {account.state !== "ACTIVE" && <Badge tone="amber">{account.state.toLowerCase()}</Badge>}{" "}
            <Badge tone={fresh.tone}>{fresh.label}</Badge>
          </>
        }
        actions={
          <Link href={`/t/${slug}/accounts/${accountId}/recovery`} className={buttonClass("secondary")}>
            If we are hit: recovery readiness →
          </Link>
        }
      />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {stats.map((s) => (
          <Link
            key={s.label}
            href={s.href}
            className="rounded-lg border border-slate-200 bg-white p-4 shadow-xs hover:border-brand-500"
          >
            <div className="text-xs font-medium text-slate-500 uppercase">{s.label}</div>
            <div className="mt-1 text-2xl font-semibold text-slate-900">{s.value.toLocaleString("en-US")}</div>
            {s.note && <div className="text-xs text-slate-500">{s.note}</div>}
          </Link>
        ))}
      </div>
      {account.unread && (
        <Card
          title="No data"
          description={
            account.ack
              ? `Acknowledged ${formatDateTime(account.ack.acknowledgedAt)} by ${account.ack.acknowledgedByEmail ?? "unknown"}: “${account.ack.reason}”.`
              : "The sync has never read this account (see the regions below), so it has no score and no backup figures. An operator can acknowledge it so the freshness banner stops counting it."
          }
        >
          {tenant.capabilities.includes("sync:run") ? (
            <UnreadAccountForm
              tenantId={tenant.tenantId}
              accountId={accountId}
              accountName={account.name}
              acknowledged={account.ack !== null}
            />
          ) : (
            <p className="text-xs text-slate-500">Operators and administrators can acknowledge it.</p>
          )}
        </Card>
      )}
      {scores.frameworks.length > 0 && (
        <Card title="Compliance in this account" description={`From the latest evaluation. ${SCORE_EXPLAINED}`}>
          <div className="flex flex-wrap items-end gap-8">
            {scores.frameworks.map((f, i) => (
              <div key={f.slug}>
                <div className="text-xs text-slate-500">{f.name}</div>
                <ScoreNumber
                  score={scores.byAccount[accountId]?.[i] ?? null}
                  noData={account.unread}
                  className="text-2xl"
                />
              </div>
            ))}
            <Link
              href={`/t/${slug}/compliance/findings?${q}&status=FAIL`}
              className="text-sm font-medium text-brand-700 hover:underline"
            >
              Failing findings in this account →
            </Link>
          </div>
        </Card>
      )}
      <Card title="Regions" description="What the last sync read in each region, and what to do when it could not.">
        <Table caption="Sync status per region">
          <thead>
            <tr>
              <Th>Region</Th>
              <Th>Status</Th>
              <Th>Data read</Th>
              <Th>Problem</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {account.units.map((u) => (
              <tr key={u.region}>
                <Td className="font-mono text-xs whitespace-nowrap">{u.region}</Td>
                <Td>
                  <Badge
                    tone={
                      u.status === "ok" ? "green" : u.status === "failed" ? (u.publishedAt ? "amber" : "red") : "gray"
                    }
                  >
                    {u.status === "failed" && u.publishedAt ? "stale" : u.status}
                  </Badge>
                </Td>
                <Td className="text-xs whitespace-nowrap">{u.publishedAt ? formatDateTime(u.publishedAt) : "never"}</Td>
                <Td className="text-xs text-slate-700 [overflow-wrap:anywhere]">
                  {u.error ?? "—"}
                  {u.remedy && (
                    <div className="mt-1 text-slate-900">
                      <span className="font-medium">What to do:</span> {u.remedy}
                    </div>
                  )}
                  {u.errorAt && <div className="text-slate-500">since {formatDateTime(u.errorAt)}</div>}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
        <p className="mt-3 text-xs text-slate-500">
          Failed jobs of this account:{" "}
          <Link className="text-brand-700 hover:underline" href={`/t/${slug}/jobs?${q}&problems=only`}>
            backup jobs
          </Link>{" "}
          ·{" "}
          <Link className="text-brand-700 hover:underline" href={`/t/${slug}/jobs/copy?${q}&problems=only`}>
            copy jobs
          </Link>
        </p>
      </Card>
    </div>
  );
}
