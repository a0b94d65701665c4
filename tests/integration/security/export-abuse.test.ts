import path from "node:path";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { auditLog } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/access";
import { EXPORT_ACTIONS, EXPORTS_PER_MINUTE, MAX_EXPORT_DAYS } from "@/lib/reports/export-limits";
import { FORMULA_START, readCsv } from "@/tests/helpers/csv-read";
import { testDb } from "@/tests/helpers/db";
import { makeTenant, makeUser } from "@/tests/helpers/fixtures";
import { clock } from "@/lib/clock";

// The attacks of issue 23 against the real export route handlers, on real PostgreSQL: formula
// cells through filters and tenant names, exports in a loop, and exports of unbounded date ranges.

let caller: SessionUser | null = null;
vi.mock("@/lib/auth/session", () => ({
  getSession: async () => caller,
  getClientIp: async () => "203.0.113.9",
  requireSession: async () => caller,
  getAccessibleTenants: async () => [],
}));

type Route = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
const ROOT = path.resolve(import.meta.dirname, "../../..");
let auditExport: Route;
let tableExport: Route;

const handle = testDb();
const db = handle.db;
let tenant: Awaited<ReturnType<typeof makeTenant>>;

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  auditExport = (await import(path.join(ROOT, "app/(app)/settings/audit-log/export/route.ts"))).GET as Route;
  tableExport = (await import(path.join(ROOT, "app/(app)/t/[tenant]/export/[table]/route.ts"))).GET as Route;
  tenant = await makeTenant(db, `=HYPERLINK("http://x";"y"),;Evil ${Math.random().toString(36).slice(2, 8)}`);
});
afterAll(() => handle.close());

const getAudit = (as: SessionUser, query: string) => {
  caller = as;
  return auditExport(new Request(`http://localhost/settings/audit-log/export?${query}`), {
    params: Promise.resolve({}),
  });
};
const getTable = (as: SessionUser, table: string, query: string) => {
  caller = as;
  return tableExport(new Request(`http://localhost/t/${tenant.slug}/export/${table}?${query}`), {
    params: Promise.resolve({ tenant: tenant.slug, table }),
  });
};
const exportRows = (userId: string) =>
  db
    .select({ action: auditLog.action, outcome: auditLog.outcome, details: auditLog.details })
    .from(auditLog)
    .where(and(eq(auditLog.actorId, userId), inArray(auditLog.action, [...EXPORT_ACTIONS])));
const day = (offsetDays: number) => new Date(clock.nowMs() + offsetDays * 86_400_000).toISOString().slice(0, 10);

function expectNoFormulaCell(records: ReturnType<typeof readCsv>) {
  for (const record of records)
    for (const field of record) {
      expect(field.quoted).toBe(true);
      expect(FORMULA_START.test(field.text), JSON.stringify(field.text)).toBe(false);
    }
}

describe("CSV injection through export filters and names", () => {
  it("keeps the issue's audit-log filter x,=1+1, inside one preamble cell", async () => {
    const admin = await makeUser(db, "admin");
    const res = await getAudit(admin, "actor=x,=1%2B1,");
    expect(res.status).toBe(200);
    const records = readCsv(await res.text());
    expectNoFormulaCell(records);
    const filters = records.find((r) => r[0]!.text === "# filters")!;
    expect(filters).toHaveLength(2);
    expect(JSON.parse(filters[1]!.text)).toMatchObject({ actor: "x,=1+1," });
  });

  it("keeps a hostile tenant name and filter in their cells in a table export", async () => {
    const auditor = await makeUser(db, "auditor", [{ tenantId: tenant.id }]);
    const res = await getTable(auditor, "resources", "format=csv&resourceType=%3D1%2B1%3B%3D2");
    expect(res.status).toBe(200);
    const records = readCsv(await res.text());
    expectNoFormulaCell(records);
    expect(records[0]!.map((f) => f.text)).toEqual(["# tenant", `'${tenant.name}`]);
    const filters = records.find((r) => r[0]!.text === "# filters")!;
    expect(JSON.parse(filters[1]!.text)).toEqual({ resourceType: "=1+1;=2" });
    expect(records.every((r) => r[0]!.text.startsWith("#") || r.length === records.at(-1)!.length)).toBe(true);
  });
});

describe("export rate limit", () => {
  it(`allows ${EXPORTS_PER_MINUTE} exports a minute per user, then refuses with 429 and audits the refusal once`, async () => {
    const auditor = await makeUser(db, "auditor", [{ tenantId: tenant.id }]);
    const other = await makeUser(db, "auditor", [{ tenantId: tenant.id }]);
    for (let i = 0; i < EXPORTS_PER_MINUTE; i++) {
      const res = await getTable(auditor, "vaults", "format=json");
      expect(res.status).toBe(200);
      await res.text();
    }
    for (let i = 0; i < 3; i++) {
      const res = await getTable(auditor, "vaults", "format=csv");
      expect(res.status).toBe(429);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("RATE_LIMITED");
      expect(body.error.message).toMatch(/At most 10 exports a minute per user. Wait a minute/);
    }
    // The audit-log export shares the user's count.
    const admin = await makeUser(db, "admin");
    for (let i = 0; i < EXPORTS_PER_MINUTE; i++) await (await getAudit(admin, "action=none")).text();
    expect((await getAudit(admin, "action=none")).status).toBe(429);

    const rows = await exportRows(auditor.userId);
    expect(rows.filter((r) => r.outcome === "success")).toHaveLength(EXPORTS_PER_MINUTE);
    const refusals = rows.filter((r) => r.outcome === "denied");
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.details).toMatchObject({ reason: "rate_limited", limitPerMinute: EXPORTS_PER_MINUTE });
    expect((await exportRows(admin.userId)).map((r) => r.outcome).sort()).toEqual([
      "denied",
      ...Array<string>(EXPORTS_PER_MINUTE).fill("success"),
    ]);

    // Another user is not limited by the first.
    expect((await getTable(other, "vaults", "format=json")).status).toBe(200);
  });
});

describe("export date range", () => {
  it(`refuses an export spanning more than ${MAX_EXPORT_DAYS} days with a clear 400, and audits nothing`, async () => {
    const admin = await makeUser(db, "admin");
    const auditor = await makeUser(db, "auditor", [{ tenantId: tenant.id }]);
    const tooLong = `from=${day(-MAX_EXPORT_DAYS)}&to=${day(0)}`;
    for (const res of [
      await getAudit(admin, tooLong),
      await getAudit(admin, "from=2000-01-01"),
      await getTable(auditor, "backup-jobs", `format=csv&${tooLong}`),
    ]) {
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { message: string; fieldErrors: Record<string, string> } };
      expect(body.error.message).toBe(`An export may cover at most ${MAX_EXPORT_DAYS} days; narrow the dates.`);
      expect(body.error.fieldErrors.from).toMatch(/or later for an export ending/);
    }
    const reversed = await getAudit(admin, `from=${day(0)}&to=${day(-1)}`);
    expect(reversed.status).toBe(400);
    expect(((await reversed.json()) as { error: { message: string } }).error.message).toMatch(/start date is after/);
    expect(await exportRows(admin.userId)).toHaveLength(0);
    expect(await exportRows(auditor.userId)).toHaveLength(0);

    const longest = await getAudit(admin, `from=${day(-(MAX_EXPORT_DAYS - 1))}&to=${day(0)}`);
    expect(longest.status).toBe(200);
    await longest.text();
    expect((await getTable(auditor, "backup-jobs", `format=csv&from=${day(-30)}`)).status).toBe(200);
  });

  it("bounds an audit-log export without dates to the longest range, and says so in its preamble", async () => {
    const admin = await makeUser(db, "admin");
    const res = await getAudit(admin, "");
    expect(res.status).toBe(200);
    const filters = readCsv(await res.text()).find((r) => r[0]!.text === "# filters")!;
    expect(JSON.parse(filters[1]!.text)).toEqual({ from: day(-(MAX_EXPORT_DAYS - 1)) });
  });
});
