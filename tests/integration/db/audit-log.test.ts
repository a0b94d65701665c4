import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { recordAudit, verifyAuditChain } from "@/db/audit";
import { auditLog } from "@/db/schema";
import { testDb } from "@/tests/helpers/db";

const handle = testDb();
const { db } = handle;
afterAll(() => handle.close());

describe("audit log", () => {
  it("links every row to the one before it, and the chain verifies", async () => {
    for (let i = 0; i < 5; i++) {
      await db.transaction((tx) => recordAudit(tx, { action: "test.write", details: { i, nested: { b: 1, a: [2, 3] } } }));
    }
    const report = await verifyAuditChain(db);
    expect(report.ok).toBe(true);
    expect(report.rows).toBeGreaterThanOrEqual(5);
  });

  it("refuses UPDATE, DELETE and TRUNCATE at the database", async () => {
    const refusal = (statement: ReturnType<typeof sql>) =>
      db.execute(statement).then(
        () => "accepted",
        (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message),
      );
    expect(await refusal(sql`update audit_log set action = 'x'`)).toMatch(/append-only: UPDATE refused/);
    expect(await refusal(sql`delete from audit_log`)).toMatch(/append-only: DELETE refused/);
    expect(await refusal(sql`truncate audit_log`)).toMatch(/append-only: TRUNCATE refused/);
  });

  it("rolls the audit row back with the change it records", async () => {
    const before = await db.$count(auditLog);
    await expect(
      db.transaction(async (tx) => {
        await recordAudit(tx, { action: "test.rolled-back" });
        throw new Error("change failed");
      }),
    ).rejects.toThrow("change failed");
    expect(await db.$count(auditLog)).toBe(before);
  });

  it("detects a row altered behind the trigger's back", async () => {
    await db.transaction((tx) => recordAudit(tx, { action: "test.tamper-target", details: { amount: 1 } }));
    // A superuser can disable triggers; the hash chain still catches the change.
    await db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger audit_log_no_update_delete`);
      await tx.execute(sql`update audit_log set details = '{"amount": 2}' where action = 'test.tamper-target'`);
      await tx.execute(sql`alter table audit_log enable trigger audit_log_no_update_delete`);
    });
    const report = await verifyAuditChain(db);
    expect(report.ok).toBe(false);
    expect(report.firstBad?.problem).toMatch(/altered/);
  });
});
