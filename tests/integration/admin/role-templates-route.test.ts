import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { orgOrganizations } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/access";
import { testDb } from "@/tests/helpers/db";
import { makeTenant, makeUser } from "@/tests/helpers/fixtures";

// The role templates' download route, on real PostgreSQL: an admin gets the tenant's file with its
// ExternalId; a role without tenant:manage, an unknown tenant or file, and a tenant never synced
// (no root to deploy to) each get a refusal, not a template.

let caller: SessionUser | null = null;
vi.mock("@/lib/auth/session", () => ({
  getSession: async () => caller,
  getClientIp: async () => "203.0.113.9",
  requireSession: async () => caller,
  getAccessibleTenants: async () => [],
}));
// STS is the product's own AWS identity; here it is a fixed one.
const PRINCIPAL = "arn:aws:iam::999988887777:role/backup-governance";
vi.mock("@/lib/onboarding/product-principal", () => ({
  getProductPrincipal: async () => ({ arn: PRINCIPAL, callerArn: PRINCIPAL, fromSession: false }),
}));

type Route = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
const ROOT = path.resolve(import.meta.dirname, "../../..");
let route: Route;
const handle = testDb();
const db = handle.db;
let synced: Awaited<ReturnType<typeof makeTenant>>;
let unsynced: Awaited<ReturnType<typeof makeTenant>>;
let admin: SessionUser;
let operator: SessionUser;

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  route = (await import(path.join(ROOT, "app/api/organizations/[tenantId]/role-templates/route.ts"))).GET as Route;
  synced = await makeTenant(db);
  unsynced = await makeTenant(db);
  await db.insert(orgOrganizations).values({
    tenantId: synced.id,
    organizationId: "o-abcd1234",
    managementAccountId: synced.managementAccountId,
    rootId: "r-ab12",
  });
  admin = await makeUser(db, "admin");
  operator = await makeUser(db, "operator", [{ tenantId: synced.id }]);
});
afterAll(() => handle.close());

const get = (as: SessionUser, tenantId: string, file: string) => {
  caller = as;
  return route(new Request(`http://localhost/api/organizations/${tenantId}/role-templates?file=${file}`), {
    params: Promise.resolve({ tenantId }),
  });
};

describe("GET /api/organizations/[tenantId]/role-templates", () => {
  it("gives an admin the tenant's file as a download, trusting the product with the tenant's ExternalId", async () => {
    const res = await get(admin, synced.id, "cloudformation/management-role.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="cloudformation-management-role.json"');
    const template = (await res.json()) as {
      Resources: { ManagementReadRole: { Properties: { AssumeRolePolicyDocument: { Statement: unknown[] } } } };
    };
    expect(template.Resources.ManagementReadRole.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { AWS: PRINCIPAL },
        Condition: { StringEquals: { "sts:ExternalId": synced.externalId } },
      }),
    ]);
    const tf = await get(admin, synced.id, "terraform/member-roles-stackset.tf");
    expect(tf.status).toBe(200);
    expect(await tf.text()).toContain('default     = ["r-ab12"]');
  });

  it("refuses a role without tenant:manage or an unknown tenant or file", async () => {
    expect((await get(operator, synced.id, "cloudformation/management-role.json")).status).toBe(403);
    expect((await get(admin, randomUUID(), "cloudformation/management-role.json")).status).toBe(404);
    expect((await get(admin, "not-a-uuid", "cloudformation/management-role.json")).status).toBe(404);
    expect((await get(admin, synced.id, "../../etc/passwd")).status).toBe(404);
  });

  it("leaves the stack set's targets to the operator for a tenant never synced", async () => {
    const res = await get(admin, unsynced.id, "cloudformation/member-roles-stackset.json");
    expect(res.status).toBe(200);
    const template = (await res.json()) as { Parameters: { DeploymentTargets: Record<string, unknown> } };
    expect(template.Parameters.DeploymentTargets).toMatchObject({ Type: "CommaDelimitedList" });
    expect(template.Parameters.DeploymentTargets).not.toHaveProperty("Default");
  });
});
