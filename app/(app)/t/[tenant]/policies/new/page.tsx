import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/app/_components/ui/page-header";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { getTenantRegions, listTargetOptions, listTemplateStarts } from "@/lib/policies/screens";
import { PolicyAuthoring } from "../_components/policy-authoring";

export const metadata: Metadata = { title: "New backup policy" };

export default async function NewPolicyPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug, "policy:draft");
  const db = getDb();
  const regions = await getTenantRegions(db, { tenantId: tenant.tenantId });
  const [templates, targets] = await Promise.all([
    listTemplateStarts(db, { tenantId: tenant.tenantId, regions }),
    listTargetOptions(db, { tenantId: tenant.tenantId }),
  ]);
  return (
    <div>
      <PageHeader
        title="New backup policy"
        description={
          <>
            Generate a policy from a framework template, adjust it through the form or the JSON, and save it as a draft.
            Nothing reaches AWS until the draft is submitted, approved by someone else and pushed.{" "}
            <Link href={`/t/${slug}/policies`} className="text-brand-700 hover:underline">
              Back to the policies
            </Link>
          </>
        }
      />
      <PolicyAuthoring
        tenantId={tenant.tenantId}
        slug={slug}
        templates={templates}
        targets={targets}
        mode={{ kind: "create", suggestedName: templates[0]?.params.planName ?? "backup-baseline" }}
        initialText={null}
      />
    </div>
  );
}
