import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/app/_components/ui/button";
import { Card } from "@/app/_components/ui/card";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Alert } from "@/app/_components/ui/alert";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { getMovePreview, listMoveOptions, type MovePreview } from "@/lib/policies/preview";
import { TARGET_ID } from "@/lib/validation/policies";
import { AccountPreviewCard } from "../_preview/account-preview";
import { ImpactSummary } from "../_preview/impact-summary";
import { PreviewNotes } from "../_preview/preview-notes";

export const metadata: Metadata = { title: "What if an account moved" };

const ACCOUNT_ID = /^\d{12}$/;
const select =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm shadow-xs focus:border-brand-500 focus:ring-1 focus:ring-brand-500 focus:outline-none";

async function previewMove(
  tenantId: string,
  accountId: string,
  targetParentId: string,
): Promise<{ preview: MovePreview | null; error: string | null }> {
  try {
    return { preview: await getMovePreview(getDb(), { tenantId, accountId, targetParentId }), error: null };
  } catch (e) {
    if (e instanceof AppError && e.code === "NOT_FOUND") return { preview: null, error: e.message };
    throw e;
  }
}

/** A what-if, nothing more: the form is a GET (the question lives in the URL), and no move is ever made from here. */
export default async function MovePreviewPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<{ account?: string; to?: string }>;
}) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug);
  const db = getDb();
  const tenantId = tenant.tenantId;
  const q = await searchParams;
  const options = await listMoveOptions(db, { tenantId });
  const account = q.account && ACCOUNT_ID.test(q.account) ? q.account : undefined;
  const to = q.to && TARGET_ID.test(q.to) ? q.to : undefined;
  const outcome =
    account && to
      ? await previewMove(tenantId, account, to)
      : { preview: null, error: q.account || q.to ? "Choose an account and where it would move." : null };
  const { preview, error } = outcome;
  const names = new Map([
    ...options.accounts.map((a): [string, string] => [a.accountId, a.name]),
    ...options.parents.map((p): [string, string] => [p.id, p.name]),
  ]);

  return (
    <div className="space-y-5">
      <PageHeader
        title="What if an account moved?"
        description="The effective backup policy and the compliance of an account under another OU, computed from the last inventory. Nothing is moved: moving accounts is done in AWS Organizations."
        actions={
          <Link href={`/t/${slug}/policies`} className={buttonClass("secondary")}>
            Backup policies
          </Link>
        }
      />
      <Card title="The move">
        {options.accounts.length === 0 ? (
          <p className="text-sm text-slate-600">The organization has not been synced yet.</p>
        ) : (
          <form method="get" className="grid items-end gap-3 sm:grid-cols-[1fr_1fr_auto]">
            <label className="text-sm font-medium text-slate-700">
              Account
              <select name="account" defaultValue={account ?? ""} className={select} required>
                <option value="" disabled>
                  Choose an account
                </option>
                {options.accounts.map((a) => (
                  <option key={a.accountId} value={a.accountId}>
                    {a.name} ({a.accountId}), now in {names.get(a.parentId) ?? a.parentId}
                  </option>
                ))}
              </select>
            </label>
            <label className="text-sm font-medium text-slate-700">
              Would move to
              <select name="to" defaultValue={to ?? ""} className={select} required>
                <option value="" disabled>
                  Choose the root or an OU
                </option>
                {options.parents.map((p) => (
                  <option key={p.id} value={p.id}>
                    {"\u00a0\u00a0".repeat(p.depth)}
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className={buttonClass()}>
              Preview the move
            </button>
          </form>
        )}
      </Card>
      {error && <Alert tone="warning">{error}</Alert>}
      {preview ? (
        <>
          <p className="text-sm text-slate-700">
            {names.get(preview.accountId) ?? preview.accountId} from {preview.from.name} to {preview.to.name}, judged on
            the inventory read {preview.snapshotAt ? formatDateTime(preview.snapshotAt) : "—"}.
          </p>
          <PreviewNotes
            problems={preview.problems}
            notes={preview.notes}
            clean="No problem found: the merged policy is valid and every pre-flight check the inventory can decide passes."
          />
          {preview.accounts.map((a) => (
            <AccountPreviewCard
              key={a.accountId}
              a={a}
              names={new Map([...names, ...Object.entries(preview.names)])}
              open
            />
          ))}
          <section aria-labelledby="impact" className="space-y-3">
            <h2 id="impact" className="text-sm font-semibold text-slate-900">
              Compliance impact
            </h2>
            {preview.impact && <ImpactSummary impact={preview.impact} />}
          </section>
        </>
      ) : (
        !error && (
          <EmptyState title="Choose a move">
            The preview shows the account&apos;s effective policy before and after, the pre-flight of its Regions and
            the findings that would flip.
          </EmptyState>
        )
      )}
    </div>
  );
}
