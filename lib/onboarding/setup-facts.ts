import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db";
import { listRuns } from "@/db/queries/sync";
import { syncRuns } from "@/db/schema";
import { failedCheckCount } from "./connection-checks";
import { getLatestConnectionTest } from "./connection-test-store";
import type { SetupFacts } from "./setup-steps";

/** What the setup guide needs to know about a tenant, in three small reads. */
export async function loadSetupFacts(db: Db, tenantId: string): Promise<SetupFacts> {
  const [[latest], synced, test] = await Promise.all([
    listRuns(db, { tenantId, limit: 1 }),
    db
      .select({ id: syncRuns.id })
      .from(syncRuns)
      .where(and(eq(syncRuns.tenantId, tenantId), inArray(syncRuns.status, ["succeeded", "partial"])))
      .limit(1),
    getLatestConnectionTest(db, tenantId),
  ]);
  return {
    connection: test
      ? { at: test.ranAt, entryRoleOk: test.verdict !== "failed", failedChecks: failedCheckCount(test.result) }
      : null,
    latestRun: latest ? { status: latest.status, finishedAt: latest.finishedAt } : null,
    hasSynced: synced.length > 0,
  };
}
