"use client";

import { useRouter } from "next/navigation";
import { ActionForm, useFieldError } from "@/app/_components/form/action-form";
import { TextField } from "@/app/_components/form/field";
import { SubmitButton } from "@/app/_components/form/submit-button";
import type { TargetOption } from "@/lib/policies/screens";
import { createPolicyAction, draftVersionAction } from "../actions";
import { TargetPicker } from "./target-picker";

export type SaveMode =
  | { kind: "create"; suggestedName: string }
  | {
      kind: "draft";
      policyId: string;
      policyName: string;
      fromVersion: number;
      description: string;
      targets: string[];
    };

/** The server's refusal of the document itself (it checks again on save), shown beside the save button. */
function ContentRefusal() {
  const error = useFieldError("content");
  if (!error) return null;
  return (
    <pre className="max-h-40 overflow-auto rounded-md bg-red-50 p-2 text-xs whitespace-pre-wrap text-red-800">
      {error}
    </pre>
  );
}

/** Name, description, targets and note, with the editor's text: saved as a draft (the server checks it again). */
export function SaveDraftForm({
  tenantId,
  slug,
  mode,
  nameKey,
  content,
  problems,
  targets,
}: {
  tenantId: string;
  slug: string;
  mode: SaveMode;
  nameKey: number;
  content: string;
  problems: number;
  targets: TargetOption[];
}) {
  const router = useRouter();
  return (
    <ActionForm
      action={mode.kind === "create" ? createPolicyAction : draftVersionAction}
      onSuccess={(ref) => router.push(`/t/${slug}/policies/${ref.policyId}?saved=${ref.version}`)}
      className="space-y-4"
    >
      {/* The action form's fieldset is display: contents, so spacing comes from this wrapper. */}
      <div className="space-y-4">
        <input type="hidden" name="tenantId" value={tenantId} />
        <input type="hidden" name="content" value={content} />
        {mode.kind === "create" ? (
          <TextField
            key={nameKey}
            name="name"
            label="Policy name"
            defaultValue={mode.suggestedName}
            maxLength={128}
            hint="The policy's name in AWS Organizations; it can't change later."
          />
        ) : (
          <>
            <input type="hidden" name="policyId" value={mode.policyId} />
            <p className="text-sm text-slate-700">
              New draft of <span className="font-medium">{mode.policyName}</span>, starting from version{" "}
              {mode.fromVersion}.
            </p>
          </>
        )}
        <TextField
          name="description"
          label="Description"
          defaultValue={mode.kind === "draft" ? mode.description : ""}
          maxLength={512}
          hint="Shown in the AWS console; at most 512 characters."
        />
        <TargetPicker options={targets} defaultSelected={mode.kind === "draft" ? mode.targets : []} />
        <TextField name="note" label="Note for the approvers" maxLength={2000} placeholder="Why this version" />
        <ContentRefusal />
        <div className="flex flex-wrap items-center gap-3">
          <SubmitButton pendingLabel="Saving…">Save draft</SubmitButton>
          <span className={`text-xs ${problems ? "text-red-700" : "text-slate-500"}`}>
            {problems
              ? `The document has ${problems} problem${problems === 1 ? "" : "s"}; the server will refuse it until they are fixed.`
              : "After saving, submit the draft for approval from the policy's page."}
          </span>
        </div>
      </div>
    </ActionForm>
  );
}
