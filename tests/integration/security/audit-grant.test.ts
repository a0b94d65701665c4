import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { auditLog, tenantMemberships } from "@/db/schema";
import { getTenantAccess, listAccessibleTenants, type SessionUser } from "@/lib/auth/access";
import { setMembership } from "@/lib/admin/users";
import { openSession } from "@/lib/auth/sign-in";
import { parseAsOf } from "@/lib/dashboard/as-of";
import { parsePeriod } from "@/lib/reports/period";
import { membershipInput } from "@/lib/validation/users";
import { clock } from "@/lib/clock";
import { testDb } from "@/tests/helpers/db";
import { makeTenant, makeUser } from "@/tests/helpers/fixtures";

// Issue 18's audit periods: an admin grants an auditor a tenant and a period; everything the
// auditor sees and exports is "as of" within it, and the grant expires. Real route handlers and
// page guards on real PostgreSQL; only the reading of the session cookie is replaced.

let caller: SessionUser | null = null;
vi.mock("@/lib/auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth")>()),
  auth: async () => (caller ? { user: { sid: caller.sessionId }, expires: "" } : null),
}));
vi.mock("next/headers", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/headers")>()),
  headers: async () => new Headers({ "x-forwarded-for": "203.0.113.11" }),
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

type Route = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
const ROOT = path.resolve(import.meta.dirname, "../../..");
const handle = testDb();
const db = handle.db;
const admin = { userId: null, email: "admin@test.example", ip: "203.0.113.11" };
let tenant: Awaited<ReturnType<typeof makeTenant>>;
let tableExport: Route;
let syncProgress: Route;

const day = (offset: number) => new Date(clock.nowMs() + offset * 86_400_000).toISOString().slice(0, 10);

/** An auditor with a live server-side session and the grant. */
async function auditorWith(grant: { periodFrom?: string; periodTo?: string; expiresOn?: string }) {
  const user = await makeUser(db, "auditor");
  await setMembership(db, admin, { userId: user.userId, tenantId: tenant.id, ...grant });
  return {
    ...user,
    sessionId: await openSession(db, user.userId, { ip: "203.0.113.11", userAgent: null }, "password"),
  };
}
const denials = (user: SessionUser) =>
  db
    .select({ details: auditLog.details })
    .from(auditLog)
    .where(and(eq(auditLog.action, "authz.denied"), eq(auditLog.actorId, user.userId)));

const getTable = (as: SessionUser, table: string, query = "") => {
  caller = as;
  return tableExport(new Request(`http://localhost/t/${tenant.slug}/export/${table}?${query}`), {
    params: Promise.resolve({ tenant: tenant.slug, table }),
  });
};

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  tenant = await makeTenant(db);
  tableExport = (await import(path.join(ROOT, "app/(app)/t/[tenant]/export/[table]/route.ts"))).GET as Route;
  syncProgress = (await import(path.join(ROOT, "app/(app)/t/[tenant]/sync/progress/route.ts"))).GET as Route;
});
afterAll(() => handle.close());

describe("granting an audit period", () => {
  it("stores the period and the expiry, audited", async () => {
    const user = await auditorWith({ periodFrom: "2026-01-01", periodTo: "2026-03-31", expiresOn: day(30) });
    const [row] = await db
      .select()
      .from(tenantMemberships)
      .where(and(eq(tenantMemberships.userId, user.userId), eq(tenantMemberships.tenantId, tenant.id)));
    expect(row).toMatchObject({ periodFrom: "2026-01-01", periodTo: "2026-03-31" });
    const [audit] = await db
      .select({ details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.action, "membership.set"), eq(auditLog.targetId, user.userId)));
    expect(audit!.details).toMatchObject({ periodFrom: "2026-01-01", periodTo: "2026-03-31" });
  });

  it.each([
    [{ periodFrom: "2026-01-01" }, "needs both its first and its last day"],
    [{ periodFrom: "2026-01-01", periodTo: "2026-03-31" }, "needs the date its access ends"],
    [{ periodFrom: "2026-03-01", periodTo: "2026-02-01", expiresOn: "2099-01-01" }, "before it starts"],
    [{ periodFrom: "2023-01-01", periodTo: "2026-03-31", expiresOn: "2099-01-01" }, "at most 731 days"],
    [{ periodFrom: "2026-02-30", periodTo: "2026-03-31", expiresOn: "2099-01-01" }, "not a day of the calendar"],
    [{ expiresOn: "next week" }, "must be a date like"],
  ])("refuses %j with a clear error", (grant, message) => {
    const parsed = membershipInput.safeParse({ userId: crypto.randomUUID(), tenantId: tenant.id, ...grant });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error!.issues)).toContain(message);
  });

  it("refuses a period on a membership that is not an auditor's, and an expiry in the past", async () => {
    const operator = await makeUser(db, "operator");
    const grant = { periodFrom: "2026-01-01", periodTo: "2026-03-31", expiresOn: day(30) };
    await expect(setMembership(db, admin, { userId: operator.userId, tenantId: tenant.id, ...grant })).rejects.toThrow(
      "only on an auditor's membership",
    );
    const auditor = await makeUser(db, "auditor");
    await expect(
      setMembership(db, admin, { userId: auditor.userId, tenantId: tenant.id, expiresOn: day(-2) }),
    ).rejects.toThrow("already passed");
    expect(await getTenantAccess(db, auditor, { id: tenant.id })).toBeNull();
  });
});

describe("a grant expires", () => {
  it("gives no access once its last day has passed", async () => {
    const user = await auditorWith({ periodFrom: "2026-01-01", periodTo: "2026-03-31", expiresOn: day(1) });
    expect(await getTenantAccess(db, user, { id: tenant.id })).toMatchObject({
      period: parsePeriod("2026-01-01", "2026-03-31"),
    });
    await db
      .update(tenantMemberships)
      .set({ expiresAt: new Date(clock.nowMs() - 1000) })
      .where(eq(tenantMemberships.userId, user.userId));
    expect(await getTenantAccess(db, user, { id: tenant.id })).toBeNull();
    expect(await listAccessibleTenants(db, user)).toEqual([]);
    caller = user;
    const res = await getTable(user, "findings");
    expect(res.status).toBe(403);
  });
});

describe("what an auditor with an ended period may see", () => {
  let user: SessionUser;
  beforeAll(async () => {
    user = await auditorWith({ periodFrom: day(-100), periodTo: day(-10), expiresOn: day(30) });
  });

  it("the current state is refused, on routes and on pages, and each refusal is audited", async () => {
    const before = (await denials(user)).length;
    expect((await getTable(user, "recovery-points")).status).toBe(403);
    caller = user;
    const progress = await syncProgress(new Request(`http://localhost/t/${tenant.slug}/sync/progress`), {
      params: Promise.resolve({ tenant: tenant.slug }),
    });
    expect(progress.status).toBe(403);
    expect(((await progress.json()) as { error: { message: string } }).error.message).toContain(
      `covers ${day(-100)} to ${day(-10)} only`,
    );
    const { requireTenantPage } = await import("@/lib/auth/session");
    await expect(requireTenantPage(tenant.slug)).rejects.toThrow(`redirect /t/${tenant.slug}/reports?outside=period`);
    await expect(requireTenantPage(tenant.slug, "tenant:read", { view: "history" })).resolves.toMatchObject({
      tenant: { tenantId: tenant.id },
    });
    const rows = await denials(user);
    expect(rows.length).toBe(before + 3);
    expect(rows.every((r) => (r.details as { reason: string }).reason === "period")).toBe(true);
  });

  it("history is pinned to the period: as of its end by default, refused outside it", async () => {
    const res = await getTable(user, "findings", "format=json");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { meta: { asOf: string } };
    expect(body.meta.asOf).toBe(`${day(-10)}T23:59:59.999Z`);
    expect((await getTable(user, "findings", `asOf=${day(-5)}`)).status).toBe(403);
    expect((await getTable(user, "findings", `asOf=${day(-101)}`)).status).toBe(403);
    expect((await getTable(user, "findings", `asOf=${day(-50)}`)).status).toBe(200);
  });

  it("the pages' as-of follows the same rule", () => {
    const period = parsePeriod(day(-100), day(-10));
    expect(parseAsOf({}, period)).toMatchObject({ param: day(-10), error: null });
    expect(parseAsOf({ asOf: day(-50) }, period)).toMatchObject({ param: day(-50), error: null });
    const outside = parseAsOf({ asOf: day(-3) }, period);
    expect(outside.param).toBe(day(-10));
    expect(outside.error).toContain("covers");
  });
});

describe("an auditor whose period includes today", () => {
  it("sees the current state as any auditor does", async () => {
    const user = await auditorWith({ periodFrom: day(-30), periodTo: day(30), expiresOn: day(60) });
    expect((await getTable(user, "recovery-points")).status).toBe(200);
  });
});
