import { describe, expect, it } from "vitest";
import { BUILTIN_TEMPLATES, getBuiltinTemplate } from "@/lib/compliance/templates/builtin-templates";
import { cloneTemplate, parseTemplate, templateRuns } from "@/lib/compliance/templates/template-schema";
import { headlineScore, rescoreSlice, ScoreAccumulator } from "@/lib/compliance/scoring/score";
import { evaluateSnapshot } from "@/lib/compliance/engine/evaluate";
import type { Finding, FindingStatus } from "@/lib/compliance/model/finding";
import { ACCT, ACCT2, NOW, REGION, account, resource, snapshot, unit } from "./fixtures";

const iso = getBuiltinTemplate("iso-27001-2022")!;

describe("built-in templates", () => {
  it("map requirements to controls exactly as PRODUCT.md", () => {
    const map = Object.fromEntries(
      BUILTIN_TEMPLATES.map((t) => [t.id, Object.fromEntries(t.requirements.map((r) => [r.id, r.controls.join(" ")]))]),
    );
    expect(map).toEqual({
      "iso-27001-2022": {
        "A.8.13": "BK-01 BK-02 BK-04 BK-05 BK-09 BK-13 BK-14",
        "A.8.14": "BK-06 BK-07",
        "A.5.29": "BK-03 BK-08",
        "A.5.30": "BK-06 BK-10 BK-13 BK-19 BK-20",
        "A.8.24": "BK-04 BK-16",
        "A.8.10": "BK-12",
        "A.8.7": "BK-18",
      },
      "soc2-2017": {
        "A1.2": "BK-01 BK-02 BK-05 BK-06 BK-09 BK-14",
        "A1.3": "BK-10 BK-13 BK-20",
        "CC6.1": "BK-04 BK-16",
        "CC7.4": "BK-18 BK-19",
        "CC7.5": "BK-03 BK-08 BK-11 BK-18 BK-19",
        "CC9.1": "BK-06 BK-07 BK-15",
        "C1.2": "BK-12",
      },
      gdpr: {
        "Art. 32(1)(b)": "BK-01 BK-02 BK-03 BK-06 BK-08",
        "Art. 32(1)(c)": "BK-09 BK-10 BK-13 BK-18 BK-19 BK-20",
        "Art. 32(1)(d)": "BK-13 BK-14",
        "Art. 5(1)(e)": "BK-12",
        "Art. 5(1)(f)": "BK-04 BK-16",
        "Art. 17": "BK-21",
      },
    });
  });

  it("each has a version, descriptions and its own parameters", () => {
    for (const t of BUILTIN_TEMPLATES) {
      expect(t.version).toMatch(/^\d+(\.\d+)*$/);
      for (const r of t.requirements) expect(r.description.length).toBeGreaterThan(10);
    }
    expect(getBuiltinTemplate("gdpr")!.parameters["BK-12"]).toEqual({ maxRetentionDays: 365 });
    expect(getBuiltinTemplate("soc2-2017")!.parameters["BK-13"]).toEqual({ lookbackDays: 90 });
  });

  it("templates that agree on parameters share a control run", () => {
    const a = templateRuns(iso).runs.find((r) => r.controlId === "BK-01")!;
    const b = templateRuns(getBuiltinTemplate("soc2-2017")!).runs.find((r) => r.controlId === "BK-01")!;
    expect(a.key).toBe(b.key);
    const g = templateRuns(getBuiltinTemplate("gdpr")!).runs.find((r) => r.controlId === "BK-12")!;
    expect(g.key).not.toBe(templateRuns(iso).runs.find((r) => r.controlId === "BK-12")!.key);
  });
});

describe("custom templates refuse bad input, naming the field", () => {
  const cases: Array<[string, Parameters<typeof cloneTemplate>[1], RegExp]> = [
    [
      "unknown control in parameters",
      { id: "x-1", parameters: { "BK-99": {} } },
      /^parameters\.BK-99: unknown control id BK-99/,
    ],
    [
      "frequency of 0",
      { id: "x-1", parameters: { "BK-02": { frequencyValue: 0 } } },
      /^parameters\.BK-02\.frequencyValue: frequency must be at least 1/,
    ],
    [
      "frequency of 40 days",
      { id: "x-1", parameters: { "BK-02": { frequencyUnit: "days", frequencyValue: 40 } } },
      /^parameters\.BK-02\.frequencyValue: frequency is at most 31 days/,
    ],
    [
      "frequency of 25 hours",
      { id: "x-1", parameters: { "BK-02": { frequencyUnit: "hours", frequencyValue: 25 } } },
      /frequency is at most 24 hours/,
    ],
    [
      "retention below zero",
      { id: "x-1", parameters: { "BK-05": { requiredRetentionDays: -1 } } },
      /^parameters\.BK-05\.requiredRetentionDays: retention must not be negative/,
    ],
    [
      "RPO over 31 days",
      { id: "x-1", parameters: { "BK-09": { unit: "days", value: 32 } } },
      /^parameters\.BK-09\.value: age is at most 31 days/,
    ],
    [
      "air-gap age over 2184 hours",
      { id: "x-1", parameters: { "BK-11": { unit: "hours", value: 2185 } } },
      /^parameters\.BK-11\.value: age is at most 2184 hours/,
    ],
    [
      "six exempt principals",
      {
        id: "x-1",
        parameters: {
          "BK-03": { exemptPrincipalArns: Array.from({ length: 6 }, (_, i) => `arn:aws:iam::111111111111:role/r${i}`) },
        },
      },
      /^parameters\.BK-03\.exemptPrincipalArns: at most 5 exempt principals/,
    ],
    ["unknown parameter name", { id: "x-1", parameters: { "BK-05": { retentionDays: 3 } } }, /^parameters\.BK-05/],
    [
      "vault lock max below min",
      { id: "x-1", parameters: { "BK-08": { minRetentionDays: 30, maxRetentionDays: 7 } } },
      /^parameters\.BK-08\.maxRetentionDays: maximum retention must not be below the minimum/,
    ],
    [
      "malformed tag scope: empty key",
      { id: "x-1", scope: { tags: [{ key: "" }] } },
      /^scope\.tags\.0\.key: tag key must not be empty/,
    ],
    [
      "malformed tag scope: wrong field name",
      { id: "x-1", scope: { tags: [{ Key: "env" } as never] } },
      /^scope\.tags\.0/,
    ],
    [
      "bad account id in scope",
      { id: "x-1", scope: { accountIds: ["123"] } },
      /^scope\.accountIds\.0: account id must be 12 digits/,
    ],
    [
      "bad region in scope",
      { id: "x-1", scope: { regions: ["Europe"] } },
      /^scope\.regions\.0: not an AWS region code/,
    ],
    [
      "unknown resource type in scope",
      { id: "x-1", scope: { resourceTypes: ["Lambda" as never] } },
      /^scope\.resourceTypes\.0/,
    ],
    [
      "empty requirement list",
      { id: "x-1", removeRequirementIds: iso.requirements.map((r) => r.id) },
      /^requirements: a template needs at least one requirement/,
    ],
    [
      "added requirement with unknown control",
      { id: "x-1", addRequirements: [{ id: "X.1", title: "extra", controls: ["BK-42"] }] },
      /^requirements\.7\.controls\.0: unknown control id/,
    ],
    [
      "added requirement without controls",
      { id: "x-1", addRequirements: [{ id: "X.1", title: "extra", controls: [] }] },
      /^requirements\.7\.controls: a requirement needs at least one control/,
    ],
    [
      "duplicate requirement id",
      { id: "x-1", addRequirements: [{ id: "A.8.13", title: "again", controls: ["BK-01"] }] },
      /^requirements\.7\.id: duplicate requirement id A\.8\.13/,
    ],
    [
      "removing a requirement that is not there",
      { id: "x-1", removeRequirementIds: ["Z.9"] },
      /^removeRequirementIds: no requirement Z\.9/,
    ],
    ["bad template id", { id: "Not An Id" }, /^id: template id is lowercase/],
  ];
  it.each(cases)("%s", (_n, changes, msg) => {
    const r = cloneTemplate(iso, changes);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.some((e) => msg.test(e))).toBe(true);
  });

  it("accepts a valid clone: parameters merged, scope changed, requirement added and removed", () => {
    const r = cloneTemplate(iso, {
      id: "iso-eu",
      parameters: { "BK-02": { frequencyUnit: "hours", frequencyValue: 12 } },
      scope: { regions: ["eu-west-1"], tags: [{ key: "env", value: "prod" }] },
      removeRequirementIds: ["A.8.10"],
      addRequirements: [{ id: "X.1", title: "Immutable copies", controls: ["BK-11"] }],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.template.basedOn).toEqual({ id: iso.id, version: iso.version });
    expect(r.template.parameters["BK-02"]).toEqual({
      frequencyUnit: "hours",
      frequencyValue: 12,
      requiredRetentionDays: 35,
    });
    expect(r.template.requirements.map((x) => x.id)).not.toContain("A.8.10");
    expect(r.template.requirements.at(-1)!.id).toBe("X.1");
  });

  it("refuses a non-object", () => {
    expect(parseTemplate(42).ok).toBe(false);
  });
});

function f(status: FindingStatus, accountId = ACCT, region: string | null = REGION, id = "x"): Finding {
  return {
    controlId: "BK-01",
    subject: { type: "resource", id, accountId, region, resourceType: "EBS" },
    status,
    reason: "",
    evidence: [],
  };
}

describe("scoring", () => {
  const tpl = {
    templateId: "t",
    requirements: [
      { id: "R1", title: "one", runKeys: ["a"] },
      { id: "R2", title: "two", runKeys: ["a", "b"] },
      { id: "R3", title: "three", runKeys: ["c"] },
    ],
  };
  const ouPath = (a: string) => (a === ACCT ? ["r-1", "ou-1"] : ["r-1", "ou-2"]);

  it("requirement passes only when every applicable evaluation passes; N/A left out; ERROR and EXCEPTED do not pass", () => {
    const acc = new ScoreAccumulator([tpl], ouPath);
    acc.add("a", f("PASS"));
    acc.add("a", f("NOT_APPLICABLE"));
    acc.add("b", f("PASS"));
    acc.add("b", f("FAIL"), true); // excepted
    acc.add("b", f("ERROR", ACCT2, "us-east-1"));
    acc.add("c", f("NOT_APPLICABLE"));
    const [t] = acc.result();
    const byId = Object.fromEntries(t!.requirements.map((r) => [r.id, r]));
    expect(byId.R1).toMatchObject({ status: "PASS", score: 1 });
    expect(byId.R2).toMatchObject({
      status: "FAIL",
      score: 2 / 4,
      counts: { PASS: 2, FAIL: 0, EXCEPTED: 1, ERROR: 1, NOT_APPLICABLE: 1 },
    });
    expect(byId.R3).toMatchObject({ status: "NOT_APPLICABLE", score: null });
    // Headline: the requirements' scores averaged (R1 1, R2 1/2; R3 not applicable); strict: R1 of the two.
    expect(t!.score).toBe(3 / 4);
    expect(t!).toMatchObject({ requirementsPassing: 1, requirementsApplicable: 2 });
    // Roll-ups: ACCT2 only has the ERROR; ACCT passes R1 and two of three R2 checks (one excepted).
    expect(t!.byAccount[ACCT2]!.score).toBe(0);
    expect(t!.byAccount[ACCT]!.score).toBeCloseTo((1 + 2 / 3) / 2, 12);
    expect(t!.byAccount[ACCT]!).toMatchObject({ requirementsPassing: 1, requirementsApplicable: 2 });
    expect(t!.byOu["ou-2"]!.requirementsApplicable).toBe(1);
    expect(t!.byOu["r-1"]!.score).toBe(3 / 4);
    expect(t!.byRegion["us-east-1"]!.score).toBe(0);
  });

  it("one failing recovery point in 1,000 moves the headline to 99.9%; the strict figure says not fully met", () => {
    const one = { templateId: "t", requirements: [{ id: "A.8.13", title: "backup", runKeys: ["points"] }] };
    const acc = new ScoreAccumulator([one], ouPath);
    for (let i = 0; i < 1000; i++) acc.add("points", f(i === 0 ? "FAIL" : "PASS", ACCT, REGION, `rp-${i}`));
    const [t] = acc.result();
    expect(t!.score).toBe(0.999);
    expect(t!.requirements[0]).toMatchObject({ status: "FAIL", score: 0.999 });
    expect(t!).toMatchObject({ requirementsPassing: 0, requirementsApplicable: 1 });
    // All passing: the requirement is fully met and the headline is 100%.
    const clean = new ScoreAccumulator([one], ouPath);
    for (let i = 0; i < 1000; i++) clean.add("points", f("PASS", ACCT, REGION, `rp-${i}`));
    expect(clean.result()[0]).toMatchObject({ score: 1, requirementsPassing: 1, requirementsApplicable: 1 });
  });

  it("weighs requirements as the template says, and scores stored slices again with the weights", () => {
    const weighted = {
      templateId: "t",
      requirements: [
        { id: "R1", title: "one", weight: 3, runKeys: ["a"] },
        { id: "R2", title: "two", weight: 1, runKeys: ["b"] },
      ],
    };
    const acc = new ScoreAccumulator([weighted], ouPath);
    acc.add("a", f("PASS", ACCT, REGION, "1"));
    acc.add("b", f("FAIL", ACCT, REGION, "2"));
    const [t] = acc.result();
    expect(t!.score).toBe(3 / 4); // (1 × 3 + 0 × 1) / 4
    expect(
      headlineScore([
        { score: 1, weight: 1 },
        { score: 0, weight: 1 },
        { score: null, weight: 5 },
      ]),
    ).toBe(1 / 2);
    expect(headlineScore([])).toBeNull();
    // A slice stored without weights reads with today's weights.
    expect(rescoreSlice(t!.byAccount[ACCT]!, (id) => (id === "R1" ? 1 : 3)).score).toBe(1 / 4);
  });

  it("an exception only turns a FAIL into EXCEPTED", () => {
    const acc = new ScoreAccumulator([tpl], ouPath);
    acc.add("a", f("ERROR"), true);
    expect(acc.countsByRun().get("a")).toMatchObject({ ERROR: 1, EXCEPTED: 0 });
  });

  it("cross-region findings count for the account and tenant, not for a region", () => {
    const acc = new ScoreAccumulator([tpl], ouPath);
    acc.add("c", f("PASS", ACCT, null));
    const [t] = acc.result();
    expect(t!.requirements.find((r) => r.id === "R3")!.status).toBe("PASS");
    expect(Object.keys(t!.byRegion)).toEqual([]);
  });

  it("scores a whole evaluation of the three templates end to end", () => {
    const snap = snapshot({
      accounts: [account(), account({ accountId: ACCT2 })],
      units: [unit(), unit({ accountId: ACCT2 })],
      resources: [
        resource(),
        resource({ accountId: ACCT2, resourceArn: `arn:aws:ec2:${REGION}:${ACCT2}:volume/vol-2` }),
      ],
    });
    const plans = BUILTIN_TEMPLATES.map((t) => ({ t, ...templateRuns(t) }));
    const acc = new ScoreAccumulator(
      plans.map((p) => ({
        templateId: p.t.id,
        requirements: p.t.requirements.map((r) => ({
          id: r.id,
          title: r.title,
          runKeys: p.requirementRuns.get(r.id)!,
        })),
      })),
      (a) => snap.accounts.find((x) => x.accountId === a)?.ouPath ?? [],
    );
    const stats = evaluateSnapshot(
      snap,
      { now: NOW },
      plans.flatMap((p) => p.runs),
      (k, x) => acc.add(k, x),
    );
    expect(stats.findings).toBeGreaterThan(0);
    const scores = acc.result();
    expect(scores.map((s) => s.templateId)).toEqual(["iso-27001-2022", "soc2-2017", "gdpr"]);
    for (const s of scores) {
      expect(s.score).not.toBeNull();
      expect(s.score!).toBeGreaterThanOrEqual(0);
      expect(s.score!).toBeLessThan(1); // no copies, no lock, no restore test: some requirement fails
      expect(Object.keys(s.byAccount).sort()).toEqual([ACCT, ACCT2].sort());
    }
    // BK-04 evaluated once for ISO and SOC 2 and GDPR: one run, one finding per recovery point.
    expect(stats.runs).toBeLessThan(plans.reduce((n, p) => n + p.runs.length, 0));
  });
});
