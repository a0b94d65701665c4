import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db";
import { AIR_GAPPED_VAULT_TYPE } from "@/db/recovery-point-state";
import { assessedResources, withRestoreFacts } from "../queries/recovery-readiness";
import { optionalText } from "../filters";
import {
  CursorError,
  cursorTime,
  decodeCursor,
  encodeCursor,
  iterateByPages,
  type TableDefinition,
  type TableScope,
} from "../table";

// The "if we are hit" table of one account (lib/dashboard/queries/recovery-readiness.ts reads
// it): what can be restored, from where, whether it is clean, who must approve, and whether a
// restore of it was ever validated.

const choice = <T extends string>(values: readonly [T, ...T[]]) =>
  z.preprocess((v) => (values.includes(v as T) ? v : undefined), z.enum(values).optional());

export const recoveryReadinessFilters = z.object({
  account: z.string({ error: "Account must be a 12-digit account ID." }).regex(/^\d{12}$/, {
    error: "Account must be a 12-digit account ID.",
  }),
  resourceType: optionalText(40),
  /** "no": not recoverable clean (no clean point at all). */
  clean: choice(["yes", "no"]),
  /** "yes": only resources tagged as critical. */
  critical: choice(["yes", "no"]),
  /** clean: by the newest clean point, none first, then oldest (riskiest first); resource: by ARN. */
  sort: z.preprocess((v) => (v === "resource" ? "resource" : "clean"), z.enum(["clean", "resource"])),
  dir: z.preprocess((v) => (v === "desc" ? "desc" : "asc"), z.enum(["asc", "desc"])),
});
export type RecoveryReadinessFilters = z.infer<typeof recoveryReadinessFilters>;

/**
 * A resource's state if it had to be restored now: clean (its newest scanned point is clean),
 * infected (a point newer than its newest clean one has threats), none-clean (points were scanned,
 * none clean), never-scanned (it has points, none scanned), no-point (nothing to restore).
 */
export type Readiness = "clean" | "infected" | "none-clean" | "never-scanned" | "no-point";

export interface ApprovalShare {
  principal: string;
  external: boolean;
}

/** The point a restore would start from: the newest clean one, else the newest usable one. */
export interface RestorePoint {
  recoveryPointArn: string;
  createdAt: Date;
  accountId: string;
  region: string;
  vaultName: string;
  vaultArn: string;
  vaultType: string | null;
  airGapped: boolean;
  /** In another account than the resource's (a cross-account copy). */
  otherAccount: boolean;
  /** A malware scan found it clean; false: no point of the resource is known clean. */
  clean: boolean;
  /** AWS deletes it once its copy completes (Lifecycle.DeleteAfterEvent DELETE_AFTER_COPY). */
  deleteAfterCopy: boolean;
  mpaApprovalTeamArn: string | null;
  shares: ApprovalShare[];
}

export interface RecoveryReadinessRow {
  resourceArn: string;
  resourceType: string;
  /** The region of the unit that lists the resource. */
  region: string;
  accountId: string;
  critical: boolean;
  readiness: Readiness;
  newestPointAt: Date | null;
  newestInfectedAt: Date | null;
  /** The newest clean point (null: none). */
  clean: RestorePoint | null;
  /** Where a restore would start from: the clean point, or without one the newest usable point. */
  point: RestorePoint | null;
  newestAirGappedAt: Date | null;
  validatedRestore: { restoreJobId: string; accountId: string; region: string; at: Date } | null;
  /** A failed or timed-out validation newer than the last validated restore (or with none). */
  failedValidation: { restoreJobId: string; status: string; at: Date } | null;
}

export function readinessOf(r: {
  newestAt: Date | null;
  cleanAt: Date | null;
  infectedAt: Date | null;
  scanned: boolean;
}): Readiness {
  if (!r.newestAt) return "no-point";
  if (r.cleanAt) return r.infectedAt && r.infectedAt > r.cleanAt ? "infected" : "clean";
  return r.scanned ? "none-clean" : "never-scanned";
}

/** Who must approve a restore from where the restore point lives, in words. */
export function approvalOf(p: Pick<RestorePoint, "mpaApprovalTeamArn" | "shares" | "accountId">): string {
  const parts: string[] = [];
  if (p.mpaApprovalTeamArn) parts.push(`multi-party approval team ${p.mpaApprovalTeamArn}`);
  if (p.shares.length)
    parts.push(
      `shared through AWS RAM with ${p.shares.map((s) => s.principal + (s.external ? " (external)" : "")).join(", ")}`,
    );
  return parts.length ? parts.join("; ") : `IAM of account ${p.accountId}`;
}

interface Raw {
  resource_arn: string;
  region: string;
  resource_type: string;
  critical: boolean;
  newest_at: Date | null;
  infected_at: Date | null;
  scanned: boolean;
  air_gapped_at: Date | null;
  clean_arn: string | null;
  clean_at: Date | null;
  point_arn: string | null;
  point_at: Date | null;
  point_account_id: string | null;
  point_region: string | null;
  point_vault_name: string | null;
  point_vault_arn: string | null;
  point_vault_type: string | null;
  point_delete_after_event: string | null;
  sort_at: Date | string;
  total: number;
  mpa_approval_team_arn: string | null;
  shares: ApprovalShare[] | null;
  validated_job_id: string | null;
  validated_account_id: string | null;
  validated_region: string | null;
  validated_at: Date | null;
  failed_job_id: string | null;
  failed_status: string | null;
  failed_at: Date | null;
}

const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

function toRow(r: Raw, accountId: string): RecoveryReadinessRow {
  const cleanAt = date(r.clean_at);
  const pointAt = date(r.point_at);
  const point: RestorePoint | null =
    r.point_arn && pointAt
      ? {
          recoveryPointArn: r.point_arn,
          createdAt: pointAt,
          accountId: r.point_account_id!,
          region: r.point_region!,
          vaultName: r.point_vault_name!,
          vaultArn: r.point_vault_arn!,
          vaultType: r.point_vault_type,
          airGapped: r.point_vault_type === AIR_GAPPED_VAULT_TYPE,
          otherAccount: r.point_account_id !== accountId,
          clean: r.clean_arn !== null,
          deleteAfterCopy: r.point_delete_after_event === "DELETE_AFTER_COPY",
          mpaApprovalTeamArn: r.mpa_approval_team_arn,
          shares: r.shares ?? [],
        }
      : null;
  return {
    resourceArn: r.resource_arn,
    resourceType: r.resource_type,
    region: r.region,
    accountId,
    critical: r.critical,
    readiness: readinessOf({
      newestAt: date(r.newest_at),
      cleanAt,
      infectedAt: date(r.infected_at),
      scanned: r.scanned,
    }),
    newestPointAt: date(r.newest_at),
    newestInfectedAt: date(r.infected_at),
    clean: point?.clean && cleanAt ? point : null,
    point,
    newestAirGappedAt: date(r.air_gapped_at),
    validatedRestore:
      r.validated_job_id && r.validated_at
        ? {
            restoreJobId: r.validated_job_id,
            accountId: r.validated_account_id!,
            region: r.validated_region!,
            at: date(r.validated_at)!,
          }
        : null,
    failedValidation:
      r.failed_job_id && r.failed_at
        ? { restoreJobId: r.failed_job_id, status: r.failed_status!, at: date(r.failed_at)! }
        : null,
  };
}

// (sort, clean point time or null for none, resource ARN): a cursor of another sort is refused.
const CURSOR = z.tuple([z.enum(["clean", "resource"]), z.union([cursorTime, z.null()]), z.string().max(2048)]);

async function page(db: Db, scope: TableScope, f: RecoveryReadinessFilters, cursor: string | null, limit: number) {
  const after = decodeCursor(cursor, CURSOR);
  if (after && after[0] !== f.sort) throw new CursorError();
  const base = { tenantId: scope.tenantId, accountId: f.account, resourceType: f.resourceType, critical: f.critical };
  const cmp = f.dir === "asc" ? sql`>` : sql`<`;
  const dir = f.dir === "asc" ? sql`asc` : sql`desc`;
  const where = [sql`true`];
  if (f.clean === "no") where.push(sql`a.clean_arn is null`);
  if (f.clean === "yes") where.push(sql`a.clean_arn is not null`);
  let order;
  if (f.sort === "resource") {
    order = sql`resource_arn ${dir}`;
    if (after) where.push(sql`a.resource_arn ${cmp} ${after[2]}`);
  } else {
    order = sql`sort_at ${dir}, resource_arn ${dir}`;
    if (after)
      where.push(sql`(a.sort_at, a.resource_arn) ${cmp} (${after[1] ?? sql`'-infinity'::timestamptz`}, ${after[2]})`);
  }
  const chosen = sql`
    select a.*, count(*) over () as total from (${assessedResources(base)}) a
     where ${sql.join(where, sql` and `)}
     order by ${order}
     limit ${limit + 1}`;
  const res = await db.execute<Raw & Record<string, unknown>>(withRestoreFacts(scope.tenantId, chosen, order));
  const more = res.rows.length > limit;
  const shown = more ? res.rows.slice(0, limit) : res.rows;
  const last = shown[shown.length - 1];
  const lastAt = last ? date(last.clean_at) : null;
  return {
    rows: shown.map((r) => toRow(r, f.account)),
    next: more && last ? encodeCursor([f.sort, lastAt ? lastAt.toISOString() : null, last.resource_arn]) : null,
    total: cursor ? null : { count: Number(res.rows[0]?.total ?? 0), exact: true },
  };
}

const VAULT_WORDS: Record<string, string> = {
  [AIR_GAPPED_VAULT_TYPE]: "air-gapped",
  BACKUP_VAULT: "standard",
  RESTORE_ACCESS_BACKUP_VAULT: "restore access",
};
export const vaultWord = (type: string | null) => (type ? (VAULT_WORDS[type] ?? type.toLowerCase()) : "unknown");

export const READINESS_WORDS: Record<Readiness, string> = {
  clean: "clean",
  infected: "infected, older clean point",
  "none-clean": "none scanned clean",
  "never-scanned": "never scanned",
  "no-point": "no recovery point",
};

export const recoveryReadinessTable: TableDefinition<RecoveryReadinessFilters, RecoveryReadinessRow> = {
  name: "recovery-readiness",
  title: "Recovery readiness",
  filters: recoveryReadinessFilters,
  columns: [
    { key: "resource_arn", label: "Resource ARN", value: (r) => r.resourceArn },
    { key: "resource_type", label: "Type", value: (r) => r.resourceType },
    { key: "account_id", label: "Account", value: (r) => r.accountId },
    { key: "region", label: "Region", value: (r) => r.region },
    { key: "critical", label: "Critical", value: (r) => r.critical },
    { key: "readiness", label: "Clean state", value: (r) => READINESS_WORDS[r.readiness] },
    { key: "newest_clean_at", label: "Newest clean point", value: (r) => r.clean?.createdAt ?? null },
    { key: "newest_point_at", label: "Newest recovery point", value: (r) => r.newestPointAt },
    { key: "newest_infected_at", label: "Newest infected point", value: (r) => r.newestInfectedAt },
    {
      key: "clean_recovery_point_arn",
      label: "Clean recovery point ARN",
      value: (r) => r.clean?.recoveryPointArn ?? null,
    },
    {
      key: "restore_point",
      label: "Restore from",
      value: (r) => (r.point ? (r.point.clean ? "newest clean point" : "newest point, not known clean") : null),
    },
    { key: "restore_point_arn", label: "Restore point ARN", value: (r) => r.point?.recoveryPointArn ?? null },
    { key: "vault_name", label: "Vault", value: (r) => r.point?.vaultName ?? null },
    { key: "vault_type", label: "Vault type", value: (r) => (r.point ? vaultWord(r.point.vaultType) : null) },
    { key: "vault_region", label: "Vault region", value: (r) => r.point?.region ?? null },
    { key: "vault_account_id", label: "Vault account", value: (r) => r.point?.accountId ?? null },
    { key: "other_account", label: "In another account", value: (r) => r.point?.otherAccount ?? null },
    { key: "delete_after_copy", label: "Deleted after copy", value: (r) => r.point?.deleteAfterCopy ?? null },
    { key: "restore_approval", label: "Who approves a restore", value: (r) => (r.point ? approvalOf(r.point) : null) },
    { key: "mpa_approval_team_arn", label: "Approval team", value: (r) => r.point?.mpaApprovalTeamArn ?? null },
    {
      key: "shared_with",
      label: "Shared with (RAM)",
      value: (r) => r.point?.shares.map((s) => (s.external ? `${s.principal} (external)` : s.principal)) ?? null,
    },
    { key: "newest_air_gapped_at", label: "Newest air-gapped point", value: (r) => r.newestAirGappedAt },
    { key: "validated_restore_at", label: "Last validated restore", value: (r) => r.validatedRestore?.at ?? null },
    {
      key: "validated_restore_job_id",
      label: "Validated restore job",
      value: (r) => r.validatedRestore?.restoreJobId ?? null,
    },
    { key: "failed_validation_at", label: "Newer failed validation", value: (r) => r.failedValidation?.at ?? null },
    {
      key: "failed_validation_status",
      label: "Failed validation status",
      value: (r) => r.failedValidation?.status ?? null,
    },
  ],
  page,
  iterate: (db, scope, f) => iterateByPages(page, db, scope, f, 500),
};
