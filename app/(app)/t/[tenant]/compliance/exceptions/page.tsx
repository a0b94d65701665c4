import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/app/_components/ui/badge";
import { buttonClass } from "@/app/_components/ui/button";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Table, Td, Th } from "@/app/_components/ui/table";
import { requireTenantPage } from "@/lib/auth/session";
import { listExceptions } from "@/lib/compliance/exceptions";
import { AccountCell } from "../../_components/account-cell";
import { getDb } from "@/lib/db";
import { exportBaseOf } from "@/lib/dashboard/load-table";
import { exceptionsTable } from "@/lib/dashboard/tables/exceptions";
import { first, type SearchParams } from "@/lib/dashboard/url";
import { formatDate, shortArn } from "@/lib/format";
import { RevokeExceptionForm } from "./revoke-exception-form";

export const metadata: Metadata = { title: "Exceptions" };
const STATES = ["active", "expired", "revoked", "all"] as const;

export default async function ExceptionsPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug);
  const wanted = first((await searchParams).state);
  const state = (STATES as readonly string[]).includes(wanted ?? "") ? (wanted as (typeof STATES)[number]) : "active";
  const rows = await listExceptions(getDb(), { tenantId: tenant.tenantId, state });
  const canManage = tenant.capabilities.includes("exception:manage");
  const exportBase = exportBaseOf(exceptionsTable, tenant);
  return (
    <div className="space-y-4">
      <PageHeader
        title="Exceptions"
        description="Failing findings accepted with a reason, an owner and an expiry. They count as excepted, never as passing, and every report lists them."
        actions={
          exportBase ? (
            <span className="flex gap-2">
              <a className={buttonClass("secondary", "sm")} href={`${exportBase}?state=${state}&format=csv`} download>
                Export CSV
              </a>
              <a className={buttonClass("secondary", "sm")} href={`${exportBase}?state=${state}&format=json`} download>
                Export JSON
              </a>
            </span>
          ) : undefined
        }
      />
      <nav aria-label="Exception state" className="flex gap-2 text-sm">
        {STATES.map((s) => (
          <Link
            key={s}
            href={`?state=${s}`}
            aria-current={s === state ? "page" : undefined}
            className={`rounded-md px-2.5 py-1 ${s === state ? "bg-brand-50 font-medium text-brand-700" : "text-slate-600 hover:bg-slate-100"}`}
          >
            {s}
          </Link>
        ))}
      </nav>
      {rows.length === 0 ? (
        <EmptyState title={`No ${state === "all" ? "" : `${state} `}exceptions`}>
          {canManage ? "Accept a failing finding from its page under Findings." : null}
        </EmptyState>
      ) : (
        <Table caption="Exceptions">
          <thead>
            <tr>
              <Th>Finding</Th>
              <Th>Reason</Th>
              <Th>Owner</Th>
              <Th>Until</Th>
              <Th>State</Th>
              {canManage && (
                <Th>
                  <span className="sr-only">Revoke</span>
                </Th>
              )}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((x) => (
              <tr key={x.id}>
                <Td>
                  <Link
                    href={`/t/${slug}/compliance/findings/detail?${new URLSearchParams({ control: x.controlId, subjectType: x.subjectType, subject: x.subjectId, account: x.accountId, region: x.region })}`}
                    className="text-brand-700 hover:underline"
                  >
                    <span className="font-mono text-xs">{x.controlId}</span>{" "}
                    <span className="font-mono text-xs">{shortArn(x.subjectId)}</span>
                  </Link>
                  <div className="text-xs text-slate-500">
                    <AccountCell tenantId={tenant.tenantId} slug={slug} accountId={x.accountId} /> {x.region}
                  </div>
                </Td>
                <Td className="max-w-md text-xs">{x.reason}</Td>
                <Td className="text-xs">
                  {x.owner}
                  <div className="text-slate-500">by {x.createdByEmail ?? "—"}</div>
                </Td>
                <Td className="text-xs whitespace-nowrap">{formatDate(x.expiresAt)}</Td>
                <Td>
                  <Badge tone={x.state === "active" ? "violet" : "gray"}>{x.state}</Badge>
                  {x.revokeReason && <div className="mt-0.5 text-xs text-slate-500">{x.revokeReason}</div>}
                </Td>
                {canManage && (
                  <Td>
                    {x.state === "active" && <RevokeExceptionForm tenantId={tenant.tenantId} exceptionId={x.id} />}
                  </Td>
                )}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}
