import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@/app/_components/ui/badge";
import { buttonClass } from "@/app/_components/ui/button";
import { Card } from "@/app/_components/ui/card";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Table, Td, Th } from "@/app/_components/ui/table";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { getPolicyPreview } from "@/lib/policies/preview";
import { getPolicyHistory } from "@/lib/policies/read";
import { AccountPreviewCard } from "../../_preview/account-preview";
import { ImpactSummary } from "../../_preview/impact-summary";
import { PreviewNotes } from "../../_preview/preview-notes";

export const metadata: Metadata = { title: "Policy preview" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Accounts shown open: a handful reads at a glance, dozens would bury the impact. */
const OPEN_ACCOUNTS = 3;

const missing = (e: unknown): never => {
  if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
  throw e;
};

export default async function PolicyPreviewPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string; policyId: string }>;
  searchParams: Promise<{ version?: string }>;
}) {
  const { tenant: slug, policyId } = await params;
  const { tenant } = await requireTenantPage(slug);
  if (!UUID.test(policyId)) notFound();
  const db = getDb();
  const tenantId = tenant.tenantId;
  const history = await getPolicyHistory(db, { tenantId, policyId }).catch(missing);
  const asked = Number((await searchParams).version);
  const version =
    Number.isInteger(asked) && asked > 0 ? history.versions.find((v) => v.version === asked) : history.versions[0];
  if (!version) notFound();
  const p = await getPolicyPreview(db, { tenantId, versionId: version.versionId }).catch(missing);
  const names = new Map([
    ...Object.entries(p.names),
    ...p.accounts.map((a): [string, string] => [a.accountId, a.name]),
  ]);
  const changed = p.accounts.filter((a) => a.change !== "unchanged");
  const base = `/t/${slug}/policies`;

  return (
    <div className="space-y-5">
      <PageHeader
        title={`Preview: ${p.policy.name}, version ${p.version.version}`}
        description={
          <>
            What pushing this version would do to every account it reaches, computed from the inventory read{" "}
            {p.snapshotAt ? formatDateTime(p.snapshotAt) : "—"}, before anything is sent to AWS. Version{" "}
            {p.version.version} is <Badge tone="gray">{p.version.state}</Badge>.
          </>
        }
        actions={
          <>
            <Link href={`${base}/move-preview`} className={buttonClass("secondary")}>
              What if an account moved?
            </Link>
            <Link href={`${base}/${policyId}`} className={buttonClass("secondary")}>
              Back to the policy
            </Link>
          </>
        }
      />
      <PreviewNotes
        problems={p.problems}
        notes={p.notes}
        clean="No problem found: the document, the targets' limits and every pre-flight check the inventory can decide pass."
      />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Document" description="As AWS counts it when the push sends it (every character of the text).">
          <p className="text-sm">
            <span
              className={`font-semibold tabular-nums ${p.document.characters > p.document.limit ? "text-red-700" : "text-slate-900"}`}
            >
              {p.document.characters.toLocaleString("en-US")}
            </span>{" "}
            of {p.document.limit.toLocaleString("en-US")} characters
          </p>
          {p.document.problems.length > 0 && (
            <ul className="mt-2 list-disc pl-5 text-xs text-red-800">
              {p.document.problems.map((e) => (
                <li key={`${e.path}|${e.reason}`}>
                  <span className="font-mono">{e.path}</span>: {e.message} ({e.code})
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Targets" description="Backup policies attached to each target once this one is (AWS allows 10).">
          {p.targets.length === 0 ? (
            <p className="text-sm text-slate-600">
              No targets: the push creates or updates the policy and attaches it nowhere
              {p.policy.awsPolicyId ? " (it is detached from where it is now)" : ""}.
            </p>
          ) : (
            <Table caption="Targets and their backup policy count">
              <thead>
                <tr>
                  <Th>Target</Th>
                  <Th className="text-right">Policies</Th>
                  <Th>Limit</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {p.targets.map((t) => (
                  <tr key={t.targetId}>
                    <Td>
                      <div>{t.name ?? t.targetId}</div>
                      <div className="font-mono text-xs text-slate-500">
                        {t.kind} {t.targetId}
                      </div>
                    </Td>
                    <Td className="text-right tabular-nums">{t.known ? `${t.others + 1} / ${t.limit}` : "—"}</Td>
                    <Td className="text-xs">
                      {t.ok ? <Badge tone="green">within</Badge> : <span className="text-red-700">{t.message}</span>}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
      </div>
      <section aria-labelledby="impact" className="space-y-3">
        <h2 id="impact" className="text-sm font-semibold text-slate-900">
          Compliance impact
        </h2>
        {p.impact ? (
          <ImpactSummary impact={p.impact} />
        ) : (
          <EmptyState title="No inventory to judge against">Sync the organization, then preview again.</EmptyState>
        )}
      </section>
      <section aria-labelledby="accounts" className="space-y-3">
        <h2 id="accounts" className="text-sm font-semibold text-slate-900">
          {p.accounts.length} account{p.accounts.length === 1 ? "" : "s"} reached, {changed.length} with a new effective
          policy
        </h2>
        {p.accounts.length === 0 ? (
          <p className="text-sm text-slate-600">
            No account is under this version&apos;s targets or the policy&apos;s current ones.
          </p>
        ) : (
          p.accounts.map((a, i) => (
            <AccountPreviewCard
              key={a.accountId}
              a={a}
              names={names}
              open={a.change !== "unchanged" && i < OPEN_ACCOUNTS}
            />
          ))
        )}
      </section>
    </div>
  );
}
