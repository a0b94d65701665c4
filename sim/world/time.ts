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

/** The default clock anchor: the current wall time floored to the hour, so IDs and times stay stable within the hour. */
export function defaultNow(): number {
  return Math.floor(Date.now() / 3_600_000) * 3600;
}

export const DAY = 86400;
export const HOUR = 3600;
