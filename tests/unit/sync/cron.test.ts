import { describe, expect, it } from "vitest";
import { lastSlot, parseCron } from "@/lib/sync/cron";
import { SYNC_SCHEDULES } from "@/lib/validation/tenants";

const at = (iso: string) => new Date(iso);

describe("cron slots for scheduled syncs (UTC)", () => {
  it("finds the latest slot within the look-back, or none", () => {
    expect(lastSlot("0 */6 * * *", at("2026-03-01T06:20:30Z"))).toEqual(at("2026-03-01T06:00:00Z"));
    expect(lastSlot("0 */6 * * *", at("2026-03-01T08:20:00Z"))).toBeNull();
    expect(lastSlot("0 2 * * *", at("2026-03-01T02:00:00Z"))).toEqual(at("2026-03-01T02:00:00Z"));
    expect(lastSlot("0 2 * * *", at("2026-03-01T02:59:00Z"), 60)).toEqual(at("2026-03-01T02:00:00Z"));
  });

  it("understands every schedule the settings offer", () => {
    for (const { cron } of Object.values(SYNC_SCHEDULES)) if (cron) expect(() => parseCron(cron)).not.toThrow();
  });

  it("handles ranges, lists, steps and the day-of-month OR day-of-week rule", () => {
    const c = parseCron("30 9-17/4 1,15 * 1");
    expect(c.matches(at("2026-03-02T09:30:00Z"))).toBe(true); // Monday
    expect(c.matches(at("2026-03-15T13:30:00Z"))).toBe(true); // the 15th (a Sunday)
    expect(c.matches(at("2026-03-03T13:30:00Z"))).toBe(false); // neither
    expect(c.matches(at("2026-03-02T11:30:00Z"))).toBe(false); // 11 is not in 9-17/4
    expect(parseCron("0 0 * * 7").matches(at("2026-03-01T00:00:00Z"))).toBe(true); // 7 = Sunday
  });

  it.each(["* * *", "61 * * * *", "* 24 * * *", "a * * * *", "5-1 * * * *"])("refuses %s", (bad) => {
    expect(() => parseCron(bad)).toThrow();
  });
});
