// Exceptions as they stood at a time: what the readers and the evaluation apply as EXCEPTED.
import { and, eq, lte } from "drizzle-orm";
import type { Conn } from "@/db";
import { complianceExceptions, type ComplianceException } from "@/db/schema";
import type { Queryable } from "@/lib/compliance/load/load-snapshot";

export type ExceptionState = "active" | "expired" | "revoked" | "future";

export interface ExceptionView {
  id: string;
  findingKey: string;
  controlId: string;
  subjectType: string;
  subjectId: string;
  accountId: string;
  region: string;
  reason: string;
  owner: string;
  expiresAt: Date;
  createdAt: Date;
  createdByEmail: string | null;
  revokedAt: Date | null;
  revokedByEmail: string | null;
  revokeReason: string | null;
  /** At the time asked about. */
  state: ExceptionState;
}

export function stateAt(x: ComplianceException, at: Date): ExceptionState {
  if (x.createdAt > at) return "future";
  if (x.revokedAt && x.revokedAt <= at) return "revoked";
  if (x.expiresAt <= at) return "expired";
  return "active";
}

export const exceptionView = (x: ComplianceException, at: Date): ExceptionView => ({
  id: x.id,
  findingKey: x.findingKey,
  controlId: x.controlId,
  subjectType: x.subjectType,
  subjectId: x.subjectId,
  accountId: x.accountId,
  region: x.region,
  reason: x.reason,
  owner: x.owner,
  expiresAt: x.expiresAt,
  createdAt: x.createdAt,
  createdByEmail: x.createdByEmail,
  revokedAt: x.revokedAt,
  revokedByEmail: x.revokedByEmail,
  revokeReason: x.revokeReason,
  state: stateAt(x, at),
});

/** Exceptions that existed at `at` (created by then), with their state then. */
export async function listExceptionsAt(db: Conn, p: { tenantId: string; at: Date }): Promise<ExceptionView[]> {
  const rows = await db
    .select()
    .from(complianceExceptions)
    .where(and(eq(complianceExceptions.tenantId, p.tenantId), lte(complianceExceptions.createdAt, p.at)));
  return rows.map((x) => exceptionView(x, p.at));
}

/** Finding keys (control|subject type|subject id) with an exception in force at `at`. */
export async function activeExceptionKeys(db: Queryable, p: { tenantId: string; at: Date }): Promise<Set<string>> {
  const res = await db.query(
    `select finding_key from compliance_exceptions where tenant_id = $1 and created_at <= $2 and expires_at > $2 and (revoked_at is null or revoked_at > $2)`,
    [p.tenantId, p.at],
  );
  return new Set(res.rows.map((r) => r.finding_key as string));
}
