import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateTenant } from "@/lib/compliance/evaluate-tenant";
import { getScores, getScoreTrend, listEvaluations } from "@/lib/compliance/read/scores";
import { pruneComplianceHistory } from "@/lib/compliance/store/prune-history";
import { testDb } from "@/tests/helpers/db";
import { makeTenant } from "@/tests/helpers/fixtures";

// Retention keeps at least 400 days of daily scores and evaluations; older ones go, and the
// evaluation in force at the cut stays so that every date inside the window is still answered.
// Evaluations of a tenant move forward in time.

const handle = testDb();
const { db } = handle;
let tenantId: string;
const DAY = 86_400_000;
const now = new Date("2026-06-15T12:00:00Z");
const ago = (days: number) => new Date(now.getTime() - days * DAY);

beforeAll(async () => {
  tenantId = (await makeTenant(db)).id;
  for (const d of [500, 450, 390, 10, 0]) await evaluateTenant(db, tenantId, { now: ago(d), trigger: "test" });
});
afterAll(() => handle.close());

describe("retention", () => {
  it("refuses an evaluation earlier than the last one", async () => {
    await expect(evaluateTenant(db, tenantId, { now: ago(1) })).rejects.toThrow(/move forward in time/);
  });

  it("keeps 400 days: older evaluations and roll-up days go, the one in force at the cut stays", async () => {
    expect((await getScoreTrend(db, { tenantId, templateSlug: "gdpr" })).length).toBe(5);
    const removed = await pruneComplianceHistory(db, { tenantId, keepDays: 30, now });
    expect(removed.evaluations).toBe(1);
    expect(removed.days).toBeGreaterThan(0);
    const kept = (await listEvaluations(db, { tenantId })).filter((e) => e.status === "succeeded");
    expect(kept.map((e) => e.evaluatedAt.toISOString())).toEqual(
      [ago(0), ago(10), ago(390), ago(450)].map((d) => d.toISOString()),
    );
    expect((await getScoreTrend(db, { tenantId, templateSlug: "gdpr" })).map((p) => p.day)).toEqual(
      [ago(390), ago(10), ago(0)].map((d) => d.toISOString().slice(0, 10)),
    );
    expect((await getScores(db, { tenantId, asOf: ago(420) })).evaluation?.evaluatedAt.toISOString()).toBe(
      ago(450).toISOString(),
    );
    expect((await getScores(db, { tenantId, asOf: ago(480) })).evaluation).toBeNull();
  });
});
