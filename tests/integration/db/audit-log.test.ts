import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit, verifyAuditChain } from "@/db/audit";
import { auditLog } from "@/db/schema";
import { isolatedDb } from "@/tests/helpers/db";

// Its own database: the last test tampers with the chain on purpose.
let handle: Awaited<ReturnType<typeof isolatedDb>>;
beforeAll(async () => {
  handle = await isolatedDb();
});
afterAll(() => handle.drop());

function auditVerifyCli() {
  const run = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "lib/cli/audit-verify.ts"], {
    // No checkpoints: those of a demo run in this tree describe another database.
    env: {
      ...process.env,
      DATABASE_URL: handle.url,
      AUDIT_CHECKPOINT_DIR: path.join(tmpdir(), "audit-checkpoints-none"),
    },
    encoding: "utf8",
  });
  return { code: run.status, out: run.stdout + run.stderr };
}

describe("audit log", () => {
  it("links every row to the one before it, and the chain verifies", async () => {
    for (let i = 0; i < 5; i++) {
      await handle.db.transaction((tx) =>
        recordAudit(tx, { action: "test.write", details: { i, nested: { b: 1, a: [2, 3] } } }),
      );
    }
    const report = await verifyAuditChain(handle.db);
    expect(report).toEqual({ ok: true, rows: 5 });
    expect(auditVerifyCli()).toMatchObject({ code: 0, out: expect.stringContaining("5 rows, chain intact") });
  });

  it("refuses UPDATE, DELETE and TRUNCATE at the database", async () => {
    const refusal = (statement: ReturnType<typeof sql>) =>
      handle.db.execute(statement).then(
        () => "accepted",
        (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message),
      );
    expect(await refusal(sql`update audit_log set action = 'x'`)).toMatch(/append-only: UPDATE refused/);
    expect(await refusal(sql`delete from audit_log`)).toMatch(/append-only: DELETE refused/);
    expect(await refusal(sql`truncate audit_log`)).toMatch(/append-only: TRUNCATE refused/);
  });

  it("rolls the audit row back with the change it records", async () => {
    const before = await handle.db.$count(auditLog);
    await expect(
      handle.db.transaction(async (tx) => {
        await recordAudit(tx, { action: "test.rolled-back" });
        throw new Error("change failed");
      }),
    ).rejects.toThrow("change failed");
    expect(await handle.db.$count(auditLog)).toBe(before);
  });

  it("detects a row altered in SQL behind the trigger's back, and the CLI exits non-zero", async () => {
    await handle.db.transaction((tx) => recordAudit(tx, { action: "test.tamper-target", details: { amount: 1 } }));
    await handle.db.transaction((tx) => recordAudit(tx, { action: "test.after" }));
    // A superuser can disable triggers; the hash chain still catches the change.
    await handle.db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger audit_log_no_update_delete`);
      await tx.execute(sql`update audit_log set details = '{"amount": 2}' where action = 'test.tamper-target'`);
      await tx.execute(sql`alter table audit_log enable trigger audit_log_no_update_delete`);
    });
    const report = await verifyAuditChain(handle.db);
    expect(report.ok).toBe(false);
    expect(report.firstBad?.problem).toMatch(/altered/);
    const cli = auditVerifyCli();
    expect(cli.code).toBe(1);
    expect(cli.out).toMatch(/AUDIT LOG TAMPERED: row \d+ content does not match/);
  });

  it("detects a removed row", async () => {
    await handle.db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger audit_log_no_update_delete`);
      await tx.execute(sql`delete from audit_log where action = 'test.tamper-target'`);
      await tx.execute(sql`alter table audit_log enable trigger audit_log_no_update_delete`);
    });
    const report = await verifyAuditChain(handle.db);
    expect(report.firstBad?.problem).toMatch(/does not link/);
  });
});
