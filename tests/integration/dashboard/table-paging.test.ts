import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backupJobs, recoveryPoints } from "@/db/schema";
import { CursorError, encodeCursor, type TableDefinition, type TableScope } from "@/lib/dashboard/table";
import { backupJobsTable } from "@/lib/dashboard/tables/jobs";
import { recoveryPointsTable } from "@/lib/dashboard/tables/recovery-points";
import { findTable, tableNames } from "@/lib/dashboard/tables/registry";
import { testClockMs } from "../../helpers/clock";
import { testDb } from "../../helpers/db";

// Cursor paging of the dashboard tables over rows this test writes: every row exactly once and
// in order, ties on the sort key included; no empty page after the last; a cursor the table did
// not make is a CursorError (a clear message, never a query with its values), and no cursor
// reaches another tenant's rows.

const handle = testDb();
const db = handle.db;
const A: TableScope = { tenantId: randomUUID(), asOf: null };
const B: TableScope = { tenantId: randomUUID(), asOf: null };
const now = testClockMs();
const at = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000);

type AnyTable = TableDefinition<Record<string, unknown>, Record<string, unknown>>;

async function walk(table: AnyTable, scope: TableScope, filters: Record<string, unknown>, limit: number) {
  const parsed = table.filters.parse(filters);
  const pages: Array<Array<Record<string, unknown>>> = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const page = await table.page(db, scope, parsed, cursor, limit);
    pages.push(page.rows);
    if (!page.next) return pages;
    cursor = page.next;
  }
  throw new Error("paging did not end");
}

function job(tenantId: string, id: string, hoursAgo: number, state: string, category: string | null = null) {
  return {
    tenantId,
    accountId: "111122223333",
    region: "eu-west-1",
    backupJobId: id,
    creationDate: at(hoursAgo),
    state,
    messageCategory: category,
    resourceArn: `arn:aws:s3:::${id}`,
    resourceType: "S3",
    backupVaultName: "Default",
    isParent: false,
  };
}

function point(tenantId: string, n: number, hoursAgo: number, resourceType = "EBS") {
  return {
    tenantId,
    accountId: "111122223333",
    region: "eu-west-1",
    recoveryPointArn: `arn:aws:backup:eu-west-1:111122223333:recovery-point:${tenantId.slice(0, 4)}-${String(n).padStart(2, "0")}`,
    backupVaultName: "Default",
    backupVaultArn: "arn:aws:backup:eu-west-1:111122223333:backup-vault:Default",
    resourceArn: `arn:aws:ec2:eu-west-1:111122223333:volume/vol-${n}`,
    resourceType,
    creationDate: at(hoursAgo),
    status: "COMPLETED",
    isEncrypted: true,
    isParent: false,
  };
}

// Six problems (four created at the same instant), eight healthy jobs (five at one instant).
const jobsA = [
  job(A.tenantId, "p1", 2, "FAILED"),
  job(A.tenantId, "p2", 5, "ABORTED"),
  job(A.tenantId, "p3", 5, "COMPLETED", "ACCESS_DENIED"),
  job(A.tenantId, "p4", 5, "EXPIRED"),
  job(A.tenantId, "p5", 5, "PARTIAL"),
  job(A.tenantId, "p6", 30, "COMPLETED", "success!"),
  ...["o1", "o2", "o3", "o4", "o5"].map((id) => job(A.tenantId, id, 10, "COMPLETED", "SUCCESS")),
  job(A.tenantId, "o6", 11, "COMPLETED", null),
  job(A.tenantId, "o7", 12, "COMPLETED", ""),
  job(A.tenantId, "o8", 1, "RUNNING"),
];
const expectedJobOrder = [...jobsA]
  .map((j) => ({ id: j.backupJobId, problem: j.backupJobId.startsWith("p"), t: j.creationDate.getTime() }))
  .sort((x, y) => Number(y.problem) - Number(x.problem) || y.t - x.t || (y.id < x.id ? -1 : y.id > x.id ? 1 : 0))
  .map((j) => j.id);

// Twelve points of A, seven of them at one instant; B has points at the same instants.
const pointsA = Array.from({ length: 12 }, (_, n) => point(A.tenantId, n, n < 7 ? 3 : 3 + n, n % 3 ? "EBS" : "RDS"));
const pointsB = Array.from({ length: 5 }, (_, n) => point(B.tenantId, n, 3));

beforeAll(async () => {
  await db.execute(sql`select ensure_job_partitions(${at(24 * 40)}, ${at(-24)})`);
  await db.insert(backupJobs).values([...jobsA, ...jobsA.map((j) => ({ ...j, tenantId: B.tenantId }))]);
  await db.insert(recoveryPoints).values([...pointsA, ...pointsB]);
});
afterAll(() => handle.close());

const ids = (pages: Array<Array<Record<string, unknown>>>, key: string) => pages.flat().map((r) => r[key] as string);

describe("paging backup jobs (problems first, newest first)", () => {
  it.each([1, 2, 3, 4, 6, 7, 13, 14, 50])("with %i rows a page: each row once, in order", async (limit) => {
    const pages = await walk(backupJobsTable as unknown as AnyTable, A, {}, limit);
    expect(ids(pages, "backupJobId")).toEqual(expectedJobOrder);
    // No empty page after the last row, and every page but the last is full.
    expect(pages.every((p) => p.length > 0)).toBe(true);
    expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
  });

  it("marks exactly the jobs with an issue as problems", async () => {
    const [rows] = await walk(backupJobsTable as unknown as AnyTable, A, {}, 50);
    expect(rows!.filter((r) => r.problem).map((r) => r.backupJobId)).toEqual(expectedJobOrder.slice(0, 6));
  });

  it("only problems, when asked", async () => {
    const pages = await walk(backupJobsTable as unknown as AnyTable, A, { problems: "only" }, 4);
    expect(ids(pages, "backupJobId")).toEqual(expectedJobOrder.slice(0, 6));
  });

  it("keeps to the new filter when it changes between pages", async () => {
    const parsed = backupJobsTable.filters.parse({});
    const first = await backupJobsTable.page(db, A, parsed, null, 8);
    expect(first.rows.map((r) => r.backupJobId)).toEqual(expectedJobOrder.slice(0, 8));
    const narrowed = backupJobsTable.filters.parse({ state: "COMPLETED" });
    const second = await backupJobsTable.page(db, A, narrowed, first.next, 50);
    expect(second.rows.map((r) => r.backupJobId)).toEqual(
      expectedJobOrder.slice(8).filter((id) => jobsA.find((j) => j.backupJobId === id)!.state === "COMPLETED"),
    );
    const problemsOnly = backupJobsTable.filters.parse({ problems: "only" });
    expect((await backupJobsTable.page(db, A, problemsOnly, first.next, 50)).rows).toEqual([]);
  });
});

describe("paging recovery points", () => {
  const expected = (dir: "asc" | "desc") =>
    [...pointsA]
      .sort((x, y) => {
        const c =
          x.creationDate.getTime() - y.creationDate.getTime() || (x.recoveryPointArn < y.recoveryPointArn ? -1 : 1);
        return dir === "asc" ? c : -c;
      })
      .map((p) => p.recoveryPointArn);

  it.each([
    ["desc", 1],
    ["desc", 3],
    ["desc", 7],
    ["asc", 2],
    ["asc", 5],
    ["asc", 12],
  ] as const)("%s, %i a page: each row once, in order, ties included", async (dir, limit) => {
    const pages = await walk(recoveryPointsTable as unknown as AnyTable, A, { dir }, limit);
    expect(ids(pages, "recoveryPointArn")).toEqual(expected(dir));
    expect(pages.every((p) => p.length > 0)).toBe(true);
  });

  it("keeps to the new filter when it changes between pages", async () => {
    const first = await recoveryPointsTable.page(db, A, recoveryPointsTable.filters.parse({}), null, 4);
    const second = await recoveryPointsTable.page(
      db,
      A,
      recoveryPointsTable.filters.parse({ resourceType: "RDS" }),
      first.next,
      50,
    );
    const rest = expected("desc").slice(4);
    expect(second.rows.map((r) => r.recoveryPointArn)).toEqual(
      rest.filter((arn) => pointsA.find((p) => p.recoveryPointArn === arn)!.resourceType === "RDS"),
    );
  });

  it("never shows another tenant's rows, whatever the cursor says", async () => {
    const forged = encodeCursor([at(-1).toISOString(), "zzzz"]);
    const page = await recoveryPointsTable.page(db, A, recoveryPointsTable.filters.parse({}), forged, 50);
    expect(page.rows.map((r) => r.tenantId)).toEqual(pointsA.map(() => A.tenantId));
    expect(page.rows.map((r) => r.recoveryPointArn)).toEqual(expected("desc"));
  });
});

describe("a cursor the table did not make", () => {
  const forged = [
    "not base64 json!",
    Buffer.from("{").toString("base64url"),
    encodeCursor([]),
    encodeCursor({ a: 1 } as unknown as unknown[]),
    encodeCursor(["not a date", "x"]),
    encodeCursor([-5]),
    encodeCursor([2, "2026-06-01T00:00:00.000Z", "x"]),
    encodeCursor([1.5, 0]),
    encodeCursor(["'; drop table backup_jobs; --", null, 7]),
  ];
  it.each(tableNames())("%s: is a CursorError, for every forgery", async (name) => {
    const table = findTable(name)! as unknown as AnyTable;
    // An account: the tables of one account (recovery readiness) require one; the others filter by it.
    const filters = table.filters.parse({ account: "111122223333" });
    for (const cursor of forged) {
      await expect(table.page(db, A, filters, cursor, 10), cursor).rejects.toBeInstanceOf(CursorError);
    }
  });

  it("says what to do", async () => {
    await expect(
      backupJobsTable.page(db, A, backupJobsTable.filters.parse({}), encodeCursor(["x"]), 10),
    ).rejects.toThrow("start again from the first page");
  });
});
