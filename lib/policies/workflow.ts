// The approval workflow of a backup policy: draft → submitted → approved (by people other than the
// author, as many as the tenant requires) or rejected; a rollback is a new submitted version with
// an earlier version's content. Pushing is lib/policies/push.ts. Each step is one transaction that
// also writes its audit row, and a document AWS would refuse is never stored.
import { eq } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import {
  managedPolicies,
  policyApprovals,
  policySettings,
  policyVersions,
  tenants,
  type PolicyVersionRow,
} from "@/db/schema";
import { clock } from "@/lib/clock";
import { conflict, forbidden, isUniqueViolation, notFound } from "@/lib/errors";
import {
  approveInput,
  createPolicyInput,
  draftVersionInput,
  parseInput,
  rejectInput,
  requiredApprovalsInput,
  rollbackInput,
  versionInput,
  type ApproveInput,
  type CreatePolicyInput,
  type DraftVersionInput,
  type RejectInput,
  type RequiredApprovalsInput,
  type RollbackInput,
  type VersionInput,
} from "@/lib/validation/policies";
import { checkDocument, documentRefusal } from "./document-check";
import {
  auditPolicy,
  countApprovals,
  getRequiredApprovals,
  getVersionByNumber,
  lockPolicy,
  lockVersion,
  nextVersionNumber,
  refOf,
  type Actor,
  type VersionRef,
} from "./store";

const versionTarget = (v: PolicyVersionRow) => ({ targetType: "policy_version", targetId: v.id });

function acceptDocument(content: string): void {
  const problems = checkDocument(content);
  if (problems.length) throw documentRefusal(problems);
}

/** A new managed policy and its first draft (version 1). */
export async function createPolicy(db: Db, actor: Actor, raw: CreatePolicyInput): Promise<VersionRef> {
  const input = parseInput(createPolicyInput, raw);
  acceptDocument(input.content);
  try {
    return await db.transaction(async (tx) => {
      const [policy] = await tx
        .insert(managedPolicies)
        .values({
          tenantId: input.tenantId,
          name: input.name,
          createdAt: clock.now(),
          createdById: actor.userId,
          createdByEmail: actor.email,
        })
        .returning();
      await auditPolicy(tx, actor, {
        tenantId: input.tenantId,
        action: "policy.create",
        targetType: "managed_policy",
        targetId: policy!.id,
        details: { name: input.name },
      });
      const [version] = await tx
        .insert(policyVersions)
        .values({
          tenantId: input.tenantId,
          policyId: policy!.id,
          version: 1,
          content: input.content,
          targets: input.targets,
          description: input.description,
          note: input.note,
          state: "draft",
          authorId: actor.userId,
          authorEmail: actor.email,
          createdAt: clock.now(),
        })
        .returning();
      await auditPolicy(tx, actor, {
        tenantId: input.tenantId,
        action: "policy.version.draft",
        ...versionTarget(version!),
        details: { policy: input.name, version: 1, targets: input.targets, characters: input.content.length },
      });
      return refOf(version!);
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw conflict("This organization already has a policy with that name.", {
        name: "This organization already has a policy with that name.",
      });
    throw error;
  }
}

/** A new draft of an existing policy; earlier versions stay as they are until a push supersedes them. */
export async function draftVersion(db: Db, actor: Actor, raw: DraftVersionInput): Promise<VersionRef> {
  const input = parseInput(draftVersionInput, raw);
  acceptDocument(input.content);
  return db.transaction(async (tx) => {
    const policy = await lockPolicy(tx, input);
    const number = await nextVersionNumber(tx, input);
    const [version] = await tx
      .insert(policyVersions)
      .values({
        tenantId: input.tenantId,
        policyId: policy.id,
        version: number,
        content: input.content,
        targets: input.targets,
        description: input.description,
        note: input.note,
        state: "draft",
        authorId: actor.userId,
        authorEmail: actor.email,
        createdAt: clock.now(),
      })
      .returning();
    await auditPolicy(tx, actor, {
      tenantId: input.tenantId,
      action: "policy.version.draft",
      ...versionTarget(version!),
      details: { policy: policy.name, version: number, targets: input.targets, characters: input.content.length },
    });
    return refOf(version!);
  });
}

/** Hands a draft to the approvers. */
export async function submitVersion(db: Db, actor: Actor, raw: VersionInput): Promise<VersionRef> {
  const input = parseInput(versionInput, raw);
  return db.transaction(async (tx) => {
    const { version, policy } = await lockVersion(tx, input);
    if (version.state !== "draft")
      throw conflict(`Version ${version.version} is ${version.state}; only a draft can be submitted.`);
    const [row] = await tx
      .update(policyVersions)
      .set({ state: "submitted", submittedAt: clock.now() })
      .where(eq(policyVersions.id, version.id))
      .returning();
    await auditPolicy(tx, actor, {
      tenantId: input.tenantId,
      action: "policy.version.submit",
      ...versionTarget(version),
      details: { policy: policy.name, version: version.version, from: "draft", to: "submitted" },
    });
    return refOf(row!);
  });
}

/** Refuses the author: two-person control means the one who wrote a version never decides on it. */
function refuseAuthor(version: PolicyVersionRow, actor: Actor, verb: string): void {
  const isAuthor =
    (actor.userId !== null && version.authorId === actor.userId) ||
    version.authorEmail.toLowerCase() === actor.email.toLowerCase();
  if (isAuthor || actor.userId === null)
    throw forbidden(`You wrote version ${version.version}: another person with the push permission must ${verb} it.`);
}

/**
 * One approval. The version becomes approved when it has as many approvals (from distinct people)
 * as the tenant requires at that moment.
 */
export async function approveVersion(
  db: Db,
  actor: Actor,
  raw: ApproveInput,
): Promise<VersionRef & { approvals: number; required: number }> {
  const input = parseInput(approveInput, raw);
  return db.transaction(async (tx) => {
    const { version, policy } = await lockVersion(tx, input);
    refuseAuthor(version, actor, "approve");
    if (version.state !== "submitted")
      throw conflict(`Version ${version.version} is ${version.state}; only a submitted version can be approved.`);
    await insertDecision(tx, {
      tenantId: input.tenantId,
      versionId: version.id,
      actor,
      decision: "approved",
      comment: input.comment,
    });
    const approvals = await countApprovals(tx, { tenantId: input.tenantId, versionId: version.id });
    const required = await getRequiredApprovals(tx, input);
    let row = version;
    if (approvals >= required)
      [row] = (await tx
        .update(policyVersions)
        .set({ state: "approved", decidedAt: clock.now() })
        .where(eq(policyVersions.id, version.id))
        .returning()) as [PolicyVersionRow];
    await auditPolicy(tx, actor, {
      tenantId: input.tenantId,
      action: "policy.version.approve",
      ...versionTarget(version),
      details: {
        policy: policy.name,
        version: version.version,
        approvals,
        required,
        from: version.state,
        to: row.state,
        comment: input.comment,
      },
    });
    return { ...refOf(row), approvals, required };
  });
}

export async function rejectVersion(db: Db, actor: Actor, raw: RejectInput): Promise<VersionRef> {
  const input = parseInput(rejectInput, raw);
  return db.transaction(async (tx) => {
    const { version, policy } = await lockVersion(tx, input);
    refuseAuthor(version, actor, "reject");
    if (version.state !== "submitted")
      throw conflict(`Version ${version.version} is ${version.state}; only a submitted version can be rejected.`);
    await insertDecision(tx, {
      tenantId: input.tenantId,
      versionId: version.id,
      actor,
      decision: "rejected",
      comment: input.comment,
    });
    const [row] = await tx
      .update(policyVersions)
      .set({ state: "rejected", decidedAt: clock.now() })
      .where(eq(policyVersions.id, version.id))
      .returning();
    await auditPolicy(tx, actor, {
      tenantId: input.tenantId,
      action: "policy.version.reject",
      ...versionTarget(version),
      details: {
        policy: policy.name,
        version: version.version,
        from: "submitted",
        to: "rejected",
        comment: input.comment,
      },
    });
    return refOf(row!);
  });
}

async function insertDecision(
  tx: Tx,
  p: { tenantId: string; versionId: string; actor: Actor; decision: "approved" | "rejected"; comment: string },
): Promise<void> {
  // Savepoint: a second decision by the same person must not abort the caller's transaction.
  try {
    await tx.transaction((sp) =>
      sp.insert(policyApprovals).values({
        tenantId: p.tenantId,
        versionId: p.versionId,
        approverId: p.actor.userId!,
        approverEmail: p.actor.email,
        decision: p.decision,
        comment: p.comment,
        at: clock.now(),
      }),
    );
  } catch (error) {
    if (isUniqueViolation(error))
      throw conflict("You have already approved this version; another person must give the next approval.");
    throw error;
  }
}

/**
 * Rolls back to an earlier version: a new version (submitted, authored by the caller) repeating its
 * content, description and targets, which needs approval like any other before it is pushed.
 */
export async function rollbackPolicy(db: Db, actor: Actor, raw: RollbackInput): Promise<VersionRef> {
  const input = parseInput(rollbackInput, raw);
  return db.transaction(async (tx) => {
    const policy = await lockPolicy(tx, input);
    const source = await getVersionByNumber(tx, {
      tenantId: input.tenantId,
      policyId: policy.id,
      version: input.toVersion,
    });
    // The validator may have learnt a rule since the old version was written.
    acceptDocument(source.content);
    const number = await nextVersionNumber(tx, input);
    const note = input.note || `Rollback to version ${source.version}.`;
    const [version] = await tx
      .insert(policyVersions)
      .values({
        tenantId: input.tenantId,
        policyId: policy.id,
        version: number,
        content: source.content,
        targets: source.targets,
        description: source.description,
        note,
        state: "submitted",
        sourceVersion: source.version,
        authorId: actor.userId,
        authorEmail: actor.email,
        createdAt: clock.now(),
        submittedAt: clock.now(),
      })
      .returning();
    await auditPolicy(tx, actor, {
      tenantId: input.tenantId,
      action: "policy.version.rollback",
      ...versionTarget(version!),
      details: {
        policy: policy.name,
        version: number,
        sourceVersion: source.version,
        targets: source.targets,
        to: "submitted",
      },
    });
    return refOf(version!);
  });
}

/** The admin's choice of one or two approvals; it applies to approvals given from now on. */
export async function setRequiredApprovals(
  db: Db,
  actor: Actor,
  raw: RequiredApprovalsInput,
): Promise<{ requiredApprovals: number }> {
  const input = parseInput(requiredApprovalsInput, raw);
  return db.transaction(async (tx) => {
    const [tenant] = await tx
      .select({ id: tenants.id })
      .from(tenants)
      .where(eq(tenants.id, input.tenantId))
      .for("update");
    if (!tenant) throw notFound("That organization");
    const before = await getRequiredApprovals(tx, input);
    await tx
      .insert(policySettings)
      .values({
        tenantId: input.tenantId,
        requiredApprovals: input.requiredApprovals,
        updatedAt: clock.now(),
        updatedByEmail: actor.email,
      })
      .onConflictDoUpdate({
        target: policySettings.tenantId,
        set: { requiredApprovals: input.requiredApprovals, updatedAt: clock.now(), updatedByEmail: actor.email },
      });
    await auditPolicy(tx, actor, {
      tenantId: input.tenantId,
      action: "policy.settings.update",
      targetType: "tenant",
      targetId: input.tenantId,
      details: { requiredApprovals: { from: before, to: input.requiredApprovals } },
    });
    return { requiredApprovals: input.requiredApprovals };
  });
}
