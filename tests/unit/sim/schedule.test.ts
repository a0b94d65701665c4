import { describe, expect, it } from "vitest";
import { parseSchedule } from "@/sim/engine/schedule";
import { selects } from "@/sim/engine/selection";

const T0 = Date.parse("2026-03-01T00:00:00Z") / 1000; // a Sunday
const iso = (s: number) => new Date(s * 1000).toISOString().slice(0, 16);
const fires = (expr: string, days: number, tz?: string) =>
  parseSchedule(expr, tz)
    .fires(T0, T0 + days * 86400, T0 - 3600)
    .map(iso);

describe("AWS schedule expressions", () => {
  it("daily, hourly steps and weekday ranges", () => {
    expect(fires("cron(0 5 ? * * *)", 2)).toEqual(["2026-03-01T05:00", "2026-03-02T05:00"]);
    expect(fires("cron(0 */6 * * ? *)", 1)).toEqual([
      "2026-03-01T06:00",
      "2026-03-01T12:00",
      "2026-03-01T18:00",
      "2026-03-02T00:00",
    ]);
    expect(fires("cron(30 1 ? * MON-FRI *)", 7)).toHaveLength(5);
    expect(fires("cron(0 6,18 ? * * *)", 1)).toEqual(["2026-03-01T06:00", "2026-03-01T18:00"]);
  });
  it("L, W and # in the day fields", () => {
    expect(fires("cron(0 0 L * ? *)", 40)).toEqual(["2026-03-31T00:00"]);
    expect(fires("cron(15 3 ? * 6L *)", 31)).toEqual(["2026-03-27T03:15"]);
    expect(fires("cron(0 2 ? * MON#2 *)", 31)).toEqual(["2026-03-09T02:00"]);
    expect(fires("cron(0 5 1W * ? *)", 31)).toEqual(["2026-03-02T05:00"]);
  });
  it("rate() counts from its anchor, time zones shift cron", () => {
    expect(fires("rate(12 hours)", 1)).toEqual(["2026-03-01T11:00", "2026-03-01T23:00"]);
    expect(fires("cron(0 5 ? * * *)", 1, "Europe/Berlin")).toEqual(["2026-03-01T04:00"]);
    expect(fires("cron(0 5 ? * * *)", 1, "America/New_York")).toEqual(["2026-03-01T10:00"]);
  });
  it("rejects what AWS rejects", () => {
    expect(() => parseSchedule("cron(0 5 * * * *)")).toThrow(/\?/);
    expect(() => parseSchedule("cron(0 5 ? * *)")).toThrow(/6 fields/);
    expect(() => parseSchedule("cron(61 5 ? * * *)")).toThrow(/outside/);
    expect(() => parseSchedule("every day")).toThrow();
  });
});

describe("backup selections", () => {
  const none = { stringEquals: [], stringNotEquals: [], stringLike: [], stringNotLike: [] };
  const vol = { arn: "arn:aws:ec2:us-east-1:111122223333:volume/vol-1", tags: { backup: "yes", env: "prod" } };
  const db = { arn: "arn:aws:rds:us-east-1:111122223333:db:orders", tags: { env: "dev-2" } };
  it("Resources AND Conditions", () => {
    const rules = {
      resources: ["arn:aws:ec2:*:*:volume/*"],
      notResources: [],
      listOfTags: [],
      conditions: { ...none, stringEquals: [{ key: "aws:ResourceTag/backup", value: "yes" }] },
    };
    expect(selects(rules, vol)).toBe(true);
    expect(selects(rules, { ...vol, tags: { backup: "no" } })).toBe(false);
    expect(selects(rules, db)).toBe(false);
  });
  it("Resources OR ListOfTags, minus NotResources", () => {
    const rules = {
      resources: ["arn:aws:rds:*:*:db:*"],
      notResources: ["*:db:orders"],
      listOfTags: [{ key: "backup", value: "yes" }],
      conditions: none,
    };
    expect(selects(rules, vol)).toBe(true);
    expect(selects(rules, db)).toBe(false);
  });
  it("negated and wildcard conditions; an empty selection assigns everything", () => {
    const rules = {
      resources: ["*"],
      notResources: [],
      listOfTags: [],
      conditions: {
        ...none,
        stringLike: [{ key: "aws:ResourceTag/env", value: "dev*" }],
        stringNotEquals: [{ key: "aws:ResourceTag/owner", value: "x" }],
      },
    };
    expect(selects(rules, db)).toBe(true);
    expect(selects(rules, vol)).toBe(false);
    expect(selects({ resources: [], notResources: [], listOfTags: [], conditions: none }, vol)).toBe(true);
  });
});
