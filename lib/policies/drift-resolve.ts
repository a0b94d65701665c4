// Resolving a drifted policy: re-push (a new version repeating the pushed one's content and
// targets, so the next push puts AWS back) or adopt (a new version holding what AWS holds now, so
// the change made outside the product becomes the intent). Either is an ordinary version made by
// the workflow (drafted and submitted by the caller), approved by someone else and pushed like any
// other; nothing here writes to AWS.
import type { Db } from "@/db";
import { recordAudit } from "@/db/audit";
import { policyVersions } from "@/db/schema";
import { and, desc, eq, inArray } from "drizzle-orm";
import { conflict, notFound } from "@/lib/errors";
import { driftActionInput, type DriftActionInput } from "@/lib/validation/policy-drift";
import { parseInput } from "@/lib/validation/policies";
import { getPolicyDriftState, type PolicyDriftState } from "./drift";
import type { Actor, VersionRef } from "./store";
import { draftVersion, submitVersion } from "./workflow";

export type DriftResolution = "repush" | "adopt";

export async function repushPolicy(db: Db, actor: Actor, raw: DriftActionInput): Promise<VersionRef> {
  return resolve(db, actor, raw, "repush");
}

export async function adoptPolicy(db: Db, actor: Actor, raw: DriftActionInput): Promise<VersionRef> {
  return resolve(db, actor, raw, "adopt");
}

async function resolve(db: Db, actor: Actor, raw: DriftActionInput, how: DriftResolution): Promise<VersionRef> {
  const input = parseInput(driftActionInput, raw);
  const state = await getPolicyDriftState(db, input);
  if (!state) throw notFound("A pushed version of that policy");
  const { intent, drift } = state;
  const adoptable = drift.status === "drifted" && state.aws !== null;
  if (how === "repush" && drift.status !== "drifted" && drift.status !== "missing") throw conflict(notDrifted(state));
  if (how === "adopt" && !adoptable)
    throw conflict(
      drift.status === "missing"
        ? `AWS no longer has ${intent.name}: there is nothing to adopt. Re-push version ${intent.version} to create it again.`
        : notDrifted(state),
    );

  const proposal =
    how === "repush"
      ? { content: intent.content, targets: [...intent.targets], description: state.description }
      : { content: state.aws!.content, targets: [...state.aws!.targets], description: state.aws!.description };
  await refuseDuplicate(db, input, proposal);
  const seen = state.readAt ? ` (seen by the sync of ${state.readAt.toISOString()})` : "";
  const note =
    how === "repush"
      ? `Re-push of version ${intent.version}: ${whatChanged(state)} in AWS outside the product${seen}. Pushing this version puts the intended policy back.`
      : `Adopts what AWS holds: ${whatChanged(state)} outside the product${seen}, kept as the intended policy instead of version ${intent.version}.`;
  const draft = await draftVersion(db, actor, {
    tenantId: input.tenantId,
    policyId: input.policyId,
    ...proposal,
    note,
  });
  const ref = await submitVersion(db, actor, { tenantId: input.tenantId, versionId: draft.versionId });
  // Its own row: the draft and submit rows say what was written, this one why (the drift it answers).
  await db.transaction((tx) =>
    recordAudit(tx, {
      actorId: actor.userId,
      actorEmail: actor.email,
      ip: actor.ip,
      tenantId: input.tenantId,
      action: how === "repush" ? "policy.drift.repush" : "policy.drift.adopt",
      targetType: "policy_version",
      targetId: ref.versionId,
      details: {
        policy: intent.name,
        version: ref.version,
        intendedVersion: intent.version,
        awsPolicyId: intent.awsPolicyId,
        status: drift.status,
        paths: drift.differences.map((d) => d.path),
        attachedOutside: drift.attachedOutside,
        detachedOutside: drift.detachedOutside,
        seenAt: state.readAt?.toISOString() ?? null,
      },
    }),
  );
  return ref;
}

function notDrifted(state: PolicyDriftState): string {
  const { intent, drift } = state;
  if (drift.status === "awaiting-sync")
    return `Version ${intent.version} of ${intent.name} was pushed after the last sync read the organization: sync first, then compare.`;
  if (drift.status === "not-read")
    return `The organization's policies were not read by the last sync: sync first, then compare.`;
  return `AWS holds version ${intent.version} of ${intent.name} as pushed: there is no drift to resolve.`;
}

function whatChanged(state: PolicyDriftState): string {
  const { drift } = state;
  if (drift.status === "missing") return "the policy was deleted";
  const parts: string[] = [];
  if (drift.differences.length)
    parts.push(
      `its content was changed at ${drift.differences
        .slice(0, 3)
        .map((d) => d.path)
        .join(", ")}${drift.differences.length > 3 || drift.truncated ? " and more" : ""}`,
    );
  if (drift.attachedOutside.length) parts.push(`it was attached to ${drift.attachedOutside.join(", ")}`);
  if (drift.detachedOutside.length) parts.push(`it was detached from ${drift.detachedOutside.join(", ")}`);
  return parts.join("; ");
}

/** A second click (or a second person) must not stack identical versions waiting for approval. */
async function refuseDuplicate(
  db: Db,
  p: { tenantId: string; policyId: string },
  proposal: { content: string; targets: string[] },
): Promise<void> {
  const open = await db
    .select({
      version: policyVersions.version,
      state: policyVersions.state,
      content: policyVersions.content,
      targets: policyVersions.targets,
    })
    .from(policyVersions)
    .where(
      and(
        eq(policyVersions.tenantId, p.tenantId),
        eq(policyVersions.policyId, p.policyId),
        inArray(policyVersions.state, ["draft", "submitted", "approved"]),
      ),
    )
    .orderBy(desc(policyVersions.version));
  const same = open.find(
    (v) => v.content === proposal.content && [...v.targets].sort().join() === [...proposal.targets].sort().join(),
  );
  if (same)
    throw conflict(
      `Version ${same.version} already proposes this (${same.state}): approve and push it rather than creating another.`,
    );
}
