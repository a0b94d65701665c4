import { describe, expect, it } from "vitest";
import { BucketCache } from "@/lib/dashboard/bucket-cache";

const BUCKET = 1_000;

function setup(maxEntries = 10) {
  const clock = { t: 0 };
  const cache = new BucketCache({ maxEntries, bucketMs: BUCKET, now: () => clock.t });
  let calls = 0;
  const load = (value: string) => () => {
    calls++;
    return Promise.resolve(`${value}#${calls}`);
  };
  return { clock, cache, load, calls: () => calls };
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise((r) => setImmediate(r));

describe("BucketCache", () => {
  it("loads a key once per bucket, and concurrent requests share the load", async () => {
    const { cache, load, calls } = setup();
    const [a, b] = await Promise.all([cache.get("k", load("v")), cache.get("k", load("v"))]);
    expect([a, b]).toEqual(["v#1", "v#1"]);
    expect(await cache.get("k", load("v"))).toBe("v#1");
    expect(calls()).toBe(1);
  });

  it("answers the previous bucket's value while its refresh runs, then the refreshed one", async () => {
    const { clock, cache, load } = setup();
    await cache.get("k", load("v"));
    clock.t = BUCKET + 1;
    let finish!: (v: string) => void;
    let refreshes = 0;
    const slow = () => {
      refreshes++;
      return new Promise<string>((r) => (finish = r));
    };
    // The first request of the new bucket starts the refresh but is answered at once, and so is
    // every request until the refresh lands; only one refresh runs.
    expect(await cache.get("k", slow)).toBe("v#1");
    expect(await cache.get("k", slow)).toBe("v#1");
    expect(refreshes).toBe(1);
    finish("v#2");
    await settle();
    expect(await cache.get("k", slow)).toBe("v#2");
    expect(refreshes).toBe(1);
  });

  it("never answers a value more than one bucket old", async () => {
    const { clock, cache, load } = setup();
    await cache.get("k", load("v"));
    clock.t = 2 * BUCKET + 1;
    expect(await cache.get("k", load("v"))).toBe("v#2");
  });

  it("does not serve a value that is still loading as stale: a slow first load is waited for", async () => {
    const { clock, cache } = setup();
    let resolve!: (v: string) => void;
    const first = cache.get("k", () => new Promise<string>((r) => (resolve = r)));
    clock.t = BUCKET + 1;
    const second = cache.get("k", () => Promise.resolve("fresh"));
    resolve("slow");
    expect(await first).toBe("slow");
    expect(await second).toBe("fresh");
  });

  it("keeps no failed load, and a failed refresh is not served again", async () => {
    const { clock, cache } = setup();
    await expect(cache.get("k", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await settle();
    expect(await cache.get("k", () => Promise.resolve("ok"))).toBe("ok");

    clock.t = BUCKET + 1;
    expect(await cache.get("k", () => Promise.reject(new Error("refresh failed")))).toBe("ok");
    await settle();
    // The stale value is gone: this request loads afresh and sees the outcome itself.
    await expect(cache.get("k", () => Promise.reject(new Error("still failing")))).rejects.toThrow("still failing");
  });

  it("holds at most maxEntries, dropping the least recently used", async () => {
    const { cache, load, calls } = setup(2);
    await cache.get("a", load("a"));
    await cache.get("b", load("b"));
    await cache.get("a", load("a")); // a is now the most recent
    await cache.get("c", load("c")); // evicts b
    expect(cache.size).toBe(2);
    expect(await cache.get("a", load("a"))).toBe("a#1");
    expect(await cache.get("b", load("b"))).toBe("b#4");
    expect(calls()).toBe(4);
  });
});

describe("BucketCache with spread", () => {
  it("gives each key buckets of its own offset, so keys fall due at different moments, and none is served more than one bucket late", async () => {
    const clock = { t: 0 };
    const cache = new BucketCache({ maxEntries: 100, bucketMs: BUCKET, now: () => clock.t, spread: true });
    const keys = Array.from({ length: 20 }, (_, i) => `tenant|widget-${i}|{}`);
    const offsets = keys.map((k) => cache.offsetOf(k));
    for (const o of offsets) {
      expect(o).toBeGreaterThanOrEqual(0);
      expect(o).toBeLessThan(BUCKET);
    }
    // Spread out: not all the same, and the offset of a key never changes.
    expect(new Set(offsets).size).toBeGreaterThan(10);
    expect(keys.map((k) => cache.offsetOf(k))).toEqual(offsets);

    const loads = new Map<string, number>();
    const load = (k: string) => () => {
      loads.set(k, (loads.get(k) ?? 0) + 1);
      return Promise.resolve(`${k}#${loads.get(k)}`);
    };
    for (const k of keys) await cache.get(k, load(k));
    // Half a bucket on: only the keys whose boundary passed start a refresh (and get the old value).
    clock.t = BUCKET / 2;
    for (const k of keys) expect(await cache.get(k, load(k))).toBe(`${k}#1`);
    await settle();
    const refreshed = keys.filter((k) => loads.get(k) === 2);
    const due = keys.filter((_, i) => offsets[i]! >= BUCKET / 2);
    expect(refreshed).toEqual(due);
    expect(due.length).toBeGreaterThan(0);
    expect(due.length).toBeLessThan(keys.length);
    // Two buckets on, every key's value is too old to serve: each waits for a fresh load.
    clock.t = BUCKET / 2 + 2 * BUCKET;
    for (const k of keys) {
      const before = loads.get(k)!;
      expect(await cache.get(k, load(k))).toBe(`${k}#${before + 1}`);
    }
  });

  it("is off by default: every key's bucket starts at 0", () => {
    const cache = new BucketCache({ maxEntries: 10, bucketMs: BUCKET });
    expect(cache.offsetOf("anything")).toBe(0);
  });
});
