// What a push writes to the database: its start (after the state checks), each AWS call as it
// happens (committed at once, so a crash still shows how far it got), and its end, where the
// version's state changes together with the audit rows.
import { and, eq, lt, ne, sql } from "drizzle-orm";
import type { Db } from "@/db";
import {
  managedPolicies,
  policyPushes,
  policyPushSteps,
  policyVersions,
  type ManagedPolicyRow,
  type PolicyVersionRow,
} from "@/db/schema";
import type { AwsCall, AwsRefusal } from "@/lib/aws/organizations.push";
import { clock } from "@/lib/clock";
import { conflict } from "@/lib/errors";
import { auditPolicy, lockVersion, type Actor } from "./store";

export interface PushTarget {
  tenantId: string;
  versionId: string;
}

export interface StartedPush {
  pushId: string;
  version: PolicyVersionRow;
  policy: ManagedPolicyRow;
}

/** What failed: the AWS operation and target, and what AWS answered. */
export interface PushFailure extends AwsRefusal {
  operation: string;
  target: string | null;
}

/**
 * Checks the version may be pushed and records the push as running. The caller holds the tenant's
 * push lock, so any push still marked running was cut off (its process died) and is closed here.
 */
export async function startPush(db: Db, actor: Actor, p: PushTarget): Promise<StartedPush> {
  return db.transaction(async (tx) => {
    const { version, policy } = await lockVersion(tx, p);
    // A pushed version may be pushed again: that repairs changes made to the policy outside the product.
    if (version.state !== "approved" && version.state !== "pushed") {
      const why =
        version.state === "superseded"
          ? "a later version has been pushed since"
          : version.state === "rejected"
            ? "it was rejected"
            : "it has not been approved yet";
      throw conflict(`Version ${version.version} of ${policy.name} cannot be pushed: ${why}.`);
    }
    const stale = await tx
      .update(policyPushes)
      .set({
        status: "failed",
        finishedAt: clock.now(),
        errorCode: "Interrupted",
        errorMessage: "The process running this push stopped before it finished. Pushing again completes it.",
      })
      .where(and(eq(policyPushes.tenantId, p.tenantId), eq(policyPushes.status, "running")))
      .returning({ id: policyPushes.id, versionId: policyPushes.versionId });
    for (const s of stale) {
      await auditPolicy(tx, actor, {
        tenantId: p.tenantId,
        action: "policy.push.interrupted",
        outcome: "failure",
        targetType: "policy_push",
        targetId: s.id,
        details: { versionId: s.versionId },
      });
    }
    const [push] = await tx
      .insert(policyPushes)
      .values({
        tenantId: p.tenantId,
        policyId: policy.id,
        versionId: version.id,
        status: "running",
        startedAt: clock.now(),
        startedById: actor.userId,
        startedByEmail: actor.email,
      })
      .returning({ id: policyPushes.id });
    await auditPolicy(tx, actor, {
      tenantId: p.tenantId,
      action: "policy.push.start",
      targetType: "policy_push",
      targetId: push!.id,
      details: {
        policy: policy.name,
        version: version.version,
        versionId: version.id,
        state: version.state,
        targets: version.targets,
      },
    });
    return { pushId: push!.id, version, policy };
  });
}

/** Writes each AWS call (and each write found unnecessary) of one push, in order. */
export function stepRecorder(db: Db, p: { tenantId: string; pushId: string }) {
  let seq = 0;
  const calls: Array<{ operation: string; target: string | null; requestId: string | null; outcome: string }> = [];
  const write = async (step: {
    operation: string;
    target: string | null;
    requestId: string | null;
    outcome: "succeeded" | "failed" | "skipped";
    errorCode: string | null;
    detail: string | null;
  }) => {
    calls.push({ operation: step.operation, target: step.target, requestId: step.requestId, outcome: step.outcome });
    await db
      .insert(policyPushSteps)
      .values({ tenantId: p.tenantId, pushId: p.pushId, seq: ++seq, at: clock.now(), ...step });
  };
  return {
    calls,
    call: (c: AwsCall) => write(c),
    skip: (operation: string, target: string | null, detail: string) =>
      write({ operation, target, requestId: null, outcome: "skipped", errorCode: null, detail }),
  };
}

/** The AWS policy the push created or found: saved at once, so a retry updates it instead of creating another. */
export async function savePolicyId(
  db: Db,
  p: { tenantId: string; policyId: string; awsPolicyId: string; awsPolicyArn: string },
): Promise<void> {
  await db
    .update(managedPolicies)
    .set({ awsPolicyId: p.awsPolicyId, awsPolicyArn: p.awsPolicyArn })
    .where(and(eq(managedPolicies.id, p.policyId), eq(managedPolicies.tenantId, p.tenantId)));
}

/**
 * The push succeeded: the version becomes pushed, and the version pushed before it, with every
 * older version still waiting, becomes superseded (pushing them now would silently roll back).
 */
export async function finishPush(
  db: Db,
  actor: Actor,
  started: StartedPush,
  details: Record<string, unknown>,
): Promise<void> {
  const { version, policy, pushId } = started;
  await db.transaction(async (tx) => {
    await tx
      .update(policyPushes)
      .set({ status: "succeeded", finishedAt: clock.now() })
      .where(eq(policyPushes.id, pushId));
    await tx
      .update(policyVersions)
      .set({ state: "pushed", pushedAt: clock.now() })
      .where(eq(policyVersions.id, version.id));
    const replaced = await tx
      .update(policyVersions)
      .set({ state: "superseded" })
      .where(
        and(
          eq(policyVersions.policyId, policy.id),
          eq(policyVersions.tenantId, version.tenantId),
          ne(policyVersions.id, version.id),
          sql`(${policyVersions.state} = 'pushed' or (${policyVersions.state} in ('draft', 'submitted', 'approved') and ${lt(policyVersions.version, version.version)}))`,
        ),
      )
      .returning({ id: policyVersions.id, version: policyVersions.version });
    for (const r of replaced) {
      await auditPolicy(tx, actor, {
        tenantId: version.tenantId,
        action: "policy.version.supersede",
        targetType: "policy_version",
        targetId: r.id,
        details: { policy: policy.name, version: r.version, by: version.version },
      });
    }
    await auditPolicy(tx, actor, {
      tenantId: version.tenantId,
      action: "policy.push",
      targetType: "policy_push",
      targetId: pushId,
      details: {
        policy: policy.name,
        version: version.version,
        versionId: version.id,
        from: version.state,
        to: "pushed",
        superseded: replaced.map((r) => r.version),
        ...details,
      },
    });
  });
}

/** The push failed: what AWS said is kept on the push; the version keeps its state, so pushing again resumes. */
export async function failPush(
  db: Db,
  actor: Actor,
  started: StartedPush,
  failure: PushFailure,
  details: Record<string, unknown>,
): Promise<void> {
  const { version, policy, pushId } = started;
  await db.transaction(async (tx) => {
    await tx
      .update(policyPushes)
      .set({
        status: "failed",
        finishedAt: clock.now(),
        errorCode: failure.code,
        errorReason: failure.reason,
        errorMessage: failure.message,
        errorRequestId: failure.requestId,
      })
      .where(eq(policyPushes.id, pushId));
    await auditPolicy(tx, actor, {
      tenantId: version.tenantId,
      action: "policy.push",
      outcome: "failure",
      targetType: "policy_push",
      targetId: pushId,
      details: { policy: policy.name, version: version.version, versionId: version.id, failure, ...details },
    });
  });
}
