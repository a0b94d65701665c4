import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { asc, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditHash, GENESIS_HASH, recordAudit, verifyAuditChain } from "@/db/audit";
import { auditKeyId } from "@/db/audit-keys";
import { auditLog } from "@/db/schema";
import { isolatedDb } from "@/tests/helpers/db";

// The attacks of issue 23, each by a database insider who can disable the append-only trigger:
// rewrite a row and recompute the chain with the plain hash, or delete the newest rows. Each test
// has a database and a checkpoint directory of its own.
let handle: Awaited<ReturnType<typeof isolatedDb>>;
let checkpoints: string;
const opened: (typeof handle)[] = [];
beforeEach(async () => {
  handle = await isolatedDb();
  opened.push(handle);
  checkpoints = mkdtempSync(path.join(tmpdir(), "audit-checkpoints-"));
});
afterEach(() => rmSync(checkpoints, { recursive: true, force: true }));
afterAll(async () => {
  for (const h of opened) await h.drop();
});

function auditVerify(...args: string[]) {
  const run = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "lib/cli/audit-verify.ts", ...args], {
    env: { ...process.env, DATABASE_URL: handle.url, AUDIT_CHECKPOINT_DIR: checkpoints },
    encoding: "utf8",
  });
  return { code: run.status, out: run.stdout + run.stderr };
}

async function write(n: number, action = "test.write") {
  for (let i = 0; i < n; i++)
    await handle.db.transaction((tx) => recordAudit(tx, { action, details: { i, amount: 100 + i } }));
}

async function ids(): Promise<number[]> {
  const rows = await handle.db.select({ id: auditLog.id }).from(auditLog).orderBy(asc(auditLog.id));
  return rows.map((r) => r.id);
}

/** Behind the trigger's back, as a superuser can. */
async function asInsider(
  statements: (tx: Parameters<Parameters<typeof handle.db.transaction>[0]>[0]) => Promise<void>,
) {
  await handle.db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_log disable trigger audit_log_no_update_delete`);
    await statements(tx);
    await tx.execute(sql`alter table audit_log enable trigger audit_log_no_update_delete`);
  });
}

/**
 * Rewrites row `fromId` and recomputes the chain from it to the end with the plain SHA-256 link,
 * exactly as `auditHash` does: what verified before the log was keyed. `dropKey` also clears the
 * rows' key id, so that they look like rows written before the key.
 */
async function rewriteWithPlainHash(fromId: number, dropKey: boolean) {
  await asInsider(async (tx) => {
    await tx.execute(sql`update audit_log set details = '{"amount": 1}' where id = ${fromId}`);
    const rows = await tx.select().from(auditLog).orderBy(asc(auditLog.id));
    let prev = GENESIS_HASH;
    for (const row of rows) {
      if (row.id >= fromId) {
        const hash = auditHash({ ...row, prevHash: prev });
        await tx.execute(
          dropKey
            ? sql`update audit_log set prev_hash = ${prev}, hash = ${hash}, key_id = null where id = ${row.id}`
            : sql`update audit_log set prev_hash = ${prev}, hash = ${hash} where id = ${row.id}`,
        );
        prev = hash;
      } else prev = row.hash;
    }
  });
}

describe("the keyed audit chain", () => {
  it("catches a row rewritten with the trigger disabled and the chain recomputed with the plain hash", async () => {
    await write(5);
    expect(auditVerify()).toMatchObject({ code: 0 });
    const [, second] = await ids();
    await rewriteWithPlainHash(second!, false);
    const cli = auditVerify();
    expect(cli.code).toBe(1);
    expect(cli.out).toContain(`AUDIT LOG TAMPERED: row ${second} content does not match its MAC`);
  });

  it("catches the same rewrite made to look like rows written before the key", async () => {
    await write(5);
    const [, second] = await ids();
    await rewriteWithPlainHash(second!, true);
    const report = await verifyAuditChain(handle.db);
    expect(report).toMatchObject({
      ok: false,
      firstBad: { id: second, problem: expect.stringMatching(/no key but follows keyed rows/) },
    });
  });

  it("catches every row rewritten with the plain hash, through the checkpoint that anchored the head", async () => {
    await write(4);
    expect(auditVerify("--checkpoint")).toMatchObject({ code: 0, out: expect.stringContaining("checkpoint written") });
    const [first] = await ids();
    await rewriteWithPlainHash(first!, true);
    // The chain alone now looks like a log written before any key existed ...
    expect(await verifyAuditChain(handle.db)).toEqual({ ok: true, rows: 4 });
    // ... but the checkpoint recorded the head's MAC and the first keyed row.
    const cli = auditVerify();
    expect(cli.code).toBe(1);
    expect(cli.out).toMatch(/no longer has the MAC it recorded: the row was rewritten/);
    expect(cli.out).toMatch(/the first keyed row is none, the checkpoint recorded \d+/);
  });

  it("verifies rows written before the key by the plain chain, and seals them with the first keyed row", async () => {
    // Rows as the product wrote them before the log was keyed: plain SHA-256, no key id.
    let prev = GENESIS_HASH;
    for (let i = 0; i < 3; i++) {
      const row = {
        at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
        actorId: null,
        actorEmail: "old@example.com",
        tenantId: null,
        action: "legacy.write",
        targetType: null,
        targetId: null,
        outcome: "success",
        details: { i },
        ip: null,
        prevHash: prev,
      };
      prev = auditHash(row);
      await handle.db.insert(auditLog).values({ ...row, hash: prev });
    }
    await write(2);
    expect(await verifyAuditChain(handle.db)).toEqual({ ok: true, rows: 5 });
    const [, legacy] = await ids();
    // Rewriting a legacy row and recomputing the plain chain up to the last legacy row breaks the
    // link the first keyed row's MAC covers.
    await asInsider(async (tx) => {
      await tx.execute(sql`update audit_log set details = '{"i": 9}' where id = ${legacy}`);
      const rows = await tx.select().from(auditLog).orderBy(asc(auditLog.id));
      let p = rows[0]!.hash;
      for (const row of rows.slice(1, 3)) {
        const hash = auditHash({ ...row, prevHash: p });
        await tx.execute(sql`update audit_log set prev_hash = ${p}, hash = ${hash} where id = ${row.id}`);
        p = hash;
      }
    });
    const report = await verifyAuditChain(handle.db);
    expect(report).toMatchObject({ ok: false, firstBad: { problem: expect.stringMatching(/does not link/) } });
    expect(report.firstBad!.id).toBe((await ids())[3]);
  });

  it("refuses to extend a chain keyed with another key", async () => {
    await write(1);
    const other = randomBytes(32);
    await expect(
      handle.db.transaction((tx) =>
        recordAudit(tx, { action: "test.other-key" }, { hmac: other, keyId: auditKeyId(other) }),
      ),
    ).rejects.toThrow(/keyed with key [0-9a-f]{16} but this process has key [0-9a-f]{16}/);
    expect(await handle.db.$count(auditLog)).toBe(1);
  });
});

describe("checkpoints", () => {
  it("catch a truncated tail: rows deleted from the end, down to and past the checkpoint's row", async () => {
    await write(6);
    expect(auditVerify("--checkpoint")).toMatchObject({ code: 0 });
    await write(2);
    const all = await ids();
    const head = all[5]!;
    await asInsider(async (tx) => {
      await tx.execute(sql`delete from audit_log where id >= ${all[4]}`);
    });
    // What is left is a valid chain: without the checkpoint nothing would notice.
    expect(await verifyAuditChain(handle.db)).toEqual({ ok: true, rows: 4 });
    const cli = auditVerify();
    expect(cli.code).toBe(1);
    expect(cli.out).toContain(`row ${head}, the head when it was taken`);
    expect(cli.out).toContain("rows were deleted from the end of the log");
  });

  it("are signed: an edited checkpoint fails, and a fresh one is written only over a verified log", async () => {
    await write(3);
    expect(auditVerify("--checkpoint")).toMatchObject({ code: 0, out: expect.stringContaining("checkpoint written") });
    const [name] = readdirSync(checkpoints);
    const file = path.join(checkpoints, name!);
    const checkpoint = JSON.parse(readFileSync(file, "utf8")) as { count: number };
    writeFileSync(file, JSON.stringify({ ...checkpoint, count: checkpoint.count - 1 }));
    const cli = auditVerify("--checkpoint");
    expect(cli.code).toBe(1);
    expect(cli.out).toMatch(/signature does not verify/);
    expect(readdirSync(checkpoints)).toHaveLength(1);
  });
});
