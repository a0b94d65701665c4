// Scores, as PRODUCT.md defines them:
// - a requirement passes when every in-scope evaluation of its controls passes; its score is the
//   share of those evaluations that pass; NOT_APPLICABLE is left out; ERROR and EXCEPTED (a FAIL
//   with an accepted exception) count as not passing, EXCEPTED reported on its own;
// - a requirement with no applicable evaluation is NOT_APPLICABLE and left out of the framework;
// - a framework's headline score is the mean of its applicable requirements' scores, weighted as
//   the template says (default 1 each), so it moves with every check fixed; beside it stands the
//   strict count of requirements fully met. A strict share alone reads 0% whenever one of
//   thousands of recovery points fails, and then ranks nothing.
// Roll-ups per account, OU (every ancestor of the account), region and tenant use the same rules
// on the slice of findings. Findings are folded into counts per (run, account, region) as they
// stream in, so scoring a million findings keeps a few thousand counters.
import type { Finding, ScoredStatus } from "@/lib/compliance/model/finding";

export interface StatusCounts {
  PASS: number;
  FAIL: number;
  NOT_APPLICABLE: number;
  ERROR: number;
  EXCEPTED: number;
}

export function emptyCounts(): StatusCounts {
  return { PASS: 0, FAIL: 0, NOT_APPLICABLE: 0, ERROR: 0, EXCEPTED: 0 };
}

function addCounts(a: StatusCounts, b: StatusCounts): void {
  a.PASS += b.PASS;
  a.FAIL += b.FAIL;
  a.NOT_APPLICABLE += b.NOT_APPLICABLE;
  a.ERROR += b.ERROR;
  a.EXCEPTED += b.EXCEPTED;
}

export interface RequirementScore {
  id: string;
  title: string;
  /** The template's weight of this requirement in the headline score. */
  weight: number;
  status: "PASS" | "FAIL" | "NOT_APPLICABLE";
  /** Share of applicable evaluations that pass; null when none applies. */
  score: number | null;
  counts: StatusCounts;
}

export interface SliceScore {
  /** Headline: the applicable requirements' scores, weighted; null when none applies. */
  score: number | null;
  /** Strict: requirements fully met (every applicable check passes), of those applicable. */
  requirementsPassing: number;
  requirementsApplicable: number;
  requirements: RequirementScore[];
}

export interface TemplateScore extends SliceScore {
  templateId: string;
  byAccount: Record<string, SliceScore>;
  byOu: Record<string, SliceScore>;
  byRegion: Record<string, SliceScore>;
}

export interface ScoringTemplate {
  templateId: string;
  requirements: Array<{ id: string; title: string; weight?: number; runKeys: readonly string[] }>;
}

/** Share of applicable checks that pass (EXCEPTED and ERROR count as not passing); null when none applies. */
export function checksPassing(c: StatusCounts): number | null {
  const applicable = c.PASS + c.FAIL + c.ERROR + c.EXCEPTED;
  return applicable ? c.PASS / applicable : null;
}

export function scoreRequirement(id: string, title: string, counts: StatusCounts, weight = 1): RequirementScore {
  const score = checksPassing(counts);
  if (score === null) return { id, title, weight, status: "NOT_APPLICABLE", score: null, counts };
  return { id, title, weight, status: score === 1 ? "PASS" : "FAIL", score, counts };
}

/** The headline: applicable requirements' scores averaged with the template's weights. */
export function headlineScore(requirements: ReadonlyArray<Pick<RequirementScore, "score" | "weight">>): number | null {
  let sum = 0;
  let weights = 0;
  for (const r of requirements) {
    if (r.score === null || !(r.weight > 0)) continue;
    sum += r.score * r.weight;
    weights += r.weight;
  }
  return weights ? sum / weights : null;
}

export function scoreSlice(requirements: RequirementScore[]): SliceScore {
  const applicable = requirements.filter((r) => r.status !== "NOT_APPLICABLE");
  const passing = applicable.filter((r) => r.status === "PASS").length;
  return {
    score: headlineScore(applicable),
    requirementsPassing: passing,
    requirementsApplicable: applicable.length,
    requirements,
  };
}

/**
 * A stored slice scored again by the rules above with the template's weights: scores kept from
 * before a rule or weight changed read the same as new ones.
 */
export function rescoreSlice(
  slice: Pick<SliceScore, "requirements">,
  weightOf: (requirementId: string) => number,
): SliceScore {
  return scoreSlice(slice.requirements.map((r) => scoreRequirement(r.id, r.title, r.counts, weightOf(r.id))));
}

export class ScoreAccumulator {
  /** runKey → "account|region" → counts (region "" for cross-region subjects). */
  private readonly cells = new Map<string, Map<string, StatusCounts>>();

  constructor(
    private readonly templates: readonly ScoringTemplate[],
    private readonly ouPathOf: (accountId: string) => readonly string[],
  ) {}

  /** `excepted`: the finding is a FAIL covered by an accepted, unexpired exception. */
  add(runKey: string, f: Finding, excepted = false): void {
    const status: ScoredStatus = excepted && f.status === "FAIL" ? "EXCEPTED" : f.status;
    let byCell = this.cells.get(runKey);
    if (!byCell) this.cells.set(runKey, (byCell = new Map()));
    const cell = `${f.subject.accountId}|${f.subject.region ?? ""}`;
    let c = byCell.get(cell);
    if (!c) byCell.set(cell, (c = emptyCounts()));
    c[status]++;
  }

  /** Counts already folded elsewhere (a stored panel's findings of one run in one account and region). */
  addFolded(runKey: string, accountId: string, region: string | null, counts: Partial<StatusCounts>): void {
    let byCell = this.cells.get(runKey);
    if (!byCell) this.cells.set(runKey, (byCell = new Map()));
    const cell = `${accountId}|${region ?? ""}`;
    let c = byCell.get(cell);
    if (!c) byCell.set(cell, (c = emptyCounts()));
    c.PASS += counts.PASS ?? 0;
    c.FAIL += counts.FAIL ?? 0;
    c.NOT_APPLICABLE += counts.NOT_APPLICABLE ?? 0;
    c.ERROR += counts.ERROR ?? 0;
    c.EXCEPTED += counts.EXCEPTED ?? 0;
  }

  /** One run's counts per account, all regions together (for roll-ups by control, not by requirement). */
  *accountCounts(runKey: string): Generator<{ accountId: string; counts: StatusCounts }> {
    const byAccount = new Map<string, StatusCounts>();
    for (const [cell, c] of this.cells.get(runKey) ?? []) {
      const accountId = cell.slice(0, cell.indexOf("|"));
      let total = byAccount.get(accountId);
      if (!total) byAccount.set(accountId, (total = emptyCounts()));
      addCounts(total, c);
    }
    for (const [accountId, counts] of byAccount) yield { accountId, counts };
  }

  /** Counts per run, for the one-line JSON of `npm run evaluate` and per-control reports. */
  countsByRun(): Map<string, StatusCounts> {
    const out = new Map<string, StatusCounts>();
    for (const [run, cells] of this.cells) {
      const total = emptyCounts();
      for (const c of cells.values()) addCounts(total, c);
      out.set(run, total);
    }
    return out;
  }

  result(): TemplateScore[] {
    return this.templates.map((t) => {
      const tenant = new Map<string, StatusCounts>();
      const slices = {
        account: new Map<string, Map<string, StatusCounts>>(),
        ou: new Map<string, Map<string, StatusCounts>>(),
        region: new Map<string, Map<string, StatusCounts>>(),
      };
      const bump = (dim: Map<string, Map<string, StatusCounts>>, key: string, reqId: string, c: StatusCounts) => {
        let m = dim.get(key);
        if (!m) dim.set(key, (m = new Map()));
        let rc = m.get(reqId);
        if (!rc) m.set(reqId, (rc = emptyCounts()));
        addCounts(rc, c);
      };
      for (const req of t.requirements) {
        const total = emptyCounts();
        for (const runKey of new Set(req.runKeys)) {
          for (const [cell, c] of this.cells.get(runKey) ?? []) {
            addCounts(total, c);
            const [account, region] = cell.split("|") as [string, string];
            bump(slices.account, account, req.id, c);
            for (const ou of this.ouPathOf(account)) bump(slices.ou, ou, req.id, c);
            if (region) bump(slices.region, region, req.id, c);
          }
        }
        tenant.set(req.id, total);
      }
      const build = (m: Map<string, StatusCounts>) =>
        scoreSlice(t.requirements.map((r) => scoreRequirement(r.id, r.title, m.get(r.id) ?? emptyCounts(), r.weight)));
      const record = (dim: Map<string, Map<string, StatusCounts>>) =>
        Object.fromEntries([...dim].map(([k, m]) => [k, build(m)]));
      return {
        templateId: t.templateId,
        ...build(tenant),
        byAccount: record(slices.account),
        byOu: record(slices.ou),
        byRegion: record(slices.region),
      };
    });
  }
}
