import { describe, expect, it } from "vitest";
import { retryDelayMs } from "@/lib/alerts/backoff";
import { isMutedAt, muteEndsAt } from "@/lib/alerts/mute";
import { parseRuleParams } from "@/lib/alerts/rule-params";
import { signAlertBody, verifyAlertSignature } from "@/lib/alerts/signature";
import { failureBaseline, isFailureSpike } from "@/lib/alerts/spike";
import { muteScheduleSchema } from "@/lib/validation/alerts";

describe("rule params", () => {
  it("fills defaults so {} is a working rule of every kind", () => {
    expect(parseRuleParams("control_failed", {})).toEqual({ controlIds: [], accountIds: [] });
    expect(parseRuleParams("job_failure_spike", {})).toEqual({
      factor: 3,
      minFailures: 3,
      windowHours: 24,
      historyDays: 30,
    });
    expect(parseRuleParams("score_dropped", {})).toMatchObject({ source: "compliance", below: null, dropPoints: 5 });
  });

  it("refuses what a kind does not take, with the field named", () => {
    expect(() => parseRuleParams("control_failed", { controlIds: ["BK-1"] })).toThrow(/BK-01/);
    expect(() => parseRuleParams("control_failed", { threshold: 3 })).toThrow();
    expect(() => parseRuleParams("score_dropped", { below: 140 })).toThrow();
    expect(() => parseRuleParams("score_dropped", { below: null, dropPoints: null })).toThrow(/threshold/);
    expect(() => parseRuleParams("job_failure_spike", { factor: 0.5 })).toThrow();
  });
});

describe("mute windows", () => {
  const weeknights = { days: [1, 2, 3, 4, 5], from: "22:00", to: "07:00", timeZone: "Europe/Berlin" };

  it("validates the schedule", () => {
    expect(muteScheduleSchema.safeParse(weeknights).success).toBe(true);
    expect(muteScheduleSchema.safeParse({ ...weeknights, timeZone: "Mars/Olympus" }).success).toBe(false);
    expect(muteScheduleSchema.safeParse({ ...weeknights, to: "24:00" }).success).toBe(false);
    expect(muteScheduleSchema.safeParse({ ...weeknights, to: "22:00" }).success).toBe(false);
  });

  it("mutes across midnight in the schedule's time zone", () => {
    // Monday 2026-06-15, Berlin is UTC+2 in summer.
    expect(isMutedAt(weeknights, new Date("2026-06-15T19:59:00Z"))).toBe(false); // 21:59 Mon
    expect(isMutedAt(weeknights, new Date("2026-06-15T20:00:00Z"))).toBe(true); // 22:00 Mon
    expect(isMutedAt(weeknights, new Date("2026-06-16T04:59:00Z"))).toBe(true); // 06:59 Tue (after Mon)
    expect(isMutedAt(weeknights, new Date("2026-06-16T05:00:00Z"))).toBe(false); // 07:00 Tue
    // Saturday early hours follow Friday night; Sunday early hours follow Saturday (not listed).
    expect(isMutedAt(weeknights, new Date("2026-06-20T03:00:00Z"))).toBe(true);
    expect(isMutedAt(weeknights, new Date("2026-06-21T03:00:00Z"))).toBe(false);
    expect(isMutedAt(null, new Date())).toBe(false);
  });

  it("holds until the window ends", () => {
    expect(muteEndsAt(weeknights, new Date("2026-06-15T21:30:10Z")).toISOString()).toBe("2026-06-16T05:00:00.000Z");
    const free = new Date("2026-06-15T12:00:00Z");
    expect(muteEndsAt(weeknights, free)).toBe(free);
  });
});

describe("backoff", () => {
  it("waits 1, 2, 4, 8, 16 minutes, then gives up after 6 attempts", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n))).toEqual([60_000, 120_000, 240_000, 480_000, 960_000, null]);
  });
});

describe("job failure spike", () => {
  const p = { factor: 3, minFailures: 3, windowHours: 24, historyDays: 30 };

  it("is measured against the resource's own daily mean", () => {
    expect(failureBaseline(60, p)).toBe(2);
    expect(isFailureSpike(5, 60, p)).toBe(false); // 5 < 3 × 2
    expect(isFailureSpike(6, 60, p)).toBe(true);
  });

  it("needs at least minFailures for a resource that never failed", () => {
    expect(isFailureSpike(2, 0, p)).toBe(false);
    expect(isFailureSpike(3, 0, p)).toBe(true);
    expect(isFailureSpike(3, 3, p)).toBe(true); // baseline 0.1 a day
  });
});

describe("signatures", () => {
  const body = JSON.stringify({ events: [{ id: "e1" }] });
  const now = 1_781_000_000;

  it("verifies its own signature and refuses a wrong secret, body or stale time", () => {
    const header = signAlertBody("whsec_a", body, now);
    expect(verifyAlertSignature("whsec_a", body, header, { nowSeconds: now + 10 })).toBe(true);
    expect(verifyAlertSignature("whsec_b", body, header, { nowSeconds: now })).toBe(false);
    expect(verifyAlertSignature("whsec_a", `${body} `, header, { nowSeconds: now })).toBe(false);
    expect(verifyAlertSignature("whsec_a", body, header, { nowSeconds: now + 301 })).toBe(false);
    expect(verifyAlertSignature("whsec_a", body, "t=abc,v1=00", { nowSeconds: now })).toBe(false);
    expect(verifyAlertSignature("whsec_a", body, undefined)).toBe(false);
  });
});
