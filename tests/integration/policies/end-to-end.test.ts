import { afterAll, beforeAll, describe, expect, it, inject, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/access";
import { AwsFactory } from "@/lib/aws/client-factory";
import { pinClock } from "@/lib/clock";
import { evaluateTenant, type EvaluationResult } from "@/lib/compliance/evaluate-tenant";
import { listFindings } from "@/lib/compliance/read/findings";
import type { SubjectType } from "@/lib/compliance/model/finding";
import type { StatusCounts } from "@/lib/compliance/scoring/score";
import { getPolicyPreview, type PolicyPreview } from "@/lib/policies/preview";
import type { Flip } from "@/lib/policies/preview-impact";
import type { PushDeps } from "@/lib/policies/push";
import { testDb } from "@/tests/helpers/db";
import { makeUser } from "@/tests/helpers/fixtures";
import { isoPolicy, syncDemoWorld, type DemoPolicyWorld } from "./preview-world";

// The end-to-end check, through the server actions as the screens call them: the ISO
// template's policy is drafted, previewed, approved by a second person and pushed to the simulator;
// the simulated clock moves a day, the organization is synced and evaluated again, and BK-01,
// BK-02 and BK-17 have moved by exactly what the preview predicted, the same subjects flipping.
// Then a rollback (a new version repeating version 1, unattached), approved and pushed, predicted
// and observed the same way, brings them back to where they were.

let caller: SessionUser | null = null;
const injected = vi.hoisted(() => ({ deps: null as PushDeps | null }));
vi.mock("@/lib/auth/session", () => ({ getSession: async () => caller, getClientIp: async () => "203.0.113.17" }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("@/lib/policies/push-deps", () => ({ getPushDeps: async () => injected.deps! }));

const handle = testDb();
const { db } = handle;
let w: DemoPolicyWorld;
let a: typeof import("@/app/(app)/t/[tenant]/policies/actions");
let alice: SessionUser;
let bob: SessionUser;
let factory: AwsFactory;
let restoreClock: () => void = () => undefined;
/** Plan ARN → name, over every sync (a rollback deletes plans whose findings must still be named). */
const planNames = new Map<string, string>();
const CONTROLS = ["BK-01", "BK-02", "BK-17"] as const;
/** Controls whose every finding the preview predicts (their inputs are plans, selections, vaults and settings). */
const EXACT = ["BK-01", "BK-02", "BK-06", "BK-07", "BK-15", "BK-17"] as const;

async function as<T>(
  user: SessionUser,
  call: (actions: typeof a) => Promise<{ ok: true; data: T } | { ok: false; error: { message: string } }>,
): Promise<T> {
  caller = user;
  const r = await call(a);
  if (!r.ok) throw new Error(r.error.message);
  return r.data;
}

/** The simulated clock moves `hours` on, the product's clock with it; then sync and evaluate. */
async function advanceSyncEvaluate(hours: number): Promise<EvaluationResult> {
  if (hours > 0) {
    w.sim.advance(hours);
    restoreClock();
    restoreClock = pinClock(w.sim.runtime.state.now * 1000);
  }
  const run = await w.resync();
  // "partial" as the first sync: the demo's two sandbox accounts cannot be reached, by design.
  expect(run.status).toBe(w.run.status);
  for (const [arn, name] of await w.planNames()) planNames.set(arn, name);
  return evaluateTenant(db, w.tenantId, { trigger: "test" });
}

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  a = await import("@/app/(app)/t/[tenant]/policies/actions");
  // Backup Central gets the AWS Backup service role the demo denies it: this push reaches the whole Security OU.
  w = await syncDemoWorld(handle, inject("databaseUrl"), "End to End World", { withCentralRole: true });
  restoreClock = pinClock(w.sim.runtime.state.now * 1000);
  const s = w.sim.summary();
  factory = new AwsFactory({
    endpoint: w.sim.url,
    region: "us-east-1",
    baseCredentials: { accessKeyId: s.principal.access_key_id, secretAccessKey: s.principal.secret_access_key },
    maxAttempts: 2,
  });
  injected.deps = { factory, maxAttempts: 2, enableWait: { tries: 3, delayMs: 10 } };
  alice = await makeUser(db, "operator", [{ tenantId: w.tenantId }]);
  bob = await makeUser(db, "operator", [{ tenantId: w.tenantId }]);
}, 300_000);
afterAll(async () => {
  restoreClock();
  factory?.destroy();
  await w?.stop();
  await handle.close();
});

const STATUSES = ["PASS", "FAIL", "NOT_APPLICABLE", "ERROR", "EXCEPTED"] as const;
const delta = (before: StatusCounts, after: StatusCounts) =>
  Object.fromEntries(STATUSES.map((s) => [s, after[s] - before[s]]));

/** A subject as both sides can name it: plans and rules by name (AWS gives them ids only when it creates them). */
function subjectOf(
  type: string,
  id: string,
  accountId: string,
  region: string | null,
  name: (key: string) => string | undefined,
): string {
  if (type === "plan") return `plan ${accountId}/${region}/${name(id) ?? id}`;
  if (type === "plan-rule") {
    const plan = id.slice(0, id.indexOf("#"));
    return `rule ${accountId}/${region}/${name(plan) ?? plan}/${name(id) ?? id}`;
  }
  return `${type} ${id}`;
}
function predictedFlip(f: Flip): string {
  const rule = /^rule (\S+) of plan (\S+) in /.exec(f.label);
  const plan = /^plan (\S+) in /.exec(f.label);
  const subject = rule
    ? `rule ${f.accountId}/${f.region}/${rule[2]}/${rule[1]}`
    : plan
      ? `plan ${f.accountId}/${f.region}/${plan[1]}`
      : `${f.subjectType} ${f.subjectId}`;
  return `${subject}: ${f.before ?? "absent"} → ${f.after ?? "absent"}`;
}

/** Every finding of one run (of one subject type, or all) whose status differs between two stored evaluations. */
async function observedFlips(
  runKey: string,
  before: EvaluationResult,
  after: EvaluationResult,
  subjectType?: SubjectType,
): Promise<string[]> {
  const runId = after.runs.find((r) => r.key === runKey)!.runId;
  const read = async (e: EvaluationResult) => {
    const out = new Map<string, string>();
    // Pages of at most 1,000 findings, as the findings screen reads them.
    for (let offset = 0; ;) {
      const page = await listFindings(db, {
        tenantId: w.tenantId,
        evaluationId: e.evaluationId,
        runIds: [runId],
        subjectType,
        limit: 1000,
        offset,
      });
      for (const f of page.findings)
        out.set(
          subjectOf(f.subjectType, f.subjectId, f.accountId, f.region, (k) => planNames.get(k)),
          f.status,
        );
      offset += page.findings.length;
      if (page.findings.length === 0 || offset >= page.total) return out;
    }
  };
  const [x, y] = [await read(before), await read(after)];
  return [...new Set([...x.keys(), ...y.keys()])]
    .filter((k) => x.get(k) !== y.get(k))
    .map((k) => `${k}: ${x.get(k) ?? "absent"} → ${y.get(k) ?? "absent"}`)
    .sort();
}

/**
 * The preview's prediction against what the evaluations show, run by run: counts and flipping
 * subjects of every control whose inputs are plans, except the recovery points of BK-12, which
 * the backups run meanwhile add (the preview leaves recovery points out).
 */
async function expectPredicted(
  preview: PolicyPreview,
  before: EvaluationResult,
  after: EvaluationResult,
): Promise<Record<string, number>> {
  const flipped: Record<string, number> = {};
  for (const run of preview.impact!.runs.filter((r) => (EXACT as readonly string[]).includes(r.controlId))) {
    const b = before.runs.find((r) => r.key === run.runKey)!;
    const x = after.runs.find((r) => r.key === run.runKey)!;
    expect(delta(b.counts, x.counts), `${run.controlId} counts (${run.runKey})`).toEqual(delta(run.before, run.after));
    expect(await observedFlips(run.runKey, before, after), `${run.controlId} subjects (${run.runKey})`).toEqual(
      run.flips.map(predictedFlip).sort(),
    );
    flipped[run.controlId] = Math.max(flipped[run.controlId] ?? 0, run.flips.length);
  }
  for (const run of preview.impact!.runs.filter((r) => r.controlId === "BK-12")) {
    expect(await observedFlips(run.runKey, before, after, "plan-rule"), `BK-12 rules (${run.runKey})`).toEqual(
      run.flips.map(predictedFlip).sort(),
    );
    flipped["BK-12"] = Math.max(flipped["BK-12"] ?? 0, run.flips.length);
  }
  return flipped;
}

describe("ISO baseline: draft, preview, approve, push, observe; roll back, observe", () => {
  let policyId: string;
  let baseline: EvaluationResult;
  let pushed: EvaluationResult;
  let preview: PolicyPreview;

  it("version 1 holds the ISO template's policy, unattached: pushed, it changes no finding", async () => {
    const before = await evaluateTenant(db, w.tenantId, { trigger: "test" });
    const v1 = await as(alice, (x) =>
      x.createPolicyAction({
        tenantId: w.tenantId,
        name: "ISO baseline",
        content: isoPolicy(w.regions),
        targets: [],
        description: "ISO/IEC 27001 A.8.13 baseline",
      }),
    );
    policyId = v1.policyId;
    await as(alice, (x) => x.submitVersionAction({ tenantId: w.tenantId, versionId: v1.versionId }));
    await as(bob, (x) => x.approveVersionAction({ tenantId: w.tenantId, versionId: v1.versionId }));
    expect(await as(bob, (x) => x.pushVersionAction({ tenantId: w.tenantId, versionId: v1.versionId }))).toMatchObject({
      version: 1,
      attached: [],
      detached: [],
    });
    baseline = await advanceSyncEvaluate(0);
    for (const id of CONTROLS) {
      for (const r of baseline.runs.filter((x) => x.controlId === id))
        expect(r.counts, id).toEqual(before.runs.find((x) => x.key === r.key)!.counts);
    }
  });

  it("version 2 attaches it to Security and the management account; the preview predicts, a second person approves, the push applies", async () => {
    const v2 = await as(alice, (x) =>
      x.draftVersionAction({
        tenantId: w.tenantId,
        policyId,
        content: isoPolicy(w.regions),
        targets: [w.ou("Security"), w.account("Management")],
        note: "Cover the security and management accounts",
      }),
    );
    await as(alice, (x) => x.submitVersionAction({ tenantId: w.tenantId, versionId: v2.versionId }));
    preview = await getPolicyPreview(db, { tenantId: w.tenantId, versionId: v2.versionId });
    expect(preview.problems).toEqual([]);
    expect(preview.accounts.map((x) => x.change)).toEqual(["added", "added", "added", "added"]);
    await expect(
      as(alice, (x) => x.approveVersionAction({ tenantId: w.tenantId, versionId: v2.versionId })),
    ).rejects.toThrow(/You wrote version 2/);
    await as(bob, (x) =>
      x.approveVersionAction({ tenantId: w.tenantId, versionId: v2.versionId, comment: "Preview checked" }),
    );
    const out = await as(bob, (x) => x.pushVersionAction({ tenantId: w.tenantId, versionId: v2.versionId }));
    expect(out).toMatchObject({ version: 2, detached: [] });
    expect([...out.attached].sort()).toEqual([w.ou("Security"), w.account("Management")].sort());
  });

  it("a day later, synced and evaluated: BK-01, BK-02 and BK-17 moved by exactly the prediction", async () => {
    pushed = await advanceSyncEvaluate(24);
    const flipped = await expectPredicted(preview, baseline, pushed);
    // Four accounts × two Regions: 4 resources newly protected per Region, a new plan and a covered unit per account and Region.
    expect(flipped).toEqual({ "BK-01": 8, "BK-02": 8, "BK-06": 0, "BK-07": 0, "BK-12": 8, "BK-15": 0, "BK-17": 8 });
  });

  it("rolled back to version 1 (approved by the other person, pushed), a day later they are back where they were", async () => {
    const v3 = await as(bob, (x) => x.rollbackPolicyAction({ tenantId: w.tenantId, policyId, toVersion: 1 }));
    expect(v3).toMatchObject({ version: 3, state: "submitted" });
    const back = await getPolicyPreview(db, { tenantId: w.tenantId, versionId: v3.versionId });
    expect(back.accounts.map((x) => x.change)).toEqual(["removed", "removed", "removed", "removed"]);
    await as(alice, (x) => x.approveVersionAction({ tenantId: w.tenantId, versionId: v3.versionId }));
    expect(
      await as(alice, (x) => x.pushVersionAction({ tenantId: w.tenantId, versionId: v3.versionId })),
    ).toMatchObject({ version: 3, attached: [] });
    const rolledBack = await advanceSyncEvaluate(24);
    const flipped = await expectPredicted(back, pushed, rolledBack);
    expect(flipped).toEqual({ "BK-01": 8, "BK-02": 8, "BK-06": 0, "BK-07": 0, "BK-12": 8, "BK-15": 0, "BK-17": 8 });
    for (const id of CONTROLS) {
      for (const r of rolledBack.runs.filter((x) => x.controlId === id))
        expect(r.counts, id).toEqual(baseline.runs.find((x) => x.key === r.key)!.counts);
    }
  });
});
