"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { ActionForm } from "@/app/_components/form/action-form";
import { TextField } from "@/app/_components/form/field";
import { SubmitButton } from "@/app/_components/form/submit-button";
import { buttonClass } from "@/app/_components/ui/button";
import {
  approveVersionAction,
  pushVersionAction,
  rejectVersionAction,
  rollbackPolicyAction,
  submitVersionAction,
} from "../actions";

/** What the signed-in user may do with one version, decided on the server (which checks again on every action). */
export interface VersionActionsView {
  tenantId: string;
  policyId: string;
  versionId: string;
  version: number;
  submit: boolean;
  /** Approve and reject; `blocked` says why this user can't (the author, or already approved). */
  decide: { blocked: string | null } | null;
  push: { again: boolean; targets: number } | null;
  rollback: boolean;
  editHref: string | null;
  previewHref: string | null;
}

function Hidden({ v }: { v: VersionActionsView }) {
  return (
    <>
      <input type="hidden" name="tenantId" value={v.tenantId} />
      <input type="hidden" name="versionId" value={v.versionId} />
    </>
  );
}

/** One action: its button and what it does, on a line; the action's refusal or result below. */
function Row({ children, note }: { children: React.ReactNode; note?: string }) {
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
      {children}
      {note && <p className="text-xs text-slate-500">{note}</p>}
    </div>
  );
}

const plural = (n: number, word: string) => `${n === 0 ? "no" : n} ${word}${n === 1 ? "" : "s"}`;

export function VersionActions({ v }: { v: VersionActionsView }) {
  const router = useRouter();
  const refresh = () => router.refresh();
  return (
    <div className="space-y-3" data-testid={`actions-v${v.version}`}>
      {v.submit && (
        <ActionForm action={submitVersionAction} onSuccess={refresh} className="space-y-2">
          <Hidden v={v} />
          <Row note="Hands the draft to the approvers; it can't be edited after that (a new draft can).">
            <SubmitButton pendingLabel="Submitting…">Submit for approval</SubmitButton>
          </Row>
        </ActionForm>
      )}
      {v.decide && <Decide v={v} refresh={refresh} />}
      {v.push && (
        <ActionForm
          action={pushVersionAction}
          onSuccess={refresh}
          success={(d) =>
            d.attached.length + d.detached.length === 0
              ? `Pushed version ${d.version} as ${d.awsPolicyId}; it was already attached where this version says.`
              : `Pushed version ${d.version} as ${d.awsPolicyId}: attached to ${plural(d.attached.length, "target")}, detached from ${plural(d.detached.length, "target")}.`
          }
          className="space-y-2"
        >
          <Hidden v={v} />
          <Row
            note={
              v.push.again
                ? "Pushes this content again: repairs changes made to the policy outside the product."
                : `Creates or updates the policy in AWS Organizations and attaches it to ${plural(v.push.targets, "target")}.`
            }
          >
            <SubmitButton variant={v.push.again ? "secondary" : "primary"} pendingLabel="Pushing to AWS…">
              {v.push.again ? "Push again" : "Push to AWS"}
            </SubmitButton>
          </Row>
        </ActionForm>
      )}
      {v.rollback && (
        <ActionForm action={rollbackPolicyAction} onSuccess={refresh} className="space-y-2">
          <input type="hidden" name="tenantId" value={v.tenantId} />
          <input type="hidden" name="policyId" value={v.policyId} />
          <input type="hidden" name="toVersion" value={v.version} />
          <Row note="Makes a new version with this content, submitted for approval like any other.">
            <SubmitButton variant="secondary" pendingLabel="Creating…">
              Roll back to v{v.version}
            </SubmitButton>
          </Row>
        </ActionForm>
      )}
      {(v.editHref || v.previewHref) && (
        <div className="flex flex-wrap gap-2">
          {v.editHref && (
            <Link href={v.editHref} className={buttonClass("secondary")}>
              New draft from v{v.version}
            </Link>
          )}
          {v.previewHref && (
            <Link href={v.previewHref} className={buttonClass("ghost")}>
              Preview effect →
            </Link>
          )}
        </div>
      )}
    </div>
  );
}

function Decide({ v, refresh }: { v: VersionActionsView; refresh: () => void }) {
  if (v.decide?.blocked) {
    return (
      <div className="flex flex-wrap items-center gap-3 rounded-md bg-slate-50 px-3 py-2">
        <button type="button" disabled className={buttonClass()} aria-describedby={`blocked-${v.versionId}`}>
          Approve
        </button>
        <p id={`blocked-${v.versionId}`} className="text-sm text-slate-600">
          {v.decide.blocked}
        </p>
      </div>
    );
  }
  return (
    <div className="grid gap-3 rounded-md bg-slate-50 p-3 md:grid-cols-2">
      <ActionForm action={approveVersionAction} onSuccess={refresh} className="space-y-2">
        <Hidden v={v} />
        <TextField name="comment" label="Approval comment (optional)" maxLength={2000} />
        <SubmitButton pendingLabel="Approving…">Approve v{v.version}</SubmitButton>
      </ActionForm>
      <ActionForm action={rejectVersionAction} onSuccess={refresh} className="space-y-2">
        <Hidden v={v} />
        <TextField name="comment" label="Reason to reject" maxLength={2000} hint="Required; the author sees it." />
        <SubmitButton variant="danger" pendingLabel="Rejecting…">
          Reject v{v.version}
        </SubmitButton>
      </ActionForm>
    </div>
  );
}
