// Retries of a failed delivery: waits of 1, 2, 4, 8 and 16 minutes, so 6 attempts over ~31
// minutes, then the delivery is failed. A receiver down for a deploy gets its alerts late, not never.

export const MAX_ATTEMPTS = 6;
const BASE_MS = 60_000;

/** The wait before the next attempt after `attempts` attempts failed; null when none is left. */
export function retryDelayMs(attempts: number, maxAttempts = MAX_ATTEMPTS): number | null {
  if (attempts >= maxAttempts) return null;
  return BASE_MS * 2 ** Math.max(0, attempts - 1);
}
