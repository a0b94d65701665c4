import type { Metadata } from "next";
import Link from "next/link";
import { auditTargetUserEmails, countAuditLog, listAuditActions, listAuditLog } from "@/db/queries/audit-log";
import type { AuditRow } from "@/db/schema";
import { DateInput } from "@/app/_components/form/date-input";
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
import { detailLines, type DetailLine } from "./details";

export const metadata: Metadata = { title: "Audit log" };
const PAGE_SIZE = 50;

const inputClass =
  "block w-full rounded-md border-0 px-2.5 py-1.5 text-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-brand-500";

// What an entry's target_type names, as a reader would say it.
const TARGET_LABELS: Record<string, string> = {
  user: "User",
  tenant: "Organization",
  account: "Account",
  table: "Table",
  audit_log: "Audit log",
  compliance_template: "Template",
  compliance_exception: "Exception",
  managed_policy: "Policy",
  policy_version: "Policy version",
  policy_push: "Policy push",
  sync_run: "Sync run",
};

const OUTCOME_TONES = { success: "green", denied: "amber", failure: "red" } as const;

function Target({ row, names }: { row: AuditRow; names: Map<string, string> }) {
  if (!row.targetType) return <span className="text-slate-400">—</span>;
  const label = TARGET_LABELS[row.targetType] ?? row.targetType;
  const name = row.targetId ? names.get(`${row.targetType}:${row.targetId}`) : undefined;
  return (
    <>
      <div className="text-slate-500">{label}</div>
      {name ? (
        <div className="break-words" title={row.targetId ?? undefined}>
          {name}
        </div>
      ) : row.targetId ? (
        <div className="font-mono break-all">{row.targetId}</div>
      ) : null}
    </>
  );
}

const DETAIL_LINES_SHOWN = 6;

function DetailList({ lines }: { lines: DetailLine[] }) {
  return (
    <dl className="max-w-md space-y-0.5 text-xs [overflow-wrap:anywhere]">
      {lines.map((l, i) => (
        <div key={i}>
          <dt className="inline text-slate-500">{l.key}:</dt> <dd className="inline text-slate-800">{l.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The first lines of an entry's details, and the rest (a push lists every AWS call) on request. */
function Details({ lines }: { lines: DetailLine[] }) {
  if (lines.length <= DETAIL_LINES_SHOWN + 1) return <DetailList lines={lines} />;
  return (
    <>
      <DetailList lines={lines.slice(0, DETAIL_LINES_SHOWN)} />
      <details className="mt-0.5">
        <summary className="cursor-pointer text-xs font-medium text-brand-700">
          {lines.length - DETAIL_LINES_SHOWN} more
        </summary>
        <DetailList lines={lines.slice(DETAIL_LINES_SHOWN)} />
      </details>
    </>
  );
}

export default async function AuditLogPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireGlobalPage("audit:read");
  const raw = await searchParams;
  const parsed = auditFilterInput.safeParse(raw);
  const input = parsed.success ? parsed.data : {};
  const filters = toAuditFilters(input);
  const db = getDb();
  const page = async (cursor: { beforeId?: number; afterId?: number }) =>
    listAuditLog(db, filters, { limit: PAGE_SIZE, ...cursor });
  let rows = await page(input.after ? { afterId: input.after } : { beforeId: input.before });
  // Fewer than a page newer than the cursor: that is the newest page, shown whole.
  if (input.after && rows.length < PAGE_SIZE) rows = await page({});
  const [total, newer, actions, tenants] = await Promise.all([
    countAuditLog(db, filters),
    rows.length ? countAuditLog(db, filters, rows[0]!.id) : 0,
    listAuditActions(db),
    listTenants(db),
  ]);
  const tenantName = new Map(tenants.map((t) => [t.id, t.name]));
  const userEmails = await auditTargetUserEmails(
    db,
    rows.filter((r) => r.targetType === "user" && r.targetId).map((r) => r.targetId!),
  );
  const names = new Map<string, string>([
    ...[...tenantName].map(([id, name]) => [`tenant:${id}`, name] as [string, string]),
    ...[...userEmails].map(([id, email]) => [`user:${id}`, email] as [string, string]),
  ]);
  const query = new URLSearchParams(
    Object.entries(input)
      .filter(([k, v]) => k !== "before" && k !== "after" && v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
  const withCursor = (cursor: Record<string, string>) =>
    `?${new URLSearchParams({ ...Object.fromEntries(query), ...cursor })}`;
  const first = newer + 1;
  const last = newer + rows.length;
  const pager =
    total > PAGE_SIZE ? (
      <nav aria-label="Audit log pages" className="flex flex-wrap items-center justify-end gap-2">
        {newer > 0 && (
          <>
            <Link href={withCursor({})} className={buttonClass("ghost", "sm")}>
              Newest
            </Link>
            <Link href={withCursor({ after: String(rows[0]!.id) })} className={buttonClass("secondary", "sm")}>
              ← Newer
            </Link>
          </>
        )}
        {last < total && (
          <Link
            href={withCursor({ before: String(rows[rows.length - 1]!.id) })}
            className={buttonClass("secondary", "sm")}
          >
            Older →
          </Link>
        )}
      </nav>
    ) : null;
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
            defaultValue={input.actor}
            placeholder="email contains…"
            className={`mt-1 ${inputClass}`}
          />
        </label>
        <label className="text-xs font-medium text-slate-700">
          Action
          <select name="action" defaultValue={input.action ?? ""} className={`mt-1 ${inputClass}`}>
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
          <select name="tenant" defaultValue={input.tenant ?? ""} className={`mt-1 ${inputClass}`}>
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
          <DateInput key={input.from ?? ""} name="from" defaultValue={input.from} className={`mt-1 ${inputClass}`} />
        </label>
        <label className="text-xs font-medium text-slate-700">
          To
          <DateInput key={input.to ?? ""} name="to" defaultValue={input.to} className={`mt-1 ${inputClass}`} />
        </label>
        <div className="flex items-start gap-2 pt-5">
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
        <div className="space-y-2">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <p className="text-xs text-slate-600" aria-live="polite" data-testid="audit-position">
              {`Entries ${first.toLocaleString("en-US")}–${last.toLocaleString("en-US")} of ${total.toLocaleString("en-US")}, newest first`}
            </p>
            {pager}
          </div>
          <Table caption="Audit log entries, newest first">
            <thead>
              <tr>
                <Th>When</Th>
                <Th>Actor</Th>
                <Th>Action</Th>
                <Th>Target</Th>
                <Th>Outcome</Th>
                <Th>Organization</Th>
                <Th>Details</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((r) => {
                const lines = detailLines(r.details);
                return (
                  <tr key={r.id}>
                    <Td className="text-xs whitespace-nowrap text-slate-600">{formatDateTime(r.at)}</Td>
                    <Td className="text-xs">
                      {r.actorEmail ?? "system"}
                      {r.ip && <div className="text-slate-400">{r.ip}</div>}
                    </Td>
                    <Td>
                      <span className="font-mono text-xs">{r.action}</span>
                    </Td>
                    <Td className="min-w-32 text-xs">
                      <Target row={r} names={names} />
                    </Td>
                    <Td>
                      <Badge tone={OUTCOME_TONES[r.outcome as keyof typeof OUTCOME_TONES] ?? "gray"}>{r.outcome}</Badge>
                    </Td>
                    <Td className="text-xs">{r.tenantId ? (tenantName.get(r.tenantId) ?? "deleted") : "—"}</Td>
                    <Td className="min-w-72">
                      {lines.length === 0 ? (
                        <span className="text-xs text-slate-400">—</span>
                      ) : (
                        <Details lines={lines} />
                      )}
                    </Td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
          {pager}
        </div>
      )}
    </div>
  );
}
