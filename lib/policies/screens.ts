import "server-only";
// Reads the policy screens need beyond read.ts: the organization's targets by name (for the
// target picker and for showing ids as names), the tenant's Regions and framework templates as
// generator starting points, and each policy's latest push. Tenant-scoped, small objects.
import { and, asc, desc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { orgAccounts, orgUnits, policyPushes, policyVersions, tenants } from "@/db/schema";
import { listTemplates } from "@/lib/compliance/templates/template-store";
import { paramsFromTemplate, type PolicyParams } from "./generate";

export interface TargetOption {
  id: string;
  name: string;
  kind: "root" | "ou" | "account";
  /** 0 for the root; the picker indents by it. */
  depth: number;
  /** Accounts that are not ACTIVE (AWS still attaches policies to them; the picker says so). */
  state?: string;
}

/** Root, OUs and accounts as the last sync read them, in tree order (each OU's accounts, then its child OUs). */
export async function listTargetOptions(db: Db, p: { tenantId: string }): Promise<TargetOption[]> {
  const [ous, accounts] = await Promise.all([
    db
      .select({ id: orgUnits.ouId, name: orgUnits.name, parentId: orgUnits.parentId })
      .from(orgUnits)
      .where(eq(orgUnits.tenantId, p.tenantId))
      .orderBy(asc(orgUnits.name)),
    db
      .select({
        id: orgAccounts.accountId,
        name: orgAccounts.name,
        parentId: orgAccounts.parentId,
        state: orgAccounts.state,
      })
      .from(orgAccounts)
      .where(eq(orgAccounts.tenantId, p.tenantId))
      .orderBy(asc(orgAccounts.name)),
  ]);
  const out: TargetOption[] = [];
  const visit = (ou: { id: string; name: string }, depth: number) => {
    out.push({ id: ou.id, name: depth === 0 ? "Root" : ou.name, kind: depth === 0 ? "root" : "ou", depth });
    for (const a of accounts.filter((x) => x.parentId === ou.id))
      out.push({
        id: a.id,
        name: a.name,
        kind: "account",
        depth: depth + 1,
        ...(a.state !== "ACTIVE" ? { state: a.state } : {}),
      });
    for (const child of ous.filter((x) => x.parentId === ou.id)) visit(child, depth + 1);
  };
  for (const root of ous.filter((o) => !o.parentId)) visit(root, 0);
  return out;
}

export async function getTenantRegions(db: Db, p: { tenantId: string }): Promise<string[]> {
  const [row] = await db.select({ regions: tenants.regions }).from(tenants).where(eq(tenants.id, p.tenantId));
  return row?.regions ?? [];
}

export interface TemplateStart {
  slug: string;
  name: string;
  /** Evaluated for this tenant (listed first). */
  selected: boolean;
  params: PolicyParams;
}

/** Each template the tenant can use, with the generator's parameters it implies. */
export async function listTemplateStarts(db: Db, p: { tenantId: string; regions: string[] }): Promise<TemplateStart[]> {
  const templates = await listTemplates(db, p);
  return templates
    .map((t) => ({
      slug: t.slug,
      name: t.name,
      selected: t.selected,
      params: paramsFromTemplate({ id: t.slug, parameters: t.template.parameters, scope: t.template.scope }, p.regions),
    }))
    .sort((a, b) => Number(b.selected) - Number(a.selected));
}

export interface LatestPush {
  version: number;
  status: "running" | "succeeded" | "failed";
  startedAt: Date;
  startedByEmail: string;
  errorCode: string | null;
}

/** The newest push of each policy of the tenant, by policy id. */
export async function listLatestPushes(db: Db, p: { tenantId: string }): Promise<Map<string, LatestPush>> {
  const rows = await db
    .selectDistinctOn([policyPushes.policyId], {
      policyId: policyPushes.policyId,
      version: policyVersions.version,
      status: policyPushes.status,
      startedAt: policyPushes.startedAt,
      startedByEmail: policyPushes.startedByEmail,
      errorCode: policyPushes.errorCode,
    })
    .from(policyPushes)
    .innerJoin(
      policyVersions,
      and(eq(policyVersions.id, policyPushes.versionId), eq(policyVersions.tenantId, p.tenantId)),
    )
    .where(eq(policyPushes.tenantId, p.tenantId))
    .orderBy(policyPushes.policyId, desc(policyPushes.startedAt));
  return new Map(rows.map(({ policyId, ...push }) => [policyId, push]));
}
