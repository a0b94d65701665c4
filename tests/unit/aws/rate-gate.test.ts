import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backupBuckets, DEFAULT_QUOTAS } from "@/lib/aws/quotas";
import { RateGate, Semaphore } from "@/lib/aws/rate-gate";

// The gate's clock is vitest's fake timer clock, so rates are measured exactly.
let gate: RateGate;
beforeEach(() => {
  vi.useFakeTimers();
  gate = new RateGate(() => Date.now());
});
afterEach(() => vi.useRealTimers());

async function grantedTimes(n: number, specs: Parameters<RateGate["acquire"]>[0]): Promise<number[]> {
  const t0 = Date.now();
  const times: number[] = [];
  const all = Array.from({ length: n }, () => gate.acquire(specs).then(() => times.push(Date.now() - t0)));
  await vi.advanceTimersByTimeAsync(60_000);
  await Promise.all(all);
  return times.sort((a, b) => a - b);
}

describe("the rate gate", () => {
  it("lets a burst through, then paces at the rate", async () => {
    const times = await grantedTimes(25, [{ key: "k", rate: 10, capacity: 5 }]);
    expect(times.slice(0, 5).every((t) => t === 0)).toBe(true);
    // 20 more at 10/s: the last about 2 s later, none earlier than the rate allows.
    expect(times[24]!).toBeGreaterThanOrEqual(1900);
    expect(times[24]!).toBeLessThanOrEqual(2100);
    for (let i = 5; i < 25; i++) expect(times[i]!).toBeGreaterThanOrEqual((i - 5) * 100);
  });

  it("holds a request until every bucket it draws from has a token", async () => {
    const times = await grantedTimes(10, [
      { key: "op", rate: 100, capacity: 10 },
      { key: "all", rate: 2, capacity: 1 },
    ]);
    expect(times[0]).toBe(0);
    expect(times[9]!).toBeGreaterThanOrEqual(4400); // the slower (total) bucket decides
  });

  it("does not hold up a request behind one waiting on another bucket", async () => {
    const slow = { key: "get", rate: 1, capacity: 1 };
    const fast = { key: "list", rate: 100, capacity: 100 };
    const order: string[] = [];
    const a = gate.acquire([slow]).then(() => order.push("get1"));
    const b = gate.acquire([slow]).then(() => order.push("get2"));
    const c = gate.acquire([fast]).then(() => order.push("list"));
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all([a, b, c]);
    expect(order).toEqual(["get1", "list", "get2"]);
  });

  it("halves a throttled bucket's rate and recovers it on success", () => {
    const spec = { key: "k", rate: 20, capacity: 20 };
    void gate.acquire([spec]);
    gate.onThrottled([spec]);
    expect(gate.rateOf("k")).toBe(10);
    for (let i = 0; i < 50; i++) gate.onSuccess([spec]);
    expect(gate.rateOf("k")).toBe(20);
  });

  it("applies AWS Backup's quotas per operation and per unit, with headroom", () => {
    const [op, all] = backupBuckets("111122223333|eu-west-1", "ListRecoveryPointsByBackupVault", DEFAULT_QUOTAS);
    expect(op).toMatchObject({ key: "111122223333|eu-west-1|backup|ListRecoveryPointsByBackupVault", rate: 19 });
    expect(all).toMatchObject({ key: "111122223333|eu-west-1|backup", rate: 47.5 });
    expect(backupBuckets("u", "GetBackupPlan", DEFAULT_QUOTAS)[0]!.rate).toBe(14.25);
    expect(backupBuckets("u", "DescribeRegionSettings", DEFAULT_QUOTAS)[0]!.rate).toBe(14.25);
  });
});

describe("the in-flight cap", () => {
  it("never lets more than its size run at once", async () => {
    vi.useRealTimers();
    const s = new Semaphore(3);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        s.with(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 2));
          running--;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(s.inFlight).toBe(0);
  });
});
