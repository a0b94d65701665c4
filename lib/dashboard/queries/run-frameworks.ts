import "server-only";
import type { Db } from "@/db";
import { getEvaluationRuns, resolveEvaluation } from "@/lib/compliance/read/evaluations";
import { bySnapshot } from "../snapshot-cache";

/**
 * Which frameworks (by name) read each check (run) of the evaluation in force at `asOf`: two
 * templates with the same parameters and scope for a control share one check.
 */
export function getRunFrameworks(db: Db, tenantId: string, asOf: Date | null): Promise<Record<number, string[]>> {
  return bySnapshot(db, tenantId, "run-frameworks", { asOf: asOf?.toISOString() ?? null }, async () => {
    const evaluation = await resolveEvaluation(db, { tenantId, asOf });
    if (!evaluation) return {};
    const runs = await getEvaluationRuns(db, { tenantId, evaluation });
    const out: Record<number, string[]> = {};
    for (const t of evaluation.templates) {
      const ids = new Set((runs.requirements[t.slug] ?? []).flatMap((r) => r.runIds));
      for (const id of ids) (out[id] ??= []).push(t.name);
    }
    return out;
  });
}
