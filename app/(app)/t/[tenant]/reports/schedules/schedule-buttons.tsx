"use client";

import { ActionForm } from "@/app/_components/form/action-form";
import { SubmitButton } from "@/app/_components/form/submit-button";
import { deleteReportScheduleAction, runReportScheduleAction } from "./actions";

/** "Run now" and "Delete" for one schedule. */
export function ScheduleButtons({ tenantId, id }: { tenantId: string; id: string }) {
  return (
    <div className="flex gap-2">
      <ActionForm action={runReportScheduleAction} success={() => "Queued: delivered within a minute."}>
        <input type="hidden" name="tenantId" value={tenantId} />
        <input type="hidden" name="id" value={id} />
        <SubmitButton variant="secondary" pendingLabel="Queuing…">
          Run now
        </SubmitButton>
      </ActionForm>
      <ActionForm action={deleteReportScheduleAction} success={() => "Deleted."}>
        <input type="hidden" name="tenantId" value={tenantId} />
        <input type="hidden" name="id" value={id} />
        <SubmitButton variant="danger" pendingLabel="Deleting…">
          Delete
        </SubmitButton>
      </ActionForm>
    </div>
  );
}
