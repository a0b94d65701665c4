import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, inject, vi } from "vitest";
import { auditLog, complianceExceptions, complianceScores } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/access";
import { evaluateTenant, type EvaluationResult } from "@/lib/compliance/evaluate-tenant";
import { createException, listExceptions } from "@/lib/compliance/exceptions";
import { listFindings, type FindingRow } from "@/lib/compliance/read/findings";
import { getControlCounts, getScores, getScoreTrend, listEvaluations } from "@/lib/compliance/read/scores";
import { demoWorld } from "@/sim/world/demo";
import { testDb } from "@/tests/helpers/db";
import { makeUser } from "@/tests/helpers/fixtures";
import { syncWorld, type SyncedWorld } from "./sync-world";
import { clock, pinClock } from "@/lib/clock";

// History: after the world moves two days and is synced again, the findings and scores of the
// first evaluation are rebuilt exactly from the stored reverse deltas; only changed panels were
// written. Exceptions: a failing finding accepted with reason, owner and expiry shows EXCEPTED
// (not passing) while in force, in listings and in the next evaluation's counts and scores.

let caller: SessionUser | null = null;
vi.mock("@/lib/auth/session", () => ({ getSession: async () => caller, getClientIp: async () => "203.0.113.10" }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const handle = testDb();
const { db } = handle;
let synced: SyncedWorld;
let e1: EvaluationResult;
let e2: EvaluationResult;
let atE1: FindingRow[];
let t0: Date;

async function all(
  tenantId: string,
  asOf?: Date,
  status?: FindingRow["status"],
): Promise<{ total: number; rows: FindingRow[] }> {
  const rows: FindingRow[] = [];
  let total = 0;
  for (let offset = 0; ; offset += 1000) {
    const page = await listFindings(db, { tenantId, asOf, status, limit: 1000, offset });
    total = page.total;
    rows.push(...page.findings);
    if (page.findings.length < 1000) break;
  }
  return { total, rows };
}
const keyOf = (f: FindingRow) =>
  `${f.runId}|${f.subjectType}|${f.subjectId}|${f.findingStatus}|${f.reason}|${f.since.evaluationId}`;
const totalOf = (r: EvaluationResult) =>
  r.runs.reduce(
    (n, x) => n + x.counts.PASS + x.counts.FAIL + x.counts.NOT_APPLICABLE + x.counts.ERROR + x.counts.EXCEPTED,
    0,
  );

let unpin: (() => void) | undefined;
beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  synced = await syncWorld(handle, inject("databaseUrl"), demoWorld(2), { name: "Demo History" });
  t0 = new Date(synced.sim.runtime.state.now * 1000);
  e1 = await evaluateTenant(db, synced.tenantId, { trigger: "test", now: t0, maxDataAgeHours: 96 });
  atE1 = (await all(synced.tenantId)).rows;
  synced.sim.advance(48);
  // The product's clock moves with the simulated world's: the exceptions below are made after e2.
  unpin = pinClock(synced.sim.runtime.state.now * 1000);
  const again = await synced.resync();
  expect(again.status).toBe("partial");
  e2 = await evaluateTenant(db, synced.tenantId, {
    trigger: "test",
    now: new Date(synced.sim.runtime.state.now * 1000),
    maxDataAgeHours: 96,
  });
}, 300_000);
afterAll(async () => {
  unpin?.();
  await synced?.stop();
  await handle.close();
});

describe("history", () => {
  it("wrote only the panels that changed, and the changes as reverse deltas", () => {
    expect(e1.stats.panels.created).toBeGreaterThan(0);
    expect(e2.stats.panels.changed).toBeGreaterThan(0);
    expect(e2.stats.panels.unchanged).toBeGreaterThan(0);
    expect(e2.stats.panels.changed + e2.stats.panels.created + e2.stats.panels.vanished).toBeLessThan(
      e2.stats.panels.panels,
    );
  });

  it("lists every finding of the evaluation, matching its counts", async () => {
    expect(atE1.length).toBe(totalOf(e1));
    const now = await all(synced.tenantId);
    expect(now.rows.length).toBe(totalOf(e2));
    expect(now.total).toBe(totalOf(e2));
  });

  it("rebuilds the first evaluation's findings exactly, as of its time", async () => {
    const rebuilt = await all(synced.tenantId, new Date(t0.getTime() + 60_000));
    expect(rebuilt.rows.map(keyOf).sort()).toEqual(atE1.map(keyOf).sort());
    const current = await all(synced.tenantId);
    expect(current.rows.map(keyOf).sort()).not.toEqual(atE1.map(keyOf).sort());
    // A finding that changed carries the second evaluation as its start; the rest keep theirs.
    expect(current.rows.some((f) => f.since.evaluationId === e2.evaluationId)).toBe(true);
    expect(current.rows.some((f) => f.since.evaluationId === e1.evaluationId)).toBe(true);
  });

  it("answers scores and counts as of either evaluation, and a daily trend", async () => {
    const before = await getScores(db, { tenantId: synced.tenantId, asOf: new Date(t0.getTime() + 60_000) });
    const after = await getScores(db, { tenantId: synced.tenantId });
    expect(before.evaluation?.id).toBe(e1.evaluationId);
    expect(after.evaluation?.id).toBe(e2.evaluationId);
    for (const s of e1.scores) expect(before.frameworks.find((f) => f.slug === s.templateId)?.score).toBe(s.score);
    const iso = after.frameworks.find((f) => f.slug === "iso-27001-2022")!;
    expect(iso.requirements.map((r) => r.id)).toEqual([
      "A.8.13",
      "A.8.14",
      "A.5.29",
      "A.5.30",
      "A.8.24",
      "A.8.10",
      "A.8.7",
    ]);
    expect(iso.requirements[0]!.controls).toEqual(["BK-01", "BK-02", "BK-04", "BK-05", "BK-09", "BK-13", "BK-14"]);
    const counts = await getControlCounts(db, { tenantId: synced.tenantId, asOf: new Date(t0.getTime() + 60_000) });
    expect(counts.controls["BK-04"]!.FAIL).toBe(e1.runs.find((r) => r.controlId === "BK-04")!.counts.FAIL);
    const trend = await getScoreTrend(db, { tenantId: synced.tenantId, templateSlug: "gdpr" });
    expect(trend.length).toBeGreaterThanOrEqual(1);
    expect((await listEvaluations(db, { tenantId: synced.tenantId })).map((e) => e.id)).toEqual([
      e2.evaluationId,
      e1.evaluationId,
    ]);
  });

  it("nothing before the first evaluation", async () => {
    expect(
      await listFindings(db, { tenantId: synced.tenantId, asOf: new Date(t0.getTime() - 86_400_000) }),
    ).toMatchObject({ evaluation: null, total: 0 });
  });
});

describe("exceptions", () => {
  let failing: FindingRow;
  let passing: FindingRow;
  let actions: typeof import("@/app/(app)/t/[tenant]/compliance/templates/exception-actions");
  const form = (fields: Record<string, string>) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    return fd;
  };
  const inDays = (d: number) => new Date(clock.nowMs() + d * 86_400_000).toISOString();
  const fields = () => ({
    tenantId: synced.tenantId,
    controlId: failing.controlId,
    subjectType: failing.subjectType,
    subjectId: failing.subjectId,
    accountId: failing.accountId,
    region: failing.region ?? "",
    reason: "Legacy volume, replaced in Q3 by an encrypted one",
    owner: "jane.doe@example.com",
    expiresAt: inDays(30),
  });

  beforeAll(async () => {
    actions = await import("@/app/(app)/t/[tenant]/compliance/templates/exception-actions");
    caller = await makeUser(db, "compliance", [{ tenantId: synced.tenantId }]);
    // A failure that already failed at the first evaluation (so "as of then" shows it too).
    failing = (
      await listFindings(db, { tenantId: synced.tenantId, controlId: "BK-04", status: "FAIL", limit: 1000 })
    ).findings.find((f) => f.since.evaluationId === e1.evaluationId)!;
    passing = (await listFindings(db, { tenantId: synced.tenantId, controlId: "BK-04", status: "PASS", limit: 1 }))
      .findings[0]!;
    expect(failing).toBeDefined();
  });

  it.each([
    ["an expiry in the past", { expiresAt: inDays(-1) }, "expiresAt", /in the future/],
    ["an expiry over a year ahead", { expiresAt: inDays(400) }, "expiresAt", /at most 366 days/],
    ["no reason", { reason: "" }, "reason", /at least 10/],
    ["no owner", { owner: "" }, "owner", /required/],
    ["a malformed account", { accountId: "12" }, "accountId", /12 digits/],
  ])("refuses %s, naming the field, saving nothing", async (_l, over, field, message) => {
    const before = await db.$count(complianceExceptions);
    const r = await actions.createExceptionAction(null, form({ ...fields(), ...over }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.fieldErrors?.[field]).toMatch(message);
    expect(await db.$count(complianceExceptions)).toBe(before);
  });

  it("refuses a finding that does not fail", async () => {
    const r = await actions.createExceptionAction(
      null,
      form({ ...fields(), subjectId: passing.subjectId, accountId: passing.accountId, region: passing.region ?? "" }),
    );
    expect(r).toMatchObject({
      ok: false,
      error: { fieldErrors: { subjectId: expect.stringMatching(/does not fail/) } },
    });
  });

  it("accepts a failing finding: EXCEPTED (not passing) in listings and the next evaluation, audited", async () => {
    const failBefore = (await listFindings(db, { tenantId: synced.tenantId, status: "FAIL", limit: 1 })).total;
    const r = await actions.createExceptionAction(null, form(fields()));
    expect(r).toMatchObject({ ok: true });
    expect(
      await db.$count(
        auditLog,
        and(eq(auditLog.action, "compliance.exception.create"), eq(auditLog.tenantId, synced.tenantId)),
      ),
    ).toBe(1);
    expect(await actions.createExceptionAction(null, form(fields()))).toMatchObject({
      ok: false,
      error: { code: "CONFLICT" },
    });

    const now = await listFindings(db, {
      tenantId: synced.tenantId,
      controlId: "BK-04",
      subjectType: failing.subjectType,
      accountId: failing.accountId,
      region: failing.region ?? "",
      subjectId: failing.subjectId,
    });
    expect(now.findings.map((f) => f.status)).toEqual(["EXCEPTED"]);
    expect(now.findings[0]!.exception).toMatchObject({ owner: "jane.doe@example.com", state: "active" });
    expect((await listFindings(db, { tenantId: synced.tenantId, status: "FAIL", limit: 1 })).total).toBe(
      failBefore - 1,
    );
    expect(
      (await listFindings(db, { tenantId: synced.tenantId, status: "EXCEPTED" })).findings.map((f) => f.subjectId),
    ).toEqual([failing.subjectId]);
    // Before the exception existed, the same finding was a plain FAIL.
    const past = await listFindings(db, {
      tenantId: synced.tenantId,
      asOf: new Date(t0.getTime() + 60_000),
      controlId: "BK-04",
      subjectId: failing.subjectId,
      status: ["FAIL", "EXCEPTED"],
    });
    expect(past.findings.map((f) => f.status)).toEqual(["FAIL"]);

    const e3 = await evaluateTenant(db, synced.tenantId, {
      trigger: "test",
      now: new Date(synced.sim.runtime.state.now * 1000 + 60_000),
      maxDataAgeHours: 96,
    });
    expect(e3.runs.find((x) => x.controlId === "BK-04")!.counts.EXCEPTED).toBe(1);
    const [sum] = await db
      .select({ x: sql<number>`sum(${complianceScores.excepted})::int` })
      .from(complianceScores)
      .where(eq(complianceScores.evaluationId, e3.evaluationId));
    expect(sum!.x).toBeGreaterThan(0);
    const iso = e3.scores.find((s) => s.templateId === "iso-27001-2022")!;
    expect(iso.requirements.find((q) => q.id === "A.8.24")!.counts.EXCEPTED).toBe(1);
  });

  it("revoked, the finding fails again", async () => {
    const [x] = await listExceptions(db, { tenantId: synced.tenantId, state: "active" });
    const r = await actions.revokeExceptionAction(
      null,
      form({ tenantId: synced.tenantId, exceptionId: x!.id, reason: "replaced early" }),
    );
    expect(r).toMatchObject({ ok: true });
    const now = await listFindings(db, { tenantId: synced.tenantId, controlId: "BK-04", subjectId: failing.subjectId });
    expect(now.findings.map((f) => f.status)).toEqual(["FAIL"]);
    expect((await listExceptions(db, { tenantId: synced.tenantId }))[0]).toMatchObject({
      state: "revoked",
      revokeReason: "replaced early",
    });
  });

  it("expired, the finding fails again", async () => {
    const actor = { userId: caller!.userId, email: caller!.email, ip: null };
    const tenDaysAgo = new Date(clock.nowMs() - 10 * 86_400_000);
    await createException(db, actor, { ...fields(), expiresAt: new Date(clock.nowMs() - 86_400_000) }, tenDaysAgo);
    const now = await listFindings(db, { tenantId: synced.tenantId, controlId: "BK-04", subjectId: failing.subjectId });
    expect(now.findings.map((f) => f.status)).toEqual(["FAIL"]);
    const states = (await listExceptions(db, { tenantId: synced.tenantId })).map((x) => x.state).sort();
    expect(states).toEqual(["expired", "revoked"]);
    // While it was in force (five days ago) it was excepted.
    const then = await listExceptions(db, { tenantId: synced.tenantId, at: new Date(clock.nowMs() - 5 * 86_400_000) });
    expect(then.find((x) => x.expiresAt.getTime() < clock.nowMs())!.state).toBe("active");
  });

  it("stays small: the second evaluation wrote a fraction of the first", () => {
    const first = e1.stats.panels.bytes.state + e1.stats.panels.bytes.evidence;
    const second = e2.stats.panels.bytes.delta;
    expect(second).toBeGreaterThan(0);
    expect(second).toBeLessThan(first / 4);
  });
});
