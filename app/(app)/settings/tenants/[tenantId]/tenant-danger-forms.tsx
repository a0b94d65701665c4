"use client";

import { ActionForm } from "@/app/_components/form/action-form";
import { TextField } from "@/app/_components/form/field";
import { SubmitButton } from "@/app/_components/form/submit-button";
import { deleteTenantAction, rotateExternalIdAction } from "../actions";

export function RotateExternalIdForm({ tenantId }: { tenantId: string }) {
  return (
    <ActionForm action={rotateExternalIdAction} className="flex items-center gap-3" success={() => "Rotated. Update the trust policy before the next sync."}>
      <input type="hidden" name="tenantId" value={tenantId} />
      <SubmitButton variant="secondary" pendingLabel="Rotating…">
        Rotate
      </SubmitButton>
    </ActionForm>
  );
}

export function DeleteTenantForm({ tenantId, name }: { tenantId: string; name: string }) {
  return (
    <ActionForm action={deleteTenantAction}>
      <input type="hidden" name="tenantId" value={tenantId} />
      <TextField name="confirmName" label={`Type "${name}" to confirm`} autoComplete="off" />
      <SubmitButton variant="danger" pendingLabel="Deleting…">
        Delete organization
      </SubmitButton>
    </ActionForm>
  );
}
