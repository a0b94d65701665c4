import { eq } from "drizzle-orm";
import type { Conn, Db } from "@/db";
import { recordAudit } from "@/db/audit";
import { connectionTests, syncRuns, type ConnectionVerdict } from "@/db/schema";
import type { AwsSettings } from "@/lib/aws/client-factory";
import { FailureError } from "@/lib/aws/errors";
import { AppError, invalid, notFound } from "@/lib/errors";
import { poolOf } from "@/lib/compliance/read/panels";
import { loadTenantForSync } from "@/lib/sync/context";
import type { Actor } from "@/lib/compliance/templates/template-store";
import { groupProblems, verdictOf, type ConnectionTestResult } from "./connection-checks";
import { testConnection, type TestConnectionOptions } from "./test-connection";

export interface StoredConnectionTest {
  ranAt: Date;
  ranByEmail: string | null;
  verdict: ConnectionVerdict;
  result: ConnectionTestResult;
}

/** Runs the test, keeps it as the tenant's latest and audits it, in one transaction. */
export async function runConnectionTest(
  db: Db,
  actor: Actor,
  tenantId: string,
  aws: AwsSettings,
  options?: TestConnectionOptions,
): Promise<StoredConnectionTest> {
  const tenant = await loadTenantForSync(poolOf(db), tenantId);
  if (!tenant) throw notFound("That organization");
  let result: ConnectionTestResult;
  try {
    result = await testConnection(tenant, aws, options);
  } catch (error) {
    // A malformed role ARN or account id (checkTenantRoles): said as it is, nothing tested or kept.
    if (error instanceof FailureError && error.failure.kind === "bad_config")
      throw invalid(`The organization's settings cannot work: ${error.failure.message}. ${error.failure.remedy}`);
    throw error;
  }
  const verdict = verdictOf(result);
  const row = {
    tenantId,
    ranAt: new Date(result.ranAt),
    ranByEmail: actor.email,
    verdict,
    durationMs: result.durationMs,
    result,
  };
  await db.transaction(async (tx) => {
    await tx
      .insert(connectionTests)
      .values(row)
      .onConflictDoUpdate({
        target: connectionTests.tenantId,
        set: { ranAt: row.ranAt, ranByEmail: row.ranByEmail, verdict, durationMs: row.durationMs, result },
      });
    await recordAudit(tx, {
      actorId: actor.userId,
      actorEmail: actor.email,
      ip: actor.ip,
      tenantId,
      action: "tenant.connection_test",
      targetType: "tenant",
      targetId: tenantId,
      details: {
        verdict,
        accounts: result.accounts.length,
        regions: result.regions.length,
        problems: groupProblems(result).length,
      },
    });
  });
  return { ranAt: row.ranAt, ranByEmail: row.ranByEmail, verdict, result };
}

export async function getLatestConnectionTest(db: Conn, tenantId: string): Promise<StoredConnectionTest | null> {
  const [r] = await db
    .select({
      ranAt: connectionTests.ranAt,
      ranByEmail: connectionTests.ranByEmail,
      verdict: connectionTests.verdict,
      result: connectionTests.result,
    })
    .from(connectionTests)
    .where(eq(connectionTests.tenantId, tenantId));
  return r ? { ...r, result: r.result as ConnectionTestResult } : null;
}

/** A first sync refused because the connection test could not get in (a user sees the message). */
export class FirstSyncRefused extends AppError {
  constructor(
    readonly test: StoredConnectionTest,
    /** false: the refusal repeats a failed test already kept (see `failedSince`), nothing was run. */
    readonly tested: boolean,
  ) {
    const entry = [test.result.entry.assume, test.result.entry.read].find((c) => c.status === "fail");
    super(
      "VALIDATION",
      `The first sync was not started: the connection test could not get in. ${entry?.problem ?? ""}. What to fix: ${entry?.remedy ?? ""}`,
    );
  }
}

/**
 * Before a tenant's first sync: the test runs first and is kept (the settings page shows it). If
 * the entry role cannot be assumed or cannot read the organization, the sync would fail at once
 * with nothing to show for it, so it is refused with the test's advice instead. Accounts and
 * regions that fail do not block: the sync reads what it can and reports the rest per unit, as
 * it always does. A tenant that ever had a run (whatever its outcome) is not tested again here.
 * Product code reaches this through startSync (lib/sync/start.ts), never on its own.
 *
 * `failedSince`: a caller that retries on its own (the scheduler ticks every minute within a cron
 * slot) names when its attempt began; a failed test kept since then is the answer again, so a
 * shut role costs one test and one audit row per slot, not one a minute.
 */
export async function checkBeforeFirstSync(
  db: Db,
  actor: Actor,
  tenantId: string,
  aws: AwsSettings,
  options: { failedSince?: Date } = {},
): Promise<StoredConnectionTest | null> {
  const [ran] = await db.select({ id: syncRuns.id }).from(syncRuns).where(eq(syncRuns.tenantId, tenantId)).limit(1);
  if (ran) return null;
  if (options.failedSince) {
    const last = await getLatestConnectionTest(db, tenantId);
    if (last?.verdict === "failed" && last.ranAt >= options.failedSince) throw new FirstSyncRefused(last, false);
  }
  const test = await runConnectionTest(db, actor, tenantId, aws);
  if (test.verdict === "failed") throw new FirstSyncRefused(test, true);
  return test;
}
