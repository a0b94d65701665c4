import { describe, expect, it } from "vitest";
import { parseDay, parsePeriod, periodAsOf, periodDays, periodLabel, periodWithin } from "@/lib/reports/period";

describe("report period", () => {
  it("covers whole UTC days, inclusive at both ends", () => {
    const p = parsePeriod("2026-01-01", "2026-03-31");
    expect(p.from.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(p.to.toISOString()).toBe("2026-04-01T00:00:00.000Z");
    expect(periodDays(p)).toEqual({ from: "2026-01-01", to: "2026-03-31" });
    expect(periodLabel(p)).toBe("2026-01-01 to 2026-03-31");
  });

  it("a one-day period is one day long", () => {
    const p = parsePeriod("2026-02-28", "2026-02-28");
    expect(p.to.getTime() - p.from.getTime()).toBe(86_400_000);
  });

  it.each([
    ["2026-1-01", "YYYY-MM-DD"],
    ["2026-02-30", "not a day of the calendar"],
    ["yesterday", "YYYY-MM-DD"],
    ["", "YYYY-MM-DD"],
  ])("refuses %j with a clear error", (text, message) => {
    expect(() => parseDay(text)).toThrow(message);
  });

  it("refuses a period that ends before it starts, or runs past two years", () => {
    expect(() => parsePeriod("2026-03-01", "2026-02-28")).toThrow("ends (2026-02-28) before it starts");
    expect(() => parsePeriod("2024-01-01", "2026-01-02")).toThrow("at most 731 days");
    expect(() => parsePeriod("2024-01-01", "2025-12-31")).not.toThrow();
  });

  it("describes the period's end, or now while it runs", () => {
    const p = parsePeriod("2026-01-01", "2026-01-31");
    expect(periodAsOf(p, new Date("2026-06-01T00:00:00Z")).toISOString()).toBe("2026-01-31T23:59:59.999Z");
    expect(periodAsOf(p, new Date("2026-01-15T12:00:00Z")).toISOString()).toBe("2026-01-15T12:00:00.000Z");
  });

  it("knows when one period lies within another", () => {
    const year = parsePeriod("2026-01-01", "2026-12-31");
    expect(periodWithin(parsePeriod("2026-03-01", "2026-03-31"), year)).toBe(true);
    expect(periodWithin(parsePeriod("2025-12-31", "2026-01-31"), year)).toBe(false);
    expect(periodWithin(parsePeriod("2026-12-01", "2027-01-01"), year)).toBe(false);
  });
});
