import { describe, expect, it } from "vitest";
import { checkScheduleExpression } from "@/lib/policies/cron";

describe("schedule_expression as AWS Backup takes it", () => {
  it.each([
    "cron(0 5 ? * * *)", // AWS Backup's default
    "cron(0 0/1 ? * * *)", // every hour (syntax page)
    "cron(0 5/1 ? * * *)",
    "cron(0 5 ? * 1,3,5 *)",
    "cron(0 12 * * ? *)",
    "cron(0 5 1 * ? *)",
    "cron(30 23 L * ? *)",
    "cron(0 8 15W * ? *)",
    "cron(0 18 ? * MON-FRI *)",
    "cron(0 6 ? * 6L *)",
    "cron(0 6 ? * 2#1 *)",
    "cron(15 2 ? JAN,JUL SUN 2026-2030)",
    "cron(0 */6 ? * * *)",
    "cron(0  5  ?  *  *  *)",
  ])("accepts %s", (expr) => {
    expect(checkScheduleExpression(expr)).toBeUndefined();
  });

  it.each([
    ["0 5 ? * * *", "not wrapped in cron()"],
    ["cron(0 5 ? * *)", "five fields"],
    ["cron(0 5 ? * * * *)", "seven fields"],
    ["cron(60 5 ? * * *)", "minute 60"],
    ["cron(0 24 ? * * *)", "hour 24"],
    ["cron(0 5 32 * ? *)", "day 32"],
    ["cron(0 5 ? 13 * *)", "month 13"],
    ["cron(0 5 ? * 8 *)", "weekday 8"],
    ["cron(0 5 ? * * 1969)", "year 1969"],
    ["cron(0 5 * * * *)", "no ? in the day fields"],
    ["cron(0 5 ? * ? *)", "? in both day fields"],
    ["cron(0 ? * * ? *)", "? in the hours"],
    ["cron(0 5 ? * 2#6 *)", "a sixth Monday"],
    ["cron(0 5 ? * 2#1,3 *)", "# in a list"],
    ["cron(0 10-5 ? * * *)", "a backwards range"],
    ["cron(0 5/0 ? * * *)", "a zero increment"],
    ["cron(0 5 ? FOO * *)", "an unknown month name"],
  ])("refuses %s (%s)", (expr) => {
    expect(checkScheduleExpression(expr)?.reason).toBe("INVALID_SCHEDULE_EXPRESSION");
  });

  it.each(["cron(* 5 ? * * *)", "cron(0/30 * ? * * *)", "cron(0,30 5 ? * * *)", "cron(0-5 5 ? * * *)"])(
    "refuses %s: AWS Backup needs 60 minutes between jobs",
    (expr) => {
      const problem = checkScheduleExpression(expr);
      expect(problem?.reason).toBe("SCHEDULE_TOO_FREQUENT");
      expect(problem?.message).toContain("60 minutes");
    },
  );

  it("refuses a valid rate expression because AWS Backup takes cron only", () => {
    const problem = checkScheduleExpression("rate(12 hours)");
    expect(problem?.reason).toBe("UNSUPPORTED_SCHEDULE_EXPRESSION");
    expect(problem?.message).toContain("cron(");
  });

  it.each(["rate(1 hours)", "rate(5 hour)", "rate(0 days)", "rate(1 week)", "rate(five days)"])(
    "refuses the malformed rate expression %s",
    (expr) => {
      expect(checkScheduleExpression(expr)?.reason).toBe("INVALID_SCHEDULE_EXPRESSION");
    },
  );
});
