import { createHash } from "node:crypto";
import { asc, desc, gt, sql } from "drizzle-orm";
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

export function auditHash(row: Hashed): string {
  const payload = canonicalJson([
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
  return createHash("sha256").update(row.prevHash).update("\n").update(payload).digest("hex");
}

/**
 * Appends one row inside the caller's transaction: if the audited change rolls back, so does its
 * row, and if this insert fails the change fails with it.
 */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
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
  await tx.insert(auditLog).values({ ...row, hash: auditHash(row) });
}

export interface ChainReport {
  ok: boolean;
  rows: number;
  /** The first row whose link or content does not match, with what was wrong. */
  firstBad?: { id: number; problem: string };
}

/** Walks the whole log in id order, in pages, recomputing every hash. */
export async function verifyAuditChain(db: Conn, pageSize = 5_000): Promise<ChainReport> {
  let prev = GENESIS_HASH;
  let lastId = 0;
  let rows = 0;
  for (;;) {
    const page = await db
      .select()
      .from(auditLog)
      .where(gt(auditLog.id, lastId))
      .orderBy(asc(auditLog.id))
      .limit(pageSize);
    if (page.length === 0) return { ok: true, rows };
    for (const row of page) {
      if (row.prevHash !== prev)
        return {
          ok: false,
          rows,
          firstBad: { id: row.id, problem: "does not link to the row before it (a row was removed or inserted)" },
        };
      if (auditHash(row) !== row.hash)
        return {
          ok: false,
          rows,
          firstBad: { id: row.id, problem: "content does not match its hash (the row was altered)" },
        };
      prev = row.hash;
      lastId = row.id;
      rows++;
    }
  }
}
