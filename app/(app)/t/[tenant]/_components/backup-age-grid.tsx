import type { NewestBackupCell } from "@/lib/dashboard/queries/overview";
import { formatDuration } from "@/lib/format";

function tone(age: number | null): string {
  if (age === null) return "bg-slate-100 text-slate-500";
  const hours = age / 3_600_000;
  if (hours <= 26) return "bg-emerald-500 text-white";
  if (hours <= 72) return "bg-amber-400 text-amber-950";
  return "bg-red-500 text-white";
}

function cellTitle(c: NewestBackupCell | null, age: number | null, behind: number | null): string {
  if (!c) return "not inventoried";
  if (!c.read) return "no data: this account and region has never been read by a sync";
  const resources = `${c.resources} protected resource${c.resources === 1 ? "" : "s"}`;
  if (age === null) return `${resources}; no backup yet`;
  return `${resources}; newest backup ${formatDuration(age)} ago${behind !== null ? `; the most behind ${formatDuration(behind)} ago` : ""}`;
}

/** Accounts × regions, each cell the age of the newest backup there: a heat map with the numbers in it. */
export function BackupAgeGrid({ cells, now, slug }: { cells: NewestBackupCell[]; now: Date; slug: string }) {
  const regions = [...new Set(cells.map((c) => c.region))].sort();
  // Rows in the order given (the most behind first).
  const accounts = [...new Map(cells.map((c) => [c.accountId, c.accountName])).entries()];
  const at = new Map(cells.map((c) => [`${c.accountId}|${c.region}`, c]));
  return (
    <div className="overflow-x-auto">
      <table className="border-separate border-spacing-0.5 text-xs">
        <caption className="sr-only">Age of the newest backup per account and region</caption>
        <thead>
          <tr>
            <th scope="col" className="pr-3 pb-1 text-left font-medium text-slate-500">
              Account
            </th>
            {regions.map((r) => (
              <th key={r} scope="col" className="px-1 pb-1 font-mono font-medium text-slate-500">
                {r}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {accounts.map(([id, name]) => (
            <tr key={id}>
              <th scope="row" className="max-w-44 truncate pr-3 text-left font-normal text-slate-700">
                <a href={`/t/${slug}/accounts/${id}`} className="hover:underline" title={id}>
                  {name}
                </a>
              </th>
              {regions.map((r) => {
                const c = at.get(`${id}|${r}`);
                const age = c?.newest ? now.getTime() - c.newest.getTime() : null;
                const behind = c?.oldestLatest ? now.getTime() - c.oldestLatest.getTime() : null;
                const unread = c !== undefined && !c.read;
                const label = unread ? "no data" : age === null ? "none" : formatDuration(age);
                return (
                  <td
                    key={r}
                    className={`age-cell ${unread ? "bg-white text-slate-400 ring-1 ring-slate-200 ring-inset" : tone(age)}`}
                    title={cellTitle(c ?? null, age, behind)}
                  >
                    {label}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-2 flex gap-3 text-[11px] text-slate-500">
        <span>
          <span className="mr-1 inline-block h-2 w-2 rounded-sm bg-emerald-500" />≤ 26 h
        </span>
        <span>
          <span className="mr-1 inline-block h-2 w-2 rounded-sm bg-amber-400" />≤ 3 d
        </span>
        <span>
          <span className="mr-1 inline-block h-2 w-2 rounded-sm bg-red-500" />
          older
        </span>
        <span>
          <span className="mr-1 inline-block h-2 w-2 rounded-sm bg-slate-200" />
          none: no backups
        </span>
        <span>
          <span className="mr-1 inline-block h-2 w-2 rounded-sm ring-1 ring-slate-300 ring-inset" />
          no data: never read
        </span>
      </p>
    </div>
  );
}
