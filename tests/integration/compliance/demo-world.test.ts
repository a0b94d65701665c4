import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { CONTROL_IDS } from "@/lib/compliance/model/finding";
import { evaluateTenant, type EvaluationResult } from "@/lib/compliance/evaluate-tenant";
import { demoWorld } from "@/sim/world/demo";
import { testDb } from "@/tests/helpers/db";
import { syncWorld, type SyncedWorld } from "./sync-world";

// The demo world, synced from the simulator by the sync engine and evaluated from Postgres,
// shows every control both passing and failing somewhere.

const handle = testDb();
let synced: SyncedWorld;
let result: EvaluationResult;

beforeAll(async () => {
  synced = await syncWorld(handle, inject("databaseUrl"), demoWorld(1), { name: "Demo Compliance" });
  result = await evaluateTenant(handle.db, synced.tenantId, { trigger: "test" });
}, 300_000);
afterAll(async () => {
  await synced?.stop();
  await handle.close();
});

describe("demo world evaluation", () => {
  it("synced", () => {
    expect(synced.run.status).toBe("partial");
  });
  it.each(CONTROL_IDS.map((c) => [c]))("%s has passing and failing findings", (controlId) => {
    const runs = result.runs.filter((r) => r.controlId === controlId);
    const pass = runs.reduce((n, r) => n + r.counts.PASS, 0);
    const fail = runs.reduce((n, r) => n + r.counts.FAIL, 0);
    console.log(controlId, JSON.stringify(runs.map((r) => r.counts)));
    expect(pass, `${controlId} PASS`).toBeGreaterThan(0);
    expect(fail, `${controlId} FAIL`).toBeGreaterThan(0);
  });
});
