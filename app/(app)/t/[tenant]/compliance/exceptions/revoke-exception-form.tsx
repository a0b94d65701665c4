"use client";

import { ActionForm } from "@/app/_components/form/action-form";
import { TextField } from "@/app/_components/form/field";
import { SubmitButton } from "@/app/_components/form/submit-button";
import { revokeExceptionAction } from "../templates/exception-actions";

export function RevokeExceptionForm({ tenantId, exceptionId }: { tenantId: string; exceptionId: string }) {
  return (
    <details className="text-xs">
      <summary className="cursor-pointer font-medium text-brand-700">Revoke</summary>
      <div className="mt-2 w-64">
        <ActionForm action={revokeExceptionAction} success={() => "Revoked."}>
          <input type="hidden" name="tenantId" value={tenantId} />
          <input type="hidden" name="exceptionId" value={exceptionId} />
          <TextField name="reason" label="Why" maxLength={2000} />
          <SubmitButton variant="danger">Revoke</SubmitButton>
        </ActionForm>
      </div>
    </details>
  );
}
