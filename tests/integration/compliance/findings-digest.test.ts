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

const evaluate = (now: Date) =>
  evaluateTenant(db, synced.tenantId, { trigger: "test", now, maxDataAgeHours: 24 * 365 });

describe("findings digest", () => {
  it("equals for the same snapshot evaluated on top of earlier findings or from nothing, and sees a flipped verdict", async () => {
    await evaluate(t0);
    const later = new Date(t0.getTime() + 3_600_000);
    await evaluate(later);
    const stored = await findingsDigest(handle.pool, synced.tenantId);
    expect(stored.findings).toBeGreaterThan(1000);

    for (const t of ["compliance_evaluations", "compliance_panels", "compliance_runs", "compliance_score_days"])
      await handle.pool.query(`delete from ${t} where tenant_id = $1`, [synced.tenantId]);
    await evaluate(later);
    const fresh = await findingsDigest(handle.pool, synced.tenantId);
    expect(fresh).toEqual(stored);

    // Resources that lose their tags leave the plans that select on them: verdicts flip.
    const untagged = await handle.pool.query(
      `update resources set tags = '{}'::jsonb where tenant_id = $1 and tags <> '{}'::jsonb`,
      [synced.tenantId],
    );
    expect(untagged.rowCount).toBeGreaterThan(0);
    await evaluate(new Date(later.getTime() + 3_600_000));
    const changed = await findingsDigest(handle.pool, synced.tenantId);
    expect(changed.verdicts).not.toBe(stored.verdicts);
  }, 300_000);
});
