"use client";

import { ActionForm } from "@/app/_components/form/action-form";
import { SelectField, TextField } from "@/app/_components/form/field";
import { SubmitButton } from "@/app/_components/form/submit-button";
import { setPriceOverrideAction } from "../actions";

export function PriceOverrideForm({ tenantId, resourceTypes }: { tenantId: string; resourceTypes: readonly string[] }) {
  return (
    <ActionForm
      action={setPriceOverrideAction}
      success={() => "Saved; the estimate uses it now."}
      className="space-y-3"
    >
      <input type="hidden" name="tenantId" value={tenantId} />
      <div className="grid gap-3 sm:grid-cols-3">
        <SelectField
          name="resourceType"
          label="Resource type"
          options={resourceTypes.map((t) => ({ value: t, label: t }))}
        />
        <SelectField
          name="tier"
          label="Tier"
          options={[
            { value: "warm", label: "Warm" },
            { value: "cold", label: "Cold" },
          ]}
        />
        <TextField
          name="usdPerGbMonth"
          label="USD per GB-month"
          inputMode="decimal"
          hint="Empty: back to the published price."
        />
      </div>
      <SubmitButton>Save price</SubmitButton>
    </ActionForm>
  );
}
