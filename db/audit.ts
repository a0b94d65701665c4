import { createHash, createHmac } from "node:crypto";
import { asc, desc, gt, sql } from "drizzle-orm";
import { auditKeys, type AuditKeys } from "./audit-keys";
import type { Conn, Tx } from "./index";
import { auditLog, type AuditRow } from "./schema";
import { clock } from "@/lib/clock";

export interface AuditEntry {
  actorId?: string | null;
  actorEmail?: string | null;
  tenantId?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  outcome?: "success" | "failure" | "denied";
  details?: Record<string, unknown>;
  ip?: string | null;
}

export const GENESIS_HASH = "0".repeat(64);
// Serialises writers so that each row links to the one before it.
const AUDIT_CHAIN_LOCK = 7_270_002;

/** JSON with object keys sorted at every depth: jsonb reorders keys, so the hash must not depend on order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

type Hashed = Pick<
  AuditRow,
  | "at"
  | "actorId"
  | "actorEmail"
  | "tenantId"
  | "action"
  | "targetType"
  | "targetId"
  | "outcome"
  | "details"
  | "ip"
  | "prevHash"
>;

function content(row: Hashed): string {
  return canonicalJson([
    row.at.toISOString(),
    row.actorId,
    row.actorEmail,
    row.tenantId,
    row.action,
    row.targetType,
    row.targetId,
    row.outcome,
    row.details,
    row.ip,
  ]);
}

/** The plain SHA-256 link: only rows written before the log was keyed carry it. */
export function auditHash(row: Hashed): string {
  return createHash("sha256").update(row.prevHash).update("\n").update(content(row)).digest("hex");
}

/** The keyed link: HMAC-SHA256 over the previous row's MAC (or hash) and this row's content. */
export function auditMac(key: Buffer, row: Hashed): string {
  return createHmac("sha256", key).update(row.prevHash).update("\n").update(content(row)).digest("hex");
}

/**
 * Appends one row inside the caller's transaction: if the audited change rolls back, so does its
 * row, and if this insert fails the change fails with it.
 *
 * The MAC is computed here, in the app, not by a trigger: a trigger could only use a key the
 * database holds, and then whoever can disable triggers could read it and recompute the chain.
 * The advisory lock keeps the chain linear (one writer between reading the last row and
 * inserting the next) and the key never leaves the process.
 */
export async function recordAudit(tx: Tx, entry: AuditEntry, keys: AuditKeys = auditKeys()): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [last] = await tx
    .select({ hash: auditLog.hash, keyId: auditLog.keyId })
    .from(auditLog)
    .orderBy(desc(auditLog.id))
    .limit(1);
  // A process with another key would fork the chain into rows nothing can verify together.
  if (last?.keyId && last.keyId !== keys.keyId)
    throw new Error(
      `the audit log is keyed with key ${last.keyId} but this process has key ${keys.keyId}: give every web and worker process the same AUDIT_HMAC_KEY`,
    );
  const row: Hashed = {
    // Millisecond precision, so the value read back hashes the same as the value written.
    at: clock.now(),
    actorId: entry.actorId ?? null,
    actorEmail: entry.actorEmail ?? null,
    tenantId: entry.tenantId ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    outcome: entry.outcome ?? "success",
    details: JSON.parse(canonicalJson(entry.details ?? {})) as Record<string, unknown>,
    ip: entry.ip ?? null,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  await tx.insert(auditLog).values({ ...row, hash: auditMac(keys.hmac, row), keyId: keys.keyId });
}

export interface ChainReport {
  ok: boolean;
  rows: number;
  /** The first row whose link or content does not match, with what was wrong. */
  firstBad?: { id: number; problem: string };
}

/** What a walk of the chain saw of the rows a checkpoint names: their MAC and how many rows precede them. */
export interface ChainWalk {
  report: ChainReport;
  /** id → the row's hash and its position (1-based) in the log, for each id asked for. */
  seen: Map<number, { hash: string; position: number }>;
  firstKeyedId: number | null;
}

function problem(row: AuditRow, prev: string, sawKeyed: boolean, keys: AuditKeys): string | null {
  if (row.prevHash !== prev) return "does not link to the row before it (a row was removed or inserted)";
  if (row.keyId === null) {
    if (sawKeyed) return "has no key but follows keyed rows (it was rewritten with the plain hash)";
    return auditHash(row) === row.hash ? null : "content does not match its hash (the row was altered)";
  }
  if (row.keyId !== keys.keyId)
    return `is keyed with key ${row.keyId}, not this installation's key ${keys.keyId} (set the same AUDIT_HMAC_KEY)`;
  return auditMac(keys.hmac, row) === row.hash ? null : "content does not match its MAC (the row was altered)";
}

/**
 * Walks the whole log in id order, in pages, recomputing every link: the plain hash for rows
 * written before the log was keyed, the MAC from the first keyed row on. Once a keyed row has
 * been seen, every later row must be keyed.
 */
export async function walkAuditChain(
  db: Conn,
  options: { keys?: AuditKeys; pageSize?: number; watch?: ReadonlySet<number> } = {},
): Promise<ChainWalk> {
  const keys = options.keys ?? auditKeys();
  const seen: ChainWalk["seen"] = new Map();
  let firstKeyedId: number | null = null;
  let prev = GENESIS_HASH;
  let lastId = 0;
  let rows = 0;
  for (;;) {
    const page = await db
      .select()
      .from(auditLog)
      .where(gt(auditLog.id, lastId))
      .orderBy(asc(auditLog.id))
      .limit(options.pageSize ?? 5_000);
    if (page.length === 0) return { report: { ok: true, rows }, seen, firstKeyedId };
    for (const row of page) {
      const bad = problem(row, prev, firstKeyedId !== null, keys);
      if (bad) return { report: { ok: false, rows, firstBad: { id: row.id, problem: bad } }, seen, firstKeyedId };
      if (row.keyId !== null) firstKeyedId ??= row.id;
      prev = row.hash;
      lastId = row.id;
      rows++;
      if (options.watch?.has(row.id)) seen.set(row.id, { hash: row.hash, position: rows });
    }
  }
}

export async function verifyAuditChain(db: Conn, pageSize = 5_000): Promise<ChainReport> {
  return (await walkAuditChain(db, { pageSize })).report;
}
