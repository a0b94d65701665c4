import { describe, expect, it } from "vitest";
import { HeapBound } from "@/lib/compliance/engine/heap";

const MB = 1_048_576;

/** A heap whose live data is `liveMb` and that gains `garbageMbPerStep` of garbage between checks. */
function simulatedHeap(liveMb: number, garbageMbPerStep: number, steps: number) {
  let garbage = 0;
  let fullCollections = 0;
  const bound = new HeapBound(
    560 * MB,
    () => (liveMb + garbage) * MB,
    () => {
      garbage = 0;
      fullCollections++;
    },
  );
  let peakMb = 0;
  for (let i = 0; i < steps; i++) {
    garbage += garbageMbPerStep;
    peakMb = Math.max(peakMb, liveMb + garbage);
    bound.check();
  }
  return { fullCollections, peakMb, counted: bound.collections };
}

describe("HeapBound", () => {
  it("collects once the heap passes the limit, and not before", () => {
    const small = simulatedHeap(250, 10, 1000);
    // The heap passes 560 MB at 320 MB of garbage: a collection every 32 steps.
    expect(small.fullCollections).toBe(Math.floor(1000 / 32));
    expect(small.counted).toBe(small.fullCollections);
    expect(small.peakMb).toBeLessThanOrEqual(570);
  });

  it("does not collect at every step when the live data alone is over the limit", () => {
    // 700 MB live, as twice the bench world holds: a fixed 560 MB bound would collect 1,000 times.
    const large = simulatedHeap(700, 10, 1000);
    // Garbage may grow as large as the live data: a collection every 71 steps.
    expect(large.fullCollections).toBeLessThanOrEqual(Math.ceil(1000 / 70) + 1);
    expect(large.fullCollections).toBeGreaterThan(0);
    expect(large.peakMb).toBeLessThanOrEqual(700 * 2 + 10);
  });

  it("collects as often at twice the live data and twice the garbage", () => {
    const one = simulatedHeap(600, 5, 2000);
    const two = simulatedHeap(1200, 10, 2000);
    expect(two.fullCollections).toBe(one.fullCollections);
  });
});
