import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/app/_components/ui/alert";
import { Badge } from "@/app/_components/ui/badge";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Table, Td, Th } from "@/app/_components/ui/table";
import { requireTenantPage } from "@/lib/auth/session";
import { clock } from "@/lib/clock";
import { getDb } from "@/lib/db";
import { formatDateTime } from "@/lib/format";
import { lastDeliveries, listDeliveries, listSchedules, nextSlot } from "@/lib/reports/schedules/store";
import { DeliveryLog } from "./delivery-log";
import { destinationLabel, EMPTY_SCHEDULE } from "./form-values";
import { AUDIT_MANAGER_REPORTS } from "@/lib/reports/audit-manager/columns";
import { listEvaluationTemplates } from "@/lib/compliance/templates/template-store";
import { ScheduleForm } from "./schedule-form";

export const metadata: Metadata = { title: "Report schedules" };

export default async function ReportSchedulesPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug, "tenant:read", { page: "/t/[tenant]/reports/schedules" });
  const frameworks = (await listEvaluationTemplates(getDb(), { tenantId: tenant.tenantId })).map((t) => ({
    slug: t.slug,
    name: t.name,
  }));
  const db = getDb();
  const [schedules, deliveries, lastOf] = await Promise.all([
    listSchedules(db, tenant.tenantId),
    listDeliveries(db, tenant.tenantId, { limit: 50 }),
    lastDeliveries(db, tenant.tenantId),
  ]);
  const canManage = tenant.capabilities.includes("report:schedule");
  const now = clock.now();
  const failing = schedules.filter((s) => s.failingSince);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Report schedules"
        description="Reports delivered on a schedule to a folder, an S3 bucket or by email. A failed delivery is tried again after 1 and 5 minutes; a schedule whose deliveries fail 3 times in a row is marked failing."
      />
      {failing.length > 0 && (
        <Alert tone="error">
          {failing.length === 1 ? "1 schedule is" : `${failing.length} schedules are`} failing:{" "}
          {failing.map((s) => `${s.name} (${s.lastError ?? "no error recorded"})`).join("; ")}
        </Alert>
      )}
      {schedules.length === 0 ? (
        <EmptyState title="No report schedules">{canManage ? "Create one below." : null}</EmptyState>
      ) : (
        <Table caption="Report schedules">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Destination</Th>
              <Th>Next run</Th>
              <Th>Last delivery</Th>
              <Th>Status</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {schedules.map((s) => {
              const last = lastOf.get(s.id);
              const next = s.enabled ? nextSlot(s.cron, now) : null;
              return (
                <tr key={s.id}>
                  <Td>
                    <Link href={`/t/${slug}/reports/schedules/${s.id}`} className="text-brand-700 hover:underline">
                      {s.name}
                    </Link>
                    <div className="font-mono text-xs text-slate-500">{s.cron}</div>
                  </Td>
                  <Td className="text-xs">{destinationLabel(s)}</Td>
                  <Td className="text-xs whitespace-nowrap">{next ? formatDateTime(next) : "—"}</Td>
                  <Td className="text-xs whitespace-nowrap">
                    {last ? (
                      <>
                        {formatDateTime(last.slot)}{" "}
                        <Badge
                          tone={last.status === "delivered" ? "green" : last.status === "failed" ? "red" : "amber"}
                        >
                          {last.status}
                        </Badge>
                      </>
                    ) : (
                      "—"
                    )}
                  </Td>
                  <Td>
                    {s.failingSince ? (
                      <>
                        <Badge tone="red">failing</Badge>
                        <div className="mt-0.5 max-w-xs text-xs text-red-700">{s.lastError}</div>
                      </>
                    ) : s.enabled ? (
                      <Badge tone="green">enabled</Badge>
                    ) : (
                      <Badge tone="gray">disabled</Badge>
                    )}
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
      {canManage && (
        <section className="space-y-3">
          <h2 className="text-base font-semibold text-slate-900">New schedule</h2>
          <ScheduleForm
            tenantId={tenant.tenantId}
            values={EMPTY_SCHEDULE}
            frameworks={frameworks}
            auditManagerTemplates={AUDIT_MANAGER_REPORTS}
          />
        </section>
      )}
      <section className="space-y-3">
        <h2 className="text-base font-semibold text-slate-900">Delivery log</h2>
        <DeliveryLog rows={deliveries} showSchedule />
      </section>
    </div>
  );
}
