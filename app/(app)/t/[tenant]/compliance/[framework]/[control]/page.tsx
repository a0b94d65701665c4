import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert } from "@/app/_components/ui/alert";
import { Card } from "@/app/_components/ui/card";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Table, Td, Th } from "@/app/_components/ui/table";
import { requireTenantPage } from "@/lib/auth/session";
import { CONTROLS } from "@/lib/compliance/controls/registry";
import { CONTROL_IDS, type ControlId } from "@/lib/compliance/model/finding";
import { paramsLine } from "@/lib/compliance/templates/parameter-form";
import { getDb } from "@/lib/db";
import { parseAsOf } from "@/lib/dashboard/as-of";
import { findingHref } from "@/lib/dashboard/links";
import { getComplianceSummary } from "@/lib/dashboard/queries/compliance";
import { getControlDetail } from "@/lib/dashboard/queries/control-detail";
import type { SearchParams } from "@/lib/dashboard/url";
import { shortArn } from "@/lib/format";
import { AccountCell } from "../../../_components/account-cell";
import { AsOfForm } from "../../_components/as-of-form";
import { CountsLine, StatusBadge } from "../../_components/score";

export const metadata: Metadata = { title: "Control" };

export default async function ControlPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string; framework: string; control: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug, framework, control } = await params;
  const { tenant } = await requireTenantPage(slug, "tenant:read", { view: "history" });
  if (!(CONTROL_IDS as readonly string[]).includes(control)) notFound();
  const controlId = control as ControlId;
  const asOf = parseAsOf(await searchParams, tenant.period);
  const db = getDb();
  const summary = await getComplianceSummary(db, tenant.tenantId, asOf.at);
  const f = summary.frameworks.find((x) => x.slug === framework);
  if (!f) notFound();
  const requirements = f.requirements.filter((r) => r.controls.includes(controlId));
  if (requirements.length === 0) notFound();
  const def = CONTROLS[controlId];
  const detail = await getControlDetail(db, { tenantId: tenant.tenantId, framework, controlId, asOf: asOf.at });
  const findings = (extra: Record<string, string>) =>
    `/t/${slug}/compliance/findings?${new URLSearchParams({ framework, control: controlId, ...(asOf.param ? { asOf: asOf.param } : {}), ...extra })}`;
  const pathname = `/t/${slug}/compliance/${framework}/${controlId}`;
  return (
    <div className="space-y-5">
      <Link
        href={`/t/${slug}/compliance/${framework}${asOf.param ? `?${new URLSearchParams({ asOf: asOf.param })}` : ""}`}
        className="text-sm text-brand-700 hover:underline"
      >
        ← {f.name}
      </Link>
      <PageHeader
        title={`${controlId} ${def.title}`}
        description={def.description}
        actions={<AsOfForm pathname={pathname} value={asOf.param} keep={{}} pinned={Boolean(tenant.period)} />}
      />
      {asOf.error && <Alert tone="warning">{asOf.error}</Alert>}
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="In this framework">
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5 text-sm">
            <dt className="text-slate-500">Requirements</dt>
            <dd>
              {requirements.map((r) => (
                <div key={r.id}>
                  <span className="font-mono text-xs text-slate-500">{r.id}</span> {r.title}
                </div>
              ))}
            </dd>
            <dt className="text-slate-500">Parameters</dt>
            <dd>{paramsLine(controlId, f.parameters[controlId], (raw) => def.params.safeParse(raw))}</dd>
            <dt className="text-slate-500">Findings</dt>
            <dd>
              <CountsLine counts={detail.counts} href={(status) => findings({ status })} />
            </dd>
          </dl>
        </Card>
        <Card title="How to fix">
          <p className="text-sm text-slate-700">{def.remediation}</p>
        </Card>
      </div>

      <section aria-labelledby="causes" className="space-y-2">
        <h2 id="causes" className="text-sm font-semibold text-slate-900">
          Not passing, by cause ({detail.groups.length.toLocaleString("en-US")} causes for{" "}
          {detail.notPassing.toLocaleString("en-US")} findings)
        </h2>
        {detail.grouped < detail.notPassing && (
          <Alert tone="info">
            Grouped the first {detail.grouped.toLocaleString("en-US")} findings; the counts above cover all of them.
          </Alert>
        )}
        {detail.groups.length === 0 ? (
          <p className="text-sm text-slate-500">Every finding of this control passes.</p>
        ) : (
          <Table caption="Findings not passing, grouped by cause">
            <thead>
              <tr>
                <Th>Status</Th>
                <Th className="text-right">Findings</Th>
                <Th>Cause</Th>
                <Th>Plan · rule · vault · message</Th>
                <Th>For example</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {detail.groups.map((g, i) => (
                <tr key={i}>
                  <Td>
                    <StatusBadge status={g.cause.status} />
                  </Td>
                  <Td className="text-right font-semibold tabular-nums">
                    <Link href={findings({ status: g.cause.status })} className="hover:underline">
                      {g.count.toLocaleString("en-US")}
                    </Link>
                  </Td>
                  <Td className="max-w-md text-xs">{g.cause.reason}</Td>
                  <Td className="text-xs">
                    {[
                      g.cause.plan && `plan ${g.cause.plan}`,
                      g.cause.rule && `rule ${g.cause.rule}`,
                      g.cause.vault && `vault ${g.cause.vault}`,
                      g.cause.message && `“${g.cause.message}”`,
                    ]
                      .filter(Boolean)
                      .join(" · ") || "—"}
                    {/* A plan belongs to one account and region: say which, as plan names repeat. */}
                    {g.cause.plan && g.samples[0] && (
                      <div className="text-slate-500">
                        in{" "}
                        <AccountCell
                          tenantId={tenant.tenantId}
                          slug={slug}
                          accountId={g.samples[0].accountId}
                          link={false}
                        />
                        {g.samples[0].region ? ` · ${g.samples[0].region}` : ""}
                      </div>
                    )}
                  </Td>
                  <Td className="text-xs">
                    <ul className="space-y-0.5">
                      {g.samples.map((s) => (
                        <li key={`${s.runId}${s.subjectId}`} className="max-w-56 truncate">
                          <Link
                            href={findingHref(slug, s, asOf.param)}
                            className="font-mono text-brand-700 hover:underline"
                            title={s.subjectId}
                            data-link="finding"
                          >
                            {shortArn(s.subjectId)}
                          </Link>{" "}
                          <AccountCell tenantId={tenant.tenantId} slug={slug} accountId={s.accountId} link={false} />
                        </li>
                      ))}
                    </ul>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>
    </div>
  );
}
