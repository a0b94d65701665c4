// The numbers `npm run evaluate` prints (and a report's first page shows) from an evaluation.
import type { EvaluationResult } from "./evaluate-tenant";
import { CONTROL_IDS } from "./model/finding";
import type { StatusCounts } from "./scoring/score";

const round = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);
const zero = (): StatusCounts => ({ PASS: 0, FAIL: 0, NOT_APPLICABLE: 0, ERROR: 0, EXCEPTED: 0 });

/** Counts per control (all its runs) and per template requirement, and each framework's score. */
export function summarizeEvaluation(r: EvaluationResult) {
  const controls: Record<string, StatusCounts & { runs: number }> = {};
  for (const id of CONTROL_IDS) controls[id] = { ...zero(), runs: 0 };
  for (const run of r.runs) {
    const c = controls[run.controlId]!;
    c.runs++;
    for (const k of Object.keys(run.counts) as Array<keyof StatusCounts>) c[k] += run.counts[k];
  }
  const requirements: Record<string, Record<string, StatusCounts & { status: string; score: number | null }>> = {};
  const frameworks: Record<
    string,
    {
      name: string;
      version: string;
      score: number | null;
      requirements_passing: number;
      requirements_applicable: number;
    }
  > = {};
  for (const s of r.scores) {
    const t = r.templates.find((x) => x.slug === s.templateId)!;
    requirements[s.templateId] = Object.fromEntries(
      s.requirements.map((q) => [q.id, { ...q.counts, status: q.status, score: round(q.score) }]),
    );
    frameworks[s.templateId] = {
      name: t.name,
      version: t.version,
      score: round(s.score),
      requirements_passing: s.requirementsPassing,
      requirements_applicable: s.requirementsApplicable,
    };
  }
  return { controls, requirements, frameworks };
}
