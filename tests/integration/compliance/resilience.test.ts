import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/access";
import { openSession } from "@/lib/auth/sign-in";
import { setMembership } from "@/lib/admin/users";
import { evaluateTenant, type EvaluationResult } from "@/lib/compliance/evaluate-tenant";
import { listFindings, type FindingRow } from "@/lib/compliance/read/findings";
import { getResilience, getResilienceTrend } from "@/lib/compliance/read/resilience";
import {
  resilienceComponentOf,
  resilienceRuns,
  scoreResilience,
  type ResilienceCounts,
  type ResilienceScopes,
} from "@/lib/compliance/resilience/score";
import { emptyCounts, type StatusCounts } from "@/lib/compliance/scoring/score";
import { storeResilienceScores } from "@/lib/compliance/store/resilience-store";
import { getPortfolioOf, getTenantResilienceView } from "@/lib/dashboard/queries/resilience";
import { clock } from "@/lib/clock";
import { testDb } from "@/tests/helpers/db";
import { makeTenant, makeUser } from "@/tests/helpers/fixtures";
import { WORLD, writeResilienceWorld } from "./resilience-world";

// The resilience score on real PostgreSQL: an evaluation over a small organization written into
// the inventory tables stores, per tenant, OU and account, exactly what a hand count of the
// evaluation's own findings gives; days stored by the store give the trend and the week's change;
// the portfolio lists the tenants a user may read and no other, and the tenant page refuses a
// tenant the user is not a member of. Only the reading of the session cookie is replaced.

let caller: SessionUser | null = null;
vi.mock("@/lib/auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth")>()),
  auth: async () => (caller ? { user: { sid: caller.sessionId }, expires: "" } : null),
}));
vi.mock("next/headers", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/headers")>()),
  headers: async () => new Headers({ "x-forwarded-for": "203.0.113.12" }),
}));
vi.mock("next/navigation", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/navigation")>()),
  redirect: (to: string) => {
    throw new Error(`redirect ${to}`);
  },
  notFound: () => {
    throw new Error("not found");
  },
}));

const ROOT = path.resolve(import.meta.dirname, "../../..");
const handle = testDb();
const db = handle.db;
const DAY = 86_400_000;
const now = clock.now();

const counts = (c: Partial<StatusCounts>): StatusCounts => ({ ...emptyCounts(), ...c });
/** Stored counts leave NOT_APPLICABLE out: compare without it. */
const inScope = (c: ResilienceCounts) =>
  Object.fromEntries(Object.entries(c).map(([k, v]) => [k, { ...v, NOT_APPLICABLE: 0 }]));

beforeAll(() => {
  // The pages read the database through getDb().
  process.env.DATABASE_URL = inject("databaseUrl");
});
describe("scored by an evaluation", () => {
  let tenantId: string;
  let result: EvaluationResult;
  let findings: FindingRow[];

  beforeAll(async () => {
    tenantId = (await makeTenant(db, `Resilience World ${Math.random().toString(36).slice(2, 8)}`)).id;
    await writeResilienceWorld(db, tenantId, now);
    result = await evaluateTenant(db, tenantId, { now, trigger: "test" });
    const runIds = resilienceRuns().map((r) => result.runs.find((x) => x.key === r.key)!.runId);
    findings = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await listFindings(db, { tenantId, runIds, limit: 1000, offset });
      findings.push(...page.findings);
      if (page.findings.length < 1000) break;
    }
  }, 120_000);

  /** The hand count: every finding of the score's runs, by component, for the accounts given. */
  const handCount = (accounts: readonly string[]): ResilienceCounts => {
    const out: ResilienceCounts = {};
    for (const f of findings) {
      if (!accounts.includes(f.accountId)) continue;
      const id = resilienceComponentOf(f.controlId)!;
      (out[id] ??= emptyCounts())[f.status]++;
    }
    return out;
  };

  it("evaluates each of its controls once, at its defaults over the whole organization", () => {
    for (const run of resilienceRuns()) expect(result.runs.filter((r) => r.key === run.key)).toHaveLength(1);
    const controls = new Set(findings.map((f) => f.controlId));
    for (const id of ["BK-01", "BK-09", "BK-11", "BK-13", "BK-14"]) expect(controls).toContain(id);
    for (const id of controls) expect(resilienceComponentOf(id), id).not.toBeNull();
  });

  it("stores, per tenant, OU and account, what a hand count of the findings gives", async () => {
    const stored = await getResilience(db, { tenantId });
    console.log(
      JSON.stringify(
        [stored.tenant, ...stored.accounts].map((s) => [
          s!.id,
          s!.now.score,
          s!.now.components.map((c) => [c.id, c.counts.PASS, c.counts.FAIL, c.counts.ERROR]),
        ]),
      ),
    );
    const w = WORLD;
    const scopes: Array<[string, string, readonly string[]]> = [
      ["tenant", "", [w.appsOne, w.prodData, w.devOne, w.neverRead]],
      ["ou", w.prod, [w.appsOne, w.prodData]],
      ["ou", w.apps, [w.appsOne]],
      ["ou", w.dev, [w.devOne, w.neverRead]],
      ["account", w.appsOne, [w.appsOne]],
      ["account", w.prodData, [w.prodData]],
      ["account", w.devOne, [w.devOne]],
    ];
    const all = [stored.tenant!, ...stored.ous, ...stored.accounts];
    expect(all.map((s) => `${s.scope}|${s.id}`).sort()).toEqual(scopes.map(([s, id]) => `${s}|${id}`).sort());
    for (const [scope, id, accounts] of scopes) {
      const s = all.find((x) => x.scope === scope && x.id === id)!;
      const expected = scoreResilience(handCount(accounts));
      expect(s.now.score, `${scope} ${id}`).toBe(expected.score);
      expect(Object.fromEntries(s.now.components.map((c) => [c.id, c.counts]))).toEqual(
        Object.fromEntries(
          expected.components.map((c) => [c.id, inScope({ [c.id]: c.counts } as ResilienceCounts)[c.id]]),
        ),
      );
    }
    // The figures a person checks on the page: 2 of Apps One's 3 volumes are selected by a plan,
    // 1 of Prod Data's 2 tables; nothing in Dev One is.
    const coverage = (id: string) =>
      all.find((x) => x.scope === "account" && x.id === id)!.now.components.find((c) => c.id === "coverage")!;
    expect(coverage(w.appsOne).counts).toMatchObject({ PASS: 2, FAIL: 1 });
    expect(coverage(w.prodData).counts).toMatchObject({ PASS: 1, FAIL: 1 });
    expect(coverage(w.devOne).score).toBe(0);
    // No backup job ran: job health has no data and is left out of the weights, not counted as
    // 100: the score is the other components' weighted mean.
    const tenant = stored.tenant!.now;
    expect(tenant.components.find((c) => c.id === "coverage")!.counts).toMatchObject({ PASS: 3, FAIL: 3 });
    expect(tenant.components.find((c) => c.id === "job-health")!.score).toBeNull();
    const withData = tenant.components.filter((c) => c.score !== null);
    expect(withData.length).toBe(4);
    expect(tenant.score).toBeCloseTo(
      withData.reduce((n, c) => n + c.weight * c.score!, 0) / withData.reduce((n, c) => n + c.weight, 0),
      12,
    );
    expect(tenant.score).toBeGreaterThan(0);
    expect(tenant.score).toBeLessThan(1);
  });

  it("ranks OUs and accounts worst first, with the account never read first and without a score", async () => {
    const view = await getTenantResilienceView(db, tenantId, null);
    expect(view.accounts[0]).toMatchObject({ name: "Never Read", noData: true, score: null });
    const scored = view.accounts.filter((a) => !a.noData);
    for (let i = 1; i < scored.length; i++) expect(scored[i]!.score!).toBeGreaterThanOrEqual(scored[i - 1]!.score!);
    expect(view.ous.map((o) => o.name).sort()).toEqual(["Apps", "Dev", "Prod"]);
    expect(view.tenant!.change).toBeNull();
  });
});

describe("trend and the week's change", () => {
  let tenantId: string;
  const at = (days: number) => new Date(now.getTime() - days * DAY);
  const dayOf = (days: number) => at(days).toISOString().slice(0, 10);
  /** A day's scopes: the tenant and account A at `pass` of 10 covered, account B (when given) at 1 of 2. */
  const scopes = (pass: number, withB = true): ResilienceScopes => {
    const a: ResilienceCounts = {
      coverage: counts({ PASS: pass, FAIL: 10 - pass }),
      "job-health": counts({ PASS: 1 }),
    };
    const b: ResilienceCounts = { coverage: counts({ PASS: 1, FAIL: 1 }) };
    const tenant: ResilienceCounts = withB
      ? { coverage: counts({ PASS: pass + 1, FAIL: 11 - pass }), "job-health": counts({ PASS: 1 }) }
      : a;
    return {
      tenant,
      byOu: new Map([["ou-tr11-prod0001", tenant]]),
      byAccount: new Map([["222200000001", a], ...(withB ? ([["222200000002", b]] as const) : [])]),
    };
  };

  beforeAll(async () => {
    tenantId = (await makeTenant(db, `Resilience Trend ${Math.random().toString(36).slice(2, 8)}`)).id;
    let evaluationId = 1;
    const store = (days: number, pass: number, withB = true) =>
      storeResilienceScores(handle.pool, {
        tenantId,
        evaluationId: evaluationId++,
        evaluatedAt: at(days),
        scopes: scopes(pass, withB),
      });
    await store(20, 2);
    await store(8, 4);
    await store(7.2, 5);
    await store(3, 6);
    // Today: a first evaluation, then the day's last, after account B was closed.
    await store(0.2, 7);
    await store(0.1, 9, false);
  });

  it("keeps one point per day, the day's last evaluation", async () => {
    const trend = await getResilienceTrend(db, { tenantId });
    expect(trend.map((p) => p.day)).toEqual([dayOf(20), dayOf(8), dayOf(7.2), dayOf(3), dayOf(0.1)]);
    expect(trend.at(-1)!.score.score).toBe(scoreResilience(scopes(9, false).tenant).score);
    const a = await getResilienceTrend(db, { tenantId, scope: "account", id: "222200000001", from: at(8) });
    expect(a.map((p) => p.day)).toEqual([dayOf(8), dayOf(7.2), dayOf(3), dayOf(0.1)]);
    // Account B is gone from today's scores: the day's last evaluation replaced the first.
    const b = await getResilienceTrend(db, { tenantId, scope: "account", id: "222200000002" });
    expect(b.map((p) => p.day)).not.toContain(dayOf(0.1));
  });

  it("compares with the newest day at least 7 days older", async () => {
    const r = await getResilience(db, { tenantId });
    expect(r.day).toBe(dayOf(0.1));
    expect(r.weekAgoDay).toBe(dayOf(7.2));
    expect(r.tenant!.weekAgo!.score).toBe(scoreResilience(scopes(5).tenant).score);
    expect(r.accounts.map((a) => a.id)).toEqual(["222200000001"]);
    const view = await getTenantResilienceView(db, tenantId, null);
    // 9 of 10 covered and 1 of 1 job healthy, against 6 of 12 and 1 of 1: (0.9 × 25 + 10) / 35
    // (92.8 as shown) against (0.5 × 25 + 10) / 35 (64.2).
    expect(view.tenant!.change).toBe(28.6);
  });

  it("reads as of a past day, and never compares with a day before a grant's start", async () => {
    const past = await getResilience(db, { tenantId, until: at(1) });
    expect(past.day).toBe(dayOf(3));
    expect(past.weekAgoDay).toBe(dayOf(20));
    const granted = await getResilience(db, { tenantId, notBefore: at(5) });
    expect(granted.day).toBe(dayOf(0.1));
    expect(granted.weekAgoDay).toBeNull();
    expect(granted.tenant!.weekAgo).toBeNull();
  });
});

describe("who sees what", () => {
  const tenants: Array<{ id: string; slug: string }> = [];
  let operator: SessionUser;

  const withSession = async (user: SessionUser): Promise<SessionUser> => ({
    ...user,
    sessionId: await openSession(db, user.userId, { ip: "203.0.113.12", userAgent: null }, "password"),
  });

  beforeAll(async () => {
    for (const name of ["Portfolio A", "Portfolio B", "Portfolio C"]) {
      const t = await makeTenant(db, `${name} ${Math.random().toString(36).slice(2, 8)}`);
      tenants.push({ id: t.id, slug: t.slug });
    }
    // A and B scored a week ago and today; C today only.
    for (const [i, t] of tenants.entries()) {
      const pass = [3, 8, 5][i]!;
      const scopes = (p: number): ResilienceScopes => ({
        tenant: { coverage: counts({ PASS: p, FAIL: 10 - p }) },
        byOu: new Map(),
        byAccount: new Map(),
      });
      if (i < 2)
        await storeResilienceScores(handle.pool, {
          tenantId: t.id,
          evaluationId: 1,
          evaluatedAt: new Date(now.getTime() - 7 * DAY),
          scopes: scopes(5),
        });
      await storeResilienceScores(handle.pool, {
        tenantId: t.id,
        evaluationId: 2,
        evaluatedAt: now,
        scopes: scopes(pass),
      });
    }
    operator = await withSession(
      await makeUser(db, "operator", [{ tenantId: tenants[0]!.id }, { tenantId: tenants[1]!.id }]),
    );
  });

  it("an operator member of 2 of the 3 tenants sees those 2 on the portfolio, ranked", async () => {
    const rows = await getPortfolioOf(db, operator, "score", now);
    expect(rows.map((r) => r.tenantId)).toEqual([tenants[0]!.id, tenants[1]!.id]);
    expect(rows[0]).toMatchObject({ score: 0.3, change: -20 });
    expect(rows[1]).toMatchObject({ score: 0.8, change: 30, movedMost: { id: "coverage", change: 30 } });
    expect((await getPortfolioOf(db, operator, "change", now)).map((r) => r.change)).toEqual([-20, 30]);
  });

  it("an admin sees every tenant", async () => {
    const admin = await makeUser(db, "admin");
    const ids = (await getPortfolioOf(db, admin, "name", now)).map((r) => r.tenantId);
    for (const t of tenants) expect(ids).toContain(t.id);
  });

  it("an auditor whose period has ended sees the score as of its end", async () => {
    const auditor = await makeUser(db, "auditor");
    const day = (d: number) => new Date(now.getTime() + d * DAY).toISOString().slice(0, 10);
    await setMembership(
      db,
      { userId: null, email: "admin@test.example", ip: "203.0.113.12" },
      { userId: auditor.userId, tenantId: tenants[0]!.id, periodFrom: day(-30), periodTo: day(-3) },
    );
    const [row] = await getPortfolioOf(db, auditor, "score", now);
    expect(row).toMatchObject({ tenantId: tenants[0]!.id, score: 0.5, change: null, pinnedTo: expect.any(Date) });
  });

  it("the portfolio page lists what the user may read; the Resilience page refuses another tenant's slug", async () => {
    const { default: PortfolioPage } = await import(path.join(ROOT, "app/(app)/portfolio/page.tsx"));
    const { default: ResiliencePage } = await import(path.join(ROOT, "app/(app)/t/[tenant]/resilience/page.tsx"));
    caller = null;
    await expect(PortfolioPage({ searchParams: Promise.resolve({}) })).rejects.toThrow("redirect /sign-in");
    caller = operator;
    const page = await PortfolioPage({ searchParams: Promise.resolve({ sort: "change" }) });
    expect(rowKeys(page)).toEqual([tenants[0]!.id, tenants[1]!.id]);
    const open = (slug: string) =>
      ResiliencePage({ params: Promise.resolve({ tenant: slug }), searchParams: Promise.resolve({}) });
    await expect(open(tenants[0]!.slug)).resolves.toBeTruthy();
    await expect(open(tenants[2]!.slug)).rejects.toThrow("not found");
  });
});

/** The keys of the page's portfolio rows, from the element tree it returns. */
function rowKeys(node: unknown): string[] {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== "object" || !("props" in n)) return;
    const el = n as { key: string | null; props: { children?: unknown; "data-testid"?: string } };
    if (el.props["data-testid"] === "portfolio-row" && el.key) out.push(el.key);
    walk(el.props.children);
  };
  walk(node);
  return out;
}

afterAll(() => handle.close());
