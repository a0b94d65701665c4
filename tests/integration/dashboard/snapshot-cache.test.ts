import { afterAll, describe, expect, it } from "vitest";
import { bySnapshotAndDay } from "@/lib/dashboard/snapshot-cache";
import { testDb } from "@/tests/helpers/db";
import { makeTenant } from "@/tests/helpers/fixtures";

const handle = testDb();
afterAll(() => handle.close());

describe("bySnapshotAndDay", () => {
  it("loads once per UTC day and tenant snapshot, handing the load the day's start, whatever the time of day", async () => {
    const tenant = await makeTenant(handle.db);
    const days: string[] = [];
    const load = async (today: Date) => {
      days.push(today.toISOString());
      return days.length;
    };
    const at = (iso: string) => bySnapshotAndDay(handle.db, tenant.id, "test.trend", { n: 30 }, load, new Date(iso));

    expect(await at("2026-11-27T00:00:01Z")).toBe(1);
    // Hours later, the same day: no reload (the 5-minute refresh of other widgets does not apply).
    expect(await at("2026-11-27T23:59:59Z")).toBe(1);
    expect(days).toEqual(["2026-11-27T00:00:00.000Z"]);
    // The next day loads again, from that day's start.
    expect(await at("2026-11-28T08:00:00Z")).toBe(2);
    expect(days[1]).toBe("2026-11-28T00:00:00.000Z");

    // A new snapshot (here: an evaluation lands) is never answered from the older one.
    await handle.pool.query(
      `insert into compliance_evaluations (tenant_id, status, trigger, evaluated_at, templates, run_ids) values ($1, 'succeeded', 'test', now(), '[]', '{}')`,
      [tenant.id],
    );
    expect(await at("2026-11-28T09:00:00Z")).toBe(3);
    expect(await at("2026-11-28T10:00:00Z")).toBe(3);
    // Other arguments are another key.
    expect(
      await bySnapshotAndDay(handle.db, tenant.id, "test.trend", { n: 7 }, load, new Date("2026-11-28T10:00:00Z")),
    ).toBe(4);
  });
});
