"use client";

import { useRouter } from "next/navigation";
import { ActionForm } from "@/app/_components/form/action-form";
import { TextField } from "@/app/_components/form/field";
import { SubmitButton } from "@/app/_components/form/submit-button";
import { acknowledgeUnreadAccountAction, withdrawAcknowledgementAction } from "./actions";

/** Acknowledge an account the sync has no data for, or take the acknowledgement back. */
export function UnreadAccountForm({
  tenantId,
  accountId,
  accountName,
  acknowledged,
}: {
  tenantId: string;
  accountId: string;
  accountName: string;
  acknowledged: boolean;
}) {
  const router = useRouter();
  if (acknowledged)
    return (
      <ActionForm action={withdrawAcknowledgementAction} onSuccess={() => router.refresh()} className="inline">
        <input type="hidden" name="tenantId" value={tenantId} />
        <input type="hidden" name="accountId" value={accountId} />
        <SubmitButton variant="secondary">Withdraw acknowledgement</SubmitButton>
      </ActionForm>
    );
  return (
    // Open, the form takes a line of its own in the account's row; closed, it takes no room at all
    // (a closed <details> still lays its content out in Chromium).
    <details className="group text-xs open:basis-full">
      <summary className="cursor-pointer font-medium text-brand-700">Acknowledge no data</summary>
      <div className="mt-2 w-72 max-w-full group-not-open:hidden">
        <ActionForm
          action={acknowledgeUnreadAccountAction}
          onSuccess={() => router.refresh()}
          success={() => "Acknowledged: the freshness banner no longer counts this account."}
        >
          <input type="hidden" name="tenantId" value={tenantId} />
          <input type="hidden" name="accountId" value={accountId} />
          <TextField
            name="reason"
            label={`Why ${accountName} is not read`}
            maxLength={500}
            hint="e.g. sandbox without the member role; suspended, awaiting closure."
          />
          <SubmitButton>Acknowledge</SubmitButton>
        </ActionForm>
      </div>
    </details>
  );
}
