import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countsByUnit, simCountsByUnit, startHarness, type Harness } from "./harness";

// A region the tenant no longer syncs (or an account that left the organization) takes its
// current data with it at the next complete walk of the tree; its job history stays, and the
// other units are not touched. Syncing the region again brings its data back.

let h: Harness;
/** Units of the demo world that fail by design (denied roles, a disabled region), from the first sync. */
let failedByDesign = 0;
beforeAll(async () => {
  h = await startHarness();
  await h.startWorker();
});
afterAll(async () => {
  await h?.close();
});

const rowsIn = async (table: string, region: string) =>
  (
    await h.db.pool.query(`select count(*)::int as n from ${table} where tenant_id = $1 and region = $2`, [
      h.tenantId,
      region,
    ])
  ).rows[0]!.n as number;
const setRegions = (regions: string[]) =>
  h.db.pool.query(`update tenants set regions = $2 where id = $1`, [h.tenantId, regions]);

describe("units that leave the tenant's scope", () => {
  it("empties a region that is no longer synced, keeps its job history and every other unit", async () => {
    const [kept, dropped] = h.world.regions;
    expect(dropped).toBeDefined();
    const all = simCountsByUnit(h.world);
    const first = await h.sync();
    expect(first.status).toBe("partial");
    failedByDesign = first.failed;
    expect(await countsByUnit(h.db, h.tenantId)).toEqual(all);
    const jobsBefore = await rowsIn("backup_jobs", dropped!);
    expect(await rowsIn("recovery_points", dropped!)).toBeGreaterThan(0);
    expect(jobsBefore).toBeGreaterThan(0);

    await setRegions([kept!]);
    expect((await h.sync()).status).toBe("partial");
    for (const t of [
      "backup_plans",
      "backup_rules",
      "backup_selections",
      "backup_vaults",
      "recovery_points",
      "protected_resources",
      "resources",
      "region_settings",
      "sync_units",
    ]) {
      expect(await rowsIn(t, dropped!), t).toBe(0);
    }
    expect(await rowsIn("backup_jobs", dropped!)).toBe(jobsBefore);
    const now = await countsByUnit(h.db, h.tenantId);
    for (const [unit, counts] of all) {
      if (unit.endsWith(`/${kept}`)) expect(now.get(unit), unit).toEqual(counts);
    }
  });

  it("brings the region back when it is synced again", async () => {
    await setRegions([...h.world.regions]);
    const back = await h.sync();
    // A returning unit finds its kept job history: its publish upserts the jobs, never fails on them.
    expect(back.failed).toBe(failedByDesign);
    expect(await countsByUnit(h.db, h.tenantId)).toEqual(simCountsByUnit(h.world));
  });
});
