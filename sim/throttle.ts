/**
 * Token buckets. A call passes only if every bucket it draws from has a token; a throttled call
 * takes none (AWS does not charge rejected calls against the quota).
 */
export class Throttle {
  private readonly buckets = new Map<string, { tokens: number; last: number }>();

  tryTake(keys: readonly { key: string; rate: number }[], burstSeconds: number, nowMs = performance.now()): boolean {
    const states = keys.map(({ key, rate }) => {
      const cap = Math.max(1, rate * burstSeconds);
      let b = this.buckets.get(key);
      if (!b) this.buckets.set(key, (b = { tokens: cap, last: nowMs }));
      b.tokens = Math.min(cap, b.tokens + ((nowMs - b.last) / 1000) * rate);
      b.last = nowMs;
      return b;
    });
    if (states.some((b) => b.tokens < 1)) return false;
    for (const b of states) b.tokens -= 1;
    return true;
  }

  reset(): void {
    this.buckets.clear();
  }
}
