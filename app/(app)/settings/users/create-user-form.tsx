"use client";

import { ActionForm } from "@/app/_components/form/action-form";
import { SelectField, TextField } from "@/app/_components/form/field";
import { SubmitButton } from "@/app/_components/form/submit-button";
import { ROLES } from "@/db/schema/enums";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { createUserAction } from "./actions";

export function CreateUserForm() {
  return (
    <ActionForm
      action={createUserAction}
      resetOnSuccess
      success={(d) => (
        <>
          Created {d.email}.{" "}
          {d.generatedPassword && (
            <>
              Password (shown once):{" "}
              <code className="rounded bg-white px-1 font-mono" data-testid="generated-password">
                {d.generatedPassword}
              </code>
            </>
          )}
        </>
      )}
    >
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <TextField name="email" label="Email" type="email" autoComplete="off" maxLength={254} />
        <TextField name="name" label="Name" maxLength={100} />
        <SelectField
          name="role"
          label="Role"
          defaultValue="auditor"
          options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
        />
        <TextField
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          hint="Leave empty to generate one."
        />
      </div>
      <SubmitButton>Add user</SubmitButton>
    </ActionForm>
  );
}
