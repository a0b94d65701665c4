import { and, asc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db";
import { backupPlans, backupRules, backupSelections, type BackupPlanRow, type BackupRuleRow } from "@/db/schema";
import { scheduleInWords } from "../schedule-words";
import { containsPattern, optionalAccount, optionalRegion, optionalText } from "../filters";
import { decodeCursor, encodeCursor, iterateByPages, type TableDefinition, type TableScope } from "../table";

const CURSOR = z.tuple([z.string(), z.string(), z.string()]);

export const planFilters = z.object({
  account: optionalAccount,
  region: optionalRegion,
  managed: z.preprocess((v) => (v === "org" || v === "local" ? v : undefined), z.enum(["org", "local"]).optional()),
  name: optionalText(200),
});
export type PlanFilters = z.infer<typeof planFilters>;

export interface PlanListRow extends BackupPlanRow {
  rules: BackupRuleRow[];
  selectionCount: number;
}

function where(scope: TableScope, f: PlanFilters): SQL[] {
  const w: SQL[] = [eq(backupPlans.tenantId, scope.tenantId)];
  if (f.account) w.push(eq(backupPlans.accountId, f.account));
  if (f.region) w.push(eq(backupPlans.region, f.region));
  if (f.managed) w.push(eq(backupPlans.orgManaged, f.managed === "org"));
  if (f.name) w.push(sql`${backupPlans.planName} ilike ${containsPattern(f.name)}`);
  return w;
}

async function page(db: Db, scope: TableScope, f: PlanFilters, cursor: string | null, limit: number) {
  const w = where(scope, f);
  const after = decodeCursor(cursor, CURSOR);
  if (after)
    w.push(
      sql`(${backupPlans.accountId}, ${backupPlans.region}, ${backupPlans.planId}) > (${after[0]}, ${after[1]}, ${after[2]})`,
    );
  const plans = await db
    .select()
    .from(backupPlans)
    .where(and(...w))
    .orderBy(asc(backupPlans.accountId), asc(backupPlans.region), asc(backupPlans.planId))
    .limit(limit + 1);
  const more = plans.length > limit;
  const shown = more ? plans.slice(0, limit) : plans;
  const ids = shown.map((p) => p.planId);
  // Rules of the current versions and selection counts, in two queries for the whole page.
  const rules = ids.length
    ? await db
        .select()
        .from(backupRules)
        .where(and(eq(backupRules.tenantId, scope.tenantId), inArray(backupRules.planId, ids)))
        .orderBy(asc(backupRules.position))
    : [];
  const selections = ids.length
    ? await db
        .select({
          accountId: backupSelections.accountId,
          region: backupSelections.region,
          planId: backupSelections.planId,
          n: sql<number>`count(*)::int`,
        })
        .from(backupSelections)
        .where(and(eq(backupSelections.tenantId, scope.tenantId), inArray(backupSelections.planId, ids)))
        .groupBy(backupSelections.accountId, backupSelections.region, backupSelections.planId)
    : [];
  const key = (r: { accountId: string; region: string; planId: string }) => `${r.accountId}|${r.region}|${r.planId}`;
  const rows: PlanListRow[] = shown.map((p) => ({
    ...p,
    rules: rules.filter((r) => key(r) === key(p) && r.versionId === p.versionId),
    selectionCount: selections.find((s) => key(s) === key(p))?.n ?? 0,
  }));
  const last = shown[shown.length - 1];
  const total = cursor ? null : { count: await db.$count(backupPlans, and(...where(scope, f))), exact: true };
  return { rows, next: more && last ? encodeCursor([last.accountId, last.region, last.planId]) : null, total };
}

const retentionText = (r: BackupRuleRow) =>
  r.lifecycle?.deleteAfterDays ? `${r.lifecycle.deleteAfterDays} d` : "never expires";

export const backupPlansTable: TableDefinition<PlanFilters, PlanListRow> = {
  name: "backup-plans",
  title: "Backup plans",
  filters: planFilters,
  columns: [
    { key: "account_id", label: "Account", value: (r) => r.accountId },
    { key: "region", label: "Region", value: (r) => r.region },
    { key: "plan_name", label: "Plan", value: (r) => r.planName },
    { key: "plan_arn", label: "Plan ARN", value: (r) => r.planArn },
    { key: "org_managed", label: "Org-managed", value: (r) => r.orgManaged },
    {
      key: "rules",
      label: "Rules",
      value: (r) =>
        r.rules
          .map(
            (x) =>
              `${x.ruleName}: ${scheduleInWords(x.scheduleExpression, x.scheduleExpressionTimezone, x.enableContinuousBackup).words}, keep ${retentionText(x)}, vault ${x.targetBackupVaultName}${x.copyActions.length ? `, copies to ${x.copyActions.map((c) => c.destinationBackupVaultArn).join(" ")}` : ""}`,
          )
          .join(" | "),
    },
    { key: "selections", label: "Selections", value: (r) => r.selectionCount },
    { key: "last_execution_date", label: "Last run", value: (r) => r.lastExecutionDate },
  ],
  page,
  iterate: (db, scope, f) => iterateByPages(page, db, scope, f, 500),
};
