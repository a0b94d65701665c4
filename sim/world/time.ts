/** Resolves a world time ("-30d", "now", or ISO 8601) to epoch seconds relative to `now`. */
export function resolveTime(spec: string, now: number): number {
  if (spec === "now") return now;
  const rel = /^-(\d+(?:\.\d+)?)([dhms])$/.exec(spec);
  if (rel) {
    const n = Number(rel[1]);
    const unit = { d: 86400, h: 3600, m: 60, s: 1 }[rel[2] as "d" | "h" | "m" | "s"];
    return Math.round(now - n * unit);
  }
  const ms = Date.parse(spec);
  if (Number.isNaN(ms)) throw new Error(`bad time ${spec}`);
  return Math.floor(ms / 1000);
}

/** Epoch seconds. */
export type EpochSeconds = number;

/**
 * A world's `now` from a time in epoch milliseconds, floored to the hour, so that IDs and times
 * stay the same for a whole hour of runs.
 */
export function worldNow(ms: number): EpochSeconds {
  return Math.floor(ms / 3_600_000) * 3600;
}

export const DAY = 86400;
export const HOUR = 3600;
