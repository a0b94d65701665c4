// Client-side rate limiting at AWS's quotas. AWS throttles per target (account, region) and per
// API (Backup: each List* 20/s, each Get*/Describe* 15/s, all calls 50/s), so a request draws
// from several token buckets at once and is let through only when every one of them has a token,
// at the moment it is sent: a request that waits never holds tokens it is not using.

export interface BucketSpec {
  key: string;
  /** Tokens per second. */
  rate: number;
  /** Bucket size in tokens (what may go out at once after a quiet spell). */
  capacity: number;
}

interface Bucket {
  tokens: number;
  last: number;
  rate: number;
  baseRate: number;
  capacity: number;
  lastUse: number;
}

interface Waiter {
  specs: readonly BucketSpec[];
  resolve: () => void;
}

/** A set of token buckets with a FIFO of waiters; thousands of gates are cheap (no timers when idle). */
export class RateGate {
  private readonly buckets = new Map<string, Bucket>();
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Resolves when a request drawing from `specs` may be sent (its tokens are then taken). */
  acquire(specs: readonly BucketSpec[]): Promise<void> {
    // First come, first served among requests for the same bucket; others do not queue behind them.
    const contended = this.waiters.some((w) => w.specs.some((a) => specs.some((b) => a.key === b.key)));
    if (!contended && this.tryTake(specs)) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ specs, resolve });
      this.schedule();
    });
  }

  /** The service said "slow down": halve these buckets' rates; they recover on success. */
  onThrottled(specs: readonly BucketSpec[]): void {
    for (const s of specs) {
      const b = this.bucket(s);
      b.rate = Math.max(b.baseRate / 16, b.rate / 2);
      b.tokens = Math.min(b.tokens, 0);
    }
  }

  onSuccess(specs: readonly BucketSpec[]): void {
    for (const s of specs) {
      const b = this.buckets.get(s.key);
      if (b && b.rate < b.baseRate) b.rate = Math.min(b.baseRate, b.rate + b.baseRate / 20);
    }
  }

  /** Current rate of a bucket (for tests and diagnostics). */
  rateOf(key: string): number | undefined {
    return this.buckets.get(key)?.rate;
  }

  get pending(): number {
    return this.waiters.length;
  }

  /** Drops buckets unused for `idleMs` (a finished unit's), so a long-running worker stays small. */
  prune(idleMs: number): void {
    const cutoff = this.now() - idleMs;
    for (const [k, b] of this.buckets) if (b.lastUse < cutoff) this.buckets.delete(k);
  }

  private bucket(spec: BucketSpec): Bucket {
    let b = this.buckets.get(spec.key);
    const t = this.now();
    if (!b) {
      b = { tokens: spec.capacity, last: t, rate: spec.rate, baseRate: spec.rate, capacity: spec.capacity, lastUse: t };
      this.buckets.set(spec.key, b);
    } else {
      b.tokens = Math.min(b.capacity, b.tokens + ((t - b.last) / 1000) * b.rate);
      b.last = t;
    }
    return b;
  }

  private tryTake(specs: readonly BucketSpec[]): boolean {
    const bs = specs.map((s) => this.bucket(s));
    if (bs.some((b) => b.tokens < 1)) return false;
    const t = this.now();
    for (const b of bs) {
      b.tokens -= 1;
      b.lastUse = t;
    }
    return true;
  }

  /** Milliseconds until every bucket of `specs` holds a token. */
  private waitFor(specs: readonly BucketSpec[]): number {
    let ms = 0;
    for (const s of specs) {
      const b = this.bucket(s);
      if (b.tokens < 1) ms = Math.max(ms, ((1 - b.tokens) / b.rate) * 1000);
    }
    return ms;
  }

  private pump = (): void => {
    this.timer = null;
    // Grant every waiter whose buckets all have a token, in arrival order; a Get waiting for its
    // bucket does not hold up a List behind it.
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (this.tryTake(w.specs)) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
    this.schedule();
  };

  private schedule(): void {
    if (this.timer || this.waiters.length === 0) return;
    let ms = Infinity;
    for (const w of this.waiters) ms = Math.min(ms, this.waitFor(w.specs));
    this.timer = setTimeout(this.pump, Math.max(1, Math.ceil(ms)));
    this.timer.unref?.();
  }
}

/** Counting semaphore: the global cap on requests in flight (and so on sockets and buffered pages). */
export class Semaphore {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly size: number) {}

  async acquire(): Promise<void> {
    if (this.active < this.size) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }

  async with<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  get inFlight(): number {
    return this.active;
  }
  get waiting(): number {
    return this.queue.length;
  }
}
