import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { pinClock } from "@/lib/clock";
import { eq } from "drizzle-orm";
import { policyPushes } from "@/db/schema";
import { pushVersion } from "@/lib/policies/push";
import { approveVersion, createPolicy, draftVersion, submitVersion } from "@/lib/policies/workflow";
import {
  getMovePreview,
  getPolicyPreview,
  getVersionPreflight,
  listMoveOptions,
  type PolicyPreview,
} from "@/lib/policies/preview";
import { AwsFactory } from "@/lib/aws/client-factory";
import type { PreviewAws } from "@/lib/policies/preview-roles";
import type { RunImpact } from "@/lib/policies/preview-impact";
import { testDb } from "@/tests/helpers/db";
import { makeUser } from "@/tests/helpers/fixtures";
import { isoPolicy, NEWLY_PROTECTED, syncDemoWorld, type DemoPolicyWorld } from "./preview-world";

// The preview on the demo world as the sync stored it: the ISO template's policy attached to the
// Security OU and the management account reaches exactly those four accounts, and the controls
// say which findings it flips; a broken variant is caught by the pre-flight; an account moved out
// of Workloads loses the org policy and what it protected.

const handle = testDb();
const { db } = handle;
let w: DemoPolicyWorld;
let actor: { userId: string; email: string; ip: null };
let restoreClock: () => void;
/** The simulator's AWS, as the web tier's push deps reach it: the preview reads IAM GetRole with it. */
let aws: PreviewAws;
const ROLE = (account: string) => `arn:aws:iam::${account}:role/service-role/AWSBackupDefaultServiceRole`;

beforeAll(async () => {
  w = await syncDemoWorld(handle, inject("databaseUrl"), "Preview World");
  // The controls judge the inventory at the simulator's now, as the evaluation after a sync does.
  restoreClock = pinClock(w.sim.runtime.state.now * 1000);
  const s = w.sim.summary();
  aws = {
    factory: new AwsFactory({
      endpoint: w.sim.url,
      region: "us-east-1",
      baseCredentials: { accessKeyId: s.principal.access_key_id, secretAccessKey: s.principal.secret_access_key },
      maxAttempts: 2,
    }),
  };
  const alice = await makeUser(db, "operator", [{ tenantId: w.tenantId }]);
  actor = { userId: alice.userId, email: alice.email, ip: null };
}, 300_000);
afterAll(async () => {
  restoreClock?.();
  aws?.factory.destroy();
  await w?.stop();
  await handle.close();
});

const getRoleCalls = () => w.sim.stats().calls.by_operation["iam:GetRole"] ?? 0;
const control = (p: { impact: PolicyPreview["impact"] }, id: string): RunImpact[] =>
  p.impact!.runs.filter((r) => r.controlId === id);
const defaultRun = (p: { impact: PolicyPreview["impact"] }, id: string) =>
  control(p, id).find((r) => r.templates.length === 0) ?? control(p, id)[0]!;

describe("previewing the ISO template's policy on Security and the management account", () => {
  let preview: PolicyPreview;

  beforeAll(async () => {
    const ref = await createPolicy(db, actor, {
      tenantId: w.tenantId,
      name: "ISO baseline",
      content: isoPolicy(w.regions),
      targets: [w.ou("Security"), w.account("Management")],
    });
    preview = await getPolicyPreview(db, { tenantId: w.tenantId, versionId: ref.versionId }, aws);
  }, 120_000);

  it("reaches the four accounts under the targets, each gaining an effective policy that AWS's before agrees with", () => {
    const names = ["Management", "Log Archive", "Audit", "Backup Central"];
    expect(preview.accounts.map((a) => a.name).sort()).toEqual([...names].sort());
    for (const a of preview.accounts) {
      expect(a).toMatchObject({ change: "added", awsAgrees: true, orderKnown: true, validation: [] });
      expect(a.before.text).toBeNull();
      expect(JSON.parse(a.after.text!).plans["iso-27001-2022-baseline"].regions).toEqual(w.regions);
      expect(a.diff.added.map((d) => d.path)).toEqual(["$.plans"]);
    }
    // Backup Central (demo world) has no AWS Backup service role: the only problem, once per Region.
    const central = w.account("Backup Central");
    expect(preview.problems).toEqual(
      [...w.regions]
        .sort()
        .map(
          (r) =>
            `Backup Central (${central}) ${r}: role ${ROLE(central)} does not exist in account ${central}: AWS Backup cannot assume it, so every backup of the plan there would fail. Create it first (e.g. with a StackSet).`,
        ),
    );
  });

  it("counts the document as AWS does and each target's backup policies", () => {
    expect(preview.document).toMatchObject({ limit: 10_000, problems: [] });
    expect(preview.document.characters).toBe(isoPolicy(w.regions).length);
    expect(preview.targets).toEqual([
      expect.objectContaining({
        targetId: w.ou("Security"),
        kind: "ou",
        name: "Security",
        known: true,
        others: 0,
        ok: true,
        message: "1 of 10 backup policies once attached.",
      }),
      expect.objectContaining({
        targetId: w.account("Management"),
        kind: "account",
        name: "Management",
        known: true,
        others: 0,
        ok: true,
      }),
    ]);
  });

  it("pre-flights every account and Region: Default vault found, types opted in, the role read from IAM", () => {
    for (const a of preview.accounts) {
      const missing = a.name === "Backup Central";
      expect(a.preflight.map((u) => u.region)).toEqual([...w.regions].sort());
      for (const u of a.preflight) {
        const status = Object.fromEntries(u.checks.map((c) => [c.kind, c.status]));
        expect(status).toMatchObject({
          region: "pass",
          vault: "pass",
          "iam-role": missing ? "fail" : "pass",
          selection: "info",
        });
        expect(u.checks.find((c) => c.kind === "selection")!.message).toMatch(
          /^The plans would select \d+ resources? here/,
        );
        expect(u.checks.filter((c) => c.kind === "opt-in").every((c) => c.status === "pass")).toBe(true);
        expect(u.checks.find((c) => c.kind === "iam-role")!.message).toBe(
          missing
            ? `role ${ROLE(a.accountId)} does not exist in account ${a.accountId}: AWS Backup cannot assume it, so every backup of the plan there would fail. Create it first (e.g. with a StackSet).`
            : `role ${ROLE(a.accountId)} exists in account ${a.accountId} and trusts backup.amazonaws.com.`,
        );
      }
    }
  });

  it("reads each role once per account, whatever the Regions", () => {
    // Four accounts, one role each: four GetRole calls for eight role checks.
    expect(getRoleCalls()).toBe(4);
  });

  it("without AWS, or where IAM cannot be read, the role check is unverified and says why", async () => {
    const ref = await createPolicy(db, actor, {
      tenantId: w.tenantId,
      name: "ISO without AWS",
      content: isoPolicy(w.regions),
      targets: [w.ou("Security")],
    });
    const roleChecks = (p: PolicyPreview) =>
      p.accounts.flatMap((a) =>
        a.preflight.flatMap((u) =>
          u.checks.filter((c) => c.kind === "iam-role").map((c) => [a.name, c.status, c.message] as const),
        ),
      );
    const none = await getPolicyPreview(db, { tenantId: w.tenantId, versionId: ref.versionId }, null);
    expect(none.problems).toEqual([]);
    for (const [name, status, message] of roleChecks(none)) {
      expect(status).toBe("unverified");
      // What the inventory knows stays: Backup Central has no plan of its own.
      expect(message).toMatch(
        name === "Backup Central"
          ? /^unverified: IAM could not be read .*no AWS access.*no plan in this account uses it/
          : /^unverified: IAM could not be read .*plans in this account use it/,
      );
    }
    const down = await getPolicyPreview(db, { tenantId: w.tenantId, versionId: ref.versionId }, async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:4566");
    });
    expect(
      roleChecks(down).every(
        ([, status, message]) => status === "unverified" && /AWS is not reachable: connect ECONNREFUSED/.test(message),
      ),
    ).toBe(true);
    // A member role the product cannot assume: unverified there, read elsewhere.
    const central = w.account("Backup Central");
    w.sim.configure({ assume_role_denied: [central] });
    try {
      const unassumable = await getPolicyPreview(db, { tenantId: w.tenantId, versionId: ref.versionId }, aws);
      expect(unassumable.problems).toEqual([]);
      for (const [name, status, message] of roleChecks(unassumable)) {
        if (name === "Backup Central")
          expect([status, message]).toEqual([
            "unverified",
            expect.stringMatching(
              new RegExp(
                `^unverified: IAM could not be read in account ${central} \\(cannot assume arn:aws:iam::${central}:role/`,
              ),
            ),
          ]);
        else expect(status).toBe("pass");
      }
    } finally {
      w.sim.configure({ assume_role_denied: [] });
    }
    // A member role without iam:GetRole: AWS's AccessDenied, said as such.
    w.sim.configure({ operation_faults: { "iam:GetRole": "access_denied" } });
    try {
      const denied = await getPolicyPreview(db, { tenantId: w.tenantId, versionId: ref.versionId }, aws);
      expect(denied.problems).toEqual([]);
      expect(
        roleChecks(denied).every(
          ([, status, message]) =>
            status === "unverified" && message.startsWith("unverified: the member role may not read IAM (iam:GetRole)"),
        ),
      ).toBe(true);
    } finally {
      w.sim.configure({ operation_faults: {} });
    }
  });

  it("predicts the flips of BK-01, BK-02 and BK-17, and nothing outside the four accounts", async () => {
    const names = await w.resourceNames();
    const bk01 = defaultRun(preview, "BK-01");
    expect(bk01.flips.every((f) => f.before === "FAIL" && f.after === "PASS")).toBe(true);
    expect(
      [...new Set(bk01.flips.map((f) => names.get(f.subjectId)!.replace(/-(us-east-1|eu-west-1)$/, "")))].sort(),
    ).toEqual([...NEWLY_PROTECTED].sort());
    expect(bk01.flips).toHaveLength(NEWLY_PROTECTED.length * w.regions.length);
    expect(bk01.after.PASS - bk01.before.PASS).toBe(bk01.flips.length);

    const bk02 = defaultRun(preview, "BK-02");
    expect(bk02.flips.map((f) => [f.before, f.after])).toEqual(Array(4 * w.regions.length).fill([null, "PASS"]));
    expect(bk02.flips.every((f) => f.label.startsWith("plan iso-27001-2022-baseline in "))).toBe(true);

    const bk17 = defaultRun(preview, "BK-17");
    expect(bk17.flips.map((f) => [f.subjectId.split("/")[1], f.before, f.after]).sort()).toEqual(
      preview.accounts.flatMap(() => w.regions.map((r) => [r, "FAIL", "PASS"])).sort(),
    );
    const reached = new Set(preview.accounts.map((a) => a.accountId));
    for (const r of preview.impact!.runs) for (const f of r.flips) expect(reached.has(f.accountId)).toBe(true);
    const a813 = preview
      .impact!.frameworks.find((f) => f.slug === "iso-27001-2022")!
      .requirements.find((r) => r.id.startsWith("A.8.13"))!;
    expect(a813.flips).toBeGreaterThan(0);
    expect(a813.scoreAfter!).toBeGreaterThan(a813.scoreBefore!);
  });

  it("a variant naming a vault the accounts lack fails its pre-flight, and an unknown target is refused", async () => {
    const policyId = (
      await createPolicy(db, actor, {
        tenantId: w.tenantId,
        name: "Broken",
        content: isoPolicy(w.regions),
        targets: [],
      })
    ).policyId;
    const ref = await draftVersion(db, actor, {
      tenantId: w.tenantId,
      policyId,
      content: isoPolicy(w.regions, { vaultName: "iso-vault" }),
      targets: [w.ou("Security"), "ou-zzzz-zzzzzzzz"],
    });
    const p = await getPolicyPreview(db, { tenantId: w.tenantId, versionId: ref.versionId }, aws);
    expect(p.targets.find((t) => t.targetId === "ou-zzzz-zzzzzzzz")).toMatchObject({ known: false, ok: false });
    expect(p.problems).toContain("ou-zzzz-zzzzzzzz is not in the organization as last synced.");
    expect(p.problems.filter((m) => /vault iso-vault does not exist/.test(m))).toHaveLength(3 * w.regions.length);
    expect(p.problems.filter((m) => /AWSBackupDefaultServiceRole does not exist in account/.test(m))).toHaveLength(
      w.regions.length,
    );
    // The push checks the same pre-flight without the compliance impact; IAM is asked afterwards, so
    // role checks are compared by verdict only (the full preview words its unverified ones).
    const full = await getPolicyPreview(db, { tenantId: w.tenantId, versionId: ref.versionId }, null);
    const pushed = await getVersionPreflight(db, { tenantId: w.tenantId, versionId: ref.versionId });
    expect(pushed.content).toBe(isoPolicy(w.regions, { vaultName: "iso-vault" }));
    const verdicts = (accounts: PolicyPreview["accounts"]) =>
      accounts.flatMap((a) =>
        a.preflight.flatMap((u) =>
          u.checks.map((c) => [a.accountId, u.region, c.kind, c.subject, c.status, c.kind === "iam-role" || c.message]),
        ),
      );
    expect(verdicts(pushed.accounts)).toEqual(verdicts(full.accounts));
    expect(verdicts(pushed.accounts).filter((v) => v[4] === "fail")).toHaveLength(3 * w.regions.length);
    // BK-15 sees the same missing vault once the plans exist.
    expect(defaultRun(p, "BK-15").flips.some((f) => f.after === "FAIL" && /iso-vault/.test(f.reasonAfter ?? ""))).toBe(
      true,
    );
  });

  it("a push of a version whose vault is missing in a target account is refused before any AWS call", async () => {
    const policyId = (
      await createPolicy(db, actor, {
        tenantId: w.tenantId,
        name: "Missing vault",
        content: isoPolicy(w.regions),
        targets: [],
      })
    ).policyId;
    const ref = await draftVersion(db, actor, {
      tenantId: w.tenantId,
      policyId,
      content: isoPolicy(w.regions, { vaultName: "iso-vault" }),
      targets: [w.ou("Security")],
    });
    await submitVersion(db, actor, { tenantId: w.tenantId, versionId: ref.versionId });
    const bob = await makeUser(db, "operator", [{ tenantId: w.tenantId }]);
    const approver = { userId: bob.userId, email: bob.email, ip: null };
    await approveVersion(db, approver, { tenantId: w.tenantId, versionId: ref.versionId });
    let awsAsked = false;
    const deps = async () => {
      awsAsked = true;
      throw new Error("the push must not reach AWS");
    };
    const refused = await pushVersion(db, deps, approver, { tenantId: w.tenantId, versionId: ref.versionId }).then(
      () => null,
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(refused).toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(
        /^Not pushed: .*vault iso-vault does not exist in \d{12}\/[a-z0-9-]+.*Nothing was sent to AWS\.$/,
      ),
    });
    expect(awsAsked).toBe(false);
    expect(await db.$count(policyPushes, eq(policyPushes.versionId, ref.versionId))).toBe(0);
  });

  it("a push of a version whose role is missing in a target account is refused before any Organizations call", async () => {
    const policyId = (
      await createPolicy(db, actor, {
        tenantId: w.tenantId,
        name: "Missing role",
        content: isoPolicy(w.regions),
        targets: [],
      })
    ).policyId;
    const ref = await draftVersion(db, actor, {
      tenantId: w.tenantId,
      policyId,
      content: isoPolicy(w.regions),
      targets: [w.ou("Security")],
    });
    await submitVersion(db, actor, { tenantId: w.tenantId, versionId: ref.versionId });
    const bob = await makeUser(db, "operator", [{ tenantId: w.tenantId }]);
    const approver = { userId: bob.userId, email: bob.email, ip: null };
    await approveVersion(db, approver, { tenantId: w.tenantId, versionId: ref.versionId });
    w.sim.resetStats();
    const central = w.account("Backup Central");
    const refused = await pushVersion(db, async () => aws, approver, {
      tenantId: w.tenantId,
      versionId: ref.versionId,
    }).then(
      () => null,
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(refused).toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(
        new RegExp(
          `^Not pushed: the policy names an IAM role that does not exist or does not trust AWS Backup where it would apply\\. Backup Central \\(${central}\\) [a-z0-9-]+: role ${ROLE(central).replace(/[/.]/g, "\\$&")} does not exist in account ${central}.* Only IAM was read; nothing was sent to AWS Organizations\\.$`,
        ),
      ),
    });
    // IAM and STS were asked; Organizations never was, and no push was recorded.
    const ops = Object.keys(w.sim.stats().calls.by_operation);
    expect(ops.filter((o) => o.startsWith("organizations:"))).toEqual([]);
    expect(ops).toContain("iam:GetRole");
    expect(await db.$count(policyPushes, eq(policyPushes.versionId, ref.versionId))).toBe(0);
  });

  it("a vault another policy names and lacks does not stop a version whose own vaults and roles exist", async () => {
    // Workloads already inherits the world's org policy, whose org-vault is missing in Staging's
    // eu-west-1: that fails today, whatever this push does. This version names only Default.
    const policyId = (
      await createPolicy(db, actor, {
        tenantId: w.tenantId,
        name: "Workloads ISO",
        content: isoPolicy(w.regions),
        targets: [],
      })
    ).policyId;
    const ref = await draftVersion(db, actor, {
      tenantId: w.tenantId,
      policyId,
      content: isoPolicy(w.regions),
      targets: [w.ou("Workloads")],
    });
    await submitVersion(db, actor, { tenantId: w.tenantId, versionId: ref.versionId });
    const bob = await makeUser(db, "operator", [{ tenantId: w.tenantId }]);
    const approver = { userId: bob.userId, email: bob.email, ip: null };
    await approveVersion(db, approver, { tenantId: w.tenantId, versionId: ref.versionId });
    const preview = await getPolicyPreview(db, { tenantId: w.tenantId, versionId: ref.versionId }, null);
    expect(preview.problems.some((m) => /vault org-vault does not exist/.test(m))).toBe(true);
    w.sim.resetStats();
    const pushed = await pushVersion(db, async () => aws, approver, { tenantId: w.tenantId, versionId: ref.versionId });
    expect(pushed.attached).toEqual([w.ou("Workloads")]);
  });
});

describe("previewing a move", () => {
  it("Dev App leaving Workloads for Sandbox loses the org baseline, its plans and what they protected", async () => {
    const dev = w.account("Dev App");
    const options = await listMoveOptions(db, { tenantId: w.tenantId });
    expect(options.parents.map((x) => x.name)).toEqual(
      expect.arrayContaining(["Root", "Security", "Workloads", "Prod", "NonProd", "Sandbox"]),
    );
    const p = await getMovePreview(db, { tenantId: w.tenantId, accountId: dev, targetParentId: w.ou("Sandbox") });
    expect(p).toMatchObject({ from: { name: "NonProd" }, to: { name: "Sandbox" } });
    const [a] = p.accounts;
    expect(a).toMatchObject({ accountId: dev, change: "removed", awsAgrees: true });
    expect(a!.diff.removed.map((d) => d.path)).toEqual(["$.plans"]);
    expect(defaultRun(p, "BK-17").flips.map((f) => [f.before, f.after])).toEqual(w.regions.map(() => ["PASS", "FAIL"]));
    expect(defaultRun(p, "BK-02").flips.map((f) => [f.label.split(" in ")[0], f.before, f.after])).toEqual(
      w.regions.map(() => ["plan org-daily", "PASS", null]),
    );
    const names = await w.resourceNames();
    expect(
      defaultRun(p, "BK-01")
        .flips.map((f) => [names.get(f.subjectId), f.before, f.after])
        .sort(),
    ).toEqual(w.regions.map((r) => [`dev-tools-${r}`, "PASS", "FAIL"]).sort());
  });

  it("an unknown account or OU is not found", async () => {
    await expect(
      getMovePreview(db, { tenantId: w.tenantId, accountId: "999999999999", targetParentId: w.ou("Sandbox") }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      getMovePreview(db, { tenantId: w.tenantId, accountId: w.account("Dev App"), targetParentId: "ou-zzzz-zzzzzzzz" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
