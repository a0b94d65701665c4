import Link from "next/link";
import { accountHref } from "@/lib/dashboard/links";
import { getAccountNames } from "@/lib/dashboard/queries/account-names";

/**
 * An account wherever its ID appears: the name from the synced organization, then the ID, linked
 * to the account's page. An account outside the organization (a copy destination) shows its ID.
 */
export async function AccountCell({
  tenantId,
  slug,
  accountId,
  link = true,
}: {
  tenantId: string;
  slug: string;
  accountId: string;
  link?: boolean;
}) {
  const name = (await getAccountNames(tenantId)).get(accountId);
  return <AccountName name={name} slug={slug} accountId={accountId} link={link} />;
}

/**
 * AccountCell for a table's rows, with the names read once by the page (getAccountNames): an
 * async component per row made the RSC payload a deferred chunk per row, which the server then
 * streamed and stitched back in (bench:pages, 50 rows a page).
 */
export function AccountName({
  name,
  slug,
  accountId,
  link = true,
}: {
  name: string | undefined;
  slug: string;
  accountId: string;
  link?: boolean;
}) {
  const body = (
    <>
      {name && <span className="font-medium">{name} </span>}
      <span className="font-mono text-slate-500">{accountId}</span>
    </>
  );
  if (!link || !name) return <span className="text-xs whitespace-nowrap">{body}</span>;
  return (
    <Link href={accountHref(slug, accountId)} className="text-xs whitespace-nowrap hover:underline">
      {body}
    </Link>
  );
}
