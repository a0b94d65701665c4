// Reads for the policy screens: small objects, tenant-scoped, newest first. Documents are read one
// version at a time (getVersion), never in lists.
import "server-only";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { Conn } from "@/db";
import {
  managedPolicies,
  policyApprovals,
  policyPushes,
  policyPushSteps,
  policyVersions,
  type PolicyDecision,
  type PolicyPushStatus,
  type PolicyStepOutcome,
  type PolicyVersionState,
} from "@/db/schema";
import { notFound } from "@/lib/errors";
import { getRequiredApprovals } from "./store";

export interface PolicySummary {
  policyId: string;
  name: string;
  awsPolicyId: string | null;
  latest: { versionId: string; version: number; state: PolicyVersionState } | null;
  /** The version AWS holds (as far as the product pushed it). */
  pushed: { versionId: string; version: number; pushedAt: Date | null; targets: string[] } | null;
}

export interface VersionView {
  versionId: string;
  version: number;
  state: PolicyVersionState;
  targets: string[];
  description: string;
  note: string;
  sourceVersion: number | null;
  characters: number;
  authorEmail: string;
  createdAt: Date;
  submittedAt: Date | null;
  decidedAt: Date | null;
  pushedAt: Date | null;
  decisions: Array<{ approverEmail: string; decision: PolicyDecision; comment: string; at: Date }>;
}

export interface PushView {
  pushId: string;
  versionId: string;
  status: PolicyPushStatus;
  startedAt: Date;
  finishedAt: Date | null;
  startedByEmail: string;
  error: { code: string; reason: string | null; message: string; requestId: string | null } | null;
}

export interface PushStepView {
  seq: number;
  operation: string;
  target: string | null;
  requestId: string | null;
  outcome: PolicyStepOutcome;
  errorCode: string | null;
  detail: string | null;
  at: Date;
}

export async function getPolicySettings(db: Conn, p: { tenantId: string }): Promise<{ requiredApprovals: number }> {
  return { requiredApprovals: await getRequiredApprovals(db, p) };
}

export async function listPolicies(db: Conn, p: { tenantId: string }): Promise<PolicySummary[]> {
  const policies = await db
    .select({ id: managedPolicies.id, name: managedPolicies.name, awsPolicyId: managedPolicies.awsPolicyId })
    .from(managedPolicies)
    .where(eq(managedPolicies.tenantId, p.tenantId))
    .orderBy(asc(managedPolicies.name));
  const versions = await db
    .select({
      policyId: policyVersions.policyId,
      versionId: policyVersions.id,
      version: policyVersions.version,
      state: policyVersions.state,
      pushedAt: policyVersions.pushedAt,
      targets: policyVersions.targets,
    })
    .from(policyVersions)
    .where(eq(policyVersions.tenantId, p.tenantId))
    .orderBy(desc(policyVersions.version));
  return policies.map((policy) => {
    const mine = versions.filter((v) => v.policyId === policy.id);
    const latest = mine[0];
    const pushed = mine.find((v) => v.state === "pushed");
    return {
      policyId: policy.id,
      name: policy.name,
      awsPolicyId: policy.awsPolicyId,
      latest: latest ? { versionId: latest.versionId, version: latest.version, state: latest.state } : null,
      pushed: pushed
        ? { versionId: pushed.versionId, version: pushed.version, pushedAt: pushed.pushedAt, targets: pushed.targets }
        : null,
    };
  });
}

/** A policy's every version with its decisions, and its pushes: the history screen. */
export async function getPolicyHistory(
  db: Conn,
  p: { tenantId: string; policyId: string },
): Promise<{
  policy: { policyId: string; name: string; awsPolicyId: string | null };
  versions: VersionView[];
  pushes: PushView[];
}> {
  const [policy] = await db
    .select()
    .from(managedPolicies)
    .where(and(eq(managedPolicies.id, p.policyId), eq(managedPolicies.tenantId, p.tenantId)));
  if (!policy) throw notFound("That policy");
  const versions = await db
    .select()
    .from(policyVersions)
    .where(and(eq(policyVersions.policyId, policy.id), eq(policyVersions.tenantId, p.tenantId)))
    .orderBy(desc(policyVersions.version));
  const ids = versions.map((v) => v.id);
  const decisions = ids.length
    ? await db
        .select()
        .from(policyApprovals)
        .where(and(inArray(policyApprovals.versionId, ids), eq(policyApprovals.tenantId, p.tenantId)))
        .orderBy(asc(policyApprovals.at))
    : [];
  const pushes = await db
    .select()
    .from(policyPushes)
    .where(and(eq(policyPushes.policyId, policy.id), eq(policyPushes.tenantId, p.tenantId)))
    .orderBy(desc(policyPushes.startedAt));
  return {
    policy: { policyId: policy.id, name: policy.name, awsPolicyId: policy.awsPolicyId },
    versions: versions.map((v) => ({
      versionId: v.id,
      version: v.version,
      state: v.state,
      targets: v.targets,
      description: v.description,
      note: v.note,
      sourceVersion: v.sourceVersion,
      characters: v.content.length,
      authorEmail: v.authorEmail,
      createdAt: v.createdAt,
      submittedAt: v.submittedAt,
      decidedAt: v.decidedAt,
      pushedAt: v.pushedAt,
      decisions: decisions
        .filter((d) => d.versionId === v.id)
        .map((d) => ({ approverEmail: d.approverEmail, decision: d.decision, comment: d.comment, at: d.at })),
    })),
    pushes: pushes.map((x) => ({
      pushId: x.id,
      versionId: x.versionId,
      status: x.status,
      startedAt: x.startedAt,
      finishedAt: x.finishedAt,
      startedByEmail: x.startedByEmail,
      error: x.errorCode
        ? { code: x.errorCode, reason: x.errorReason, message: x.errorMessage ?? "", requestId: x.errorRequestId }
        : null,
    })),
  };
}

/** Every AWS call of one push, in order, with its request ID. */
export async function listPushSteps(db: Conn, p: { tenantId: string; pushId: string }): Promise<PushStepView[]> {
  const rows = await db
    .select()
    .from(policyPushSteps)
    .where(and(eq(policyPushSteps.pushId, p.pushId), eq(policyPushSteps.tenantId, p.tenantId)))
    .orderBy(asc(policyPushSteps.seq));
  return rows.map((r) => ({
    seq: r.seq,
    operation: r.operation,
    target: r.target,
    requestId: r.requestId,
    outcome: r.outcome,
    errorCode: r.errorCode,
    detail: r.detail,
    at: r.at,
  }));
}
