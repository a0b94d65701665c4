import Link from "next/link";

export interface UnitProblemRow {
  accountId: string;
  accountName: string | null;
  region: string;
  error: string | null;
  remedy: string | null;
  /** e.g. "stale", "never read", "skipped", "retrying". */
  label: string;
}

/**
 * Unit errors grouped by cause: one cause usually hits many (account, region) units, so each is
 * said once, with the places it hit and what to do about it.
 */
export function UnitProblemGroups({
  rows,
  slug,
  perGroup,
}: {
  rows: UnitProblemRow[];
  slug: string;
  /** Show at most this many places per cause, then a link to the Sync page. */ perGroup?: number;
}) {
  const groups = new Map<string, { remedy: string | null; cause: string; units: UnitProblemRow[] }>();
  for (const u of rows) {
    const cause = (u.error ?? "unknown error").replace(/arn:aws:iam::\d{12}:role\/\S+?:/, "the member role:");
    const key = `${cause}|${u.remedy ?? ""}`;
    groups.set(key, { remedy: u.remedy, cause, units: [...(groups.get(key)?.units ?? []), u] });
  }
  return (
    // Causes and remedies name roles by ARN: long unbroken words that must wrap on a phone.
    <div className="space-y-3 text-xs [overflow-wrap:anywhere]">
      {[...groups.values()].map((g) => (
        <div key={`${g.cause}|${g.remedy}`} className="rounded-md border border-slate-200 p-2.5">
          <p className="font-medium text-slate-900">{g.cause}</p>
          <p className="mt-1 flex flex-wrap gap-1">
            {g.units.slice(0, perGroup).map((u) => (
              <Link
                key={`${u.accountId}${u.region}`}
                href={`/t/${slug}/accounts/${u.accountId}`}
                className="rounded bg-slate-100 px-1.5 py-0.5 hover:bg-slate-200"
              >
                {u.accountName ?? u.accountId}{" "}
                <span className="font-mono text-slate-500">{u.region === "global" ? "organization" : u.region}</span> (
                {u.label})
              </Link>
            ))}
            {perGroup !== undefined && g.units.length > perGroup && (
              <Link href={`/t/${slug}/sync`} className="px-1.5 py-0.5 font-medium text-brand-700 hover:underline">
                and {g.units.length - perGroup} more →
              </Link>
            )}
          </p>
          {g.remedy && (
            <p className="mt-1.5 text-slate-700">
              <span className="font-medium">What to do:</span> {g.remedy}
            </p>
          )}
        </div>
      ))}
    </div>
  );
}
