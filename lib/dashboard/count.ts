import { sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Db } from "@/db";
import { COUNT_CAP } from "./filters";

export interface RowCount {
  count: number;
  exact: boolean;
}

/**
 * The number of rows a table view holds, within a time budget: exact (up to COUNT_CAP) when
 * Postgres can count them quickly, otherwise the planner's estimate, flagged as such. A rare
 * filter over a million rows would otherwise cost a full scan on every page view.
 */
export async function boundedCount(db: Db, table: PgTable, where: SQL | undefined, budgetMs = 80): Promise<RowCount> {
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql.raw(`set local statement_timeout = ${Math.max(1, Math.floor(budgetMs))}`));
      const r = await tx.execute<{ n: number }>(
        sql`select count(*)::int as n from (select 1 from ${table} ${where ? sql`where ${where}` : sql``} limit ${COUNT_CAP + 1}) t`,
      );
      const n = Number(r.rows[0]?.n ?? 0);
      return { count: Math.min(n, COUNT_CAP), exact: n <= COUNT_CAP };
    });
  } catch (error) {
    const code =
      (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
    if (code !== "57014") throw error; // only "canceled by statement timeout" falls back
    const plan = await db.execute<{ "QUERY PLAN": Array<{ Plan: { "Plan Rows": number } }> }>(
      sql`explain (format json) select 1 from ${table} ${where ? sql`where ${where}` : sql``}`,
    );
    const rows = plan.rows[0]?.["QUERY PLAN"]?.[0]?.Plan["Plan Rows"] ?? 0;
    return { count: Math.round(rows), exact: false };
  }
}
