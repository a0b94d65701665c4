import Link from "next/link";
import { hrefWith, type SearchParams } from "@/lib/dashboard/url";
import type { LoadedTable } from "@/lib/dashboard/load-table";
import { Alert } from "./ui/alert";
import { buttonClass } from "./ui/button";

export interface Column<Row> {
  key: string;
  label: string;
  render: (row: Row) => React.ReactNode;
  /** Sort key sent as ?sort=<key>; absent means not sortable. */
  sort?: string;
  className?: string;
}

/**
 * A server-rendered table whose sort, filters and page live in the URL, so a view can be shared
 * and every page is one indexed query. Sorting links are real links (keyboard and screen-reader
 * friendly); the export buttons carry the same filters.
 */
export interface DataTableProps<Row> {
  caption: string;
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string;
  pathname: string;
  searchParams: SearchParams;
  sort?: { key: string; dir: "asc" | "desc" };
  next: string | null;
  total?: { count: number; exact: boolean } | null;
  /** e.g. /t/acme/export/recovery-points — ?format=csv|json and the filters are appended. */
  exportBase?: string;
  /** Filters the page takes from its path rather than its query (an account page's account). */
  exportParams?: Record<string, string>;
  empty?: React.ReactNode;
}

export function DataTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
  pathname,
  searchParams,
  sort,
  next,
  total,
  exportBase,
  exportParams,
  empty,
}: DataTableProps<Row>) {
  const onFirstPage = !searchParams.cursor;
  const exportHref = (format: string) =>
    hrefWith(exportBase ?? "", { ...searchParams, ...exportParams }, { format, cursor: undefined });
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-slate-600">
        <span aria-live="polite">
          {total
            ? `${total.exact ? "" : "about "}${total.count.toLocaleString("en-US")} ${total.count === 1 ? "row" : "rows"}`
            : `${rows.length} shown`}
          {!onFirstPage && " · not the first page"}
        </span>
        {exportBase && (
          <span className="flex gap-2">
            <a className={buttonClass("secondary", "sm")} href={exportHref("csv")} download>
              Export CSV
            </a>
            <a className={buttonClass("secondary", "sm")} href={exportHref("json")} download>
              Export JSON
            </a>
          </span>
        )}
      </div>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => {
                const active = sort && c.sort === sort.key;
                const nextDir = active && sort.dir === "desc" ? "asc" : "desc";
                return (
                  <th
                    key={c.key}
                    scope="col"
                    aria-sort={active ? (sort.dir === "asc" ? "ascending" : "descending") : undefined}
                    className={`bg-slate-50 px-3 py-2 text-left text-xs font-semibold tracking-wide whitespace-nowrap text-slate-600 uppercase ${c.className ?? ""}`}
                  >
                    {c.sort ? (
                      <Link
                        href={hrefWith(pathname, searchParams, { sort: c.sort, dir: nextDir })}
                        className="inline-flex items-center gap-1 hover:text-slate-900"
                      >
                        {c.label}
                        <span aria-hidden className={active ? "text-slate-700" : "text-slate-300"}>
                          {active ? (sort.dir === "asc" ? "▲" : "▼") : "↕"}
                        </span>
                      </Link>
                    ) : (
                      c.label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.length === 0 ? (
              <tr>
                <td colSpan={columns.length} className="px-3 py-8 text-center text-sm text-slate-500">
                  {empty ?? "No rows match these filters."}
                </td>
              </tr>
            ) : (
              rows.map((row) => (
                <tr key={rowKey(row)} className="hover:bg-slate-50/60">
                  {columns.map((c) => (
                    <td key={c.key} className={`px-3 py-2 align-top text-slate-800 ${c.className ?? ""}`}>
                      {c.render(row)}
                    </td>
                  ))}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <nav aria-label={`${caption} pages`} className="flex justify-end gap-2">
        {!onFirstPage && (
          <Link
            className={buttonClass("secondary", "sm")}
            href={hrefWith(pathname, searchParams, { cursor: undefined })}
          >
            ← First page
          </Link>
        )}
        {next && (
          <Link className={buttonClass("secondary", "sm")} href={hrefWith(pathname, searchParams, { cursor: next })}>
            Next page →
          </Link>
        )}
      </nav>
    </div>
  );
}

/** The page of a table loaded from the URL (lib/dashboard/load-table), or why its filters were refused. */
export function LoadedDataTable<Row>({
  loaded,
  ...props
}: Omit<DataTableProps<Row>, "rows" | "next" | "total" | "exportBase"> & { loaded: LoadedTable<unknown, Row> }) {
  if (!loaded.ok) return <Alert tone="error">{loaded.message}</Alert>;
  return (
    <DataTable
      {...props}
      rows={loaded.page.rows}
      next={loaded.page.next}
      total={loaded.page.total}
      exportBase={loaded.exportBase}
    />
  );
}
