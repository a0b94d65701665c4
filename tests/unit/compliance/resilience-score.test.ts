import { describe, expect, it } from "vitest";
import { makeControlRun } from "@/lib/compliance/engine/evaluate";
import { CONTROL_IDS } from "@/lib/compliance/model/finding";
import { EMPTY_SCOPE } from "@/lib/compliance/model/scope";
import {
  componentMovedMost,
  explainResilience,
  foldResilienceCounts,
  RESILIENCE_COMPONENTS,
  resilienceComponentOf,
  resilienceRuns,
  scoreResilience,
  type ResilienceCounts,
} from "@/lib/compliance/resilience/score";
import { emptyCounts, type StatusCounts } from "@/lib/compliance/scoring/score";
import { formatScore, formatScoreChange, scoreChange } from "@/lib/compliance/scoring/score-text";
import { templateRuns } from "@/lib/compliance/templates/template-schema";
import { getBuiltinTemplate } from "@/lib/compliance/templates/builtin-templates";
import { decodeResilienceCounts, encodeResilienceCounts } from "@/lib/compliance/store/resilience-store";

const counts = (c: Partial<StatusCounts>): StatusCounts => ({ ...emptyCounts(), ...c });

describe("the rule", () => {
  it("has five components whose weights add up to 100, fed by the controls the issue names", () => {
    expect(RESILIENCE_COMPONENTS.map((c) => [c.id, c.weight, c.controls.join(" ")])).toEqual([
      ["coverage", 25, "BK-01"],
      ["clean-recent", 25, "BK-09 BK-18"],
      ["isolation", 20, "BK-11 BK-19"],
      ["restore-evidence", 20, "BK-13 BK-20"],
      ["job-health", 10, "BK-14"],
    ]);
    expect(RESILIENCE_COMPONENTS.reduce((n, c) => n + c.weight, 0)).toBe(100);
    for (const c of RESILIENCE_COMPONENTS) expect(c.explains.length).toBeGreaterThan(20);
  });

  it("scores each component as the share of its checks passing; failing, unreadable and excepted do not pass", () => {
    const s = scoreResilience({
      coverage: counts({ PASS: 6, FAIL: 1, ERROR: 1, EXCEPTED: 2, NOT_APPLICABLE: 50 }),
    });
    expect(s.components.find((c) => c.id === "coverage")!.score).toBe(0.6);
  });

  it("leaves a component with nothing in scope out of the weighting, never as 100", () => {
    // Coverage at 50% and nothing else: 50, not (0.5 × 25 + 1 × 75) / 100.
    expect(scoreResilience({ coverage: counts({ PASS: 1, FAIL: 1 }) }).score).toBe(0.5);
    // Only NOT_APPLICABLE findings: still no data.
    const s = scoreResilience({
      coverage: counts({ PASS: 1, FAIL: 1 }),
      isolation: counts({ NOT_APPLICABLE: 40 }),
    });
    expect(s.score).toBe(0.5);
    expect(s.components.find((c) => c.id === "isolation")!.score).toBeNull();
    expect(scoreResilience({}).score).toBeNull();
    expect(scoreResilience({}).components.every((c) => c.score === null)).toBe(true);
  });

  it("combines the components with their weights", () => {
    const s = scoreResilience({
      coverage: counts({ PASS: 10 }), // 1 × 25
      "clean-recent": counts({ PASS: 1, FAIL: 1 }), // 0.5 × 25
      isolation: counts({ FAIL: 3 }), // 0 × 20
      // restore evidence: no data, left out
      "job-health": counts({ PASS: 4 }), // 1 × 10
    });
    expect(s.score).toBeCloseTo((25 + 12.5 + 0 + 10) / 80, 12);
  });

  it("reads 100 only when every check passes: one failing check in 1,000 reads 99.9", () => {
    const all = (c: StatusCounts): ResilienceCounts =>
      Object.fromEntries(RESILIENCE_COMPONENTS.map((d) => [d.id, d.id === "job-health" ? c : counts({ PASS: 10 })]));
    expect(formatScore(scoreResilience(all(counts({ PASS: 1000 }))).score)).toBe("100.0%");
    const oneIn1000 = scoreResilience(all(counts({ PASS: 999, FAIL: 1 })));
    expect(oneIn1000.score).toBeLessThan(1);
    expect(formatScore(oneIn1000.score)).toBe("99.9%");
    expect(formatScore(oneIn1000.components.find((c) => c.id === "job-health")!.score)).toBe("99.9%");
    // One in a million, in the component with the most weight: still short of 100.
    const oneInAMillion = scoreResilience({ coverage: counts({ PASS: 999_999, ERROR: 1 }) });
    expect(formatScore(oneInAMillion.score)).toBe("99.9%");
  });

  it("explains the score: the points each component costs add up to 100 minus the score", () => {
    const s = scoreResilience({
      coverage: counts({ PASS: 3, FAIL: 1 }),
      "clean-recent": counts({ PASS: 1, FAIL: 1 }),
      "job-health": counts({ PASS: 9, FAIL: 1 }),
    });
    const e = explainResilience(s);
    const lost = e.reduce((n, c) => n + c.pointsLost, 0);
    const points = e.reduce((n, c) => n + c.points, 0);
    expect(lost).toBeCloseTo(100 - s.score! * 100, 10);
    expect(points).toBeCloseTo(s.score! * 100, 10);
    expect(e.reduce((n, c) => n + c.weightShare, 0)).toBeCloseTo(1, 12);
    expect(e.find((c) => c.id === "isolation")).toEqual({ id: "isolation", weightShare: 0, points: 0, pointsLost: 0 });
    // Coverage has 25 of the 60 weights with data.
    expect(e.find((c) => c.id === "coverage")!.weightShare).toBeCloseTo(25 / 60, 12);
  });
});

describe("which findings feed it", () => {
  it("maps control ids to components, including controls not in the registry yet", () => {
    expect(resilienceComponentOf("BK-01")).toBe("coverage");
    expect(resilienceComponentOf("BK-18")).toBe("clean-recent");
    expect(resilienceComponentOf("BK-19")).toBe("isolation");
    expect(resilienceComponentOf("BK-20")).toBe("restore-evidence");
    expect(resilienceComponentOf("BK-02")).toBeNull();
  });

  it("runs each of its controls that exists at its defaults over the whole organization", () => {
    const runs = resilienceRuns();
    const existing = RESILIENCE_COMPONENTS.flatMap((c) => c.controls).filter((id) =>
      (CONTROL_IDS as readonly string[]).includes(id),
    );
    expect(runs.map((r) => r.controlId)).toEqual(existing);
    for (const r of runs) expect(r.key).toBe(makeControlRun(r.controlId, {}, EMPTY_SCOPE).key);
  });

  it("shares the built-in templates' runs: no extra run where they use the defaults", () => {
    const keys = new Set(
      ["iso-27001-2022", "soc2-2017"].flatMap((id) => templateRuns(getBuiltinTemplate(id)!).runs.map((r) => r.key)),
    );
    // ISO/IEC 27001 evaluates BK-01, 09, 13 and 14 at their defaults; SOC 2 BK-11. (A control no
    // template uses is evaluated at its defaults anyway, so that every control is reported.)
    const shared = resilienceRuns().filter((r) => ["BK-01", "BK-09", "BK-11", "BK-13", "BK-14"].includes(r.controlId));
    expect(shared).toHaveLength(5);
    for (const run of shared) expect(keys.has(run.key), run.controlId).toBe(true);
  });

  it("folds accounts into the tenant, every OU on their path but the root, and the account", () => {
    const paths: Record<string, string[]> = {
      "111111111111": ["r-ab12", "ou-ab12-prod0001", "ou-ab12-apps0001"],
      "222222222222": ["r-ab12", "ou-ab12-prod0001"],
    };
    const s = foldResilienceCounts(
      [
        { controlId: "BK-01", accountId: "111111111111", counts: counts({ PASS: 2, FAIL: 1 }) },
        { controlId: "BK-18", accountId: "111111111111", counts: counts({ PASS: 1 }) },
        { controlId: "BK-09", accountId: "111111111111", counts: counts({ FAIL: 1 }) },
        { controlId: "BK-01", accountId: "222222222222", counts: counts({ PASS: 1, ERROR: 1 }) },
        { controlId: "BK-02", accountId: "222222222222", counts: counts({ FAIL: 9 }) },
      ],
      (a) => paths[a] ?? [],
    );
    expect(s.tenant.coverage).toEqual(counts({ PASS: 3, FAIL: 1, ERROR: 1 }));
    expect(s.tenant["clean-recent"]).toEqual(counts({ PASS: 1, FAIL: 1 }));
    expect(Object.keys(s.tenant).sort()).toEqual(["clean-recent", "coverage"]);
    expect([...s.byOu.keys()].sort()).toEqual(["ou-ab12-apps0001", "ou-ab12-prod0001"]);
    expect(s.byOu.get("ou-ab12-prod0001")!.coverage).toEqual(counts({ PASS: 3, FAIL: 1, ERROR: 1 }));
    expect(s.byOu.get("ou-ab12-apps0001")!.coverage).toEqual(counts({ PASS: 2, FAIL: 1 }));
    expect(s.byAccount.get("222222222222")).toEqual({ coverage: counts({ PASS: 1, ERROR: 1 }) });
  });

  it("stores the counts it scores from, without NOT_APPLICABLE", () => {
    const c: ResilienceCounts = { isolation: counts({ PASS: 4, FAIL: 3, ERROR: 2, EXCEPTED: 1, NOT_APPLICABLE: 7 }) };
    expect(encodeResilienceCounts(c)).toEqual({ isolation: [4, 3, 2, 1] });
    expect(scoreResilience(decodeResilienceCounts(encodeResilienceCounts(c)))).toEqual(
      scoreResilience({ isolation: counts({ PASS: 4, FAIL: 3, ERROR: 2, EXCEPTED: 1 }) }),
    );
  });
});

describe("what moved", () => {
  it("measures a change in points as the two scores are shown", () => {
    expect(scoreChange(0.7249, 0.6911)).toBe(3.3);
    expect(scoreChange(0.5, 0.5)).toBe(0);
    expect(scoreChange(0.5, null)).toBeNull();
    expect(formatScoreChange(3.3)).toBe("+3.3");
    expect(formatScoreChange(-1)).toBe("−1.0");
    expect(formatScoreChange(0)).toBe("±0.0");
  });

  it("names the component that moved most, either way, among those with data both times", () => {
    const before = scoreResilience({
      coverage: counts({ PASS: 9, FAIL: 1 }),
      isolation: counts({ PASS: 1, FAIL: 1 }),
      "job-health": counts({ PASS: 1 }),
    });
    const now = scoreResilience({
      coverage: counts({ PASS: 10 }),
      isolation: counts({ PASS: 1, FAIL: 3 }),
      "restore-evidence": counts({ FAIL: 1 }),
      "job-health": counts({ PASS: 1 }),
    });
    expect(componentMovedMost(now, before)).toEqual({ id: "isolation", label: "Isolation", change: -25 });
    expect(componentMovedMost(now, now)).toBeNull();
  });
});
