/** Call accounting for GET /_sim/stats. */
export class Stats {
  started = Date.now();
  calls = 0;
  byOperation = new Map<string, number>();
  byAccount = new Map<string, number>();
  byRegion = new Map<string, number>();
  byUnit = new Map<string, number>();
  throttled = 0;
  throttledByOperation = new Map<string, number>();
  throttledByAccount = new Map<string, number>();
  errors = 0;
  errorsByCode = new Map<string, number>();
  faults = 0;

  reset(): void {
    Object.assign(this, new Stats());
  }

  record(
    op: string,
    account: string | undefined,
    region: string | undefined,
    outcome: { throttled?: boolean; error?: string; fault?: boolean },
  ): void {
    this.calls++;
    bump(this.byOperation, op);
    if (account) bump(this.byAccount, account);
    if (region) bump(this.byRegion, region);
    if (account && region) bump(this.byUnit, `${account}/${region}`);
    if (outcome.throttled) {
      this.throttled++;
      bump(this.throttledByOperation, op);
      if (account) bump(this.throttledByAccount, account);
    }
    if (outcome.error) {
      this.errors++;
      bump(this.errorsByCode, outcome.error);
    }
    if (outcome.fault) this.faults++;
  }

  toJSON() {
    return {
      since: new Date(this.started).toISOString(),
      calls: {
        total: this.calls,
        by_operation: obj(this.byOperation),
        by_account: obj(this.byAccount),
        by_region: obj(this.byRegion),
        by_unit: obj(this.byUnit),
      },
      throttled: {
        total: this.throttled,
        by_operation: obj(this.throttledByOperation),
        by_account: obj(this.throttledByAccount),
      },
      errors: { total: this.errors, by_code: obj(this.errorsByCode), injected_faults: this.faults },
    };
  }
}

function bump(m: Map<string, number>, k: string) {
  m.set(k, (m.get(k) ?? 0) + 1);
}
function obj(m: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
}
