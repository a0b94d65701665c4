import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { Card } from "@/app/_components/ui/card";
import { PageHeader } from "@/app/_components/ui/page-header";
import { requireTenantPage } from "@/lib/auth/session";
import { CONTROLS } from "@/lib/compliance/controls/registry";
import { CONTROL_IDS, SUBJECT_TYPES } from "@/lib/compliance/model/finding";
import { getFinding } from "@/lib/compliance/read/findings";
import { getDb } from "@/lib/db";
import { parseAsOf } from "@/lib/dashboard/as-of";
import { getRunFrameworks } from "@/lib/dashboard/queries/run-frameworks";
import { first, type SearchParams } from "@/lib/dashboard/url";
import { formatDate, formatDateTime, isoDateInDays } from "@/lib/format";
import { resourceHref } from "@/lib/dashboard/links";
import { AccountCell } from "../../../_components/account-cell";
import { EvidenceList } from "../../_components/evidence-list";
import { StatusBadge } from "../../_components/score";
import { AcceptExceptionForm } from "./accept-exception-form";

export const metadata: Metadata = { title: "Finding" };

const query = z.object({
  control: z.enum(CONTROL_IDS),
  subjectType: z.enum(SUBJECT_TYPES),
  subject: z.string().min(1).max(2048),
  account: z.string().regex(/^\d{12}$/),
  region: z.string().max(32).default(""),
});

export default async function FindingPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug, "tenant:read", { view: "history" });
  const sp = await searchParams;
  const parsed = query.safeParse(Object.fromEntries(Object.entries(sp).map(([k, v]) => [k, first(v)])));
  if (!parsed.success) notFound();
  const q = parsed.data;
  const asOf = parseAsOf(sp, tenant.period);
  const { evaluation, findings } = await getFinding(getDb(), {
    tenantId: tenant.tenantId,
    asOf: asOf.at,
    controlId: q.control,
    subjectType: q.subjectType,
    subjectId: q.subject,
    accountId: q.account,
    region: q.region,
  });
  if (findings.length === 0) notFound();
  const frameworksOf = await getRunFrameworks(getDb(), tenant.tenantId, asOf.at);
  const control = CONTROLS[q.control];
  const canAccept = tenant.capabilities.includes("exception:manage") && !asOf.param;
  return (
    <div className="space-y-5">
      <Link
        href={`/t/${slug}/compliance/findings?${new URLSearchParams({ control: q.control, ...(asOf.param ? { asOf: asOf.param } : {}) })}`}
        className="text-sm text-brand-700 hover:underline"
      >
        ← {q.control} findings
      </Link>
      <PageHeader
        title={`${q.control} ${control.title}`}
        description={
          <>
            {q.subjectType === "resource" ? (
              <Link href={resourceHref(slug, q.subject)} className="font-mono break-all text-brand-700 hover:underline">
                {q.subject}
              </Link>
            ) : (
              <span className="font-mono break-all">{q.subject}</span>
            )}{" "}
            · {q.subjectType.replace("-", " ")} ·{" "}
            <AccountCell tenantId={tenant.tenantId} slug={slug} accountId={q.account} />
            {q.region ? ` · ${q.region}` : ""} · evaluation of{" "}
            {evaluation ? formatDateTime(evaluation.evaluatedAt) : "—"}
            {asOf.param ? ` (as of ${asOf.param})` : ""}
          </>
        }
      />
      {findings.map((f) => (
        <Card
          key={f.runId}
          title={
            <span className="flex items-center gap-2">
              <StatusBadge status={f.status} /> <span>{f.reason}</span>
            </span>
          }
          description={`${frameworksOf[f.runId]?.length ? `For ${frameworksOf[f.runId]!.join(", ")}` : `Check ${f.runId}`}${f.since.at ? ` · this result since ${formatDate(f.since.at)}` : ""}`}
        >
          <div className="grid gap-5 lg:grid-cols-[minmax(0,1fr)_20rem]">
            <div>
              <h3 className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">Evidence</h3>
              <EvidenceList slug={slug} evidence={f.evidence ?? []} />
            </div>
            <div className="space-y-3">
              {f.exception ? (
                <div className="rounded-md border border-violet-200 bg-violet-50 p-3 text-sm text-violet-900">
                  <p className="font-medium">Accepted risk (counts as excepted, not passing)</p>
                  <p className="mt-1">{f.exception.reason}</p>
                  <p className="mt-1 text-xs">
                    Owner {f.exception.owner} · until {formatDate(f.exception.expiresAt)} · by{" "}
                    {f.exception.createdByEmail ?? "—"}
                  </p>
                </div>
              ) : f.findingStatus === "FAIL" && canAccept ? (
                <AcceptExceptionForm
                  tenantId={tenant.tenantId}
                  controlId={q.control}
                  subjectType={q.subjectType}
                  subjectId={q.subject}
                  accountId={q.account}
                  region={q.region}
                  defaultExpiry={isoDateInDays(90)}
                />
              ) : null}
            </div>
          </div>
        </Card>
      ))}
    </div>
  );
}
