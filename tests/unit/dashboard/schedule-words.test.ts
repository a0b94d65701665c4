import { describe, expect, it } from "vitest";
import { scheduleInWords } from "@/lib/dashboard/schedule-words";

const now = new Date("2026-11-27T00:00:00Z");

describe("schedules in words", () => {
  it.each([
    ["cron(0 5 ? * * *)", null, "Daily at 05:00 UTC", "24 h"],
    ["cron(0 6/12 ? * * *)", null, "Every 12 hours from 06:00 UTC", "12 h"],
    ["cron(30 2 ? * MON-FRI *)", null, "Weekdays at 02:30 UTC", "3 d"],
    ["cron(0 */6 * * ? *)", null, "Every 6 hours at :00", "6 h"],
    ["cron(15 * ? * * *)", null, "Hourly at :15", "1 h"],
    ["cron(0 3 ? * SUN *)", null, "Every Sunday at 03:00 UTC", "7 d"],
    ["cron(0 1 L * ? *)", null, "Last day of each month at 01:00 UTC", null],
    ["cron(0 4 ? * 2#1 *)", null, "The first Monday of each month at 04:00 UTC", null],
    ["cron(0 5,17 ? * * *)", null, "Daily at 05:00, 17:00 UTC", "12 h"],
    ["rate(12 hours)", null, "Every 12 hours", "12 h"],
    ["rate(1 day)", null, "Every day", "24 h"],
    ["cron(0 5 ? * * *)", "Europe/Paris", "Daily at 05:00 Europe/Paris", null],
  ])("%s (%s) → %s", (expr, tz, words, worst) => {
    const result = scheduleInWords(expr, tz, false, now);
    expect(result.words).toBe(words);
    if (worst) expect(result.worstCase).toBe(worst);
  });

  it("keeps unusual expressions as written, with their worst case", () => {
    expect(scheduleInWords("cron(0 5 1-7 * ? *)", null, false, now).words).toBe("cron(0 5 1-7 * ? *)");
  });

  it("says continuous backup in words", () => {
    expect(scheduleInWords(null, null, true, now).words).toBe("Continuous (point-in-time recovery)");
    expect(scheduleInWords("cron(0 5 ? * * *)", null, true, now).words).toBe("Daily at 05:00 UTC + continuous");
  });
});
