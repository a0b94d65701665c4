// AWS cron semantics: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
import { describe, expect, it } from "vitest";
import { parseAwsCron } from "@/lib/compliance/schedule/aws-cron";
import { analyseSchedule } from "@/lib/compliance/schedule/schedule-interval";
import { NOW } from "./fixtures";

const H = 60;
const D = 24 * H;

describe("worst-case interval of a schedule", () => {
  const cases: Array<[string, string | null, number]> = [
    ["cron(0 5 ? * * *)", null, D],
    ["cron(0 5 ? * MON-FRI *)", null, 3 * D], // Friday 05:00 → Monday 05:00
    ["cron(0 5 ? * 2-6 *)", null, 3 * D], // same, numeric (1 = SUN)
    ["cron(0 5 ? * SAT,SUN *)", null, 6 * D],
    ["cron(0 2,14 * * ? *)", null, 12 * H],
    ["cron(30 1,3 * * ? *)", null, 22 * H],
    ["cron(0 0/4 * * ? *)", null, 4 * H],
    ["cron(0 */6 * * ? *)", null, 6 * H],
    ["cron(15 * ? * * *)", null, H],
    ["cron(0 8-17 ? * MON-FRI *)", null, 63 * H], // Fri 17:00 → Mon 08:00
    ["cron(0 5 1 * ? *)", null, 31 * D],
    ["cron(0 5 L * ? *)", null, 31 * D],
    ["cron(0 5 1,15 * ? *)", null, 17 * D], // 15th → 1st of a 31-day month
    ["cron(0 9 ? * 2#1 *)", null, 35 * D], // first Monday of the month
    ["cron(0 5 ? * 6L *)", null, 35 * D], // last Friday of the month
    ["cron(0 5 15W * ? *)", null, 32 * D], // nearest weekday to the 15th drifts by up to a day either way
    ["cron(0 5 LW * ? *)", null, 33 * D],
    ["cron(0 5 1 JAN,JUL ? *)", null, 184 * D],
    ["cron(0 5 29 2 ? *)", null, 1461 * D], // leap days only
    ["cron(0 5 ? * FRI-MON *)", null, 4 * D], // wrapping range FRI,SAT,SUN,MON
    ["cron(0 5 ? * * *)", "Europe/Paris", 25 * H], // the autumn change adds an hour once a year
    ["cron(0 5 ? * * *)", "UTC", D],
    ["rate(12 hours)", null, 12 * H],
    ["rate(1 day)", null, D],
    ["rate(90 minutes)", null, 90],
  ];
  it.each(cases)("%s (%s) → %i minutes", (expr, tz, minutes) => {
    const a = analyseSchedule(expr, tz, false, NOW);
    expect(a.ok && a.worstCaseMinutes).toBe(minutes);
  });

  it("continuous backup is continuous protection", () => {
    expect(analyseSchedule(null, null, true, NOW)).toMatchObject({ ok: true, kind: "continuous", worstCaseMinutes: 0 });
  });

  it("a schedule whose years are over never runs again", () => {
    const a = analyseSchedule("cron(0 5 ? * * 2020-2024)", null, false, NOW);
    expect(a.ok && a.worstCaseMinutes).toBe(Number.POSITIVE_INFINITY);
    const b = analyseSchedule("cron(0 5 ? * * 2026-2027)", null, false, NOW);
    expect(b.ok && b.worstCaseMinutes).toBe(D);
  });

  const invalid: Array<[string, RegExp]> = [
    ["cron(0 5 * * * *)", /exactly one of day-of-month and day-of-week/],
    ["cron(0 5 ? * *)", /6 fields/],
    ["cron(61 5 ? * * *)", /minutes/],
    ["cron(0 24 ? * * *)", /hours/],
    ["cron(0 5 ? * FUNDAY *)", /day-of-week/],
    ["cron(0 5 ? * 2#6 *)", /#/],
    ["cron(0 5 32 * ? *)", /day-of-month/],
    ["cron(0 0/0 ? * * *)", /step/],
    ["rate(0 hours)", /positive/],
    ["rate(2 weeks)", /unrecognised/],
    ["every day", /neither cron/],
  ];
  it.each(invalid)("refuses %s", (expr, msg) => {
    const a = analyseSchedule(expr, null, false, NOW);
    expect(a.ok).toBe(false);
    expect(!a.ok && a.error).toMatch(msg);
  });

  it("refuses an unknown time zone", () => {
    const a = analyseSchedule("cron(0 5 ? * * *)", "Mars/Olympus", false, NOW);
    expect(!a.ok && a.error).toMatch(/time zone/);
  });

  it("parses names, lists and steps into the documented sets", () => {
    const p = parseAwsCron("cron(0/20 1-3 ? JAN-MAR MON *)");
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.cron.minutes).toEqual([0, 20, 40]);
    expect(p.cron.hours).toEqual([1, 2, 3]);
    expect([...p.cron.months].sort()).toEqual([1, 2, 3]);
    // 2026-06-15 is a Monday: dow 2.
    expect(p.cron.dayMatches({ year: 2026, month: 6, day: 15, daysInMonth: 30, dow: 2 })).toBe(true);
    expect(p.cron.dayMatches({ year: 2026, month: 6, day: 16, daysInMonth: 30, dow: 3 })).toBe(false);
  });
});
