import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { and, asc, desc, gt, gte, lt, lte, max, min } from "drizzle-orm";
import { z } from "zod";
import { auditHash, GENESIS_HASH } from "@/db/audit";
import type { Conn } from "@/db";
import { auditLog, type AuditRow } from "@/db/schema";
import type { ReportPeriod } from "@/lib/reports/period";

// The audit log's rows for a period, as a piece of its chain that can be re-linked offline.
//
// The piece runs from the first row stamped inside the period to the last, by id, with every row
// between: a row's prevHash is the hash of the row before it, so only an unbroken run re-links.
// For one organization, the rows of others (and of none: sign-ins, user administration) keep only
// id, prevHash, hash and keyId. Keyed rows' hashes are HMACs under a key the auditor never sees, so
// they reveal nothing of the row; rows from before the log was keyed carry a plain SHA-256 of the
// content, which a guess of the whole content (times to the millisecond, ids, details) could
// confirm, but which nothing short of that reveals. What the redacted rows do show is how many
// rows others wrote in the period.
//
// Format (JSON Lines): a header, one line per row in id order, an end line. The chain's links can be
// checked offline; keyed rows' MACs only with the audit key (`npm run audit:verify`).

export const AUDIT_EXTRACT_FORMAT = "backup-governance-audit-extract/1";

const link = z.object({ id: z.number().int(), hash: z.string() });
const headerLine = z.object({
  type: z.literal("header"),
  format: z.literal(AUDIT_EXTRACT_FORMAT),
  period: z.object({ from: z.string(), to: z.string() }),
  tenantId: z.string().nullable(),
  /** The row just before the first row (null: the extract starts at the log's beginning). */
  previous: link.nullable(),
});
const rowLine = z.object({
  type: z.literal("row"),
  id: z.number().int(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  tenantId: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  outcome: z.string(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
  keyId: z.string().nullable(),
});
const redactedLine = z.object({
  type: z.literal("redacted"),
  id: z.number().int(),
  prevHash: z.string(),
  hash: z.string(),
  keyId: z.string().nullable(),
});
const endLine = z.object({
  type: z.literal("end"),
  rows: z.number().int(),
  redacted: z.number().int(),
  lastHash: z.string(),
  /** The row just after the last row when the extract was made (its prevHash is lastHash), or null. */
  next: z.object({ id: z.number().int(), prevHash: z.string() }).nullable(),
});

function rowOut(r: AuditRow, tenantId: string | undefined) {
  if (tenantId !== undefined && r.tenantId !== tenantId)
    return { type: "redacted", id: r.id, prevHash: r.prevHash, hash: r.hash, keyId: r.keyId };
  return {
    type: "row",
    id: r.id,
    at: r.at.toISOString(),
    actorId: r.actorId,
    actorEmail: r.actorEmail,
    tenantId: r.tenantId,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    outcome: r.outcome,
    details: r.details,
    ip: r.ip,
    prevHash: r.prevHash,
    hash: r.hash,
    keyId: r.keyId,
  };
}

/** Writes the extract to `out` in pages (the period may hold millions of rows). */
export async function writeAuditLogExtract(
  db: Conn,
  p: { period: ReportPeriod; tenantId?: string },
  out: string,
  pageSize = 5_000,
): Promise<{ rows: number; redacted: number; firstId: number | null; lastId: number | null }> {
  const [bounds] = await db
    .select({ first: min(auditLog.id), last: max(auditLog.id) })
    .from(auditLog)
    .where(and(gte(auditLog.at, p.period.from), lt(auditLog.at, p.period.to)));
  const first = bounds?.first ?? null;
  const last = bounds?.last ?? null;
  // With no row in the period, the extract is empty and anchored after the last row before it.
  const [previous] = await db
    .select({ id: auditLog.id, hash: auditLog.hash })
    .from(auditLog)
    .where(first !== null ? lt(auditLog.id, first) : lt(auditLog.at, p.period.from))
    .orderBy(desc(auditLog.id))
    .limit(1);

  const stream = createWriteStream(out, { mode: 0o600 });
  const write = async (value: unknown) => {
    if (!stream.write(`${JSON.stringify(value)}\n`)) await once(stream, "drain");
  };
  const closed = once(stream, "close");
  let rows = 0;
  let redacted = 0;
  let lastHash = previous?.hash ?? GENESIS_HASH;
  let lastId = previous?.id ?? 0;
  try {
    await write({
      type: "header",
      format: AUDIT_EXTRACT_FORMAT,
      period: { from: p.period.from.toISOString(), to: p.period.to.toISOString() },
      tenantId: p.tenantId ?? null,
      previous: previous ? { id: previous.id, hash: previous.hash } : null,
    });
    if (first !== null && last !== null) {
      for (let after = first - 1; ;) {
        const page = await db
          .select()
          .from(auditLog)
          .where(and(gt(auditLog.id, after), lte(auditLog.id, last)))
          .orderBy(asc(auditLog.id))
          .limit(pageSize);
        if (page.length === 0) break;
        for (const r of page) {
          const line = rowOut(r, p.tenantId);
          if (line.type === "redacted") redacted++;
          await write(line);
          rows++;
        }
        after = page.at(-1)!.id;
        lastHash = page.at(-1)!.hash;
        lastId = after;
      }
    }
    const [next] = await db
      .select({ id: auditLog.id, prevHash: auditLog.prevHash })
      .from(auditLog)
      .where(gt(auditLog.id, lastId))
      .orderBy(asc(auditLog.id))
      .limit(1);
    await write({ type: "end", rows, redacted, lastHash, next: next ?? null });
  } finally {
    stream.end();
    await closed;
  }
  return { rows, redacted, firstId: rows > 0 ? first : null, lastId: rows > 0 ? lastId : null };
}

/**
 * Checks an extract line by line, as it streams past: the header, every row's link to the one
 * before, the plain hash of rows from before the log was keyed, that no unkeyed row follows a
 * keyed one, and the end line's count and last hash. Problems name the line.
 */
export class AuditExtractCheck {
  readonly problems: string[] = [];
  rows = 0;
  keyedRows = 0;
  private line = 0;
  private prev: string | null = null;
  private lastId = 0;
  private sawKeyed = false;
  private ended = false;
  private header = false;

  constructor(private readonly name: string) {}

  private bad(problem: string): void {
    // One tampered row breaks every check after it; the first few say where.
    if (this.problems.length < 5) this.problems.push(`${this.name} line ${this.line}: ${problem}`);
  }

  add(text: string): void {
    this.line++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return this.bad("is not JSON");
    }
    if (this.ended) return this.bad("follows the end line");
    if (!this.header) {
      const h = headerLine.safeParse(value);
      if (!h.success) return this.bad("is not the extract's header");
      this.header = true;
      this.prev = h.data.previous?.hash ?? GENESIS_HASH;
      this.lastId = h.data.previous?.id ?? 0;
      return;
    }
    const type = (value as { type?: unknown })?.type;
    if (type === "end") {
      const e = endLine.safeParse(value);
      if (!e.success) return this.bad("is not a valid end line");
      this.ended = true;
      if (e.data.rows !== this.rows) this.bad(`says ${e.data.rows} rows, the extract holds ${this.rows}`);
      if (e.data.lastHash !== this.prev) this.bad("names a last hash that is not the last row's");
      if (e.data.next && e.data.next.prevHash !== this.prev)
        this.bad("names a next row that does not link to the last");
      return;
    }
    const r = type === "row" ? rowLine.safeParse(value) : redactedLine.safeParse(value);
    if (!r.success) return this.bad("is not a valid row");
    const row = r.data;
    if (row.id <= this.lastId) this.bad(`row ${row.id} is out of order`);
    if (row.prevHash !== this.prev) this.bad(`row ${row.id} does not link to the row before it`);
    if (row.keyId === null) {
      if (this.sawKeyed) this.bad(`row ${row.id} has no key but follows keyed rows`);
      if (row.type === "row" && auditHash({ ...row, at: new Date(row.at) }) !== row.hash)
        this.bad(`row ${row.id}'s content does not match its hash`);
    } else {
      this.sawKeyed = true;
      this.keyedRows++;
    }
    this.prev = row.hash;
    this.lastId = row.id;
    this.rows++;
  }

  finish(): string[] {
    if (!this.header) this.problems.push(`${this.name}: has no header`);
    else if (!this.ended) this.problems.push(`${this.name}: has no end line (it was cut short)`);
    return this.problems;
  }
}
