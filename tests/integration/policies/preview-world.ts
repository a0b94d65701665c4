// The demo world synced into the test database, for the preview and end-to-end tests: names of its
// accounts and OUs, and a backup policy generated from the ISO/IEC 27001 template (daily, 35 days)
// whose tag selection covers resources no plan selects today.
import { and, eq, sql } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { backupPlans, backupRules, orgAccounts, orgUnits, resources } from "@/db/schema";
import { BUILTIN_TEMPLATES } from "@/lib/compliance/templates/builtin-templates";
import { generatePolicy, paramsFromTemplate } from "@/lib/policies/generate";
import { demoWorld } from "@/sim/world/demo";
import type { World } from "@/sim/world/schema";
import { syncWorld, type SyncedWorld } from "@/tests/integration/compliance/sync-world";

export interface DemoPolicyWorld extends SyncedWorld {
  regions: string[];
  account(name: string): string;
  ou(name: string): string;
  rootId: string;
  /** Resource ARN → its Name tag, as last synced. */
  resourceNames(): Promise<Map<string, string>>;
  /** Plan ARN → plan name and "<plan ARN>#<rule id>" → rule name, as last synced. */
  planNames(): Promise<Map<string, string>>;
}

/**
 * The demo world, where Backup Central has no AWS Backup service role (a policy reaching it fails
 * its pre-flight and is not pushed); `withCentralRole` gives it one, for tests that push to the
 * whole Security OU.
 */
export function policyDemoWorld(options: { withCentralRole?: boolean } = {}): World {
  const world = demoWorld(1);
  if (!options.withCentralRole) return world;
  return {
    ...world,
    accounts: world.accounts.map((a) =>
      a.name === "Backup Central" ? { ...a, iam_roles: ["service-role/AWSBackupDefaultServiceRole"] } : a,
    ),
  };
}

export async function syncDemoWorld(
  handle: DbHandle,
  databaseUrl: string,
  name: string,
  options: { withCentralRole?: boolean } = {},
): Promise<DemoPolicyWorld> {
  const world = policyDemoWorld(options);
  const synced = await syncWorld(handle, databaseUrl, world, { name });
  const { tenantId } = synced;
  const accounts = await handle.db.select().from(orgAccounts).where(eq(orgAccounts.tenantId, tenantId));
  const units = await handle.db.select().from(orgUnits).where(eq(orgUnits.tenantId, tenantId));
  const byName =
    <T>(rows: T[], key: (r: T) => string, id: (r: T) => string, what: string) =>
    (n: string) => {
      const r = rows.find((x) => key(x) === n);
      if (!r) throw new Error(`no ${what} named ${n}`);
      return id(r);
    };
  return {
    ...synced,
    regions: world.regions ?? [],
    account: byName(
      accounts,
      (a) => a.name,
      (a) => a.accountId,
      "account",
    ),
    ou: byName(
      units,
      (u) => u.name,
      (u) => u.ouId,
      "OU",
    ),
    rootId: units.find((u) => u.parentId === null)!.ouId,
    resourceNames: async () => {
      const rows = await handle.db
        .select({ arn: resources.resourceArn, tags: resources.tags })
        .from(resources)
        .where(eq(resources.tenantId, tenantId));
      return new Map(rows.map((r) => [r.arn, (r.tags as Record<string, string>).Name ?? r.arn]));
    },
    planNames: async () => {
      const plans = await handle.db
        .select({ arn: backupPlans.planArn, name: backupPlans.planName })
        .from(backupPlans)
        .where(eq(backupPlans.tenantId, tenantId));
      const rules = await handle.db
        .select({
          key: sql<string>`${backupPlans.planArn} || '#' || ${backupRules.ruleId}`,
          name: backupRules.ruleName,
        })
        .from(backupRules)
        .innerJoin(
          backupPlans,
          and(
            eq(backupPlans.tenantId, backupRules.tenantId),
            eq(backupPlans.accountId, backupRules.accountId),
            eq(backupPlans.region, backupRules.region),
            eq(backupPlans.planId, backupRules.planId),
          ),
        )
        .where(eq(backupRules.tenantId, tenantId));
      return new Map([
        ...plans.map((r): [string, string] => [r.arn, r.name]),
        ...rules.map((r): [string, string] => [r.key, r.name]),
      ]);
    },
  };
}

/**
 * The ISO/IEC 27001 template's policy (daily at 05:00 UTC, kept 35 days, into each account's
 * Default vault, with AWS Backup's default service role), selecting env=shared and env=dev: in the
 * demo world the security and management accounts hold such resources that nothing protects.
 */
export function isoPolicy(regions: string[], overrides: { vaultName?: string } = {}): string {
  const iso = BUILTIN_TEMPLATES.find((t) => t.id === "iso-27001-2022")!;
  const params = { ...paramsFromTemplate(iso, regions), tagKey: "env", tagValues: ["shared", "dev"], ...overrides };
  const r = generatePolicy(params);
  if (!r.ok) throw new Error(`the ISO template's policy was refused: ${JSON.stringify(r.errors)}`);
  return r.text;
}

/** The names of the resources no plan selects before and every plan selects after, per the demo world. */
export const NEWLY_PROTECTED = ["mgmt-billing", "log-shipper", "audit-scratch", "central-tools"];
