import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createState } from "@/sim/engine/create";
import { advanceDays } from "@/sim/engine/day";
import { lowerBound } from "@/sim/engine/lower-bound";
import type { SimState } from "@/sim/engine/model";
import { worldSummary } from "@/sim/engine/summary";
import { IdentityStore } from "@/sim/auth/identity";
import { DEFAULT_CONFIG } from "@/sim/config";
import { demoWorld } from "@/sim/world/demo";

const NOW = Date.parse("2026-06-15T12:00:00Z") / 1000;

/** Everything a day changes: point flags, vault lists, tags, plan versions and deletions. */
function digest(s: SimState): string {
  const h = createHash("sha256");
  for (const c of [s.rps.flags, s.rps.created, s.backupJobs.created, s.copyJobs.created])
    h.update(Buffer.from(c.data.buffer, 0, c.data.byteLength));
  h.update(
    JSON.stringify({
      units: s.units.map((u) => u.vaults),
      tags: s.resources.map((r) => r.tags),
      plans: s.plans.map((p) => [p.deleted, p.versions.map((v) => v.versionId)]),
    }),
  );
  return h.digest("hex");
}

const summary = (s: SimState) => worldSummary(s, new IdentityStore(s), DEFAULT_CONFIG);

describe("a simulated day", () => {
  it("is deterministic for a seed and a clock", () => {
    const a = createState(demoWorld(1), { now: NOW });
    const b = createState(demoWorld(1), { now: NOW });
    const ca = advanceDays(a, 3);
    const cb = advanceDays(b, 3);
    expect(ca).toEqual(cb);
    expect(digest(a)).toBe(digest(b));
    expect(a.now).toBe(NOW + 3 * 86400);
  });

  it("deletes about 1% of the points by hand, untags, edits and deletes plans, removes a vault", () => {
    const s = createState(demoWorld(1), { now: NOW });
    const before = summary(s).counts.recovery_points;
    const rates = { points: 0.01, untag: 0.05, edit_plan: 0.3, delete_plan: 0.2, remove_vault: 0.2 };
    const c = advanceDays(s, 1, rates);
    expect(c.deleted_points / before).toBeGreaterThan(0.004);
    expect(c.deleted_points / before).toBeLessThan(0.02);
    // In cleanups of a few vaults, not a point here and there in every vault.
    const again = createState(demoWorld(1), { now: NOW });
    const onlyPoints = advanceDays(again, 1, { points: 0.01, untag: 0, edit_plan: 0, delete_plan: 0, remove_vault: 0 });
    const plain = createState(demoWorld(1), { now: NOW });
    advanceDays(plain, 1, { points: 0, untag: 0, edit_plan: 0, delete_plan: 0, remove_vault: 0 });
    const vaults = again.vaults.length;
    const cleaned = again.vaults.filter((v, i) => v.liveCount < plain.vaults[i]!.liveCount).length;
    expect(onlyPoints.deleted_points).toBeGreaterThan(0);
    expect(cleaned).toBeGreaterThan(0);
    expect(cleaned).toBeLessThan(vaults * 0.15);
    expect(c.untagged_resources).toBeGreaterThan(0);
    expect(c.edited_plans).toBeGreaterThan(0);
    expect(c.deleted_plans).toBeGreaterThan(0);
    expect(c.removed_vaults).toBeGreaterThan(0);
    // Counts and the lower bound follow the changed world: a vault's count is what its list holds.
    for (const unit of s.units)
      for (const vi of unit.vaults) {
        const v = s.vaults[vi]!;
        const listed = Array.from(v.recoveryPoints.view()).filter((i) => s.rps.visible(i, s.now)).length;
        expect(v.liveCount).toBe(listed);
      }
    const lb = lowerBound(s, new IdentityStore(s), DEFAULT_CONFIG);
    expect(lb.min_calls).toBeGreaterThan(0);
  });
});
