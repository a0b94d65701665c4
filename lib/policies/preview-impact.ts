// The compliance a change buys: the controls themselves (the same runs, parameters and scopes as
// the tenant's evaluation) run on the last snapshot and on the prospective one, over the accounts
// the change reaches, and compared finding by finding. Only subject-level controls run: recovery-
// point findings (BK-04, BK-05 and BK-12's points) judge points that exist already, which a policy
// does not change. Controls judged on backups that have run (BK-09, BK-11, BK-13, BK-14) show their
// state at the moment of the push: a newly protected resource has no recovery point yet.
import { CONTROLS } from "@/lib/compliance/controls/registry";
import { evaluateSnapshot, type ControlRun } from "@/lib/compliance/engine/evaluate";
import type { StreamedSnapshot } from "@/lib/compliance/engine/evaluate-stream";
import type { SnapshotFacts } from "@/lib/compliance/facts/resource-facts";
import {
  findingKey,
  type ControlId,
  type Finding,
  type ScoredStatus,
  type SubjectType,
} from "@/lib/compliance/model/finding";
import { emptyCounts, ScoreAccumulator, type StatusCounts } from "@/lib/compliance/scoring/score";
import type { StoredTemplate } from "@/lib/compliance/templates/template-store";

export interface Flip {
  subjectType: SubjectType;
  subjectId: string;
  /** A name a person reads: the resource ARN, "plan <name>", "<account>/<region>". */
  label: string;
  accountId: string;
  region: string | null;
  /** null: the subject does not exist on that side (a plan created or deleted by the change). */
  before: ScoredStatus | null;
  after: ScoredStatus | null;
  reasonBefore: string | null;
  reasonAfter: string | null;
}

export interface RunImpact {
  runKey: string;
  controlId: ControlId;
  title: string;
  /** Templates whose requirements use this run (none: the control at its defaults). */
  templates: string[];
  before: StatusCounts;
  after: StatusCounts;
  flips: Flip[];
  /** Flips beyond those listed. */
  moreFlips: number;
}

export interface RequirementImpact {
  id: string;
  title: string;
  controls: ControlId[];
  before: StatusCounts;
  after: StatusCounts;
  scoreBefore: number | null;
  scoreAfter: number | null;
  flips: number;
}

export interface FrameworkImpact {
  slug: string;
  name: string;
  requirements: RequirementImpact[];
}

export interface ComplianceImpact {
  evaluatedAt: Date;
  /** The accounts evaluated: counts are over their findings; other accounts do not change. */
  accounts: string[];
  runs: RunImpact[];
  frameworks: FrameworkImpact[];
  flips: number;
}

export interface ImpactInput {
  before: StreamedSnapshot;
  after: StreamedSnapshot;
  accounts: ReadonlySet<string>;
  facts: SnapshotFacts;
  now: Date;
  runs: readonly ControlRun[];
  templates: ReadonlyArray<{ t: StoredTemplate; requirementRuns: Map<string, string[]> }>;
  /** Finding keys with an exception in force (a FAIL there scores EXCEPTED). */
  excepted: ReadonlySet<string>;
  maxDataAgeHours?: number;
  /** Flips listed per run (default 500). */
  flipLimit?: number;
}

interface Seen {
  status: ScoredStatus;
  reason: string;
  finding: Finding;
}

/** Runs the subject-level controls over `accounts` of one snapshot. */
function evaluateSide(
  snapshot: StreamedSnapshot,
  input: ImpactInput,
  scoring: ScoreAccumulator,
): Map<string, Map<string, Seen>> {
  const mine = <T extends { accountId: string }>(xs: readonly T[]) => xs.filter((x) => input.accounts.has(x.accountId));
  // Vaults and accounts stay whole: copy destinations and cross-account checks look them up.
  const view = {
    ...snapshot,
    units: mine(snapshot.units),
    resources: mine(snapshot.resources),
    plans: mine(snapshot.plans),
    recoveryPoints: [],
    backupJobs: [],
    copyJobs: [],
    restoreJobs: [],
  };
  const seen = new Map<string, Map<string, Seen>>();
  const runs = input.runs.filter((r) => CONTROLS[r.controlId].evaluate);
  evaluateSnapshot(
    view,
    { now: input.now, facts: input.facts, maxDataAgeHours: input.maxDataAgeHours },
    runs,
    (runKey, f) => {
      if (!input.accounts.has(f.subject.accountId)) return;
      const excepted = f.status === "FAIL" && input.excepted.has(findingKey(f));
      scoring.add(runKey, f, excepted);
      let m = seen.get(runKey);
      if (!m) seen.set(runKey, (m = new Map()));
      m.set(`${f.subject.type}|${f.subject.id}`, {
        status: excepted ? "EXCEPTED" : f.status,
        reason: f.reason,
        finding: f,
      });
    },
  );
  return seen;
}

/** Plans and rules by name: a plan AWS has yet to create has no ARN or rule ids of its own. */
function labelOf(f: Finding, names: ReadonlyMap<string, string>): string {
  const s = f.subject;
  if (s.type === "plan") return `plan ${names.get(s.id) ?? s.id} in ${s.accountId}/${s.region}`;
  if (s.type === "plan-rule") {
    const plan = s.id.slice(0, s.id.indexOf("#"));
    return `rule ${names.get(s.id) ?? s.id} of plan ${names.get(plan) ?? plan} in ${s.accountId}/${s.region}`;
  }
  return s.id;
}

export function compareCompliance(input: ImpactInput): ComplianceImpact {
  const scoringTemplates = input.templates.map(({ t, requirementRuns }) => ({
    templateId: t.slug,
    requirements: t.template.requirements.map((r) => ({
      id: r.id,
      title: r.title,
      runKeys: requirementRuns.get(r.id) ?? [],
    })),
  }));
  const ouPathOf = (s: StreamedSnapshot) => {
    const m = new Map(s.accounts.map((a) => [a.accountId, a.ouPath]));
    return (a: string) => m.get(a) ?? [];
  };
  const scoreBefore = new ScoreAccumulator(scoringTemplates, ouPathOf(input.before));
  const scoreAfter = new ScoreAccumulator(scoringTemplates, ouPathOf(input.after));
  const before = evaluateSide(input.before, input, scoreBefore);
  const after = evaluateSide(input.after, input, scoreAfter);
  const names = new Map<string, string>();
  for (const p of [...input.before.plans, ...input.after.plans]) {
    names.set(p.planArn, p.planName);
    for (const r of p.rules) names.set(`${p.planArn}#${r.ruleId}`, r.ruleName);
  }
  const countsBefore = scoreBefore.countsByRun();
  const countsAfter = scoreAfter.countsByRun();
  const limit = input.flipLimit ?? 500;
  const flipsByRun = new Map<string, number>();

  const runs: RunImpact[] = input.runs
    .filter((r) => CONTROLS[r.controlId].evaluate)
    .map((run) => {
      const b = before.get(run.key) ?? new Map<string, Seen>();
      const a = after.get(run.key) ?? new Map<string, Seen>();
      const flips: Flip[] = [];
      for (const key of new Set([...b.keys(), ...a.keys()])) {
        const x = b.get(key);
        const y = a.get(key);
        if (x?.status === y?.status) continue;
        const f = (y ?? x)!.finding;
        flips.push({
          subjectType: f.subject.type,
          subjectId: f.subject.id,
          label: labelOf(f, names),
          accountId: f.subject.accountId,
          region: f.subject.region,
          before: x?.status ?? null,
          after: y?.status ?? null,
          reasonBefore: x?.reason ?? null,
          reasonAfter: y?.reason ?? null,
        });
      }
      flips.sort(
        (p, q) =>
          p.accountId.localeCompare(q.accountId) ||
          (p.region ?? "").localeCompare(q.region ?? "") ||
          p.label.localeCompare(q.label),
      );
      flipsByRun.set(run.key, flips.length);
      return {
        runKey: run.key,
        controlId: run.controlId,
        title: CONTROLS[run.controlId].title,
        templates: input.templates
          .filter(({ requirementRuns }) => [...requirementRuns.values()].some((keys) => keys.includes(run.key)))
          .map(({ t }) => t.name),
        before: countsBefore.get(run.key) ?? emptyCounts(),
        after: countsAfter.get(run.key) ?? emptyCounts(),
        flips: flips.slice(0, limit),
        moreFlips: Math.max(0, flips.length - limit),
      };
    })
    .sort((p, q) => p.controlId.localeCompare(q.controlId) || p.runKey.localeCompare(q.runKey));

  const resultBefore = scoreBefore.result();
  const resultAfter = scoreAfter.result();
  const frameworks: FrameworkImpact[] = input.templates.map(({ t, requirementRuns }, i) => ({
    slug: t.slug,
    name: t.name,
    requirements: t.template.requirements.map((req, j) => {
      const keys = requirementRuns.get(req.id) ?? [];
      const b = resultBefore[i]!.requirements[j]!;
      const a = resultAfter[i]!.requirements[j]!;
      return {
        id: req.id,
        title: req.title,
        controls: [
          ...new Set(
            keys
              .map((k) => input.runs.find((r) => r.key === k)?.controlId)
              .filter((c): c is ControlId => c !== undefined),
          ),
        ].sort(),
        before: b.counts,
        after: a.counts,
        scoreBefore: b.score,
        scoreAfter: a.score,
        flips: [...new Set(keys)].reduce((n, k) => n + (flipsByRun.get(k) ?? 0), 0),
      };
    }),
  }));
  return {
    evaluatedAt: input.now,
    accounts: [...input.accounts].sort(),
    runs,
    frameworks,
    flips: [...flipsByRun.values()].reduce((n, x) => n + x, 0),
  };
}
