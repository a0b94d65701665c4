import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { z } from "zod";
import { CopyButton } from "@/app/_components/form/copy-button";
import { Alert } from "@/app/_components/ui/alert";
import { Card } from "@/app/_components/ui/card";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Table, Td, Th } from "@/app/_components/ui/table";
import { listMemberRoleOverrides, listTenants } from "@/lib/admin/tenants";
import { memberReadPolicy } from "@/lib/aws/read-permissions";
import { requireGlobalPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import {
  managementTrustPolicy as trustOfManagementRole,
  memberTrustPolicy as trustOfMemberRole,
} from "@/lib/onboarding/trust-policies";
import { getProductPrincipal } from "@/lib/onboarding/product-principal";
import { loadSetupFacts } from "@/lib/onboarding/setup-facts";
import { scheduleKeyOf } from "@/lib/validation/tenants";
import { TenantForm } from "../tenant-form";
import { RoleTemplatesPending, RoleTemplatesSection } from "./role-templates-section";
import { ConnectionTestSection } from "./connection-test-section";
import { formatDateTime } from "@/lib/format";
import {
  AddMemberRoleOverrideForm,
  DeleteTenantForm,
  RemoveMemberRoleOverrideForm,
  RotateExternalIdForm,
} from "./tenant-danger-forms";

export const metadata: Metadata = { title: "Organization" };

const PRINCIPAL_PLACEHOLDER = "<this product's AWS principal ARN>";

const managementTrustPolicy = (externalId: string, principalArn: string) =>
  JSON.stringify(trustOfManagementRole(principalArn, externalId), null, 2);
const memberTrustPolicy = (managementRoleArn: string) => JSON.stringify(trustOfMemberRole(managementRoleArn), null, 2);

/** Where the product's credentials come from, in the words of its configuration. */
function credentialSource(): string {
  if (env.AWS_ACCESS_KEY_ID) return "the access key in AWS_ACCESS_KEY_ID";
  if (env.AWS_ENDPOINT_URL) return `the principal of the AWS simulator at AWS_ENDPOINT_URL (${env.AWS_ENDPOINT_URL})`;
  return "the AWS SDK's default credential chain (the instance, task or IRSA role the product runs as)";
}

// Wraps rather than scrolls: a policy is read whole before it is pasted, and the copy button takes
// the exact text whatever the wrapping.
function PolicyText({ children }: { children: string }) {
  return (
    <pre className="rounded bg-slate-900 p-3 text-xs break-all whitespace-pre-wrap text-slate-100">{children}</pre>
  );
}

async function ManagementTrustPolicy({ externalId }: { externalId: string }) {
  const found = await getProductPrincipal();
  const policy = managementTrustPolicy(externalId, found instanceof Error ? PRINCIPAL_PLACEHOLDER : found.arn);
  return (
    <Card
      title="Management role trust policy"
      description={
        found instanceof Error ? (
          <span className="text-amber-800">
            Could not ask AWS who this product is ({found.message}); replace the placeholder with the ARN of the
            principal it runs as.
          </span>
        ) : (
          <>
            Trusts <span className="font-mono break-all">{found.arn}</span>: the identity this product runs as, from STS
            GetCallerIdentity with {credentialSource()}.
            {found.fromSession &&
              " STS names the role without its path: if the role has one, add it to the ARN (arn:aws:iam::…:role/path/Name)."}
          </>
        )
      }
      actions={<CopyButton value={policy} />}
    >
      <PolicyText>{policy}</PolicyText>
    </Card>
  );
}

export default async function TenantPage({ params }: { params: Promise<{ tenantId: string }> }) {
  await requireGlobalPage("tenant:manage");
  const { tenantId } = await params;
  if (!z.uuid().safeParse(tenantId).success) notFound();
  const tenant = (await listTenants(getDb())).find((t) => t.id === tenantId);
  if (!tenant) notFound();
  const [overrides, { hasSynced }] = await Promise.all([
    listMemberRoleOverrides(getDb(), tenant.id),
    loadSetupFacts(getDb(), tenant.id),
  ]);
  return (
    <div className="space-y-6">
      <Link href="/settings/organizations" className="text-sm text-brand-700 hover:underline">
        ← All organizations
      </Link>
      <PageHeader
        title={tenant.name}
        description={`Management account ${tenant.managementAccountId} · ${tenant.regions.length} region(s)`}
      />
      {!hasSynced && (
        <Alert tone="info">
          This organization has not been synced yet.{" "}
          <Link href={`/settings/organizations/${tenant.id}/setup`} className="font-medium underline">
            Follow the setup guide
          </Link>{" "}
          to create its roles, test the connection and run the first sync.
        </Alert>
      )}
      <Card
        title="ExternalId"
        description="AWS's defence against the confused-deputy problem: the management role's trust policy must require exactly this value."
      >
        <div className="flex flex-wrap items-center gap-3">
          <code className="rounded bg-slate-100 px-2 py-1 font-mono text-sm break-all" data-testid="external-id">
            {tenant.externalId}
          </code>
          <CopyButton value={tenant.externalId} label="Copy ExternalId" />
          <RotateExternalIdForm tenantId={tenant.id} />
        </div>
      </Card>
      <div className="grid gap-6 lg:grid-cols-2">
        <Suspense
          fallback={
            <Card title="Management role trust policy" description="Asking AWS who this product is…">
              <PolicyText>{managementTrustPolicy(tenant.externalId, PRINCIPAL_PLACEHOLDER)}</PolicyText>
            </Card>
          }
        >
          <ManagementTrustPolicy externalId={tenant.externalId} />
        </Suspense>
        <Card
          title={`Member role (${tenant.memberRoleName}) trust policy`}
          description="Deploy it to every member account, e.g. with a StackSet."
          actions={<CopyButton value={memberTrustPolicy(tenant.managementRoleArn)} />}
        >
          <PolicyText>{memberTrustPolicy(tenant.managementRoleArn)}</PolicyText>
        </Card>
        <Card
          title={`Member role (${tenant.memberRoleName}) permissions`}
          description="Read-only, and all the sync needs. A key in another account is described only if its key policy admits the vault's account."
          actions={<CopyButton value={memberReadPolicy()} />}
        >
          <PolicyText>{memberReadPolicy()}</PolicyText>
        </Card>
      </div>
      <Suspense fallback={<RoleTemplatesPending />}>
        <RoleTemplatesSection tenantId={tenant.id} />
      </Suspense>
      <ConnectionTestSection tenantId={tenant.id} />
      <Card title="Settings" id="settings">
        <TenantForm
          initial={{
            tenantId: tenant.id,
            name: tenant.name,
            managementAccountId: tenant.managementAccountId,
            managementRoleArn: tenant.managementRoleArn,
            policyPushRoleArn: tenant.policyPushRoleArn,
            memberRoleName: tenant.memberRoleName,
            regions: tenant.regions,
            schedule: scheduleKeyOf(tenant.syncSchedule),
          }}
        />
      </Card>
      <Card
        title="Member role per account"
        description={`The sync assumes ${tenant.memberRoleName} in every member account. Where an account's role has another name, set it here; the next sync uses it.`}
      >
        <div className="space-y-4">
          {overrides.length > 0 ? (
            <Table caption="Accounts whose member role has another name">
              <thead>
                <tr>
                  <Th>Account</Th>
                  <Th>Role assumed</Th>
                  <Th>Changed</Th>
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {overrides.map((o) => (
                  <tr key={o.accountId}>
                    <Td>
                      <span className="font-mono">{o.accountId}</span>{" "}
                      {o.accountName && <span className="text-slate-500">{o.accountName}</span>}
                    </Td>
                    <Td className="font-mono">{o.memberRoleName}</Td>
                    <Td className="text-slate-500">{formatDateTime(o.updatedAt)}</Td>
                    <Td className="text-right">
                      <RemoveMemberRoleOverrideForm tenantId={tenant.id} accountId={o.accountId} />
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          ) : (
            <p className="text-sm text-slate-500">Every account uses {tenant.memberRoleName}.</p>
          )}
          <AddMemberRoleOverrideForm tenantId={tenant.id} />
        </div>
      </Card>
      <Card
        title="Delete organization"
        description="Removes the organization and everything synced for it. The audit log keeps its history."
      >
        <DeleteTenantForm tenantId={tenant.id} name={tenant.name} />
      </Card>
    </div>
  );
}
