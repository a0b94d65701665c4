import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, inject, vi } from "vitest";
import { getFreshness } from "@/db/queries/sync";
import { auditLog, unreadAccountAcks } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/access";
import { evaluateTenant } from "@/lib/compliance/evaluate-tenant";
import { getScores } from "@/lib/compliance/read/scores";
import { headlineScore } from "@/lib/compliance/scoring/score";
import { getOrgTree } from "@/lib/dashboard/queries/accounts";
import { getAccountScores, getComplianceSummary, getTopFailingControls } from "@/lib/dashboard/queries/compliance";
import { listUnitProblems } from "@/lib/dashboard/queries/overview";
import { demoWorld } from "@/sim/world/demo";
import { testDb } from "@/tests/helpers/db";
import { makeUser } from "@/tests/helpers/fixtures";
import { syncWorld, type SyncedWorld } from "../compliance/sync-world";

// On the demo world (two sandboxes the product cannot reach, Legacy suspended): the headline score
// is the requirements' scores averaged, every unread account reads "no data" in every framework
// and leads the worst-accounts list, an operator can acknowledge one (audited; a compliance
// officer cannot), after which the freshness figures no longer count it, and controls failing
// most are ranked by the share of their checks failing.

let caller: SessionUser | null = null;
vi.mock("@/lib/auth/session", () => ({ getSession: async () => caller, getClientIp: async () => "203.0.113.11" }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const handle = testDb();
const { db } = handle;
let synced: SyncedWorld;
let actions: typeof import("@/app/(app)/t/[tenant]/accounts/actions");

const form = (o: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(o)) f.set(k, v);
  return f;
};

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  synced = await syncWorld(handle, inject("databaseUrl"), demoWorld(2), { name: "Demo Scores" });
  await evaluateTenant(db, synced.tenantId, {
    trigger: "test",
    now: new Date(synced.sim.runtime.state.now * 1000),
    maxDataAgeHours: 96,
  });
  actions = await import("@/app/(app)/t/[tenant]/accounts/actions");
}, 300_000);
afterAll(async () => {
  await synced?.stop();
  await handle.close();
});

describe("scores", () => {
  it("leads with the requirements' scores averaged, beside the strict count fully met", async () => {
    const { frameworks } = await getScores(db, { tenantId: synced.tenantId });
    expect(frameworks.length).toBe(3);
    for (const f of frameworks) {
      const applicable = f.requirements.filter((r) => r.status !== "NOT_APPLICABLE");
      expect(f.score).toBeCloseTo(headlineScore(applicable)!, 12);
      expect(f.requirementsPassing).toBe(applicable.filter((r) => r.status === "PASS").length);
      // The demo world fails somewhere in every framework, yet the headline is far from 0.
      expect(f.requirementsPassing).toBeLessThan(f.requirementsApplicable);
      expect(f.score!).toBeGreaterThan(0.3);
      for (const r of applicable) {
        // Per-control counts add up to the requirement's own.
        const sum = Object.values(r.controlCounts).reduce((n, c) => n + c!.PASS + c!.FAIL, 0);
        expect(sum).toBe(r.counts.PASS + r.counts.FAIL);
      }
    }
  });

  it("ranks controls failing most by share failing", async () => {
    const top = await getTopFailingControls(db, synced.tenantId, null, 20);
    expect(top.length).toBeGreaterThan(1);
    for (let i = 1; i < top.length; i++) expect(top[i - 1]!.share).toBeGreaterThanOrEqual(top[i]!.share);
    for (const c of top) {
      expect(c.share).toBeCloseTo(c.failing / c.applicable, 12);
      if (c.subject === "resource") expect(c.resources?.count).toBe(c.counts.FAIL + c.counts.ERROR + c.counts.EXCEPTED);
    }
    // A recovery-point control says how many resources its failing points belong to.
    const points = top.find((c) => c.subject === "recovery point");
    if (points) expect(points.resources!.count).toBeLessThanOrEqual(points.failing);
  });
});

// Suspended, member role missing or untrusting, member role denied the plan or the vault list.
const UNREAD = ["Legacy", "Sandbox Four", "Sandbox One", "Sandbox Three", "Sandbox Two"];

describe("unread accounts", () => {
  it("read 'no data' in every framework and lead the worst accounts", async () => {
    const tree = await getOrgTree(db, synced.tenantId);
    const unread = tree.accounts.filter((a) => a.unread).map((a) => a.name);
    expect(unread.sort()).toEqual(UNREAD);
    const summary = await getComplianceSummary(db, synced.tenantId, null);
    for (const f of summary.frameworks) {
      const accounts = await getAccountScores(db, synced.tenantId, f.slug, null);
      expect(
        accounts
          .slice(0, UNREAD.length)
          .map((a) => a.name)
          .sort(),
      ).toEqual(UNREAD);
      for (const a of accounts.slice(0, UNREAD.length)) expect(a).toMatchObject({ noData: true, score: null });
      expect(accounts.length).toBe(tree.accounts.length);
    }
  });

  it("can be acknowledged by an operator, audited, after which the freshness figures leave it out", async () => {
    const tree = await getOrgTree(db, synced.tenantId);
    const sandbox = tree.accounts.find((a) => a.name === "Sandbox One")!;
    const before = await getFreshness(db, { tenantId: synced.tenantId });
    const problemsBefore = await listUnitProblems(db, synced.tenantId, 50);
    expect(before.neverSynced).toBeGreaterThan(0);

    caller = await makeUser(db, "compliance", [{ tenantId: synced.tenantId }]);
    const denied = await actions.acknowledgeUnreadAccountAction(
      null,
      form({ tenantId: synced.tenantId, accountId: sandbox.accountId, reason: "sandbox, no member role" }),
    );
    expect(denied).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });

    caller = await makeUser(db, "operator", [{ tenantId: synced.tenantId }]);
    const read = tree.accounts.find((a) => !a.unread)!;
    expect(
      await actions.acknowledgeUnreadAccountAction(
        null,
        form({ tenantId: synced.tenantId, accountId: read.accountId, reason: "should be refused" }),
      ),
    ).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    const short = await actions.acknowledgeUnreadAccountAction(
      null,
      form({ tenantId: synced.tenantId, accountId: sandbox.accountId, reason: "x" }),
    );
    expect(short.ok).toBe(false);
    if (!short.ok) expect(short.error.fieldErrors?.reason).toMatch(/at least 3/);

    const ok = await actions.acknowledgeUnreadAccountAction(
      null,
      form({ tenantId: synced.tenantId, accountId: sandbox.accountId, reason: "sandbox, no member role" }),
    );
    expect(ok).toMatchObject({ ok: true });
    const [audit] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "sync.unread_account.acknowledge"), eq(auditLog.targetId, sandbox.accountId)));
    expect(audit).toMatchObject({ actorEmail: caller.email, tenantId: synced.tenantId, outcome: "success" });

    const units = sandbox.units.filter((u) => u.status !== "skipped" && !u.publishedAt).length;
    const after = await getFreshness(db, { tenantId: synced.tenantId });
    expect(after.neverSynced).toBe(before.neverSynced - units);
    expect(after.acknowledged).toBe(units);
    const problemsAfter = await listUnitProblems(db, synced.tenantId, 50);
    expect(problemsAfter.total).toBe(problemsBefore.total - units);
    expect(problemsAfter.acknowledged).toBe(units);
    // Still "no data", now acknowledged, and listed after the scored accounts.
    const slug = (await getComplianceSummary(db, synced.tenantId, null)).frameworks[0]!.slug;
    const accounts = await getAccountScores(db, synced.tenantId, slug, null);
    expect(accounts.at(-1)).toMatchObject({ name: "Sandbox One", noData: true, acknowledged: true });

    expect(
      await actions.withdrawAcknowledgementAction(
        null,
        form({ tenantId: synced.tenantId, accountId: sandbox.accountId }),
      ),
    ).toMatchObject({ ok: true });
    expect((await getFreshness(db, { tenantId: synced.tenantId })).neverSynced).toBe(before.neverSynced);
    expect(await db.$count(unreadAccountAcks)).toBe(0);
  });
});
