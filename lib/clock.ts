import { env } from "@/lib/env";

// The product's one "now". Everything that decides or shows a time (sync and evaluation
// timestamps, as-of, RPO and data ages, retention, exception expiry, sessions, schedules, the
// demo's simulated world) reads it here, so a test, a bench or a reproducible demo pins it once
// with CLOCK_AT and nothing in the product runs on a date it did not choose.
//
// Durations (timeouts, rate limits, cache ages) use performance.now(), and AWS's own timestamps
// (SigV4 signatures, STS credential expiry) the machine's wall clock: those are about real
// elapsed time, not about the product's "now", and a pinned clock must not stretch them.

type Source = () => number;

/** A clock that starts at `at` when first read and runs on in real time from there. */
export function clockFrom(at: number, elapsed: () => number = () => performance.now()): Source {
  let origin: number | undefined;
  return () => {
    const t = elapsed();
    origin ??= t;
    return at + Math.floor(t - origin);
  };
}

const wall: Source = () => Date.now();
let source: Source = env.CLOCK_AT === undefined ? wall : clockFrom(env.CLOCK_AT.getTime());

export const clock = {
  /** The current time. */
  now: (): Date => new Date(source()),
  /** The current time, in epoch milliseconds. */
  nowMs: (): number => source(),
  /** The time `days` days before now (negative: after). */
  daysAgo: (days: number): Date => new Date(source() - days * 86_400_000),
};

/**
 * Pins the clock for this process (tests and benches): at `at`, running on from there unless
 * `frozen`. Returns the function that puts the previous clock back.
 */
export function pinClock(at: Date | number, options: { frozen?: boolean } = {}): () => void {
  const previous = source;
  const t = typeof at === "number" ? at : at.getTime();
  source = options.frozen ? () => t : clockFrom(t);
  return () => {
    source = previous;
  };
}
