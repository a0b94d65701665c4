import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { evaluateTenant } from "@/lib/compliance/evaluate-tenant";
import { findingsDigest } from "@/lib/compliance/read/findings-digest";
import { demoWorld } from "@/sim/world/demo";
import { testDb } from "@/tests/helpers/db";
import { syncWorld, type SyncedWorld } from "./sync-world";

// The findings digest is how bench:steady decides that findings published on top of earlier ones
// equal the same snapshot evaluated from nothing: it must see a changed verdict, and must not see
// what is the tenant's own (run ids, when each finding began).

const handle = testDb();
const { db } = handle;
let synced: SyncedWorld;
let t0: Date;

beforeAll(async () => {
  synced = await syncWorld(handle, inject("databaseUrl"), demoWorld(4), { name: "Demo Digest" });
  t0 = new Date(synced.sim.runtime.state.now * 1000);
}, 300_000);
afterAll(async () => {
  await synced?.stop();
  await handle.close();
});

/** Every stored evaluation of the tenant dropped, so the next starts from nothing. */
const forget = async () => {
  for (const t of ["compliance_evaluations", "compliance_panels", "compliance_runs", "compliance_score_days"])
    await handle.pool.query(`delete from ${t} where tenant_id = $1`, [synced.tenantId]);
};

const evaluate = (now: Date) =>
  evaluateTenant(db, synced.tenantId, { trigger: "test", now, maxDataAgeHours: 24 * 365 });

describe("findings digest", () => {
  it("equals for the same snapshot evaluated on top of earlier findings or from nothing, vanished panels included, and sees flipped verdicts", async () => {
    await evaluate(t0);
    const later = new Date(t0.getTime() + 3_600_000);
    await evaluate(later);
    const stored = await findingsDigest(handle.pool, synced.tenantId);
    expect(stored.findings).toBeGreaterThan(1000);

    await forget();
    await evaluate(later);
    const fresh = await findingsDigest(handle.pool, synced.tenantId);
    expect(fresh).toEqual(stored);

    // Resources that lose their tags leave the plans that select on them: verdicts flip. One
    // account's resources and points go altogether: their panels vanish (stored, they stay empty).
    const untagged = await handle.pool.query(
      `update resources set tags = '{}'::jsonb where tenant_id = $1 and tags <> '{}'::jsonb`,
      [synced.tenantId],
    );
    expect(untagged.rowCount).toBeGreaterThan(0);
    const [gone] = (
      await handle.pool.query(`select account_id from resources where tenant_id = $1 limit 1`, [synced.tenantId])
    ).rows as Array<{ account_id: string }>;
    for (const t of ["resources", "recovery_points", "protected_resources"])
      await handle.pool.query(`delete from ${t} where tenant_id = $1 and account_id = $2`, [
        synced.tenantId,
        gone!.account_id,
      ]);
    const next = new Date(later.getTime() + 3_600_000);
    const onTop = await evaluate(next);
    expect(onTop.stats.panels.vanished).toBeGreaterThan(0);
    const changed = await findingsDigest(handle.pool, synced.tenantId);
    expect(changed.verdicts).not.toBe(stored.verdicts);

    await forget();
    await evaluate(next);
    // Verdicts only: evidence stays from when a verdict began (an untagged resource's tags).
    const again = await findingsDigest(handle.pool, synced.tenantId);
    expect({ findings: again.findings, verdicts: again.verdicts }).toEqual({
      findings: changed.findings,
      verdicts: changed.verdicts,
    });
  }, 300_000);
});
