// The resilience score: one number per tenant, OU and account saying how ready its backups are to
// bring it back after an attack. The rule lives here and nowhere else: the components, the
// controls that feed each, their weights and how they combine; every page, store and test calls it.
//
// Why a score is what it is ("why is this 72?"):
// 1. Each component is the share of its in-scope findings that pass, its controls' findings
//    pooled (clean and recent points: every BK-09 and BK-18 finding together). NOT_APPLICABLE is
//    out of scope; FAIL, ERROR (could not be read) and EXCEPTED (a failure accepted as a risk: the
//    risk is still there) count as not passing.
// 2. The score is the components' shares averaged with the weights below. A component with no
//    finding in scope (no resource, or its controls not yet evaluated) says "no data" and is left
//    out of the average: the others' weights are scaled up to 100. It never counts as 100.
// 3. So the points a component costs are its weight share times its share not passing: 100 minus
//    the score is the sum of those (`explainResilience`), which the page shows line by line.
// 4. Shown as a % rounded down to 0.1 (score-text.ts): one failing check in 1,000 reads 99.9.
//
// Which findings: each control at its default parameters (PRODUCT.md) over the whole organization,
// a run the evaluation always makes (evaluate-tenant.ts `evaluationRuns`). Templates each evaluate
// the controls with their own parameters and scope, and the built-in ones leave some out (ISO/IEC
// 27001 maps no BK-11), so a template's findings would leave components without data and make
// two tenants with different templates incomparable on the portfolio. A template that uses the
// defaults over the whole organization shares the run, so this costs nothing extra then.
import { EMPTY_SCOPE } from "@/lib/compliance/model/scope";
import type { ControlId } from "@/lib/compliance/model/finding";
import { makeControlRun, type ControlRun } from "@/lib/compliance/engine/evaluate";
import { checksPassing, emptyCounts, type StatusCounts } from "@/lib/compliance/scoring/score";
import { scoreChange } from "@/lib/compliance/scoring/score-text";

export const RESILIENCE_COMPONENT_IDS = [
  "coverage",
  "clean-recent",
  "isolation",
  "restore-evidence",
  "job-health",
] as const;
export type ResilienceComponentId = (typeof RESILIENCE_COMPONENT_IDS)[number];

export interface ResilienceComponentDefinition {
  id: ResilienceComponentId;
  label: string;
  /** Relative weight; the five add up to 100. */
  weight: number;
  /** Control ids whose findings it pools. */
  controls: readonly ControlId[];
  /** What it measures, in one line a compliance officer reads beside the figure. */
  explains: string;
}

// The weights: protection first (a resource no plan selects has nothing to restore), then points
// that are recent and clean (what a restore after ransomware starts from), then isolation (copies
// the attacker's credentials cannot reach) and proof that restores work; job health last, as it is
// mostly a leading sign of the two before it.
export const RESILIENCE_COMPONENTS: readonly ResilienceComponentDefinition[] = [
  {
    id: "coverage",
    label: "Coverage",
    weight: 25,
    controls: ["BK-01"],
    explains: "Resources that a backup plan's selection really matches.",
  },
  {
    id: "clean-recent",
    label: "Clean and recent points",
    weight: 25,
    controls: ["BK-09", "BK-18"],
    explains: "Resources whose newest recovery point is within a day, and whose newest clean-scanned point is recent.",
  },
  {
    id: "isolation",
    label: "Isolation",
    weight: 20,
    controls: ["BK-11", "BK-19"],
    explains:
      "Resources with a recent copy in a logically air-gapped vault; critical ones with a break-glass way to restore it.",
  },
  {
    id: "restore-evidence",
    label: "Restore evidence",
    weight: 20,
    controls: ["BK-13", "BK-20"],
    explains: "Restores tested within the last 180 days, and validated.",
  },
  {
    id: "job-health",
    label: "Job health",
    weight: 10,
    controls: ["BK-14"],
    explains: "Resources whose backup and copy jobs had no failure in the last 7 days.",
  },
];

export const RESILIENCE_EXPLAINED =
  "Resilience score: each component is the share of its checks passing (failing, unreadable and excepted checks do not pass), averaged with the weights shown. A component with nothing to check shows no data and is left out, never counted as 100.";

const componentOfControl = new Map<string, ResilienceComponentId>(
  RESILIENCE_COMPONENTS.flatMap((c) => c.controls.map((id) => [id, c.id] as const)),
);

/** The component a control's findings feed, if any. */
export function resilienceComponentOf(controlId: string): ResilienceComponentId | null {
  return componentOfControl.get(controlId) ?? null;
}

/** The runs the score reads: each of its controls at its defaults, over the whole organization. */
export function resilienceRuns(): ControlRun[] {
  return RESILIENCE_COMPONENTS.flatMap((c) => c.controls).map((id) => makeControlRun(id, {}, EMPTY_SCOPE));
}

/** Counts per component: what is stored, and what every score is computed from. */
export type ResilienceCounts = Partial<Record<ResilienceComponentId, StatusCounts>>;

export interface ResilienceComponentScore extends ResilienceComponentDefinition {
  /** Share of in-scope checks passing; null: no data, left out of the score. */
  score: number | null;
  counts: StatusCounts;
}

export interface ResilienceScore {
  /** null when no component has data. */
  score: number | null;
  components: ResilienceComponentScore[];
}

/** The score of one tenant, OU or account from its components' counts. */
export function scoreResilience(counts: ResilienceCounts): ResilienceScore {
  let sum = 0;
  let weights = 0;
  const components = RESILIENCE_COMPONENTS.map((def): ResilienceComponentScore => {
    const c = counts[def.id] ?? emptyCounts();
    const score = checksPassing(c);
    if (score !== null) {
      sum += score * def.weight;
      weights += def.weight;
    }
    return { ...def, score, counts: c };
  });
  return { score: weights ? sum / weights : null, components };
}

export interface ResilienceComponentExplained {
  id: ResilienceComponentId;
  /** Its weight as a share of the weights of the components with data (0 when it has none). */
  weightShare: number;
  /** Points of 100 it adds to the score, and the points it costs. */
  points: number;
  pointsLost: number;
}

/** The answer to "why is this 72?": per component, the points it adds and the points it costs. */
export function explainResilience(s: ResilienceScore): ResilienceComponentExplained[] {
  const total = s.components.reduce((n, c) => n + (c.score === null ? 0 : c.weight), 0);
  return s.components.map((c) => {
    const weightShare = c.score === null || !total ? 0 : c.weight / total;
    return {
      id: c.id,
      weightShare,
      points: weightShare * (c.score ?? 0) * 100,
      pointsLost: weightShare * (1 - (c.score ?? 0)) * 100,
    };
  });
}

/** Where the counts of one run in one account are added up: the tenant, every OU on its path, the account. */
export interface ResilienceScopes {
  tenant: ResilienceCounts;
  byOu: Map<string, ResilienceCounts>;
  byAccount: Map<string, ResilienceCounts>;
}

/**
 * Folds per-account counts of the score's controls into the tenant, each OU on the account's path
 * (the organization's root is the tenant, so it is left out) and each account.
 */
export function foldResilienceCounts(
  cells: Iterable<{ controlId: string; accountId: string; counts: StatusCounts }>,
  ouPathOf: (accountId: string) => readonly string[],
): ResilienceScopes {
  const out: ResilienceScopes = { tenant: {}, byOu: new Map(), byAccount: new Map() };
  const add = (into: ResilienceCounts, id: ResilienceComponentId, c: StatusCounts) => {
    const t = (into[id] ??= emptyCounts());
    t.PASS += c.PASS;
    t.FAIL += c.FAIL;
    t.NOT_APPLICABLE += c.NOT_APPLICABLE;
    t.ERROR += c.ERROR;
    t.EXCEPTED += c.EXCEPTED;
  };
  const scopeOf = (m: Map<string, ResilienceCounts>, key: string) => {
    let s = m.get(key);
    if (!s) m.set(key, (s = {}));
    return s;
  };
  for (const { controlId, accountId, counts } of cells) {
    const id = resilienceComponentOf(controlId);
    if (!id) continue;
    add(out.tenant, id, counts);
    add(scopeOf(out.byAccount, accountId), id, counts);
    for (const ou of ouPathOf(accountId)) if (!ou.startsWith("r-")) add(scopeOf(out.byOu, ou), id, counts);
  }
  return out;
}

/**
 * The component whose own score moved most between two scores (both with data), in points as
 * shown (`scoreChange`), or null when none moved by a shown tenth of a point.
 */
export function componentMovedMost(
  now: ResilienceScore,
  before: ResilienceScore,
): { id: ResilienceComponentId; label: string; change: number } | null {
  let best: { id: ResilienceComponentId; label: string; change: number } | null = null;
  for (const c of now.components) {
    const change = scoreChange(c.score, before.components.find((p) => p.id === c.id)?.score ?? null);
    if (change && (!best || Math.abs(change) > Math.abs(best.change))) best = { id: c.id, label: c.label, change };
  }
  return best;
}
