// An in-memory cache of promises whose values are refreshed once per time bucket, bounded in
// entries (least recently used first out).
//
// Stale-while-revalidate across buckets: when a key's value is from the previous bucket, the
// request that notices starts its refresh, and it and every request until the refresh lands are
// answered with the previous value. Without that, every cached value of every tenant expired at
// the same instant, and the requests of that moment all waited on their recomputation at once
// (the spikes in bench:pages' p95). A value is never served more than one bucket late: older
// ones, and keys whose refresh failed, wait for a fresh load.
//
// With `spread`, each key's buckets start at an offset of its own (from a hash of the key), so
// the refreshes of every widget of every tenant do not all fall due at the same instant, each to
// be recomputed at the next request to its page, at the same time as all the others. (The p95
// spikes bench:pages showed at 5-minute boundaries, ~250 to 590 ms, came in the end from the jobs
// trend's refresh, now a daily widget: spreading alone did not lower their count.)
import { clock } from "@/lib/clock";

interface Entry {
  bucket: number;
  value: Promise<unknown>;
  /** The value resolved (a pending or failed one is never served stale). */
  settled: boolean;
  refreshing: boolean;
}

export class BucketCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly bucketMs: number;
  private readonly now: () => number;
  private readonly spread: boolean;

  constructor(opts: { maxEntries: number; bucketMs: number; now?: () => number; spread?: boolean }) {
    this.maxEntries = opts.maxEntries;
    this.bucketMs = opts.bucketMs;
    this.now = opts.now ?? clock.nowMs;
    this.spread = opts.spread ?? false;
  }

  /** Where the key's buckets start, in [0, bucketMs): 0 unless spread. */
  offsetOf(key: string): number {
    if (!this.spread) return 0;
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    return (h >>> 0) % this.bucketMs;
  }

  get size(): number {
    return this.entries.size;
  }

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const bucket = Math.floor((this.now() + this.offsetOf(key)) / this.bucketMs);
    const hit = this.entries.get(key);
    if (hit) {
      // Refresh its place in the LRU order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      if (hit.bucket === bucket) return hit.value as Promise<T>;
      if (hit.bucket === bucket - 1 && hit.settled) {
        if (!hit.refreshing) this.refresh(key, hit, bucket, load);
        return hit.value as Promise<T>;
      }
    }
    return this.store(key, bucket, load());
  }

  private store<T>(key: string, bucket: number, value: Promise<T>): Promise<T> {
    const entry: Entry = { bucket, value, settled: false, refreshing: false };
    this.entries.set(key, entry);
    value.then(
      () => (entry.settled = true),
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  private refresh<T>(key: string, stale: Entry, bucket: number, load: () => Promise<T>): void {
    stale.refreshing = true;
    const next = load();
    next.then(
      () => {
        // Replace only what the refresh started from (the key may have been evicted or reloaded).
        if (this.entries.get(key) === stale)
          this.entries.set(key, { bucket, value: next, settled: true, refreshing: false });
      },
      () => {
        // Served no longer: the next request loads afresh and sees the error itself.
        if (this.entries.get(key) === stale) this.entries.delete(key);
      },
    );
  }
}
