// The job failure spike, against the resource's own history. For a resource: `recent` = its backup
// jobs that failed (db/job-issue.ts FAILED_JOB_STATES) created in the last `windowHours`; `history`
// = those created in the `historyDays` before that window. Its baseline is the mean per window
// over the history, history × windowHours / (historyDays × 24). A spike is
//   recent ≥ max(minFailures, factor × baseline)
// so a resource that always fails a little does not alert for failing a little, and one that never
// fails alerts at `minFailures` failures (default: 3 in 24 h, 3× the 30-day mean).

export interface SpikeParams {
  factor: number;
  minFailures: number;
  windowHours: number;
  historyDays: number;
}

export function failureBaseline(history: number, p: SpikeParams): number {
  return (history * p.windowHours) / (p.historyDays * 24);
}

export function isFailureSpike(recent: number, history: number, p: SpikeParams): boolean {
  return recent >= Math.max(p.minFailures, p.factor * failureBaseline(history, p));
}
