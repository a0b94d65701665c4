"use client";

import { useRouter } from "next/navigation";
import { ActionForm } from "@/app/_components/form/action-form";
import { TextField } from "@/app/_components/form/field";
import { SubmitButton } from "@/app/_components/form/submit-button";
import { createExceptionAction } from "../../templates/exception-actions";

/** Accept a failing finding: it then counts as excepted (never as passing) until the expiry. */
export function AcceptExceptionForm({
  defaultExpiry,
  ...props
}: {
  tenantId: string;
  controlId: string;
  subjectType: string;
  subjectId: string;
  accountId: string;
  region: string;
  defaultExpiry: string;
}) {
  const router = useRouter();
  return (
    <div className="rounded-md border border-slate-200 p-3">
      <h3 className="text-sm font-semibold text-slate-900">Accept this risk</h3>
      <p className="mb-3 text-xs text-slate-600">
        Recorded in the audit log and listed in every report until it expires.
      </p>
      <ActionForm
        action={createExceptionAction}
        onSuccess={() => router.refresh()}
        success={() => "Accepted. The finding now counts as excepted."}
      >
        {Object.entries(props).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        <TextField name="reason" label="Why it is acceptable" maxLength={2000} />
        <TextField name="owner" label="Owner" maxLength={200} hint="Who answers for it." />
        <TextField name="expiresAt" label="Until" type="date" defaultValue={defaultExpiry} />
        <SubmitButton>Accept risk</SubmitButton>
      </ActionForm>
    </div>
  );
}
