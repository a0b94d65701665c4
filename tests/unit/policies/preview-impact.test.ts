import { describe, expect, it } from "vitest";
import { makeControlRun } from "@/lib/compliance/engine/evaluate";
import type { StreamedSnapshot } from "@/lib/compliance/engine/evaluate-stream";
import { buildSnapshotFacts } from "@/lib/compliance/facts/resource-facts";
import { CONTROL_IDS } from "@/lib/compliance/model/finding";
import { EMPTY_SCOPE } from "@/lib/compliance/model/scope";
import { diffEffective, previewAccount } from "@/lib/policies/preview-account";
import { moveChains, replacePolicy, versionChains, type OrgModel } from "@/lib/policies/preview-chains";
import { compareCompliance } from "@/lib/policies/preview-impact";
import { indexInventory } from "@/lib/policies/preview-preflight";
import { buildProspectiveSnapshot } from "@/lib/policies/preview-prospect";
import {
  account,
  ACCT,
  ACCT2,
  NOW,
  plan,
  REGION,
  regionSettings,
  resource,
  selection,
  snapshot,
  unit,
  vault,
} from "../compliance/fixtures";

// The pure half of the preview: which accounts a change reaches and their chains, the diff of
// their effective policies, the prospective snapshot, and the controls run on both sides.

const ROOT = "r-ab12";
const PROD = "ou-ab12-prod0001";
const DEV = "ou-ab12-dev00001";
const a = (v: unknown) => ({ "@@assign": v });
const doc = (days: number, tag = "daily") =>
  JSON.stringify({
    plans: {
      baseline: {
        regions: a([REGION]),
        rules: {
          daily: {
            schedule_expression: a("cron(0 5 ? * * *)"),
            target_backup_vault_name: a("main"),
            lifecycle: { delete_after_days: a(String(days)) },
          },
        },
        selections: {
          tags: {
            tagged: { iam_role_arn: a("arn:aws:iam::$account:role/backup"), tag_key: a("backup"), tag_value: a([tag]) },
          },
        },
      },
    },
  });

const org = (policies: OrgModel["policies"] = []): OrgModel => ({
  rootId: ROOT,
  backupPoliciesEnabled: true,
  units: [
    { id: ROOT, name: "Root", path: [ROOT] },
    { id: PROD, name: "Prod", path: [ROOT, PROD] },
    { id: DEV, name: "Dev", path: [ROOT, DEV] },
  ],
  accounts: [
    { accountId: ACCT, name: "prod", state: "ACTIVE", ouPath: [ROOT, PROD] },
    { accountId: ACCT2, name: "dev", state: "ACTIVE", ouPath: [ROOT, DEV] },
  ],
  policies,
});

describe("which accounts a version reaches, and how", () => {
  it("replacing a policy keeps its place on targets it stays on and attaches it last elsewhere", () => {
    const others = {
      policyId: "p-other",
      name: "other",
      content: doc(7),
      targets: [PROD, ACCT2],
      targetPositions: [0, 0],
    };
    const mine = { policyId: "p-mine", name: "mine", content: doc(14), targets: [PROD], targetPositions: [1] };
    const after = replacePolicy([others, mine], {
      policyId: "p-mine",
      name: "mine",
      content: doc(35),
      targets: [PROD, ACCT2],
    });
    expect(after.find((p) => p.policyId === "p-mine")).toEqual({
      policyId: "p-mine",
      name: "mine",
      content: doc(35),
      targets: [PROD, ACCT2],
      targetPositions: [1, 1],
    });
  });

  it("reaches the accounts under the new targets and under the policy's current ones", () => {
    const current = { policyId: "p-mine", name: "mine", content: doc(14), targets: [ACCT2], targetPositions: [0] };
    const { accounts } = versionChains(org([current]), {
      policyId: "p-mine",
      name: "mine",
      content: doc(35),
      targets: [PROD],
    });
    expect(accounts.map((x) => [x.accountId, x.before.effective.ok, x.after.effective.ok])).toEqual([
      [ACCT, false, true],
      [ACCT2, true, false],
    ]);
  });

  it("a move takes the new parent's chain", () => {
    const onDev = { policyId: "p-dev", name: "dev", content: doc(7), targets: [DEV], targetPositions: [0] };
    const c = moveChains(org([onDev]), ACCT, DEV)!;
    expect(c.ouPathAfter).toEqual([ROOT, DEV]);
    expect([c.before.effective.ok, c.after.effective.ok]).toEqual([false, true]);
    expect(moveChains(org(), ACCT, "ou-ab12-nowhere1")).toBeNull();
  });

  it("diffs effective policies path by path: added, removed and changed", () => {
    const before = JSON.stringify({
      plans: {
        p: { regions: ["us-east-1"], rules: { r: { lifecycle: { delete_after_days: "14" } } } },
        old: { regions: ["us-east-1"] },
      },
    });
    const after = JSON.stringify({
      plans: {
        p: { regions: ["us-east-1"], rules: { r: { lifecycle: { delete_after_days: "35" } } } },
        new: { regions: ["eu-west-1"] },
      },
    });
    const d = diffEffective(before, after);
    expect(d.added.map((x) => x.path)).toEqual(["$.plans.new"]);
    expect(d.removed.map((x) => x.path)).toEqual(["$.plans.old"]);
    expect(d.changed).toEqual([
      { path: "$.plans.p.rules.r.lifecycle.delete_after_days", intended: '"14"', aws: '"35"' },
    ]);
    expect(diffEffective(null, after).added.map((x) => x.path)).toEqual(["$.plans"]);
  });
});

describe("the compliance a version buys", () => {
  // ACCT: one volume tagged backup=daily that no plan selects, a hand-made weekly plan of 7 days.
  // ACCT2: untouched. The version attaches a daily 35-day policy selecting backup=daily to Prod.
  const tagged = resource({
    resourceArn: `arn:aws:ec2:${REGION}:${ACCT}:volume/vol-tagged`,
    tags: { backup: "daily" },
  });
  const other = resource({ accountId: ACCT2, resourceArn: `arn:aws:ec2:${REGION}:${ACCT2}:volume/vol-x` });
  const weekly = plan({
    planName: "weekly",
    selections: [selection({ resources: ["arn:aws:ec2:*:*:volume/vol-nothing"] })],
  });
  const snap: StreamedSnapshot = (({ recoveryPoints: _r, backupJobs: _b, copyJobs: _c, restoreJobs: _j, ...rest }) =>
    rest)(
    snapshot({
      accounts: [account({ ouPath: [ROOT, PROD] }), account({ accountId: ACCT2, ouPath: [ROOT, DEV], parentId: DEV })],
      units: [unit(), unit({ accountId: ACCT2 })],
      plans: [weekly],
      vaults: [vault(), vault({ accountId: ACCT2 })],
      resources: [tagged, other],
      regionSettings: [regionSettings(), regionSettings({}, { accountId: ACCT2 })],
    }),
  );
  const facts = buildSnapshotFacts(
    { plans: snap.plans, vaults: snap.vaults, recoveryPoints: [], backupJobs: [], copyJobs: [], restoreJobs: [] },
    NOW,
  );
  const runs = CONTROL_IDS.map((id) => makeControlRun(id, {}, EMPTY_SCOPE));

  /** The version pushed to Prod; `managed`: the policy already exists in AWS, unattached, as version 1 of a managed policy. */
  function preview(options: { managed?: boolean; intentFollowsPush?: boolean } = {}) {
    const stored = {
      policyId: "p-1",
      name: "baseline",
      content: doc(35),
      targets: [] as string[],
      targetPositions: [] as number[],
    };
    const intent = {
      policyId: "mp-1",
      name: "baseline",
      awsPolicyId: "p-1",
      version: 1,
      content: doc(35),
      targets: [],
      pushedAt: NOW,
      awsReadSincePush: true,
    };
    const before: StreamedSnapshot = options.managed
      ? {
          ...snap,
          orgBackupPolicies: [
            {
              ...stored,
              policyArn: "arn:aws:organizations::1:policy/o-1/backup_policy/p-1",
              description: "",
              awsManaged: false,
            },
          ],
          managedBackupPolicies: [intent],
        }
      : snap;
    const o = org(options.managed ? [stored] : []);
    const { accounts, policiesAfter } = versionChains(o, {
      policyId: options.managed ? "p-1" : null,
      name: "baseline",
      content: doc(35),
      targets: [PROD],
    });
    const inventory = indexInventory(before, [REGION], () => 0);
    const built = accounts.map((c) => previewAccount(c, before.effectiveBackupPolicies, inventory));
    const orgPolicies = policiesAfter.map((p) => ({
      policyId: p.policyId,
      policyArn: "(new)",
      name: p.name,
      description: "",
      awsManaged: false,
      content: p.content,
      targets: [...p.targets],
    }));
    const pushed =
      options.managed && options.intentFollowsPush !== false ? { ...intent, version: 2, targets: [PROD] } : undefined;
    const after = buildProspectiveSnapshot(
      before,
      built.map((b) => b.prospect),
      orgPolicies,
      NOW,
      pushed,
    );
    return {
      built,
      after,
      impact: compareCompliance({
        before,
        after,
        accounts: new Set(accounts.map((x) => x.accountId)),
        facts,
        now: NOW,
        runs,
        templates: [],
        excepted: new Set(),
      }),
    };
  }

  it("materialises the org plan in the reached account only, beside the hand-made plan", () => {
    const { built, after } = preview();
    expect(built.map((b) => [b.preview.accountId, b.preview.change])).toEqual([[ACCT, "added"]]);
    expect(after.plans.map((p) => [p.accountId, p.planName, p.orgManaged])).toEqual([
      [ACCT, "baseline", true],
      [ACCT, "weekly", false],
    ]);
    expect(after.effectiveBackupPolicies!.map((e) => e.accountId)).toEqual([ACCT]);
  });

  it("passes the pre-flight: the vault exists, the type is opted in; the role is honestly unverified", () => {
    const [u] = preview().built[0]!.preview.preflight;
    expect(u!.checks.map((c) => [c.kind, c.status])).toEqual([
      ["region", "pass"],
      ["vault", "pass"],
      ["iam-role", "unverified"],
      ["selection", "info"],
      ["opt-in", "pass"],
    ]);
    expect(u!.checks[2]!.message).toMatch(/IAM was not read.*plans in this account use it \(weekly\/all-ebs\)/);
    expect(u!.checks[3]!.message).toBe("The plans would select 1 resource here (1 EBS).");
  });

  it("fails the pre-flight of a vault the account does not have, and of a skipped Region", () => {
    const inventory = indexInventory(
      { ...snap, units: [unit({ status: "skipped", publishedAt: null }), unit({ accountId: ACCT2 })] },
      [REGION],
      () => 0,
    );
    const [c] = versionChains(org(), {
      policyId: null,
      name: "baseline",
      content: doc(35).replace('"main"', '"missing"'),
      targets: [ROOT],
    }).accounts;
    expect(previewAccount(c!, null, inventory).preview.preflight[0]!.checks).toEqual([
      expect.objectContaining({
        kind: "region",
        status: "fail",
        message: expect.stringMatching(/not enabled in account/),
      }),
    ]);
    const [, d] = versionChains(org(), {
      policyId: null,
      name: "baseline",
      content: doc(35).replace('"main"', '"missing"'),
      targets: [ROOT],
    }).accounts;
    expect(
      previewAccount(d!, null, inventory).preview.preflight[0]!.checks.find((x) => x.kind === "vault"),
    ).toMatchObject({ status: "fail", message: expect.stringMatching(/vault missing does not exist/) });
  });

  it("flips BK-01 for the volume and BK-17 for the unit, and adds a passing BK-02 plan", () => {
    const { impact } = preview();
    const byControl = (id: string) => impact.runs.find((r) => r.controlId === id)!;
    expect(byControl("BK-01").flips.map((f) => [f.subjectId, f.before, f.after])).toEqual([
      [tagged.resourceArn, "FAIL", "PASS"],
    ]);
    expect(byControl("BK-01")).toMatchObject({ before: { PASS: 0, FAIL: 1 }, after: { PASS: 1, FAIL: 0 } });
    expect(byControl("BK-02").flips.map((f) => [f.label, f.before, f.after])).toEqual([
      [`plan baseline in ${ACCT}/${REGION}`, null, "PASS"],
    ]);
    expect(byControl("BK-17").flips.map((f) => [f.subjectId, f.before, f.after])).toEqual([
      [`${ACCT}/${REGION}`, "FAIL", "PASS"],
    ]);
    expect(byControl("BK-17").flips[0]!.reasonAfter).toMatch(/covered by baseline, materialised without drift/);
    expect(impact.accounts).toEqual([ACCT]);
    expect(byControl("BK-03").flips).toEqual([]);
  });

  it("the pushed version becomes its managed policy's intent, so its own new attachment is no drift for BK-17", () => {
    const bk17 = (r: ReturnType<typeof preview>) =>
      r.impact.runs.find((x) => x.controlId === "BK-17")!.flips.map((f) => [f.before, f.after, f.reasonAfter]);
    expect(bk17(preview({ managed: true }))).toEqual([
      ["FAIL", "PASS", expect.stringMatching(/^covered by baseline, materialised without drift/)],
    ]);
    expect(preview({ managed: true }).after.managedBackupPolicies).toEqual([
      expect.objectContaining({ policyId: "mp-1", version: 2, targets: [PROD] }),
    ]);
    // Judged against the old intent (version 1, attached nowhere), Prod's attachment would look made
    // outside the product: BK-17 would stay FAIL, so nothing would flip.
    expect(bk17(preview({ managed: true, intentFollowsPush: false }))).toEqual([]);
  });
});
