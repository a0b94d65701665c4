"use client";

import { useCallback } from "react";
import { useRouter } from "next/navigation";
import { ActionForm } from "@/app/_components/form/action-form";
import { SubmitButton } from "@/app/_components/form/submit-button";
import { deleteReportScheduleAction, runReportScheduleAction } from "./actions";

/** "Run now" and "Delete" for one schedule; after a delete, back to the list. */
export function ScheduleButtons({ tenantId, id, listHref }: { tenantId: string; id: string; listHref: string }) {
  const router = useRouter();
  // Stable, so the form's success effect runs once per result, not on every render.
  const back = useCallback(() => router.push(listHref), [router, listHref]);
  return (
    <div className="flex gap-2">
      <ActionForm action={runReportScheduleAction} success={() => "Queued: delivered within a minute."}>
        <input type="hidden" name="tenantId" value={tenantId} />
        <input type="hidden" name="id" value={id} />
        <SubmitButton variant="secondary" pendingLabel="Queuing…">
          Run now
        </SubmitButton>
      </ActionForm>
      <ActionForm action={deleteReportScheduleAction} onSuccess={back}>
        <input type="hidden" name="tenantId" value={tenantId} />
        <input type="hidden" name="id" value={id} />
        <SubmitButton variant="danger" pendingLabel="Deleting…">
          Delete
        </SubmitButton>
      </ActionForm>
    </div>
  );
}
