import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
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
import { scheduleKeyOf } from "@/lib/validation/tenants";
import { TenantForm } from "../tenant-form";
import { formatDateTime } from "@/lib/format";
import {
  AddMemberRoleOverrideForm,
  DeleteTenantForm,
  RemoveMemberRoleOverrideForm,
  RotateExternalIdForm,
} from "./tenant-danger-forms";

export const metadata: Metadata = { title: "Organization" };

function trustPolicies(t: { externalId: string; managementRoleArn: string }) {
  const management = {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: "<this product's AWS principal ARN>" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:ExternalId": t.externalId } },
      },
    ],
  };
  const member = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: t.managementRoleArn }, Action: "sts:AssumeRole" }],
  };
  return {
    management: JSON.stringify(management, null, 2),
    member: JSON.stringify(member, null, 2),
    memberPermissions: memberReadPolicy(),
  };
}

export default async function TenantPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<{ created?: string }>;
}) {
  await requireGlobalPage("tenant:manage");
  const { tenantId } = await params;
  if (!z.uuid().safeParse(tenantId).success) notFound();
  const tenant = (await listTenants(getDb())).find((t) => t.id === tenantId);
  if (!tenant) notFound();
  const { created } = await searchParams;
  const policies = trustPolicies(tenant);
  const overrides = await listMemberRoleOverrides(getDb(), tenant.id);
  return (
    <div className="space-y-6">
      <Link href="/settings/tenants" className="text-sm text-brand-700 hover:underline">
        ← All organizations
      </Link>
      <PageHeader
        title={tenant.name}
        description={`Management account ${tenant.managementAccountId} · ${tenant.regions.length} region(s)`}
      />
      {created && (
        <Alert tone="success">
          Organization added. Put the ExternalId below into the management role&apos;s trust policy, then run the first
          sync.
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
        <Card title="Management role trust policy" actions={<CopyButton value={policies.management} />}>
          <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100">{policies.management}</pre>
        </Card>
        <Card
          title={`Member role (${tenant.memberRoleName}) trust policy`}
          description="Deploy it to every member account, e.g. with a StackSet."
          actions={<CopyButton value={policies.member} />}
        >
          <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100">{policies.member}</pre>
        </Card>
        <Card
          title={`Member role (${tenant.memberRoleName}) permissions`}
          description="Read-only, and all the sync needs. A key in another account is described only if its key policy admits the vault's account."
          actions={<CopyButton value={policies.memberPermissions} />}
        >
          <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100">
            {policies.memberPermissions}
          </pre>
        </Card>
      </div>
      <Card title="Settings">
        <TenantForm
          initial={{
            tenantId: tenant.id,
            name: tenant.name,
            managementAccountId: tenant.managementAccountId,
            managementRoleArn: tenant.managementRoleArn,
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
