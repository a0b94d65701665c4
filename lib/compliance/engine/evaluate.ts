// Runs control evaluations over one snapshot. A "run" is a control with one set of parameters
// and one scope; templates that agree on both share the run (and its findings). Findings go to
// a sink as they are made, so storage and scoring can stream a million of them.
import type { ControlId, Finding } from "@/lib/compliance/model/finding";
import { compileScope, type Scope } from "@/lib/compliance/model/scope";
import { CONTROLS } from "@/lib/compliance/controls/registry";
import { buildEvaluationContext, type EvaluationContext } from "./context";
import type { EvaluationOptions, TenantSnapshot } from "./snapshot";

export interface ControlRun {
  /** Stable identity of (control, parameters, scope); findings are stored under it. */
  key: string;
  controlId: ControlId;
  /** Parsed parameters (defaults filled in). */
  params: unknown;
  scope: Scope;
}

export type FindingSink = (runKey: string, finding: Finding) => void;

export interface EvaluationStats {
  runs: number;
  findings: number;
  recoveryPoints: number;
  resources: number;
  millis: { index: number; controls: number; recoveryPoints: number };
}

/** JSON with sorted keys, so equal parameters give equal keys. */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v as object)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/** Build a run from raw parameters; throws a zod error naming the field when they are invalid. */
export function makeControlRun(controlId: ControlId, rawParams: unknown, scope: Scope): ControlRun {
  const params = CONTROLS[controlId].params.parse(rawParams ?? {});
  return { key: `${controlId}:${stableStringify({ params, scope })}`, controlId, params, scope };
}

export function evaluateSnapshot(
  snapshot: TenantSnapshot,
  options: EvaluationOptions,
  runs: readonly ControlRun[],
  sink: FindingSink,
): EvaluationStats {
  const t0 = performance.now();
  const unique = [...new Map(runs.map((r) => [r.key, r])).values()];
  let lookback = 7;
  for (const r of unique) lookback = Math.max(lookback, CONTROLS[r.controlId].jobLookbackDays?.(r.params) ?? 0);
  const ctx: EvaluationContext = buildEvaluationContext(snapshot, { ...options, jobLookbackDays: lookback });
  const t1 = performance.now();
  let findings = 0;
  const compiled = unique.map((r) => ({
    run: r,
    control: CONTROLS[r.controlId],
    scope: compileScope(r.scope, ctx.ouPath),
  }));
  for (const { run, control, scope } of compiled) {
    if (!control.evaluate) continue;
    control.evaluate(ctx, run.params, scope, (f) => {
      findings++;
      sink(run.key, f);
    });
  }
  const t2 = performance.now();
  const perPoint = compiled.filter((c) => c.control.evaluateRecoveryPoint);
  let points = 0;
  if (perPoint.length > 0) {
    for (const rp of snapshot.recoveryPoints) {
      points++;
      for (const { run, control, scope } of perPoint) {
        const f = control.evaluateRecoveryPoint!(rp, ctx, run.params, scope);
        if (f) {
          findings++;
          sink(run.key, f);
        }
      }
    }
  }
  const t3 = performance.now();
  return {
    runs: unique.length,
    findings,
    recoveryPoints: points,
    resources: snapshot.resources.length,
    millis: { index: t1 - t0, controls: t2 - t1, recoveryPoints: t3 - t2 },
  };
}
