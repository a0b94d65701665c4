import type { Metadata } from "next";
import Link from "next/link";
import { listAuditActions, listAuditLog } from "@/db/queries/audit-log";
import { Badge } from "@/app/_components/ui/badge";
import { buttonClass } from "@/app/_components/ui/button";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Table, Td, Th } from "@/app/_components/ui/table";
import { Alert } from "@/app/_components/ui/alert";
import { listTenants } from "@/lib/admin/tenants";
import { requireGlobalPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { formatDateTime } from "@/lib/format";
import { auditFilterInput, toAuditFilters } from "@/lib/validation/audit";

export const metadata: Metadata = { title: "Audit log" };
const PAGE_SIZE = 50;

const inputClass =
  "block w-full rounded-md border-0 px-2.5 py-1.5 text-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-brand-500";

export default async function AuditLogPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireGlobalPage("audit:read");
  const raw = await searchParams;
  const parsed = auditFilterInput.safeParse(raw);
  const filters = parsed.success ? parsed.data : {};
  const db = getDb();
  const [rows, actions, tenants] = await Promise.all([
    listAuditLog(db, toAuditFilters(filters), { limit: PAGE_SIZE, beforeId: filters.before }),
    listAuditActions(db),
    listTenants(db),
  ]);
  const tenantName = new Map(tenants.map((t) => [t.id, t.name]));
  const query = new URLSearchParams(
    Object.entries(filters)
      .filter(([k, v]) => k !== "before" && v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
  const older =
    rows.length === PAGE_SIZE
      ? `?${new URLSearchParams({ ...Object.fromEntries(query), before: String(rows[rows.length - 1]!.id) })}`
      : null;
  return (
    <div className="space-y-5">
      <PageHeader
        title="Audit log"
        description="Every sign-in, sign-out, refusal and change, append-only and hash-chained: `npm run audit:verify` proves nothing was altered or removed."
        actions={
          <a href={`/settings/audit-log/export?${query}`} className={buttonClass("secondary")} download>
            Export CSV
          </a>
        }
      />
      {!parsed.success && <Alert tone="warning">Some filters were not valid and were ignored.</Alert>}
      <form
        method="get"
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-3 lg:grid-cols-6"
        aria-label="Filter the audit log"
      >
        <label className="text-xs font-medium text-slate-700">
          Actor
          <input
            name="actor"
            defaultValue={filters.actor}
            placeholder="email contains…"
            className={`mt-1 ${inputClass}`}
          />
        </label>
        <label className="text-xs font-medium text-slate-700">
          Action
          <select name="action" defaultValue={filters.action ?? ""} className={`mt-1 ${inputClass}`}>
            <option value="">Any</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium text-slate-700">
          Organization
          <select name="tenant" defaultValue={filters.tenant ?? ""} className={`mt-1 ${inputClass}`}>
            <option value="">Any</option>
            {tenants.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium text-slate-700">
          From
          <input type="date" name="from" defaultValue={filters.from} className={`mt-1 ${inputClass}`} />
        </label>
        <label className="text-xs font-medium text-slate-700">
          To
          <input type="date" name="to" defaultValue={filters.to} className={`mt-1 ${inputClass}`} />
        </label>
        <div className="flex items-end gap-2">
          <button type="submit" className={buttonClass()}>
            Filter
          </button>
          <Link href="/settings/audit-log" className={buttonClass("ghost")}>
            Clear
          </Link>
        </div>
      </form>
      {rows.length === 0 ? (
        <EmptyState title="No entries match these filters" />
      ) : (
        <Table caption="Audit log entries, newest first">
          <thead>
            <tr>
              <Th>When</Th>
              <Th>Actor</Th>
              <Th>Action</Th>
              <Th>Organization</Th>
              <Th>Details</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((r) => (
              <tr key={r.id}>
                <Td className="text-xs whitespace-nowrap text-slate-600">{formatDateTime(r.at)}</Td>
                <Td className="text-xs">
                  {r.actorEmail ?? "system"}
                  {r.ip && <div className="text-slate-400">{r.ip}</div>}
                </Td>
                <Td>
                  <span className="font-mono text-xs">{r.action}</span>{" "}
                  {r.outcome !== "success" && (
                    <Badge tone={r.outcome === "denied" ? "amber" : "red"}>{r.outcome}</Badge>
                  )}
                </Td>
                <Td className="text-xs">{r.tenantId ? (tenantName.get(r.tenantId) ?? "deleted") : "—"}</Td>
                <Td>
                  <code
                    className="block max-w-xl truncate font-mono text-xs text-slate-600"
                    title={JSON.stringify(r.details)}
                  >
                    {JSON.stringify(r.details)}
                  </code>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {older && (
        <div className="flex justify-end">
          <Link href={older} className={buttonClass("secondary")}>
            Older entries →
          </Link>
        </div>
      )}
    </div>
  );
}
