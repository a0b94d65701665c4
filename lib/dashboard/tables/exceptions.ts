import { z } from "zod";
import type { Db } from "@/db";
import { listExceptions } from "@/lib/compliance/exceptions";
import type { ExceptionView } from "@/lib/compliance/read/exceptions-at";
import {
  cursorOffset,
  decodeCursor,
  encodeCursor,
  iterateByPages,
  type TableDefinition,
  type TableScope,
} from "../table";

const CURSOR = z.tuple([cursorOffset]);

// Accepted risks, for auditors: every exception with its state at the as-of time (default now).

export const exceptionFilters = z.object({
  state: z.preprocess(
    (v) => (["active", "expired", "revoked", "all"].includes(String(v)) ? v : "active"),
    z.enum(["active", "expired", "revoked", "all"]),
  ),
});
export type ExceptionFilters = z.infer<typeof exceptionFilters>;

async function page(db: Db, scope: TableScope, f: ExceptionFilters, cursor: string | null, limit: number) {
  const offset = decodeCursor(cursor, CURSOR)?.[0] ?? 0;
  // Exceptions are few (each one a person's decision); read them all and page in memory.
  const all = await listExceptions(db, { tenantId: scope.tenantId, at: scope.asOf ?? undefined, state: f.state });
  const rows = all.slice(offset, offset + limit);
  return {
    rows,
    next: offset + rows.length < all.length ? encodeCursor([offset + rows.length]) : null,
    total: { count: all.length, exact: true },
  };
}

export const exceptionsTable: TableDefinition<ExceptionFilters, ExceptionView> = {
  name: "exceptions",
  history: true,
  title: "Exceptions",
  filters: exceptionFilters,
  columns: [
    { key: "control_id", label: "Control", value: (x) => x.controlId },
    { key: "subject_type", label: "Subject type", value: (x) => x.subjectType },
    { key: "subject_id", label: "Subject", value: (x) => x.subjectId },
    { key: "account_id", label: "Account", value: (x) => x.accountId },
    { key: "region", label: "Region", value: (x) => x.region },
    { key: "reason", label: "Reason", value: (x) => x.reason },
    { key: "owner", label: "Owner", value: (x) => x.owner },
    { key: "expires_at", label: "Expires", value: (x) => x.expiresAt },
    { key: "state", label: "State", value: (x) => x.state },
    { key: "created_at", label: "Accepted at", value: (x) => x.createdAt },
    { key: "created_by", label: "Accepted by", value: (x) => x.createdByEmail },
    { key: "revoked_at", label: "Revoked at", value: (x) => x.revokedAt },
    { key: "revoked_by", label: "Revoked by", value: (x) => x.revokedByEmail },
    { key: "revoke_reason", label: "Revoke reason", value: (x) => x.revokeReason },
  ],
  page,
  iterate: (db, scope, f) => iterateByPages(page, db, scope, f, 1000),
};
