import type { Role } from "@/db/schema/enums";

// The one table of who may do what. Every action and route names a capability from here, and the
// wrapper in lib/actions.ts (or lib/routes.ts) checks it on the server. Client code may import this
// file to decide what to show, but hiding a button is never the check.
export const CAPABILITIES = [
  "tenant:read", // see a tenant's inventory, findings, jobs, sync status
  "sync:run", // start a sync ("Sync now")
  "policy:draft", // draft Organizations backup policies
  "policy:push", // push policies to AWS Organizations
  "template:manage", // clone and edit framework templates, choose a tenant's templates
  "exception:manage", // accept failing findings with a reason, owner and expiry
  "export", // CSV/JSON/PDF exports and evidence bundles
  "report:schedule", // create, change, delete and run scheduled report deliveries
  "alert:manage", // alert channels and rules, test sends, the delivery log (lib/alerts)
  "tenant:manage", // add, edit, delete organizations; rotate ExternalIds
  "user:manage", // users, roles, memberships
  "audit:read", // the audit log
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** Capabilities that are granted per tenant (the rest are global, held by admins only). */
export const TENANT_CAPABILITIES = [
  "tenant:read",
  "sync:run",
  "policy:draft",
  "policy:push",
  "template:manage",
  "exception:manage",
  "export",
  "report:schedule",
  "alert:manage",
] as const satisfies readonly Capability[];

export const ROLE_CAPABILITIES: Record<Role, readonly Capability[]> = {
  admin: CAPABILITIES,
  operator: ["tenant:read", "sync:run", "policy:draft", "policy:push"],
  compliance: ["tenant:read", "template:manage", "exception:manage", "export", "report:schedule", "alert:manage"],
  auditor: ["tenant:read", "export"],
};

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Administrator",
  operator: "Operator",
  compliance: "Compliance officer",
  auditor: "Auditor",
};

export function roleHas(role: Role, capability: Capability): boolean {
  return ROLE_CAPABILITIES[role].includes(capability);
}

/**
 * What a user may do in one tenant: their global role's capabilities, narrowed (never widened) by
 * the membership's role when one is set.
 */
export function tenantCapabilities(globalRole: Role, membershipRole: Role | null): Capability[] {
  const global = ROLE_CAPABILITIES[globalRole].filter((c) =>
    (TENANT_CAPABILITIES as readonly Capability[]).includes(c),
  );
  if (!membershipRole) return [...global];
  const narrowed = ROLE_CAPABILITIES[membershipRole];
  return global.filter((c) => narrowed.includes(c));
}

/** Whether the capability is granted per tenant (so a request for it must name the tenant). */
export function isTenantCapability(capability: Capability): boolean {
  return (TENANT_CAPABILITIES as readonly Capability[]).includes(capability);
}
