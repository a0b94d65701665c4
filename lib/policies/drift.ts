// Drift of a tenant's backup policies, read from the database: the product's last pushed versions
// against what the last sync stored of AWS (policies, attachments, effective policies, plans).
// The comparison itself is pure (drift-report.ts, drift-diff.ts); this file only loads its inputs.
// Not server-only: the worker's alert tick (lib/alerts/detect-tick.ts) reads drift too, under tsx.
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db";
import {
  backupPlans,
  backupRules,
  managedPolicies,
  orgAccounts,
  orgEffectivePolicies,
  orgOrganizations,
  orgPolicies,
  orgUnits,
  policyVersions,
  syncUnits,
  tenants,
} from "@/db/schema";
import { loadManagedPolicyIntents } from "@/lib/compliance/load/managed-policies";
import type { BackupRule } from "@/lib/inventory/types";
import { comparePolicy, type ManagedPolicyIntent, type PolicyDrift } from "./drift-diff";
import { buildDriftReport, type DriftReport } from "./drift-report";

/** Whether the organization was read by the last sync, and when. */
async function orgReadState(db: Db, tenantId: string): Promise<{ orgRead: boolean; readAt: Date | null }> {
  const [u] = await db
    .select({ publishedAt: syncUnits.publishedAt, error: syncUnits.error })
    .from(syncUnits)
    .where(and(eq(syncUnits.tenantId, tenantId), eq(syncUnits.kind, "org")));
  // A failed read keeps the earlier data, but drift judged on it could be stale either way: say unknown.
  return { orgRead: Boolean(u?.publishedAt && !u.error), readAt: u?.publishedAt ?? null };
}

/** The evaluation's loader speaks pg's (text, $n params); through drizzle here, so a Tx would do too. */
const viaDrizzle = (db: Db) => (text: string, params: unknown[]) =>
  db.execute(
    sql.join(text.split(/\$(\d+)/).map((part, i) => (i % 2 ? sql`${params[Number(part) - 1]}` : sql.raw(part)))),
  );
const intentsOf = (db: Db, tenantId: string) => loadManagedPolicyIntents(viaDrizzle(db), tenantId);

export interface TenantDrift extends DriftReport {
  /** Per managed policy: a newer version already waiting (draft, submitted or approved), if any. */
  waiting: Record<string, { version: number; state: string } | undefined>;
}

export async function getTenantDrift(db: Db, p: { tenantId: string }): Promise<TenantDrift> {
  const { tenantId } = p;
  const [{ orgRead, readAt }, intents, [tenant], [org]] = await Promise.all([
    orgReadState(db, tenantId),
    intentsOf(db, tenantId),
    db.select({ regions: tenants.regions }).from(tenants).where(eq(tenants.id, tenantId)),
    db
      .select({ rootId: orgOrganizations.rootId })
      .from(orgOrganizations)
      .where(eq(orgOrganizations.tenantId, tenantId)),
  ]);
  const [ous, accounts, units, awsPolicies, effective, plans, rules, open] = await Promise.all([
    db
      .select({ id: orgUnits.ouId, name: orgUnits.name, parentId: orgUnits.parentId })
      .from(orgUnits)
      .where(eq(orgUnits.tenantId, tenantId)),
    db
      .select({
        accountId: orgAccounts.accountId,
        name: orgAccounts.name,
        state: orgAccounts.state,
        parentId: orgAccounts.parentId,
        ouPath: orgAccounts.ouPath,
      })
      .from(orgAccounts)
      .where(eq(orgAccounts.tenantId, tenantId)),
    db
      .select({
        accountId: syncUnits.accountId,
        region: syncUnits.region,
        status: syncUnits.status,
        publishedAt: syncUnits.publishedAt,
        error: syncUnits.error,
      })
      .from(syncUnits)
      .where(and(eq(syncUnits.tenantId, tenantId), eq(syncUnits.kind, "region"))),
    db
      .select({
        policyId: orgPolicies.policyId,
        name: orgPolicies.name,
        content: orgPolicies.content,
        targets: orgPolicies.targets,
      })
      .from(orgPolicies)
      .where(eq(orgPolicies.tenantId, tenantId)),
    db
      .select({ accountId: orgEffectivePolicies.accountId, content: orgEffectivePolicies.content })
      .from(orgEffectivePolicies)
      .where(eq(orgEffectivePolicies.tenantId, tenantId)),
    db
      .select({
        accountId: backupPlans.accountId,
        region: backupPlans.region,
        planId: backupPlans.planId,
        versionId: backupPlans.versionId,
        planName: backupPlans.planName,
        orgManaged: backupPlans.orgManaged,
      })
      .from(backupPlans)
      .where(eq(backupPlans.tenantId, tenantId)),
    // Rules of org-managed plans only: hand-made plans are listed by name, never compared.
    db
      .select({ rule: backupRules })
      .from(backupRules)
      .innerJoin(
        backupPlans,
        and(
          eq(backupPlans.tenantId, backupRules.tenantId),
          eq(backupPlans.accountId, backupRules.accountId),
          eq(backupPlans.region, backupRules.region),
          eq(backupPlans.planId, backupRules.planId),
          eq(backupPlans.versionId, backupRules.versionId),
        ),
      )
      .where(and(eq(backupRules.tenantId, tenantId), eq(backupPlans.orgManaged, true)))
      .orderBy(asc(backupRules.position)),
    openVersions(db, tenantId, intents),
  ]);
  const rulesOf = new Map<string, BackupRule[]>();
  for (const { rule } of rules) {
    const k = `${rule.accountId}/${rule.region}/${rule.planId}`;
    rulesOf.set(k, [...(rulesOf.get(k) ?? []), rule]);
  }
  const report = buildDriftReport({
    orgRead,
    readAt,
    rootId: org?.rootId ?? ous.find((o) => o.id.startsWith("r-"))?.id ?? null,
    ous,
    accounts,
    regions: tenant?.regions ?? [],
    units,
    awsPolicies,
    effective,
    plans: plans.map((x) => ({ ...x, rules: rulesOf.get(`${x.accountId}/${x.region}/${x.planId}`) ?? [] })),
    intents,
  });
  return { ...report, waiting: open };
}

/** The newest open version of each managed policy that is newer than its pushed one. */
async function openVersions(
  db: Db,
  tenantId: string,
  intents: readonly ManagedPolicyIntent[],
): Promise<TenantDrift["waiting"]> {
  if (!intents.length) return {};
  const rows = await db
    .select({ policyId: policyVersions.policyId, version: policyVersions.version, state: policyVersions.state })
    .from(policyVersions)
    .where(
      and(
        eq(policyVersions.tenantId, tenantId),
        inArray(
          policyVersions.policyId,
          intents.map((i) => i.policyId),
        ),
        inArray(policyVersions.state, ["draft", "submitted", "approved"]),
      ),
    )
    .orderBy(desc(policyVersions.version));
  const out: TenantDrift["waiting"] = {};
  for (const i of intents) {
    const newest = rows.find((r) => r.policyId === i.policyId && r.version > i.version);
    if (newest) out[i.policyId] = { version: newest.version, state: newest.state };
  }
  return out;
}

export interface PolicyDriftState {
  intent: ManagedPolicyIntent;
  /** The pushed version's description (kept by a re-push). */
  description: string;
  drift: PolicyDrift;
  /** AWS's policy as the last sync read it; null when it was not read or no longer exists. */
  aws: { content: string; targets: string[]; description: string } | null;
  readAt: Date | null;
}

/** One managed policy's drift, for re-push and adopt; null when it has never been pushed. */
export async function getPolicyDriftState(
  db: Db,
  p: { tenantId: string; policyId: string },
): Promise<PolicyDriftState | null> {
  const [{ orgRead, readAt }, intents] = await Promise.all([orgReadState(db, p.tenantId), intentsOf(db, p.tenantId)]);
  const intent = intents.find((i) => i.policyId === p.policyId);
  if (!intent) return null;
  const [[pushed], [aws]] = await Promise.all([
    db
      .select({ description: policyVersions.description })
      .from(policyVersions)
      .innerJoin(managedPolicies, eq(managedPolicies.id, policyVersions.policyId))
      .where(
        and(
          eq(policyVersions.tenantId, p.tenantId),
          eq(policyVersions.policyId, p.policyId),
          eq(policyVersions.version, intent.version),
        ),
      ),
    db
      .select({
        policyId: orgPolicies.policyId,
        content: orgPolicies.content,
        targets: orgPolicies.targets,
        description: orgPolicies.description,
      })
      .from(orgPolicies)
      .where(and(eq(orgPolicies.tenantId, p.tenantId), eq(orgPolicies.policyId, intent.awsPolicyId))),
  ]);
  const known = orgRead ? aws : undefined;
  return {
    intent,
    description: pushed?.description ?? "",
    drift: comparePolicy(intent, known, orgRead),
    aws: known ? { content: known.content, targets: known.targets, description: known.description } : null,
    readAt,
  };
}
