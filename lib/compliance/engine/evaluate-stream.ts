// Evaluation over a snapshot too large to hold: recovery points arrive as chunks (a database
// cursor ordered by account and region) and are read once, feeding both the per-point controls
// and the per-resource facts; then the other controls run account by account. The caller's hooks
// are awaited at every unit and account boundary, so findings can be stored while the next part
// is evaluated, with bounded memory.
import type { RecoveryPoint } from "@/lib/inventory/types";
import { compileScope } from "@/lib/compliance/model/scope";
import { CONTROLS } from "@/lib/compliance/controls/registry";
import { releaseEvidenceCaches } from "@/lib/compliance/controls/control";
import { HeapBound } from "./heap";
import { FactsAccumulator, type SnapshotFacts } from "@/lib/compliance/facts/resource-facts";
import { buildEvaluationContext, type EvaluationContext } from "./context";
import type { ControlRun, EvaluationStats, FindingSink } from "./evaluate";
import type { EvaluationOptions, TenantSnapshot } from "./snapshot";

export type StreamedSnapshot = Omit<TenantSnapshot, "recoveryPoints" | "backupJobs" | "copyJobs" | "restoreJobs">;

export interface EvaluationStream {
  /** Chunks of recovery points, grouped by (account, region) in that order. */
  recoveryPoints(): AsyncIterable<RecoveryPoint[]>;
  /** Adds jobs and restores to the facts (rows or SQL aggregates) for jobs since `since`. */
  addJobFacts(facts: FactsAccumulator, since: Date): Promise<void>;
}

export interface StreamHooks {
  /** All findings of recovery points in (account, region) have been given to the sink. */
  recoveryPointUnitDone?(accountId: string, region: string): Promise<void>;
  /** All other findings of the account have been given to the sink. */
  accountDone?(accountId: string): Promise<void>;
  /** Called between steps (a chunk of recovery points, a control over an account); throws to stop. */
  checkpoint?(): void;
}

const DAY_MS = 86_400_000;

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const i of items) {
    const k = key(i);
    const list = m.get(k);
    if (list) list.push(i);
    else m.set(k, [i]);
  }
  return m;
}

export async function evaluateStream(
  snapshot: StreamedSnapshot,
  source: EvaluationStream,
  options: Omit<EvaluationOptions, "facts">,
  runs: readonly ControlRun[],
  sink: FindingSink,
  hooks: StreamHooks = {},
): Promise<EvaluationStats> {
  const t0 = performance.now();
  const unique = [...new Map(runs.map((r) => [r.key, r])).values()];
  let lookback = 7;
  for (const r of unique) lookback = Math.max(lookback, CONTROLS[r.controlId].jobLookbackDays?.(r.params) ?? 0);
  const jobsSince = new Date(options.now.getTime() - lookback * DAY_MS);

  // Controls read facts only after the recovery-point pass; until then nothing may ask.
  let facts: SnapshotFacts | null = null;
  const ready = () => {
    if (!facts) throw new Error("resource facts read before the recovery points were streamed");
    return facts;
  };
  const lazyFacts: SnapshotFacts = {
    jobsSince,
    resource: (arn) => ready().resource(arn),
    restoreForAccountType: (a, t) => ready().restoreForAccountType(a, t),
    roleFailures: (a, r) => ready().roleFailures(a, r),
  };
  const full: TenantSnapshot = { ...snapshot, recoveryPoints: [], backupJobs: [], copyJobs: [], restoreJobs: [] };
  const ctx: EvaluationContext = buildEvaluationContext(full, {
    ...options,
    facts: lazyFacts,
    jobLookbackDays: lookback,
  });
  const compiled = unique.map((r) => ({
    run: r,
    control: CONTROLS[r.controlId],
    scope: compileScope(r.scope, ctx.ouPath),
  }));
  const perPoint = compiled.filter((c) => c.control.evaluateRecoveryPoint);
  const perSubject = compiled.filter((c) => c.control.evaluate);
  const t1 = performance.now();

  let findings = 0;
  let points = 0;
  const heap = new HeapBound();
  const accumulator = new FactsAccumulator(snapshot, jobsSince);
  let unit: { accountId: string; region: string } | null = null;
  for await (const chunk of source.recoveryPoints()) {
    hooks.checkpoint?.();
    for (const rp of chunk) {
      if (unit && (unit.accountId !== rp.accountId || unit.region !== rp.region)) {
        await hooks.recoveryPointUnitDone?.(unit.accountId, unit.region);
        unit = null;
        heap.check();
      }
      unit ??= { accountId: rp.accountId, region: rp.region };
      points++;
      accumulator.addRecoveryPoint(rp);
      for (const { run, control, scope } of perPoint) {
        const f = control.evaluateRecoveryPoint!(rp, ctx, run.params, scope);
        if (f) {
          findings++;
          sink(run.key, f);
        }
      }
    }
  }
  if (unit) await hooks.recoveryPointUnitDone?.(unit.accountId, unit.region);
  const t2 = performance.now();
  hooks.checkpoint?.();
  await source.addJobFacts(accumulator, jobsSince);
  facts = accumulator.finish();
  const t3 = performance.now();

  // Account by account: BK-13 groups an account's regions, everything else is per unit or finer.
  const byAccount = {
    resources: groupBy(snapshot.resources, (r) => r.accountId),
    plans: groupBy(snapshot.plans, (p) => p.accountId),
    vaults: groupBy(snapshot.vaults, (v) => v.accountId),
    units: groupBy(snapshot.units, (u) => u.accountId),
  };
  const accountIds = [
    ...new Set([
      ...byAccount.units.keys(),
      ...byAccount.resources.keys(),
      ...byAccount.plans.keys(),
      ...byAccount.vaults.keys(),
    ]),
  ].sort();
  for (const accountId of accountIds) {
    const view: TenantSnapshot = {
      ...full,
      resources: byAccount.resources.get(accountId) ?? [],
      plans: byAccount.plans.get(accountId) ?? [],
      vaults: byAccount.vaults.get(accountId) ?? [],
      units: byAccount.units.get(accountId) ?? [],
    };
    const accountCtx: EvaluationContext = { ...ctx, snapshot: view };
    for (const { run, control, scope } of perSubject) {
      hooks.checkpoint?.();
      control.evaluate!(accountCtx, run.params, scope, (f) => {
        findings++;
        sink(run.key, f);
      });
    }
    await hooks.accountDone?.(accountId);
    // Nothing asks about this account's resources again: let their caches and facts go.
    ctx.releaseCaches();
    releaseEvidenceCaches();
    if (facts.forget) for (const r of view.resources) facts.forget(r.resourceArn);
    heap.check();
  }
  const t4 = performance.now();
  return {
    runs: unique.length,
    findings,
    recoveryPoints: points,
    resources: snapshot.resources.length,
    millis: { index: t1 - t0, controls: t4 - t3, recoveryPoints: t2 - t1 + (t3 - t2) },
  };
}
