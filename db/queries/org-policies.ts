import { asc, eq } from "drizzle-orm";
import type { Conn } from "../index";
import { orgAccounts, orgOrganizations, orgPolicies } from "../schema";

// What the last sync read of a tenant's backup policies and where they are attached: enough to
// compute each account's effective policy locally (lib/policies/policy-chain.ts).

export interface StoredOrgPolicies {
  /** Policy types enabled on the root; without BACKUP_POLICY no backup policy applies. */
  enabledPolicyTypes: string[];
  accounts: Array<{ accountId: string; name: string; state: string; ouPath: string[] }>;
  policies: Array<{ policyId: string; name: string; content: string; targets: string[]; targetPositions: number[] }>;
}

/** Null when the tenant's organization was never read. */
export async function getStoredOrgPolicies(
  db: Conn,
  { tenantId }: { tenantId: string },
): Promise<StoredOrgPolicies | null> {
  const [org] = await db
    .select({ enabledPolicyTypes: orgOrganizations.enabledPolicyTypes })
    .from(orgOrganizations)
    .where(eq(orgOrganizations.tenantId, tenantId));
  if (!org) return null;
  const accounts = await db
    .select({
      accountId: orgAccounts.accountId,
      name: orgAccounts.name,
      state: orgAccounts.state,
      ouPath: orgAccounts.ouPath,
    })
    .from(orgAccounts)
    .where(eq(orgAccounts.tenantId, tenantId))
    .orderBy(asc(orgAccounts.accountId));
  const policies = await db
    .select({
      policyId: orgPolicies.policyId,
      name: orgPolicies.name,
      content: orgPolicies.content,
      targets: orgPolicies.targets,
      targetPositions: orgPolicies.targetPositions,
    })
    .from(orgPolicies)
    .where(eq(orgPolicies.tenantId, tenantId))
    .orderBy(asc(orgPolicies.policyId));
  return { enabledPolicyTypes: org.enabledPolicyTypes, accounts, policies };
}
