// The pre-flight's IAM role checks, settled with IAM GetRole: for every (account, role ARN) the
// prospective plans name, one read per preview (cached, a few at a time) through the member-role
// chain the sync uses. A preview never fails for want of AWS: without it (no simulator, no
// credentials, a role the product cannot assume, a member role without iam:GetRole) the check
// stays unverified and says why.
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { tenantAccountSettings, tenants } from "@/db/schema";
import type { AwsFactory } from "@/lib/aws/client-factory";
import type { RoleTrust } from "@/lib/aws/iam.adapter";
import { mapLimit } from "@/lib/aws/backup.fetch";
import { roleTrustReader, type RoleTrustReader } from "@/lib/aws/iam.fetch";
import type { TenantRoles } from "@/lib/aws/credentials";
import type { AccountPreview } from "./preview-account";
import { isRoleToVerify, roleCheck } from "./preview-preflight";

/** The AWS access a preview reads IAM with: the push's factory (lib/policies/push-deps.ts). */
export interface PreviewAws {
  factory: AwsFactory;
}

/** AWS for a preview, or how to get it (asked only when a role needs reading); null: none. */
export type PreviewAwsSource = PreviewAws | (() => Promise<PreviewAws>) | null;

const CONCURRENCY = 4;

/** The environment's AWS (the web tier's push clients), loaded only when a preview needs it. */
export const environmentAws: () => Promise<PreviewAws> = () => import("./push-deps").then((m) => m.getPushDeps());

export async function tenantRoles(db: Db, tenantId: string): Promise<TenantRoles | null> {
  const [t] = await db
    .select({
      managementAccountId: tenants.managementAccountId,
      managementRoleArn: tenants.managementRoleArn,
      externalId: tenants.externalId,
      memberRoleName: tenants.memberRoleName,
    })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  if (!t) return null;
  const overrides = await db
    .select({ accountId: tenantAccountSettings.accountId, name: tenantAccountSettings.memberRoleName })
    .from(tenantAccountSettings)
    .where(eq(tenantAccountSettings.tenantId, tenantId));
  return {
    ...t,
    memberRoleOverrides: Object.fromEntries(overrides.filter((o) => o.name).map((o) => [o.accountId, o.name!])),
  };
}

const because = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 300);

/** A reader for the tenant, or why there is none (every read then answers unreadable with it). */
async function readerFor(db: Db, tenantId: string, source: PreviewAwsSource): Promise<RoleTrustReader> {
  const none =
    (detail: string): RoleTrustReader =>
    async () => ({ outcome: "unreadable", detail });
  if (source === null) return none("no AWS access was given to this preview");
  let aws: PreviewAws;
  try {
    aws = typeof source === "function" ? await source() : source;
  } catch (error) {
    return none(`AWS is not reachable: ${because(error)}`);
  }
  const roles = await tenantRoles(db, tenantId);
  if (!roles) return none("the organization's roles are not configured");
  return roleTrustReader(aws.factory, roles);
}

/**
 * Settles the role checks of the previewed accounts in place; returns the new failures as the
 * preview's problems ("<name> (<account>) <region>: <message>").
 */
export async function verifyRoles(
  db: Db,
  tenantId: string,
  accounts: readonly AccountPreview[],
  source: PreviewAwsSource,
): Promise<string[]> {
  const pairs = new Map<string, { accountId: string; roleArn: string }>();
  for (const a of accounts)
    for (const u of a.preflight)
      for (const c of u.checks)
        if (isRoleToVerify(c)) pairs.set(`${a.accountId}|${c.subject}`, { accountId: a.accountId, roleArn: c.subject });
  if (!pairs.size) return [];
  const read = await readerFor(db, tenantId, source);
  const list = [...pairs.values()];
  const results = await mapLimit(list, CONCURRENCY, (p) =>
    read(p.accountId, p.roleArn).catch((error: unknown): RoleTrust => ({
      outcome: "unreadable",
      detail: because(error),
    })),
  );
  const trust = new Map(list.map((p, i) => [`${p.accountId}|${p.roleArn}`, results[i]!]));
  const problems: string[] = [];
  for (const a of accounts) {
    for (const u of a.preflight) {
      u.checks = u.checks.map((c) => {
        const t = isRoleToVerify(c) ? trust.get(`${a.accountId}|${c.subject}`) : undefined;
        if (!t) return c;
        const checked = roleCheck(a.accountId, c.subject, t, c.evidence!);
        if (checked.status === "fail") problems.push(`${a.name} (${a.accountId}) ${u.region}: ${checked.message}`);
        return checked;
      });
    }
  }
  return problems;
}
