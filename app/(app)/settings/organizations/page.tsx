import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/app/_components/ui/badge";
import { Card } from "@/app/_components/ui/card";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Table, Td, Th } from "@/app/_components/ui/table";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { listTenants } from "@/lib/admin/tenants";
import { requireGlobalPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { scheduleKeyOf, SYNC_SCHEDULES } from "@/lib/validation/tenants";
import { TenantForm } from "./tenant-form";

export const metadata: Metadata = { title: "Organizations" };

export default async function TenantsPage() {
  await requireGlobalPage("tenant:manage");
  const tenants = await listTenants(getDb());
  return (
    <div className="space-y-6">
      <PageHeader
        title="Organizations"
        description="Each organization is one AWS Organization (for an MSP, one per client organization), reached by assuming a role in its management account."
      />
      {tenants.length === 0 ? (
        <EmptyState title="No organizations yet">Add the first one below.</EmptyState>
      ) : (
        <Table caption="Organizations">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Management account</Th>
              <Th>Regions</Th>
              <Th>Schedule</Th>
              <Th>Status</Th>
              <Th>
                <span className="sr-only">Manage</span>
              </Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {tenants.map((t) => (
              <tr key={t.id}>
                <Td className="font-medium">{t.name}</Td>
                <Td className="font-mono text-xs">{t.managementAccountId}</Td>
                <Td className="text-xs">{t.regions.join(", ")}</Td>
                <Td className="text-xs">{SYNC_SCHEDULES[scheduleKeyOf(t.syncSchedule)].label}</Td>
                <Td>
                  <Badge tone={t.status === "active" ? "green" : t.status === "error" ? "red" : "gray"}>
                    {t.status}
                  </Badge>
                </Td>
                <Td className="text-right">
                  <Link
                    href={`/settings/organizations/${t.id}`}
                    className="text-sm font-medium text-brand-700 hover:underline"
                  >
                    Manage<span className="sr-only"> {t.name}</span>
                  </Link>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <Card title="Add an AWS Organization">
        <TenantForm />
      </Card>
    </div>
  );
}
