"use client";

import { useRouter } from "next/navigation";
import { ActionForm } from "@/app/_components/form/action-form";
import { CheckboxGroupField, SelectField, TextField } from "@/app/_components/form/field";
import { SubmitButton } from "@/app/_components/form/submit-button";
import {
  ALL_RESOURCE_TYPES,
  formatParam,
  PARAM_FIELDS,
  type ParamField,
} from "@/lib/compliance/templates/parameter-form";
import { CONTROL_IDS, type ControlId } from "@/lib/compliance/model/finding";
import {
  addRequirementAction,
  cloneTemplateAction,
  removeRequirementAction,
  setTenantTemplatesAction,
  updateTemplateParametersAction,
} from "./actions";

export interface TemplateFormView {
  slug: string;
  name: string;
  builtin: boolean;
  controls: ControlId[];
  parameters: Record<string, Record<string, unknown>>;
  scope: {
    ouIds: string[];
    accountIds: string[];
    regions: string[];
    resourceTypes: string[];
    tags: Array<{ key: string; value?: string }>;
  };
}

function useRefresh() {
  const router = useRouter();
  return () => router.refresh();
}

export function SelectTemplatesForm({
  tenantId,
  options,
  selected,
}: {
  tenantId: string;
  options: Array<{ slug: string; name: string }>;
  selected: string[];
}) {
  const refresh = useRefresh();
  return (
    <ActionForm
      action={setTenantTemplatesAction}
      success={() => "Saved: the next evaluation uses these templates."}
      onSuccess={refresh}
    >
      <input type="hidden" name="tenantId" value={tenantId} />
      <CheckboxGroupField
        name="slugs"
        label="Evaluate this organization against"
        options={options.map((o) => o.slug)}
        defaultValues={selected}
        hint={options.map((o) => `${o.slug}: ${o.name}`).join(" · ")}
      />
      <SubmitButton>Save choice</SubmitButton>
    </ActionForm>
  );
}

export function CloneTemplateForm({ tenantId, from }: { tenantId: string; from: { slug: string; name: string } }) {
  const refresh = useRefresh();
  return (
    <ActionForm
      action={cloneTemplateAction}
      className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end"
      success={(d) => `Created ${d.slug}.`}
      onSuccess={refresh}
      resetOnSuccess
    >
      <input type="hidden" name="tenantId" value={tenantId} />
      <input type="hidden" name="fromSlug" value={from.slug} />
      <TextField
        name="slug"
        label="New template id"
        placeholder={`${from.slug}-custom`}
        hint="Lowercase letters, digits and dashes."
      />
      <TextField name="name" label="Name" defaultValue={`${from.name} (custom)`} maxLength={200} />
      <SubmitButton pendingLabel="Cloning…">Clone</SubmitButton>
    </ActionForm>
  );
}

function ParamInput({ control, field, value }: { control: ControlId; field: ParamField; value: unknown }) {
  const name = `parameters.${control}.${field.name}`;
  const label = `${control} · ${field.label}`;
  if (field.kind === "enum")
    return (
      <SelectField
        name={name}
        label={label}
        defaultValue={String(value ?? field.options![0])}
        options={field.options!.map((o) => ({ value: o, label: o }))}
        hint={field.hint}
      />
    );
  if (field.kind === "types")
    return (
      <CheckboxGroupField
        name={name}
        label={label}
        options={[...ALL_RESOURCE_TYPES]}
        defaultValues={(value as string[] | undefined) ?? [...ALL_RESOURCE_TYPES]}
        className="sm:col-span-2"
      />
    );
  if (field.kind === "bool") {
    return (
      <label className="flex items-center gap-2 self-end pb-2 text-sm text-slate-800">
        <input type="checkbox" name={name} defaultChecked={value === true} className="rounded border-slate-300" />
        {label}
      </label>
    );
  }
  return (
    <TextField
      name={name}
      label={label}
      defaultValue={formatParam(field.kind, value)}
      hint={field.hint}
      inputMode={field.kind.endsWith("int") ? "numeric" : undefined}
    />
  );
}

export function ParametersForm({ tenantId, template }: { tenantId: string; template: TemplateFormView }) {
  const refresh = useRefresh();
  const s = template.scope;
  return (
    <ActionForm
      action={updateTemplateParametersAction}
      success={(d) => `Saved as revision ${d?.revision ?? ""}.`}
      onSuccess={refresh}
    >
      <input type="hidden" name="tenantId" value={tenantId} />
      <input type="hidden" name="slug" value={template.slug} />
      <TextField name="name" label="Name" defaultValue={template.name} maxLength={200} />
      <fieldset className="space-y-2">
        <legend className="text-sm font-semibold text-slate-900">Parameters</legend>
        <div className="grid gap-3 sm:grid-cols-3">
          {template.controls.flatMap((c) =>
            PARAM_FIELDS[c].map((f) => (
              <ParamInput key={`${c}.${f.name}`} control={c} field={f} value={template.parameters[c]?.[f.name]} />
            )),
          )}
        </div>
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-sm font-semibold text-slate-900">Scope</legend>
        <p className="text-xs text-slate-500">Every list narrows the evaluation; empty means all. Comma-separated.</p>
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField
            name="scope.ouIds"
            label="OUs (ids)"
            defaultValue={s.ouIds.join(", ")}
            placeholder="ou-ab12-34cd56ef"
          />
          <TextField
            name="scope.accountIds"
            label="Accounts"
            defaultValue={s.accountIds.join(", ")}
            placeholder="123456789012"
          />
          <TextField name="scope.regions" label="Regions" defaultValue={s.regions.join(", ")} placeholder="eu-west-1" />
          <TextField
            name="scope.tags"
            label="Tags (key or key=value)"
            defaultValue={s.tags.map((t) => (t.value === undefined ? t.key : `${t.key}=${t.value}`)).join(", ")}
            placeholder="env=prod"
          />
          <CheckboxGroupField
            name="scope.resourceTypes"
            label="Resource types"
            options={[...ALL_RESOURCE_TYPES]}
            defaultValues={s.resourceTypes}
            hint="None ticked: all types."
            className="sm:col-span-2"
          />
        </div>
      </fieldset>
      <SubmitButton>Save parameters and scope</SubmitButton>
    </ActionForm>
  );
}

export function AddRequirementForm({ tenantId, slug }: { tenantId: string; slug: string }) {
  const refresh = useRefresh();
  return (
    <ActionForm action={addRequirementAction} success={() => "Requirement added."} onSuccess={refresh} resetOnSuccess>
      <input type="hidden" name="tenantId" value={tenantId} />
      <input type="hidden" name="slug" value={slug} />
      <div className="grid gap-3 sm:grid-cols-3">
        <TextField name="id" label="Requirement id" placeholder="X.1" />
        <TextField name="title" label="Title" className="sm:col-span-2" />
        <TextField name="description" label="What the product checks" className="sm:col-span-3" />
        <CheckboxGroupField name="controls" label="Controls" options={[...CONTROL_IDS]} className="sm:col-span-3" />
      </div>
      <SubmitButton>Add requirement</SubmitButton>
    </ActionForm>
  );
}

export function RemoveRequirementButton({
  tenantId,
  slug,
  requirementId,
}: {
  tenantId: string;
  slug: string;
  requirementId: string;
}) {
  const refresh = useRefresh();
  return (
    <ActionForm action={removeRequirementAction} className="inline" onSuccess={refresh}>
      <input type="hidden" name="tenantId" value={tenantId} />
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="requirementId" value={requirementId} />
      <SubmitButton variant="danger" pendingLabel="Removing…">
        Remove
      </SubmitButton>
    </ActionForm>
  );
}
