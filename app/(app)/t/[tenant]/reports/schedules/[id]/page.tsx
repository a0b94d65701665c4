import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert } from "@/app/_components/ui/alert";
import { PageHeader } from "@/app/_components/ui/page-header";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { formatDateTime } from "@/lib/format";
import { getSchedule, listDeliveries } from "@/lib/reports/schedules/store";
import { DeliveryLog } from "../delivery-log";
import { destinationLabel, formValuesOf } from "../form-values";
import { ScheduleButtons } from "../schedule-buttons";
import { AUDIT_MANAGER_REPORTS } from "@/lib/reports/audit-manager/columns";
import { listEvaluationTemplates } from "@/lib/compliance/templates/template-store";
import { ScheduleForm } from "../schedule-form";

export const metadata: Metadata = { title: "Report schedule" };

export default async function ReportSchedulePage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const { tenant: slug, id } = await params;
  const { tenant } = await requireTenantPage(slug, "tenant:read", { page: "/t/[tenant]/reports/schedules/[id]" });
  const frameworks = (await listEvaluationTemplates(getDb(), { tenantId: tenant.tenantId })).map((t) => ({
    slug: t.slug,
    name: t.name,
  }));
  if (!/^[0-9a-f-]{36}$/i.test(id)) notFound();
  const db = getDb();
  const schedule = await getSchedule(db, tenant.tenantId, id);
  if (!schedule) notFound();
  const deliveries = await listDeliveries(db, tenant.tenantId, { scheduleId: id, limit: 200 });
  const canManage = tenant.capabilities.includes("report:schedule");
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link href={`/t/${slug}/reports/schedules`} className="text-brand-700 hover:underline">
          ← Report schedules
        </Link>
      </p>
      <PageHeader
        title={schedule.name}
        description={`${schedule.cron} (UTC) → ${destinationLabel(schedule)}${schedule.lastSuccessAt ? `; last delivered ${formatDateTime(schedule.lastSuccessAt)}` : ""}`}
        actions={
          canManage ? (
            <ScheduleButtons tenantId={tenant.tenantId} id={schedule.id} listHref={`/t/${slug}/reports/schedules`} />
          ) : undefined
        }
      />
      {schedule.failingSince && (
        <Alert tone="error">
          Failing since {formatDateTime(schedule.failingSince)}: {schedule.consecutiveFailures} deliveries in a row
          failed. Last error: {schedule.lastError}
        </Alert>
      )}
      {canManage && (
        <ScheduleForm
          tenantId={tenant.tenantId}
          values={formValuesOf(schedule)}
          frameworks={frameworks}
          auditManagerTemplates={AUDIT_MANAGER_REPORTS}
        />
      )}
      <section className="space-y-3">
        <h2 className="text-base font-semibold text-slate-900">Delivery log</h2>
        <DeliveryLog rows={deliveries} showSchedule={false} />
      </section>
    </div>
  );
}
