// Process-wide timings of the sync, for the benchmark's "what bounds the wall time" (cheap
// counters, no effect on behaviour).

export const syncMetrics = {
  units: 0,
  /** Wall milliseconds spent reading units from AWS (summed over units in flight). */
  readMs: 0,
  /** Wall milliseconds of publish transactions (summed). */
  publishMs: 0,
  /** Wall milliseconds waiting for a database connection before publishing (summed). */
  publishWaitMs: 0,
  reset(): void {
    this.units = 0;
    this.readMs = 0;
    this.publishMs = 0;
    this.publishWaitMs = 0;
  },
};
