// The instant the whole suite runs at: vitest.config.ts sets CLOCK_AT, so the product's clock
// (lib/clock.ts) in every test process, and in the processes tests start, reads the same pinned
// time, and test worlds are generated up to it.
import { worldNow } from "@/sim/world/time";

/** The pinned time of this run, in epoch milliseconds. */
export function testClockMs(): number {
  const at = Date.parse(process.env.CLOCK_AT ?? "");
  if (Number.isNaN(at))
    throw new Error(`CLOCK_AT is not set to an ISO 8601 time (vitest.config.ts sets it): ${process.env.CLOCK_AT}`);
  return at;
}

/** The `now` of every simulated world in the suite (epoch seconds, on the hour). */
export const TEST_WORLD_NOW = worldNow(testClockMs());
