"use client";

import { ActionForm } from "@/app/_components/form/action-form";
import { SubmitButton } from "@/app/_components/form/submit-button";
import { testConnectionAction } from "../actions";

const DONE = {
  ok: "Every check passed.",
  problems: "Done: see what to fix below.",
  failed: "Could not get in: see below.",
};

export function ConnectionTestButton({ tenantId, again }: { tenantId: string; again: boolean }) {
  return (
    <ActionForm
      action={testConnectionAction}
      className="flex flex-wrap items-center gap-3"
      success={(d) => DONE[d.verdict]}
    >
      <input type="hidden" name="tenantId" value={tenantId} />
      <SubmitButton variant={again ? "secondary" : "primary"} pendingLabel="Testing every account and region…">
        {again ? "Test again" : "Test connection"}
      </SubmitButton>
    </ActionForm>
  );
}
