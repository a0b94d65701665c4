import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import type { StorageTier } from "@/db/schema";
import { parseArn } from "@/lib/compliance/matching/arn";
import { priceOf, type AppliedPrice } from "./backup-prices";
import { listPriceOverrides } from "./price-overrides";
import { AGE_BANDS, AGE_CAP_DAYS, ageBandOf, monthlyCostUsd, storageTierOf, type AgeBand } from "./point-bands";

// The backup cost and hygiene report of a tenant (or one account of it), from the last synced
// inventory. Points are grouped in SQL by what the rules below need (type, stored class, whether
// the lifecycle's cold date has passed, age in whole days) and the rules run here, once, on the
// groups: a million points make a few thousand groups.

export interface PointTotals {
  count: number;
  bytes: number;
  /** Points whose size AWS did not report: counted, priced at nothing. */
  unsized: number;
  costUsd: number;
}

export interface TierAgeLine extends PointTotals {
  tier: StorageTier;
  band: AgeBand;
}

export interface TypeLine extends PointTotals {
  resourceType: string;
  tier: StorageTier;
  price: AppliedPrice;
}

export interface HygieneReport {
  all: PointTotals;
  byTierAndAge: TierAgeLine[];
  byType: TypeLine[];
  /** Points whose source resource seems deleted (see ORPHAN_RULE). */
  orphans: PointTotals;
  /** Points with no DeleteAt and no lifecycle: kept until someone deletes them. */
  neverExpire: PointTotals;
  /** Copies whose source rule (current plan version) has no copy action to the vault holding them. */
  unrequestedCopies: PointTotals;
  plansWithoutSelections: Array<{ accountId: string; region: string; planId: string; planName: string }>;
  emptyVaults: Array<{ accountId: string; region: string; vaultName: string; vaultArn: string }>;
}

/**
 * Days without a new point after which a resource missing from the tagged inventory counts as
 * gone. AWS Backup's protected-resources list cannot tell: it names every resource that still has
 * points, deleted or not. A live resource that a plan selects gets a point at least weekly.
 */
export const ORPHAN_QUIET_DAYS = 7;

export const ORPHAN_RULE =
  "A point is an orphan when its source resource is in no account's tagged-resource inventory " +
  "(Resource Groups Tagging API) as last synced and no point of that resource, in any vault, is " +
  `newer than ${ORPHAN_QUIET_DAYS} days; and the resource's ARN names an account of this ` +
  "organization (or no account, as S3's do). An untagged resource that is no longer backed up " +
  "looks the same and is counted too.";

export interface HygieneScope {
  tenantId: string;
  /** Only points, plans and vaults stored in this account. */
  accountId?: string;
  now: Date;
}

const zero = (): PointTotals => ({ count: 0, bytes: 0, unsized: 0, costUsd: 0 });

function add(t: PointTotals, count: number, bytes: number, unsized: number, costUsd: number) {
  t.count += count;
  t.bytes += bytes;
  t.unsized += unsized;
  t.costUsd += costUsd;
}

interface GroupRow extends Record<string, unknown> {
  resource_type: string;
  storage_class: string | null;
  cold_passed: boolean;
  age_days: number;
  orphan: boolean;
  never_expires: boolean;
  n: number;
  bytes: string;
  unsized: number;
}

export async function getHygieneReport(db: Db, scope: HygieneScope): Promise<HygieneReport> {
  const overrides = await listPriceOverrides(db, { tenantId: scope.tenantId });
  const [groups, copies, plansWithoutSelections, emptyVaults] = await Promise.all([
    readPointGroups(db, scope),
    readUnrequestedCopyGroups(db, scope),
    listPlansWithoutSelections(db, scope),
    listEmptyVaults(db, scope),
  ]);
  const report: HygieneReport = {
    all: zero(),
    byTierAndAge: [],
    byType: [],
    orphans: zero(),
    neverExpire: zero(),
    unrequestedCopies: zero(),
    plansWithoutSelections,
    emptyVaults,
  };
  const tierAge = new Map<string, TierAgeLine>();
  const byType = new Map<string, TypeLine>();
  for (const g of groups) {
    const tier = storageTierOf({ storageClass: g.storage_class, coldSincePassed: g.cold_passed });
    const band = ageBandOf(g.age_days);
    const bytes = Number(g.bytes);
    const price = priceOf(g.resource_type, tier, overrides.prices);
    const cost = monthlyCostUsd(bytes, price.usdPerGbMonth);
    add(report.all, g.n, bytes, g.unsized, cost);
    if (g.orphan) add(report.orphans, g.n, bytes, g.unsized, cost);
    if (g.never_expires) add(report.neverExpire, g.n, bytes, g.unsized, cost);
    const ta = tierAge.get(`${tier}:${band}`) ?? { tier, band, ...zero() };
    add(ta, g.n, bytes, g.unsized, cost);
    tierAge.set(`${tier}:${band}`, ta);
    const ty = byType.get(`${g.resource_type}:${tier}`) ?? { resourceType: g.resource_type, tier, price, ...zero() };
    add(ty, g.n, bytes, g.unsized, cost);
    byType.set(`${g.resource_type}:${tier}`, ty);
  }
  for (const c of copies) {
    const tier = storageTierOf({ storageClass: c.storage_class, coldSincePassed: c.cold_passed });
    const bytes = Number(c.bytes);
    add(
      report.unrequestedCopies,
      c.n,
      bytes,
      c.unsized,
      monthlyCostUsd(bytes, priceOf(c.resource_type, tier, overrides.prices).usdPerGbMonth),
    );
  }
  const bandOrder = AGE_BANDS.map((b) => b.id as AgeBand);
  report.byTierAndAge = [...tierAge.values()].sort(
    (a, b) => a.tier.localeCompare(b.tier) * -1 || bandOrder.indexOf(a.band) - bandOrder.indexOf(b.band),
  );
  report.byType = [...byType.values()].sort(
    (a, b) => b.costUsd - a.costUsd || a.resourceType.localeCompare(b.resourceType),
  );
  return report;
}

const accountFilter = (column: string, accountId: string | undefined) =>
  accountId ? sql`and ${sql.raw(column)} = ${accountId}` : sql``;

function readPointGroups(db: Db, s: HygieneScope): Promise<GroupRow[]> {
  return db
    .execute<GroupRow>(
      sql`
      select p.resource_type,
             p.storage_class,
             coalesce(p.move_to_cold_storage_at <= ${s.now}, false) as cold_passed,
             least(greatest(floor(extract(epoch from (${s.now}::timestamptz - p.creation_date)) / 86400), 0), ${AGE_CAP_DAYS})::int as age_days,
             (not exists (select 1 from resources r where r.tenant_id = p.tenant_id and r.resource_arn = p.resource_arn)
              and n.newest < ${new Date(s.now.getTime() - ORPHAN_QUIET_DAYS * 86_400_000)}
              and (split_part(p.resource_arn, ':', 5) = ''
                   or exists (select 1 from org_accounts o where o.tenant_id = p.tenant_id
                                and o.account_id = split_part(p.resource_arn, ':', 5)))) as orphan,
             (p.delete_at is null and p.delete_after_days is null and p.move_to_cold_storage_after_days is null) as never_expires,
             count(*)::int as n,
             coalesce(sum(p.backup_size_bytes), 0)::text as bytes,
             count(*) filter (where p.backup_size_bytes is null)::int as unsized
        from recovery_points p
        join (select resource_arn, max(creation_date) as newest from recovery_points
               where tenant_id = ${s.tenantId} group by 1) n on n.resource_arn = p.resource_arn
       where p.tenant_id = ${s.tenantId} ${accountFilter("p.account_id", s.accountId)}
       group by 1, 2, 3, 4, 5, 6`,
    )
    .then((r) => r.rows);
}

interface CopyGroupRow extends Record<string, unknown> {
  source_backup_vault_arn: string;
  backup_vault_arn: string;
  backup_plan_id: string | null;
  backup_rule_id: string | null;
  resource_type: string;
  storage_class: string | null;
  cold_passed: boolean;
  n: number;
  bytes: string;
  unsized: number;
}

interface RuleCopyRow extends Record<string, unknown> {
  account_id: string;
  region: string;
  plan_id: string;
  rule_id: string;
  destinations: string[];
}

/** Vault ARNs compared by region, account and name: the partition and letter case carry no meaning here. */
function sameVault(a: string, b: string): boolean {
  const x = parseArn(a);
  const y = parseArn(b);
  if (!x || !y) return a === b;
  return x.region === y.region && x.accountId === y.accountId && x.resource.toLowerCase() === y.resource.toLowerCase();
}

/**
 * A copy (a point with a source vault other than its own, as the compliance facts count copies)
 * is asked for when the rule that made it, in its plan's current version in the source vault's
 * account and region, has a copy action whose destination is the copy's vault.
 */
async function readUnrequestedCopyGroups(db: Db, s: HygieneScope): Promise<CopyGroupRow[]> {
  const [copies, rules] = await Promise.all([
    db
      .execute<CopyGroupRow>(
        sql`
        select p.source_backup_vault_arn, p.backup_vault_arn, p.backup_plan_id, p.backup_rule_id, p.resource_type,
               p.storage_class, coalesce(p.move_to_cold_storage_at <= ${s.now}, false) as cold_passed,
               count(*)::int as n, coalesce(sum(p.backup_size_bytes), 0)::text as bytes,
               count(*) filter (where p.backup_size_bytes is null)::int as unsized
          from recovery_points p
         where p.tenant_id = ${s.tenantId} ${accountFilter("p.account_id", s.accountId)}
           and p.source_backup_vault_arn is not null and p.source_backup_vault_arn <> p.backup_vault_arn
         group by 1, 2, 3, 4, 5, 6, 7`,
      )
      .then((r) => r.rows),
    db
      .execute<RuleCopyRow>(
        sql`
        select r.account_id, r.region, r.plan_id, r.rule_id,
               coalesce(array(select c->>'destinationBackupVaultArn' from jsonb_array_elements(r.copy_actions) c), '{}') as destinations
          from backup_rules r
          join backup_plans pl on pl.tenant_id = r.tenant_id and pl.account_id = r.account_id and pl.region = r.region
                              and pl.plan_id = r.plan_id and pl.version_id = r.version_id
         where r.tenant_id = ${s.tenantId}`,
      )
      .then((r) => r.rows),
  ]);
  const destinationsOf = new Map(
    rules.map((r) => [`${r.account_id}:${r.region}:${r.plan_id}:${r.rule_id}`, r.destinations]),
  );
  return copies.filter((c) => {
    const source = parseArn(c.source_backup_vault_arn);
    const destinations = source
      ? destinationsOf.get(`${source.accountId}:${source.region}:${c.backup_plan_id}:${c.backup_rule_id}`)
      : undefined;
    return !destinations?.some((d) => sameVault(d, c.backup_vault_arn));
  });
}

function listPlansWithoutSelections(db: Db, s: HygieneScope) {
  return db
    .execute<{ accountId: string; region: string; planId: string; planName: string }>(
      sql`
      select pl.account_id as "accountId", pl.region, pl.plan_id as "planId", pl.plan_name as "planName"
        from backup_plans pl
       where pl.tenant_id = ${s.tenantId} ${accountFilter("pl.account_id", s.accountId)}
         and not exists (select 1 from backup_selections bs where bs.tenant_id = pl.tenant_id and bs.account_id = pl.account_id
                           and bs.region = pl.region and bs.plan_id = pl.plan_id)
       order by 1, 2, 4`,
    )
    .then((r) => r.rows);
}

/** Vaults AWS counts no point in and the inventory holds none of: they cost nothing but clutter. */
function listEmptyVaults(db: Db, s: HygieneScope) {
  return db
    .execute<{ accountId: string; region: string; vaultName: string; vaultArn: string }>(
      sql`
      select v.account_id as "accountId", v.region, v.vault_name as "vaultName", v.vault_arn as "vaultArn"
        from backup_vaults v
       where v.tenant_id = ${s.tenantId} ${accountFilter("v.account_id", s.accountId)}
         and v.number_of_recovery_points = 0
         and not exists (select 1 from recovery_points p where p.tenant_id = v.tenant_id and p.account_id = v.account_id
                           and p.region = v.region and p.backup_vault_name = v.vault_name)
       order by 1, 2, 3`,
    )
    .then((r) => r.rows);
}
