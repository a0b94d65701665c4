import { afterEach, describe, expect, it } from "vitest";
import { clock, clockFrom, pinClock } from "@/lib/clock";
import { readEnv } from "@/lib/env";
import { createState } from "@/sim/engine/create";
import type { SimState } from "@/sim/engine/model";
import { demoWorld } from "@/sim/world/demo";
import { DAY, worldNow } from "@/sim/world/time";

// One clock: the product reads "now" from lib/clock.ts (pinned here, in tests and in benches), and
// a simulated world is a function of its seed and its `now` alone.

const T = Date.parse("2026-06-15T12:00:00Z");
let unpin: (() => void) | undefined;
afterEach(() => unpin?.());

describe("the product's clock", () => {
  it("reads the pinned time, frozen or running on from it", async () => {
    unpin = pinClock(T, { frozen: true });
    expect(clock.now().toISOString()).toBe("2026-06-15T12:00:00.000Z");
    expect(clock.daysAgo(3).toISOString()).toBe("2026-06-12T12:00:00.000Z");
    unpin();
    unpin = pinClock(new Date(T));
    const first = clock.nowMs();
    await new Promise((r) => setTimeout(r, 30));
    expect(first - T).toBeLessThan(1000);
    expect(clock.nowMs() - first).toBeGreaterThanOrEqual(25);
  });

  it("puts the previous clock back", () => {
    const outer = pinClock(T, { frozen: true });
    const inner = pinClock(T + DAY * 1000, { frozen: true });
    expect(clock.nowMs()).toBe(T + DAY * 1000);
    inner();
    expect(clock.nowMs()).toBe(T);
    outer();
  });

  it("starts where it is pinned, whatever the machine's clock says", () => {
    let elapsed = 5_000_000; // a machine that has been up for a while
    const source = clockFrom(T, () => elapsed);
    expect(source()).toBe(T);
    elapsed += 1500;
    expect(source()).toBe(T + 1500);
  });

  it("takes CLOCK_AT from the environment and refuses one that is not a time", () => {
    expect(readEnv({ CLOCK_AT: "2027-01-02T03:04:05Z" }).CLOCK_AT?.toISOString()).toBe("2027-01-02T03:04:05.000Z");
    expect(readEnv({}).CLOCK_AT).toBeUndefined();
    expect(() => readEnv({ CLOCK_AT: "next tuesday" })).toThrow(/CLOCK_AT must be an ISO 8601 time/);
  });
});

/** Region, account and name of a plan (org-managed plans' IDs are drawn when they are made). */
const planKey = (s: SimState, plan: number) => {
  const p = s.plans[plan]!;
  return `${p.arn.split(":").slice(3, 5).join(":")} ${p.name}`;
};

/** Ages (now - time) of what a world is made of, in seconds. */
function ages(s: SimState) {
  const newestByRule = new Map<number, number>();
  for (let i = 0; i < s.rps.size; i++) {
    const rule = s.rps.rule.data[i] as number;
    newestByRule.set(rule, Math.max(newestByRule.get(rule) ?? -Infinity, s.rps.created.data[i] as number));
  }
  return {
    plans: s.plans.map((p) => [planKey(s, p.index), s.now - p.created]),
    vaults: s.vaults.map((v) => [v.arn.split(":")[4], v.name, s.now - v.created]),
    resources: s.resources.map((r) => [r.id, s.now - r.created]),
    // Whether a rule's newest recovery point is within one period of its schedule (and its start
    // and completion windows) of now: where in its windows a job ran is drawn from the time it
    // ran, so the seconds differ from one `now` to another, but never by a period.
    newestPointByRule: s.rules
      .filter((r) => r.schedule && newestByRule.has(r.index))
      .map((r) => [
        planKey(s, r.plan),
        r.name,
        s.now - (newestByRule.get(r.index) as number) <=
          r.schedule!.periodSeconds + (r.startWindowMinutes + r.completionWindowMinutes) * 60,
      ]),
  };
}

describe("a generated world", () => {
  const now = worldNow(T);

  it("is identical for the same seed and now", () => {
    const a = createState(demoWorld(3), { now });
    const b = createState(demoWorld(3), { now });
    expect(a.now).toBe(now);
    expect(JSON.stringify(ages(a))).toBe(JSON.stringify(ages(b)));
    expect(Buffer.from(a.rps.created.data.buffer).equals(Buffer.from(b.rps.created.data.buffer))).toBe(true);
    expect(a.resources.map((r) => r.arn)).toEqual(b.resources.map((r) => r.arn));
  });

  it("has the same ages relative to another now", () => {
    const later = now + 400 * DAY;
    const a = createState(demoWorld(3), { now });
    const b = createState(demoWorld(3), { now: later });
    expect(b.now).toBe(later);
    const [x, y] = [ages(a), ages(b)];
    expect(y.plans).toEqual(x.plans);
    expect(y.vaults).toEqual(x.vaults);
    expect(y.resources).toEqual(x.resources);
    expect(x.newestPointByRule.length).toBeGreaterThan(5);
    expect(y.newestPointByRule).toEqual(x.newestPointByRule);
  });

  it("needs a now: nothing builds a world from the date it runs on", () => {
    // @ts-expect-error -- `now` is required
    expect(() => createState(demoWorld(3), {})).toThrow();
  });
});
