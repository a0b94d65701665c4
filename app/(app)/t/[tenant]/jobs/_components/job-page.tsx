import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@/app/_components/ui/badge";
import { Card } from "@/app/_components/ui/card";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { resourceHref, type JobKind } from "@/lib/dashboard/links";
import { getJobDetail } from "@/lib/dashboard/queries/job-detail";
import { formatBytes, formatDateTime, formatDuration } from "@/lib/format";
import { AccountCell } from "../../_components/account-cell";

const TITLE: Record<JobKind, string> = { backup: "Backup job", copy: "Copy job", restore: "Restore job" };
const LIST: Record<JobKind, string> = { backup: "", copy: "/copy", restore: "/restore" };

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="contents">
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 font-mono break-all text-slate-800">{children ?? "—"}</dd>
    </div>
  );
}

/** One backup, copy or restore job, found only within the tenant of the URL. */
export async function JobPage({ slug, kind, rawId }: { slug: string; kind: JobKind; rawId: string }) {
  const { tenant } = await requireTenantPage(slug);
  const jobId = decodeURIComponent(rawId);
  if (!/^[A-Za-z0-9_.:-]{1,200}$/.test(jobId)) notFound();
  const j = await getJobDetail(getDb(), tenant.tenantId, kind, jobId);
  if (!j) notFound();
  return (
    <div className="mt-4 space-y-4">
      <Link href={`/t/${slug}/jobs${LIST[kind]}`} className="text-sm text-brand-700 hover:underline">
        ← {TITLE[kind]}s
      </Link>
      <Card
        title={
          <span className="flex items-center gap-2">
            {TITLE[kind]} <span className="font-mono">{j.jobId}</span>
            <Badge tone={j.hasIssue ? "red" : j.state === "COMPLETED" ? "green" : "gray"}>
              {j.state === "COMPLETED" && j.hasIssue ? "completed with issues" : j.state.toLowerCase()}
            </Badge>
          </span>
        }
        description={j.statusMessage ?? "No status message."}
      >
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5 text-sm">
          <Row label="Job ID">{j.jobId}</Row>
          <Row label="ARN">{j.jobArn}</Row>
          <Row label="Account">
            <AccountCell tenantId={tenant.tenantId} slug={slug} accountId={j.accountId} />
          </Row>
          <Row label="Region">{j.region}</Row>
          <Row label="Resource">
            {j.resourceArn ? (
              <Link
                href={resourceHref(slug, j.resourceArn)}
                className="text-brand-700 hover:underline"
                data-link="resource"
              >
                {j.resourceArn}
              </Link>
            ) : null}
          </Row>
          <Row label="Resource type">{j.resourceType}</Row>
          <Row label="IAM role">
            {j.iamRoleArn ?? "not recorded: the job was synced before the product kept job roles"}
          </Row>
          {j.plan && (
            <Row label="Created by">
              plan {j.plan.planName ?? j.plan.planId}
              {j.plan.ruleId ? `, rule ${j.plan.ruleName ?? j.plan.ruleId}` : ""}
            </Row>
          )}
          <Row label="Size">{j.sizeBytes === null ? null : formatBytes(j.sizeBytes)}</Row>
          <Row label="Started">{formatDateTime(j.creationDate)}</Row>
          <Row label="Completed">{j.completionDate ? formatDateTime(j.completionDate) : null}</Row>
          <Row label="Took">
            {j.completionDate ? formatDuration(j.completionDate.getTime() - j.creationDate.getTime()) : null}
          </Row>
          <Row label="Message">{j.statusMessage}</Row>
          <Row label="Message category">{j.messageCategory}</Row>
          {j.facts.map(([label, value]) => (
            <Row key={label} label={label}>
              {value}
            </Row>
          ))}
        </dl>
      </Card>
    </div>
  );
}
