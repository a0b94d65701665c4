import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { recoveryPoints } from "@/db/schema";
import type { TableScope } from "@/lib/dashboard/table";
import { recoveryPointsCsv, recoveryPointsTable } from "@/lib/dashboard/tables/recovery-points";
import { csvRow } from "@/lib/reports/csv";
import { testClockMs } from "../../helpers/clock";
import { testDb } from "../../helpers/db";

// The recovery points' CSV export is formatted by PostgreSQL (csvText): it must be byte for byte
// what the columns' values through csvRow give, for hostile text, nulls, every scan verdict,
// timestamps with microseconds, in both orders and with filters, across page boundaries (ties
// on the creation time included), and never with another tenant's rows.

const handle = testDb();
const db = handle.db;
const A: TableScope = { tenantId: randomUUID(), asOf: null };
const B: TableScope = { tenantId: randomUUID(), asOf: null };
const now = testClockMs();

const HOSTILE = ["=1+1", "+1", "-2", "@SUM(A1)", "\t=1", "\r=1", 'say "hi"', "a,b;c", "line\r\nbreak", "", "ünï"];
const SCANS = ["NO_THREATS_FOUND", "THREATS_FOUND", "FAILED", null] as const;

function point(tenantId: string, n: number) {
  // Groups of four share a creation instant, so pages end inside a tie; some carry microseconds.
  const base = new Date(now - Math.floor(n / 4) * 3_600_000);
  return {
    tenantId,
    accountId: "111122223333",
    region: n % 2 ? "eu-west-1" : "us-east-1",
    recoveryPointArn: `arn:aws:backup:eu-west-1:111122223333:recovery-point:${String(n).padStart(3, "0")}`,
    backupVaultName: HOSTILE[n % HOSTILE.length]!,
    backupVaultArn: "arn:aws:backup:eu-west-1:111122223333:backup-vault:Default",
    resourceArn: `arn:aws:ec2:eu-west-1:111122223333:volume/vol-${n}`,
    resourceType: n % 3 ? "EBS" : "RDS",
    creationDate: base,
    status: n % 5 ? "COMPLETED" : "PARTIAL",
    isEncrypted: n % 2 === 0,
    encryptionKeyArn: n % 2 ? null : `arn:aws:kms:eu-west-1:111122223333:key/${n}`,
    deleteAfterDays: n % 4 ? 35 : null,
    moveToColdStorageAfterDays: n % 6 ? null : 7,
    deleteAt: n % 4 ? new Date(base.getTime() + 35 * 86_400_000) : null,
    deleteAfterEvent: n % 7 ? null : HOSTILE[(n + 3) % HOSTILE.length]!,
    scanStatus: SCANS[n % SCANS.length],
    scannedAt: n % 4 === 3 ? null : new Date(base.getTime() + 60_000),
    indexStatus: n % 3 ? null : "ACTIVE",
    storageClass: "WARM",
    backupSizeBytes: n % 5 ? 2 ** 40 + n : null,
    backupPlanId: n % 8 ? `plan-${n}` : null,
    sourceBackupVaultArn: null,
    isParent: false,
  };
}

const pointsA = Array.from({ length: 23 }, (_, n) => point(A.tenantId, n));
const pointsB = Array.from({ length: 6 }, (_, n) => point(B.tenantId, n));

beforeAll(async () => {
  await db.insert(recoveryPoints).values([...pointsA, ...pointsB]);
  // Microseconds node-postgres cannot hold in a Date: toISOString truncates them, as must the SQL.
  await db.execute(
    sql`update recovery_points set creation_date = creation_date + interval '0.999999 second', scanned_at = scanned_at + interval '0.123456 second' where tenant_id = ${A.tenantId} and recovery_point_arn like '%:00_'`,
  );
});
afterAll(() => handle.close());

async function viaValues(scope: TableScope, input: Record<string, unknown>): Promise<string> {
  const filters = recoveryPointsTable.filters.parse(input);
  let out = "";
  for await (const rows of recoveryPointsTable.iterate(db, scope, filters))
    out += rows.map((r) => csvRow(recoveryPointsTable.columns.map((c) => c.value(r)))).join("");
  return out;
}

async function viaSql(scope: TableScope, input: Record<string, unknown>, pageSize?: number): Promise<string[]> {
  const pages: string[] = [];
  for await (const text of recoveryPointsCsv(db, scope, recoveryPointsTable.filters.parse(input), pageSize))
    pages.push(text);
  return pages;
}

describe("recovery points CSV formatted by PostgreSQL", () => {
  it.each([
    [{}, 1],
    [{}, 3],
    [{}, 4],
    [{}, 5],
    [{ dir: "asc" }, 3],
    [{ dir: "asc" }, 100],
    [{ encrypted: "no" }, 2],
    [{ scan: "unscanned" }, 2],
    [{ resourceType: "RDS", dir: "asc" }, 2],
  ])("%j, %i rows a query: the same bytes as the values through csvRow", async (filters, pageSize) => {
    const expected = await viaValues(A, filters);
    const pages = await viaSql(A, filters, pageSize);
    expect(pages.join("")).toBe(expected);
    expect(expected.length).toBeGreaterThan(0);
    // Full pages until the last; no empty page after it.
    expect(pages.every((p) => p.length > 0)).toBe(true);
  });

  it("writes microseconds truncated to milliseconds, as a Date would", async () => {
    const text = (await viaSql(A, {}, 100)).join("");
    expect(text).toContain(`"${new Date(now).toISOString().replace(/\.\d{3}Z/, ".999Z")}"`);
  });

  it("holds none of another tenant's rows", async () => {
    const a = (await viaSql(A, {}, 4)).join("");
    const b = (await viaSql(B, {}, 4)).join("");
    // A cell may hold CRLF: count the points by their ARNs.
    const points = (text: string) => text.match(/recovery-point:\d{3}"/g)?.length;
    expect(points(a)).toBe(23);
    expect(points(b)).toBe(6);
    expect(b).toBe(await viaValues(B, {}));
  });

  it("reads nothing for a tenant without points", async () => {
    expect(await viaSql({ tenantId: randomUUID(), asOf: null }, {})).toEqual([]);
  });
});
