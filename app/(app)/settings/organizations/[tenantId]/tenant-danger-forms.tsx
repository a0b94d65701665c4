"use client";

import { ActionForm } from "@/app/_components/form/action-form";
import { TextField } from "@/app/_components/form/field";
import { SubmitButton } from "@/app/_components/form/submit-button";
import {
  deleteTenantAction,
  removeMemberRoleOverrideAction,
  rotateExternalIdAction,
  setMemberRoleOverrideAction,
} from "../actions";

export function RotateExternalIdForm({ tenantId }: { tenantId: string }) {
  return (
    <ActionForm
      action={rotateExternalIdAction}
      className="flex items-center gap-3"
      success={() => "Rotated. Update the trust policy before the next sync."}
    >
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

export function AddMemberRoleOverrideForm({ tenantId }: { tenantId: string }) {
  return (
    <ActionForm
      action={setMemberRoleOverrideAction}
      className="flex flex-wrap items-start gap-3"
      resetOnSuccess
      success={() => "Saved. The next sync assumes this role in that account."}
    >
      <input type="hidden" name="tenantId" value={tenantId} />
      <TextField
        name="accountId"
        label="Account ID"
        inputMode="numeric"
        placeholder="123456789012"
        autoComplete="off"
        className="w-44"
      />
      <TextField
        name="memberRoleName"
        label="Role name in that account"
        placeholder="OrgBackupReadOnly"
        autoComplete="off"
        className="w-64"
      />
      <div className="pt-6">
        <SubmitButton variant="secondary" pendingLabel="Saving…">
          Set role
        </SubmitButton>
      </div>
    </ActionForm>
  );
}

export function RemoveMemberRoleOverrideForm({ tenantId, accountId }: { tenantId: string; accountId: string }) {
  return (
    <ActionForm action={removeMemberRoleOverrideAction} className="inline">
      <input type="hidden" name="tenantId" value={tenantId} />
      <input type="hidden" name="accountId" value={accountId} />
      <SubmitButton variant="secondary" pendingLabel="Removing…">
        Remove<span className="sr-only"> the role override of account {accountId}</span>
      </SubmitButton>
    </ActionForm>
  );
}
