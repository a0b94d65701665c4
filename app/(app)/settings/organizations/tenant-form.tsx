"use client";

import { ActionForm } from "@/app/_components/form/action-form";
import { CheckboxGroupField, SelectField, TextField } from "@/app/_components/form/field";
import { SubmitButton } from "@/app/_components/form/submit-button";
import { AWS_REGIONS } from "@/lib/aws/regions";
import { SYNC_SCHEDULE_KEYS, SYNC_SCHEDULES, type SyncScheduleKey } from "@/lib/validation/tenants";
import { createTenantAction, updateTenantAction } from "./actions";

export interface TenantFormValues {
  tenantId: string;
  name: string;
  managementAccountId: string;
  managementRoleArn: string;
  policyPushRoleArn: string | null;
  memberRoleName: string;
  regions: string[];
  schedule: SyncScheduleKey;
}

const scheduleOptions = SYNC_SCHEDULE_KEYS.map((k) => ({ value: k, label: SYNC_SCHEDULES[k].label }));

/** Add (no initial values) or edit an organization; the same fields and the same validation. */
export function TenantForm({ initial }: { initial?: TenantFormValues }) {
  return (
    <ActionForm action={initial ? updateTenantAction : createTenantAction} success={() => "Saved."}>
      {initial && <input type="hidden" name="tenantId" value={initial.tenantId} />}
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          name="name"
          label="Name"
          defaultValue={initial?.name}
          maxLength={100}
          hint="How this organization is shown everywhere."
        />
        <TextField
          name="managementAccountId"
          label="Management account ID"
          defaultValue={initial?.managementAccountId}
          inputMode="numeric"
          placeholder="123456789012"
          hint="12 digits."
        />
        <TextField
          name="managementRoleArn"
          label="Role to assume in the management account"
          defaultValue={initial?.managementRoleArn}
          placeholder="arn:aws:iam::123456789012:role/BackupGovernance"
          className="sm:col-span-2"
          hint="In the management or delegated administrator account; it must trust this product's identity with the ExternalId."
        />
        <TextField
          name="policyPushRoleArn"
          label="Policy push role (optional)"
          defaultValue={initial?.policyPushRoleArn ?? ""}
          placeholder="arn:aws:iam::123456789012:role/BackupGovernancePolicyPush"
          className="sm:col-span-2"
          hint="A role holding only the Organizations writes of a backup policy push, trusting this product's identity with the same ExternalId. Empty: pushes run as the role above."
        />
        <TextField
          name="memberRoleName"
          label="Member account role name"
          defaultValue={initial?.memberRoleName ?? "BackupGovernanceReadOnly"}
          hint="The read-only role assumed in every member account."
        />
        <SelectField
          name="schedule"
          label="Sync schedule"
          defaultValue={initial?.schedule ?? "6h"}
          options={scheduleOptions}
        />
        <CheckboxGroupField
          name="regions"
          label="Regions to inventory"
          options={[...AWS_REGIONS]}
          defaultValues={initial?.regions ?? ["us-east-1"]}
          className="sm:col-span-2"
        />
        {!initial && (
          <TextField
            name="externalId"
            label="ExternalId (optional)"
            className="sm:col-span-2"
            hint="Leave empty and a random ExternalId is generated for you to put in the role's trust policy. Enter one only if an existing trust policy already names it."
          />
        )}
      </div>
      <SubmitButton>{initial ? "Save changes" : "Add organization"}</SubmitButton>
    </ActionForm>
  );
}
