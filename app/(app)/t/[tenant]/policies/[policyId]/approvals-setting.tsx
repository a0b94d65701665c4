"use client";

import { useRouter } from "next/navigation";
import { ActionForm } from "@/app/_components/form/action-form";
import { SelectField } from "@/app/_components/form/field";
import { SubmitButton } from "@/app/_components/form/submit-button";
import { setRequiredApprovalsAction } from "../actions";

/** The admin's choice of one or two approvers for every policy of the organization. */
export function ApprovalsSetting({ tenantId, required }: { tenantId: string; required: number }) {
  const router = useRouter();
  return (
    <ActionForm
      action={setRequiredApprovalsAction}
      onSuccess={() => router.refresh()}
      success={(d) => `Saved: every version now needs ${d.requiredApprovals === 1 ? "one approval" : "two approvals"}.`}
      className="space-y-2"
    >
      <input type="hidden" name="tenantId" value={tenantId} />
      <div className="flex flex-wrap items-end gap-2">
        <SelectField
          name="requiredApprovals"
          label="Approvals required"
          defaultValue={String(required)}
          options={[
            { value: "1", label: "1 person other than the author" },
            { value: "2", label: "2 people other than the author" },
          ]}
        />
        <SubmitButton variant="secondary">Save</SubmitButton>
      </div>
    </ActionForm>
  );
}
