import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { orgOrganizations, tenants } from "@/db/schema";
import type { RoleTemplateInput } from "./role-template-input";
import { renderRoleTemplates, type RoleTemplateFile } from "./role-templates";

// A tenant's role templates from what the product holds: its settings, and the organization's root
// as the last sync read it (the stack set's default target). Null for an unknown tenant.

export async function getTenantRoleTemplates(
  db: Db,
  tenantId: string,
  options: { principalArn: string | undefined; deploymentTargets?: string[] },
): Promise<{ tenant: { id: string; name: string }; files: RoleTemplateFile[] } | null> {
  const [row] = await db
    .select({
      id: tenants.id,
      name: tenants.name,
      managementAccountId: tenants.managementAccountId,
      managementRoleArn: tenants.managementRoleArn,
      policyPushRoleArn: tenants.policyPushRoleArn,
      externalId: tenants.externalId,
      memberRoleName: tenants.memberRoleName,
      rootId: orgOrganizations.rootId,
    })
    .from(tenants)
    .leftJoin(orgOrganizations, eq(orgOrganizations.tenantId, tenants.id))
    .where(eq(tenants.id, tenantId))
    .limit(1);
  if (!row) return null;
  const input: RoleTemplateInput = {
    tenantName: row.name,
    managementAccountId: row.managementAccountId,
    managementRoleArn: row.managementRoleArn,
    policyPushRoleArn: row.policyPushRoleArn,
    externalId: row.externalId,
    memberRoleName: row.memberRoleName,
    principalArn: options.principalArn,
    deploymentTargets: options.deploymentTargets ?? (row.rootId ? [row.rootId] : []),
  };
  return { tenant: { id: row.id, name: row.name }, files: renderRoleTemplates(input) };
}
