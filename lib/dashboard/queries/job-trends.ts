import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { clock } from "@/lib/clock";
import { completedWithIssuesSql, jobFailedSql } from "@/db/job-issue";

const WITH_ISSUES = sql.raw(completedWithIssuesSql());
const FAILED = sql.raw(jobFailedSql());

export interface JobTrendDay {
  day: string;
  completed: number;
  withIssues: number;
  failed: number;
  other: number;
}

/** Backup jobs per UTC day and outcome over the last `days` days (one indexed range scan). */
export async function getBackupJobTrend(
  db: Db,
  tenantId: string,
  days = 30,
  now = clock.now(),
): Promise<JobTrendDay[]> {
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * 86_400_000);
  const result = await db.execute<{
    day: string;
    completed: number;
    with_issues: number;
    failed: number;
    other: number;
  }>(sql`
    select to_char(date_trunc('day', creation_date at time zone 'UTC'), 'YYYY-MM-DD') as day,
      count(*) filter (where state = 'COMPLETED' and not ${WITH_ISSUES})::int as completed,
      count(*) filter (where state = 'COMPLETED' and ${WITH_ISSUES})::int as with_issues,
      count(*) filter (where ${FAILED})::int as failed,
      count(*) filter (where state <> 'COMPLETED' and not ${FAILED})::int as other
    from backup_jobs
    where tenant_id = ${tenantId} and creation_date >= ${since}
    group by 1 order by 1`);
  const byDay = new Map(result.rows.map((r) => [r.day, r]));
  return Array.from({ length: days }, (_, i) => {
    const day = new Date(since.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    const r = byDay.get(day);
    return {
      day,
      completed: r?.completed ?? 0,
      withIssues: r?.with_issues ?? 0,
      failed: r?.failed ?? 0,
      other: r?.other ?? 0,
    };
  });
}
