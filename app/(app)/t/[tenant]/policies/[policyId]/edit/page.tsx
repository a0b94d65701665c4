import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/app/_components/ui/page-header";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getPolicyHistory } from "@/lib/policies/read";
import { getVersion } from "@/lib/policies/store";
import { getTenantRegions, listTargetOptions, listTemplateStarts } from "@/lib/policies/screens";
import { PolicyAuthoring } from "../../_components/policy-authoring";

export const metadata: Metadata = { title: "New policy version" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A new draft of an existing policy, starting from the version in ?from= (default the latest). */
export default async function EditPolicyPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string; policyId: string }>;
  searchParams: Promise<{ from?: string }>;
}) {
  const { tenant: slug, policyId } = await params;
  const { tenant } = await requireTenantPage(slug, "policy:draft");
  if (!UUID.test(policyId)) notFound();
  const db = getDb();
  const history = await getPolicyHistory(db, { tenantId: tenant.tenantId, policyId }).catch((e: unknown) => {
    if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const wanted = Number((await searchParams).from);
  const source = history.versions.find((v) => v.version === wanted) ?? history.versions[0];
  if (!source) notFound();
  const version = await getVersion(db, { tenantId: tenant.tenantId, versionId: source.versionId });
  const regions = await getTenantRegions(db, { tenantId: tenant.tenantId });
  const [templates, targets] = await Promise.all([
    listTemplateStarts(db, { tenantId: tenant.tenantId, regions }),
    listTargetOptions(db, { tenantId: tenant.tenantId }),
  ]);
  const base = `/t/${slug}/policies/${policyId}`;
  return (
    <div>
      <PageHeader
        title={`New version of ${history.policy.name}`}
        description={
          <>
            Starts from version {source.version}. The earlier versions stay as they are; this one needs approval like
            any other before it is pushed.{" "}
            <Link href={base} className="text-brand-700 hover:underline">
              Back to the policy
            </Link>
          </>
        }
      />
      <PolicyAuthoring
        tenantId={tenant.tenantId}
        slug={slug}
        templates={templates}
        targets={targets}
        mode={{
          kind: "draft",
          policyId,
          policyName: history.policy.name,
          fromVersion: source.version,
          description: version.description,
          targets: version.targets,
        }}
        initialText={version.content}
      />
    </div>
  );
}
