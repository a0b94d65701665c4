"use client";

import { useId } from "react";
import { FieldShell } from "@/app/_components/form/field";
import type { FormField, PolicyFormValues } from "@/lib/policies/policy-form";

// The common fields of a policy, bound to the JSON by the authoring component. Plain inputs
// without names, outside the save form: Enter in one of them must not save the draft.

const inputClass =
  "block w-full rounded-md border-0 bg-white px-2.5 py-1.5 text-sm text-slate-900 shadow-xs ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-brand-500 disabled:bg-slate-50 disabled:text-slate-500 aria-[invalid=true]:ring-red-400";

type Change = (field: FormField, value: string) => void;

function Field({
  field,
  label,
  hint,
  values,
  errors,
  onChange,
  disabled,
  className = "",
  ...input
}: {
  field: FormField;
  label: string;
  hint?: string;
  values: PolicyFormValues;
  errors: Partial<Record<FormField, string>>;
  onChange: Change;
  disabled?: boolean;
  className?: string;
} & Pick<React.InputHTMLAttributes<HTMLInputElement>, "inputMode" | "placeholder">) {
  const id = useId();
  const error = errors[field];
  const described = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} className={className}>
      <input
        id={id}
        value={values[field]}
        disabled={disabled}
        aria-invalid={Boolean(error)}
        aria-describedby={described}
        className={inputClass}
        {...input}
        onChange={(e) => onChange(field, e.target.value)}
      />
    </FieldShell>
  );
}

function Group({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <fieldset className="space-y-3 border-t border-slate-100 pt-3 first:border-t-0 first:pt-0">
      <legend className="float-left mb-2 w-full text-xs font-semibold tracking-wide text-slate-500 uppercase">
        {title}
      </legend>
      <div className="clear-both grid gap-3 sm:grid-cols-2">{children}</div>
    </fieldset>
  );
}

export function PolicyFields({
  values,
  errors,
  onChange,
  disabled,
  tagsApply,
}: {
  values: PolicyFormValues;
  errors: Partial<Record<FormField, string>>;
  onChange: Change;
  disabled: boolean;
  tagsApply: boolean;
}) {
  const f = { values, errors, onChange, disabled };
  const unitId = useId();
  return (
    <div className="space-y-4">
      <Group title="Plan">
        <Field {...f} field="planName" label="Plan name" hint="Becomes the backup plan's name in every account." />
        <Field {...f} field="regions" label="Regions" hint="Comma-separated, e.g. us-east-1, eu-west-1." />
      </Group>
      <Group title="Schedule and retention">
        <div>
          <Field {...f} field="frequencyValue" label="Back up at least every" inputMode="numeric" />
          <label htmlFor={unitId} className="sr-only">
            Frequency unit
          </label>
          <select
            id={unitId}
            value={values.frequencyUnit}
            disabled={disabled}
            onChange={(e) => onChange("frequencyUnit", e.target.value)}
            className={`${inputClass} mt-1.5`}
          >
            <option value="hours">hours</option>
            <option value="days">days</option>
          </select>
        </div>
        <Field
          {...f}
          field="startHourUtc"
          label="Start hour (UTC)"
          inputMode="numeric"
          disabled={disabled || values.frequencyUnit === "hours"}
          hint={values.frequencyUnit === "hours" ? "Hourly schedules start on the hour." : "0 to 23."}
        />
        <Field
          {...f}
          field="retentionDays"
          label="Keep backups (days)"
          inputMode="numeric"
          hint="Copies are kept as long."
        />
        <Field
          {...f}
          field="coldStorageAfterDays"
          label="Cold storage after (days)"
          inputMode="numeric"
          placeholder="none"
          hint="Empty: no cold storage. Deletion comes 90 days later at least."
        />
      </Group>
      <Group title="Vaults and copies">
        <Field {...f} field="vaultName" label="Backup vault" hint="Must exist in every account and Region." />
        <Field
          {...f}
          field="airGappedVaultName"
          label="Logically air-gapped vault"
          placeholder="none"
          hint="Backs up straight into this vault, in each account and Region."
        />
        <Field
          {...f}
          field="copyRegions"
          label="Copy to Regions"
          placeholder="e.g. eu-central-1"
          hint="Same account, another Region."
        />
        <Field
          {...f}
          field="copyAccounts"
          label="Copy to accounts"
          placeholder="12-digit IDs"
          hint="Same Region, another account."
        />
        <Field
          {...f}
          field="copyVaultName"
          label="Copy vault name"
          hint="The destination vault in those Regions and accounts."
        />
        <Field
          {...f}
          field="copyVaultArns"
          label="Other copy destinations (vault ARNs)"
          className="sm:col-span-2"
          placeholder="arn:aws:backup:us-east-1:111122223333:backup-vault:airgap"
          hint="Comma-separated, e.g. a logically air-gapped vault in a backup account."
        />
      </Group>
      <Group title="Resources">
        <Field
          {...f}
          field="iamRoleArn"
          label="IAM role"
          className="sm:col-span-2"
          hint="$account is replaced by each account's ID."
        />
        <Field {...f} field="tagKey" label="Tag key" disabled={disabled || !tagsApply} />
        <Field
          {...f}
          field="tagValues"
          label="Tag values"
          disabled={disabled || !tagsApply}
          hint="Comma-separated; any of them selects."
        />
      </Group>
    </div>
  );
}
