"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { ActionForm } from "@/app/_components/form/action-form";
import { SubmitButton } from "@/app/_components/form/submit-button";
import { adoptDriftedPolicyAction, repushDriftedPolicyAction } from "../drift-actions";

/**
 * Re-push and adopt for one drifted policy. Each makes a submitted version (the server decides its
 * content from the database); approving and pushing it happen on the policy's page.
 */
export function DriftButtons({
  tenantId,
  policyId,
  slug,
  canAdopt,
}: {
  tenantId: string;
  policyId: string;
  slug: string;
  canAdopt: boolean;
}) {
  const router = useRouter();
  const made = (what: string) =>
    function Made(data: { version: number; policyId: string }) {
      return (
        <>
          Version {data.version} {what} and submitted for approval.{" "}
          <Link className="font-medium underline" href={`/t/${slug}/policies/${data.policyId}`}>
            Open the policy
          </Link>
        </>
      );
    };
  return (
    <div className="flex flex-col items-start gap-2">
      <ActionForm
        action={repushDriftedPolicyAction}
        className="space-y-2"
        success={made("repeats the pushed content")}
        onSuccess={() => router.refresh()}
      >
        <input type="hidden" name="tenantId" value={tenantId} />
        <input type="hidden" name="policyId" value={policyId} />
        <SubmitButton variant="secondary" pendingLabel="Creating…">
          Re-push intended
        </SubmitButton>
      </ActionForm>
      {canAdopt && (
        <ActionForm
          action={adoptDriftedPolicyAction}
          className="space-y-2"
          success={made("holds what AWS has")}
          onSuccess={() => router.refresh()}
        >
          <input type="hidden" name="tenantId" value={tenantId} />
          <input type="hidden" name="policyId" value={policyId} />
          <SubmitButton variant="secondary" pendingLabel="Creating…">
            Adopt AWS&apos;s
          </SubmitButton>
        </ActionForm>
      )}
    </div>
  );
}
