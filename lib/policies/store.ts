// Data access shared by the policy workflow and the push. Every query takes the tenant id, so a
// version id from another tenant reads as "not found" rather than as someone else's version.
import { and, count, eq, max } from "drizzle-orm";
import type { Conn, Tx } from "@/db";
import { recordAudit, type AuditEntry } from "@/db/audit";
import {
  managedPolicies,
  policyApprovals,
  policySettings,
  policyVersions,
  type ManagedPolicyRow,
  type PolicyVersionRow,
  type PolicyVersionState,
} from "@/db/schema";
import type { Actor } from "@/lib/admin/users";
import { notFound } from "@/lib/errors";

export type { Actor } from "@/lib/admin/users";

/** What a workflow step answers: enough for a page to link to the version it changed. */
export interface VersionRef {
  policyId: string;
  versionId: string;
  version: number;
  state: PolicyVersionState;
}

export const DEFAULT_REQUIRED_APPROVALS = 1;

export const refOf = (v: PolicyVersionRow): VersionRef => ({
  policyId: v.policyId,
  versionId: v.id,
  version: v.version,
  state: v.state,
});

/** Appends the audit row of a policy workflow step to the step's own transaction. */
export function auditPolicy(
  tx: Tx,
  actor: Actor,
  entry: Omit<AuditEntry, "actorId" | "actorEmail" | "ip">,
): Promise<void> {
  return recordAudit(tx, { actorId: actor.userId, actorEmail: actor.email, ip: actor.ip, ...entry });
}

export async function getRequiredApprovals(db: Conn, p: { tenantId: string }): Promise<number> {
  const [row] = await db
    .select({ n: policySettings.requiredApprovals })
    .from(policySettings)
    .where(eq(policySettings.tenantId, p.tenantId));
  return row?.n ?? DEFAULT_REQUIRED_APPROVALS;
}

/** The version and its policy, locked for the rest of the transaction (state changes serialise on it). */
export async function lockVersion(
  tx: Tx,
  p: { tenantId: string; versionId: string },
): Promise<{ version: PolicyVersionRow; policy: ManagedPolicyRow }> {
  const [row] = await tx
    .select({ version: policyVersions, policy: managedPolicies })
    .from(policyVersions)
    .innerJoin(managedPolicies, eq(managedPolicies.id, policyVersions.policyId))
    .where(and(eq(policyVersions.id, p.versionId), eq(policyVersions.tenantId, p.tenantId)))
    .for("update", { of: policyVersions });
  if (!row) throw notFound("That policy version");
  return row;
}

/** The policy, locked so that two drafts of it cannot take the same version number. */
export async function lockPolicy(tx: Tx, p: { tenantId: string; policyId: string }): Promise<ManagedPolicyRow> {
  const [row] = await tx
    .select()
    .from(managedPolicies)
    .where(and(eq(managedPolicies.id, p.policyId), eq(managedPolicies.tenantId, p.tenantId)))
    .for("update");
  if (!row) throw notFound("That policy");
  return row;
}

export async function nextVersionNumber(tx: Tx, p: { tenantId: string; policyId: string }): Promise<number> {
  const [row] = await tx
    .select({ n: max(policyVersions.version) })
    .from(policyVersions)
    .where(and(eq(policyVersions.policyId, p.policyId), eq(policyVersions.tenantId, p.tenantId)));
  return (row?.n ?? 0) + 1;
}

export async function getVersionByNumber(
  db: Conn,
  p: { tenantId: string; policyId: string; version: number },
): Promise<PolicyVersionRow> {
  const [row] = await db
    .select()
    .from(policyVersions)
    .where(
      and(
        eq(policyVersions.policyId, p.policyId),
        eq(policyVersions.tenantId, p.tenantId),
        eq(policyVersions.version, p.version),
      ),
    );
  if (!row) throw notFound(`Version ${p.version} of that policy`);
  return row;
}

export async function countApprovals(db: Conn, p: { tenantId: string; versionId: string }): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(policyApprovals)
    .where(
      and(
        eq(policyApprovals.versionId, p.versionId),
        eq(policyApprovals.tenantId, p.tenantId),
        eq(policyApprovals.decision, "approved"),
      ),
    );
  return row?.n ?? 0;
}

/** One version's exact document and targets, for the editor, the diff, the preview and the push. */
export async function getVersion(
  db: Conn,
  p: { tenantId: string; versionId: string },
): Promise<{
  versionId: string;
  policyId: string;
  version: number;
  state: PolicyVersionState;
  content: string;
  targets: string[];
  description: string;
}> {
  const [v] = await db
    .select()
    .from(policyVersions)
    .where(and(eq(policyVersions.id, p.versionId), eq(policyVersions.tenantId, p.tenantId)));
  if (!v) throw notFound("That policy version");
  return {
    versionId: v.id,
    policyId: v.policyId,
    version: v.version,
    state: v.state,
    content: v.content,
    targets: v.targets,
    description: v.description,
  };
}
