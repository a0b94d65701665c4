import "server-only";
import { and, desc, eq, gte, inArray, not, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { backupJobs, orgAccounts, syncRunUnits, syncUnits, unreadAccountAcks } from "@/db/schema";
import { clock } from "@/lib/clock";
import { FAILED_JOB_STATES } from "@/db/job-issue";

export interface UnitProblem {
  accountId: string;
  accountName: string | null;
  region: string;
  status: string;
  stale: boolean;
  error: string | null;
  remedy: string | null;
  errorAt: Date | null;
}

/**
 * Units whose latest attempt failed (stale or never read); skipped ones (suspended) excluded, and
 * never-read units of accounts acknowledged as unread only counted (`acknowledged`).
 */
export async function listUnitProblems(
  db: Db,
  tenantId: string,
  limit = 8,
): Promise<{ total: number; acknowledged: number; rows: UnitProblem[] }> {
  const acked = sql`exists (select 1 from ${unreadAccountAcks} k where k.tenant_id = ${syncUnits.tenantId} and k.account_id = ${syncUnits.accountId}) and ${syncUnits.publishedAt} is null`;
  const failed = and(eq(syncUnits.tenantId, tenantId), eq(syncUnits.status, "failed"));
  const where = and(failed, not(acked));
  const [total, acknowledged, rows] = await Promise.all([
    db.$count(syncUnits, where),
    db.$count(syncUnits, and(failed, acked)),
    db
      .select({
        accountId: syncUnits.accountId,
        accountName: orgAccounts.name,
        region: syncUnits.region,
        status: syncUnits.status,
        publishedAt: syncUnits.publishedAt,
        error: syncUnits.error,
        remedy: syncRunUnits.remedy,
        errorAt: syncUnits.errorAt,
      })
      .from(syncUnits)
      .leftJoin(
        orgAccounts,
        and(eq(orgAccounts.tenantId, syncUnits.tenantId), eq(orgAccounts.accountId, syncUnits.accountId)),
      )
      .leftJoin(
        syncRunUnits,
        and(
          eq(syncRunUnits.runId, syncUnits.lastRunId),
          eq(syncRunUnits.accountId, syncUnits.accountId),
          eq(syncRunUnits.region, syncUnits.region),
        ),
      )
      .where(where)
      .orderBy(syncUnits.accountId, syncUnits.region)
      .limit(limit),
  ]);
  return {
    total,
    acknowledged,
    rows: rows.map(({ publishedAt, ...r }) => ({ ...r, stale: publishedAt !== null })),
  };
}

export interface FailedJob {
  accountId: string;
  region: string;
  backupJobId: string;
  state: string;
  statusMessage: string | null;
  resourceArn: string;
  resourceType: string;
  creationDate: Date;
}

/** The newest failed, aborted or expired backup jobs of the last 7 days. */
export async function listRecentFailedJobs(
  db: Db,
  tenantId: string,
  limit = 8,
  now = clock.now(),
): Promise<FailedJob[]> {
  return db
    .select({
      accountId: backupJobs.accountId,
      region: backupJobs.region,
      backupJobId: backupJobs.backupJobId,
      state: backupJobs.state,
      statusMessage: backupJobs.statusMessage,
      resourceArn: backupJobs.resourceArn,
      resourceType: backupJobs.resourceType,
      creationDate: backupJobs.creationDate,
    })
    .from(backupJobs)
    .where(
      and(
        eq(backupJobs.tenantId, tenantId),
        gte(backupJobs.creationDate, new Date(now.getTime() - 7 * 86_400_000)),
        inArray(backupJobs.state, [...FAILED_JOB_STATES]),
      ),
    )
    .orderBy(desc(backupJobs.creationDate))
    .limit(limit);
}

export interface NewestBackupCell {
  accountId: string;
  accountName: string;
  region: string;
  /** Newest backup of any protected resource in the unit; null when none. */
  newest: Date | null;
  /** Oldest "last backup" among the unit's protected resources: the one most behind. */
  oldestLatest: Date | null;
  resources: number;
  /** False when the sync never read this account and region: "no data", not "no backups". */
  read: boolean;
}

/**
 * Per (account, region): how recent backups are, from ListProtectedResources' LastBackupTime.
 * Two index probes per unit (newest and oldest "last backup"); the accounts most behind first,
 * at most `limit` of them (a thousand-account heat map helps no one).
 */
export async function getBackupAgeGrid(
  db: Db,
  tenantId: string,
  limit = 30,
): Promise<{ cells: NewestBackupCell[]; accounts: number }> {
  const result = await db.execute<{
    account_id: string;
    account_name: string | null;
    region: string;
    newest: Date | null;
    oldest_latest: Date | null;
    resources: number | null;
    read: boolean;
  }>(sql`
    select u.account_id, a.name as account_name, u.region, u.published_at is not null as read,
      (select max(p.last_backup_time) from protected_resources p where p.tenant_id = u.tenant_id and p.account_id = u.account_id and p.region = u.region) as newest,
      (select min(p.last_backup_time) from protected_resources p where p.tenant_id = u.tenant_id and p.account_id = u.account_id and p.region = u.region) as oldest_latest,
      (u.counts->>'protected_resources')::int as resources
    from sync_units u
    left join org_accounts a on a.tenant_id = u.tenant_id and a.account_id = u.account_id
    where u.tenant_id = ${tenantId} and u.kind = 'region' and u.status <> 'skipped'`);
  const cells = result.rows.map((r) => ({
    accountId: r.account_id,
    accountName: r.account_name ?? r.account_id,
    region: r.region,
    newest: r.newest ? new Date(r.newest) : null,
    oldestLatest: r.oldest_latest ? new Date(r.oldest_latest) : null,
    resources: r.resources ?? 0,
    read: r.read,
  }));
  // An account is as far behind as its worst region read (no backup at all is the worst); regions
  // never read say nothing about backups, so an account with no data comes after those with some.
  const behind = new Map<string, number>();
  for (const c of cells) {
    const at = !c.read ? Infinity : c.newest ? c.newest.getTime() : -Infinity;
    behind.set(c.accountId, Math.min(behind.get(c.accountId) ?? Infinity, at));
  }
  const shown = new Set(
    [...behind.entries()]
      .sort((a, b) => a[1] - b[1])
      .slice(0, limit)
      .map(([id]) => id),
  );
  const order = [...shown];
  return {
    cells: cells
      .filter((c) => shown.has(c.accountId))
      .sort((a, b) => order.indexOf(a.accountId) - order.indexOf(b.accountId) || a.region.localeCompare(b.region)),
    accounts: behind.size,
  };
}
