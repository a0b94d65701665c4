import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@/app/_components/ui/badge";
import { Card } from "@/app/_components/ui/card";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Table, Td, Th } from "@/app/_components/ui/table";
import { requireTenantPage } from "@/lib/auth/session";
import { CONTROLS } from "@/lib/compliance/controls/registry";
import { getDb } from "@/lib/db";
import { parseAsOf } from "@/lib/dashboard/as-of";
import { decodeResourceId, findingHref } from "@/lib/dashboard/links";
import { getResourceDetail } from "@/lib/dashboard/queries/resource-detail";
import { getRunFrameworks } from "@/lib/dashboard/queries/run-frameworks";
import type { SearchParams } from "@/lib/dashboard/url";
import { formatDate, formatDateTime, formatDuration } from "@/lib/format";
import { AccountCell } from "../../_components/account-cell";
import { JobCell } from "../../_components/job-cell";
import { EvidenceList } from "../../compliance/_components/evidence-list";
import { StatusBadge } from "../../compliance/_components/score";

export const metadata: Metadata = { title: "Resource" };

export default async function ResourcePage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string; resource: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug, resource: id } = await params;
  const { tenant } = await requireTenantPage(slug);
  const arn = decodeResourceId(id);
  if (!arn) notFound();
  const asOf = parseAsOf(await searchParams, tenant.period);
  // Looked up within the URL's tenant only: another tenant's resource is not found here.
  const r = await getResourceDetail(getDb(), tenant.tenantId, arn, asOf.at);
  if (!r) notFound();
  const frameworksOf = await getRunFrameworks(getDb(), tenant.tenantId, asOf.at);
  const protection = r.findings.find((f) => f.controlId === "BK-01");
  const selections = (protection?.evidence ?? []).filter((e) => e.kind === "selection" || e.kind === "plan");
  const failing = r.findings.filter((f) => f.status !== "PASS").length;
  return (
    <div className="space-y-5">
      <Link href={`/t/${slug}/resources`} className="text-sm text-brand-700 hover:underline">
        ← Resources
      </Link>
      <PageHeader
        title={r.resourceName ?? r.resourceArn.split(/[:/]/).pop() ?? r.resourceArn}
        description={
          <>
            <span className="font-mono break-all">{r.resourceArn}</span>
            <span className="mt-1 block">
              {r.resourceType} · <AccountCell tenantId={tenant.tenantId} slug={slug} accountId={r.accountId} /> ·{" "}
              {r.region} · last backup {r.lastBackupTime ? formatDateTime(r.lastBackupTime) : "never"}
            </span>
          </>
        }
      />
      {Object.keys(r.tags).length > 0 && (
        <div className="flex flex-wrap gap-1" aria-label="Tags">
          {Object.entries(r.tags).map(([k, v]) => (
            <span key={k} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">
              {k}={v}
            </span>
          ))}
        </div>
      )}

      <Card
        title="Plans and selections"
        description="The backup plans whose selections really pick this resource (opt-in included), as BK-01 found them."
      >
        {protection ? (
          <div className="space-y-2">
            <p className="flex items-center gap-2 text-sm">
              <StatusBadge status={protection.status} /> {protection.reason}
            </p>
            {selections.length > 0 && <EvidenceList slug={slug} evidence={selections} />}
          </div>
        ) : (
          <p className="text-sm text-slate-500">Not evaluated yet (it appears after the next evaluation).</p>
        )}
      </Card>

      <section aria-labelledby="points" className="space-y-2">
        <h2 id="points" className="text-sm font-semibold text-slate-900">
          Recovery points ({r.pointsTotal.toLocaleString("en-US")}
          {r.pointsTotal > r.points.length ? `, newest ${r.points.length} shown` : ""})
        </h2>
        {r.points.length === 0 ? (
          <p className="text-sm text-slate-500">
            No recovery points of this resource in any vault of the organization.
          </p>
        ) : (
          <Table caption="Recovery points of this resource">
            <thead>
              <tr>
                <Th>Created</Th>
                <Th>Where</Th>
                <Th>Encrypted</Th>
                <Th>Vault lock</Th>
                <Th>Kept until</Th>
                <Th>Status</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {r.points.map((p) => (
                <tr key={p.recoveryPointArn}>
                  <Td className="text-xs whitespace-nowrap">
                    <span title={p.recoveryPointArn}>{formatDateTime(p.creationDate)}</span>
                  </Td>
                  <Td className="text-xs">
                    <span className="font-medium">{p.backupVaultName}</span>
                    {p.isCopy && (
                      <>
                        {" "}
                        <Badge tone="blue">copy</Badge>
                      </>
                    )}
                    {p.vaultType === "LOGICALLY_AIR_GAPPED_BACKUP_VAULT" && (
                      <>
                        {" "}
                        <Badge tone="blue">air-gapped</Badge>
                      </>
                    )}
                    <div>
                      <AccountCell tenantId={tenant.tenantId} slug={slug} accountId={p.accountId} /> · {p.region}
                    </div>
                  </Td>
                  <Td className="text-xs">
                    {p.isEncrypted ? (
                      <span title={p.encryptionKeyArn ?? undefined}>yes</span>
                    ) : (
                      <Badge tone="red">no</Badge>
                    )}
                  </Td>
                  <Td className="text-xs">{p.vaultLocked === null ? "—" : p.vaultLocked ? "locked" : "not locked"}</Td>
                  <Td className="text-xs whitespace-nowrap">
                    {p.deleteAt ? formatDate(p.deleteAt) : p.deleteAfterDays === null ? "never expires" : "—"}
                    {p.deleteAfterDays !== null && <span className="text-slate-500"> ({p.deleteAfterDays} days)</span>}
                  </Td>
                  <Td className="text-xs">
                    {p.status.toLowerCase()}
                    {p.storageClass && p.storageClass !== "WARM" ? ` · ${p.storageClass.toLowerCase()}` : ""}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>

      <section aria-labelledby="jobs" className="space-y-2">
        <h2 id="jobs" className="text-sm font-semibold text-slate-900">
          Jobs (newest {r.jobs.length})
        </h2>
        {r.jobs.length === 0 ? (
          <p className="text-sm text-slate-500">
            No backup, copy or restore jobs of this resource in the kept history.
          </p>
        ) : (
          <Table caption="Jobs of this resource">
            <thead>
              <tr>
                <Th>Job</Th>
                <Th>Kind</Th>
                <Th>State</Th>
                <Th>Started</Th>
                <Th>Took</Th>
                <Th>Message</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {r.jobs.map((j) => (
                <tr key={`${j.kind}${j.jobId}`}>
                  <Td>
                    <JobCell slug={slug} kind={j.kind} jobId={j.jobId} />
                  </Td>
                  <Td className="text-xs">{j.kind}</Td>
                  <Td>
                    <Badge tone={j.hasIssue ? "red" : j.state === "COMPLETED" ? "green" : "gray"}>
                      {j.state.toLowerCase()}
                    </Badge>
                  </Td>
                  <Td className="text-xs whitespace-nowrap">{formatDateTime(j.creationDate)}</Td>
                  <Td className="text-xs whitespace-nowrap">
                    {j.completionDate ? formatDuration(j.completionDate.getTime() - j.creationDate.getTime()) : "—"}
                  </Td>
                  <Td className="max-w-md text-xs">{j.statusMessage ?? "—"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>

      <section aria-labelledby="findings" className="space-y-3">
        <h2 id="findings" className="text-sm font-semibold text-slate-900">
          Findings ({r.findings.length}, {failing} not passing)
        </h2>
        {r.findings.length === 0 && <p className="text-sm text-slate-500">No findings about this resource yet.</p>}
        {r.findings.map((f) => (
          <Card
            key={`${f.runId}${f.controlId}${f.subjectType}`}
            title={
              <span className="flex flex-wrap items-center gap-2">
                <StatusBadge status={f.status} />
                <Link href={findingHref(slug, f, asOf.param)} className="font-mono hover:underline" data-link="finding">
                  {f.controlId}
                </Link>
                <span>{CONTROLS[f.controlId].title}</span>
              </span>
            }
            description={`${f.reason}${f.subjectType === "account-resource-type" ? ` (judged for every ${r.resourceType} resource of the account)` : ""}${frameworksOf[f.runId]?.length ? ` · for ${frameworksOf[f.runId]!.join(", ")}` : ""}`}
          >
            {/* The resource itself is described above: show the other facts. */}
            {(() => {
              const others = (f.evidence ?? []).filter((e) => !(e.kind === "resource" && e.id === r.resourceArn));
              return others.length ? (
                <EvidenceList slug={slug} evidence={others} />
              ) : (
                <p className="text-xs text-slate-500">
                  Evidence: this resource (its type and tags above), nothing else.
                </p>
              );
            })()}
          </Card>
        ))}
      </section>
    </div>
  );
}
