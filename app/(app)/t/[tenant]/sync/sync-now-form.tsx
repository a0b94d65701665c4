"use client";

import { useRouter } from "next/navigation";
import { ActionForm } from "@/app/_components/form/action-form";
import { SubmitButton } from "@/app/_components/form/submit-button";
import { syncNowAction } from "./actions";

export function SyncNowForm({ tenantId }: { tenantId: string }) {
  const router = useRouter();
  return (
    <ActionForm action={syncNowAction} className="flex flex-col items-end gap-2" onSuccess={() => router.refresh()}>
      <input type="hidden" name="tenantId" value={tenantId} />
      <SubmitButton pendingLabel="Starting…">Sync now</SubmitButton>
    </ActionForm>
  );
}
