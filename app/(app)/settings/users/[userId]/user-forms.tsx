"use client";

import { ActionForm } from "@/app/_components/form/action-form";
import { SelectField, TextField } from "@/app/_components/form/field";
import { SubmitButton } from "@/app/_components/form/submit-button";
import { ROLES, type Role } from "@/db/schema/enums";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import {
  removeMembershipAction,
  resetPasswordAction,
  setMembershipAction,
  setUserDisabledAction,
  setUserRoleAction,
} from "../actions";

const roleOptions = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));

export function RoleForm({ userId, role, disabled }: { userId: string; role: Role; disabled: boolean }) {
  return (
    <ActionForm action={setUserRoleAction} success={(d) => `Role set to ${ROLE_LABELS[d.role]}.`}>
      <input type="hidden" name="userId" value={userId} />
      <SelectField
        name="role"
        label="Role"
        defaultValue={role}
        options={roleOptions}
        disabled={disabled}
        hint={disabled ? "You cannot change your own role." : undefined}
      />
      {!disabled && <SubmitButton>Save role</SubmitButton>}
    </ActionForm>
  );
}

export function DisableForm({ userId, disabled, self }: { userId: string; disabled: boolean; self: boolean }) {
  if (self) return <p className="text-sm text-slate-600">You cannot disable your own account.</p>;
  return (
    <ActionForm
      action={setUserDisabledAction}
      success={(d) => (d.disabled ? "User disabled and signed out." : "User enabled.")}
    >
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="disabled" value={disabled ? "false" : "true"} />
      <SubmitButton variant={disabled ? "primary" : "danger"}>{disabled ? "Enable user" : "Disable user"}</SubmitButton>
    </ActionForm>
  );
}

export function ResetPasswordForm({ userId }: { userId: string }) {
  return (
    <ActionForm
      action={resetPasswordAction}
      resetOnSuccess
      success={(d) =>
        d.generatedPassword ? (
          <>
            New password (shown once): <code className="rounded bg-white px-1 font-mono">{d.generatedPassword}</code>
          </>
        ) : (
          "Password changed."
        )
      }
    >
      <input type="hidden" name="userId" value={userId} />
      <TextField
        name="password"
        label="New password"
        type="password"
        autoComplete="new-password"
        hint="Leave empty to generate one."
      />
      <SubmitButton variant="secondary">Reset password</SubmitButton>
    </ActionForm>
  );
}

export function MembershipForms({
  userId,
  memberships,
  tenants,
}: {
  userId: string;
  memberships: Array<{
    tenantId: string;
    tenantName: string;
    role: Role | null;
    periodFrom: string | null;
    periodTo: string | null;
    expiresAt: Date | null;
  }>;
  tenants: Array<{ id: string; name: string }>;
}) {
  return (
    <div className="space-y-4">
      {memberships.length === 0 ? (
        <p className="text-sm text-slate-500">Not a member of any organization.</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-md ring-1 ring-slate-200">
          {memberships.map((m) => (
            <li key={m.tenantId} className="flex items-center justify-between gap-3 px-3 py-2">
              <span className="text-sm">
                {m.tenantName}
                {m.role && <span className="text-slate-500"> · narrowed to {ROLE_LABELS[m.role]}</span>}
                {m.periodFrom && (
                  <span className="block text-xs text-slate-500" data-testid="audit-grant">
                    Audit period {m.periodFrom} to {m.periodTo}
                  </span>
                )}
                {m.expiresAt && (
                  <span className="block text-xs text-slate-500">
                    Access until {new Date(m.expiresAt.getTime() - 1).toISOString().slice(0, 10)}
                  </span>
                )}
              </span>
              <ActionForm action={removeMembershipAction} className="">
                <input type="hidden" name="userId" value={userId} />
                <input type="hidden" name="tenantId" value={m.tenantId} />
                <SubmitButton variant="secondary" pendingLabel="Removing…">
                  Remove<span className="sr-only"> from {m.tenantName}</span>
                </SubmitButton>
              </ActionForm>
            </li>
          ))}
        </ul>
      )}
      {tenants.length > 0 && (
        <ActionForm action={setMembershipAction} success={() => "Membership saved."}>
          <input type="hidden" name="userId" value={userId} />
          <div className="grid gap-3 sm:grid-cols-2">
            <SelectField
              name="tenantId"
              label="Organization"
              options={tenants.map((t) => ({ value: t.id, label: t.name }))}
            />
            <SelectField
              name="role"
              label="Role there"
              options={[{ value: "", label: "Same as global role" }, ...roleOptions]}
            />
          </div>
          <fieldset className="mt-3 grid gap-3 sm:grid-cols-3">
            <legend className="mb-1 text-sm font-medium text-slate-700">Audit grant (auditors only, optional)</legend>
            <TextField name="periodFrom" label="Period from" type="date" hint="First day the auditor tests." />
            <TextField name="periodTo" label="Period to" type="date" hint="Last day, inclusive." />
            <TextField name="expiresOn" label="Access until" type="date" hint="Last day the grant gives access." />
          </fieldset>
          <div className="mt-4">
            <SubmitButton variant="secondary">Add or update membership</SubmitButton>
          </div>
        </ActionForm>
      )}
    </div>
  );
}
