import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db";
import { protectedResources, resources } from "@/db/schema";
import { listFindings, type FindingRow } from "@/lib/compliance/read/findings";
import { getControlCounts } from "@/lib/compliance/read/scores";
import type { ScoredStatus } from "@/lib/compliance/model/finding";
import { protectionStatus, type ProtectionStatus } from "@/lib/compliance/scoring/protection";
import { optionalAccount, optionalRegion, optionalText } from "../filters";
import {
  cursorOffset,
  decodeCursor,
  encodeCursor,
  iterateByPages,
  type TableDefinition,
  type TableScope,
} from "../table";

// Every resource that ought to be protected, unprotected first: protection is BK-01's finding
// (a plan's selection really matches it, opt-in included; before the first backup counts), the
// last backup is AWS Backup's own LastBackupTime, and the RPO status is BK-09's finding.

export const resourceFilters = z.object({
  account: optionalAccount,
  region: optionalRegion,
  resourceType: optionalText(40),
  protection: z.preprocess(
    (v) => (v === "unprotected" || v === "protected" ? v : undefined),
    z.enum(["unprotected", "protected"]).optional(),
  ),
});
export type ResourceFilters = z.infer<typeof resourceFilters>;

export interface ResourceListRow {
  resourceArn: string;
  accountId: string;
  region: string;
  resourceType: string | null;
  /** BK-01 alone: covered by a plan's selection. */
  protection: ScoredStatus;
  protectionReason: string;
  /** Protected, At risk or Unprotected, by the one rule (coverage and RPO). */
  status: ProtectionStatus;
  rpo: ScoredStatus | null;
  rpoReason: string | null;
  lastBackupAt: Date | null;
  tags: Record<string, string>;
}

const PHASES: Array<{ key: string; statuses: ScoredStatus[] }> = [
  { key: "unprotected", statuses: ["FAIL", "ERROR", "EXCEPTED"] },
  { key: "protected", statuses: ["PASS"] },
];

// (phase, rows of that phase already shown)
const CURSOR = z.tuple([
  z
    .number()
    .int()
    .min(0)
    .max(PHASES.length - 1),
  cursorOffset,
]);

async function page(db: Db, scope: TableScope, f: ResourceFilters, cursor: string | null, limit: number) {
  const [phaseAt, offsetAt] = decodeCursor(cursor, CURSOR) ?? [0, 0];
  const { controls } = await getControlCounts(db, { tenantId: scope.tenantId, asOf: scope.asOf });
  const bk01 = controls["BK-01"]?.runs[0];
  const bk09 = controls["BK-09"]?.runs[0];
  if (bk01 === undefined) return { rows: [], next: null, total: { count: 0, exact: true } };
  const phases = PHASES.filter((p) => !f.protection || p.key === f.protection);
  const base = {
    tenantId: scope.tenantId,
    asOf: scope.asOf,
    controlId: "BK-01" as const,
    runIds: [bk01],
    subjectType: "resource" as const,
    accountId: f.account,
    region: f.region,
    resourceType: f.resourceType,
  };
  const found: FindingRow[] = [];
  const totals: number[] = [];
  let last: { phase: number; consumed: number } | null = null;
  for (let i = 0; i < phases.length; i++) {
    const reading = i >= phaseAt && found.length < limit;
    const offset = i === phaseAt ? offsetAt : 0;
    // Phases before the cursor's, and after the page is full, are only counted.
    const result = await listFindings(db, {
      ...base,
      status: phases[i]!.statuses,
      limit: reading ? limit - found.length : 1,
      offset: reading ? offset : 0,
    });
    totals.push(result.total);
    if (!reading) continue;
    found.push(...result.findings);
    last = { phase: i, consumed: offset + result.findings.length };
  }
  let next: string | null = null;
  if (last && found.length >= limit) {
    if (last.consumed < totals[last.phase]!) next = encodeCursor([last.phase, last.consumed]);
    else {
      const following = totals.findIndex((t, i) => i > last!.phase && t > 0);
      if (following >= 0) next = encodeCursor([following, 0]);
    }
  }
  const total = totals.reduce((a, b) => a + b, 0);
  const arns = found.map((r) => r.subjectId);
  // A resource's row is in its own account (the finding's): the accounts are the keys' prefix,
  // so both lookups are index range scans, not scans of the tenant's 200k resources (30-80 ms).
  const accounts = [...new Set(found.map((r) => r.accountId))];
  const [tagRows, backupRows, rpo] = await Promise.all([
    arns.length
      ? db
          .select({ arn: resources.resourceArn, tags: resources.tags })
          .from(resources)
          .where(
            and(
              eq(resources.tenantId, scope.tenantId),
              inArray(resources.accountId, accounts),
              inArray(resources.resourceArn, arns),
            ),
          )
      : [],
    arns.length
      ? db
          .select({ arn: protectedResources.resourceArn, at: protectedResources.lastBackupTime })
          .from(protectedResources)
          .where(
            and(
              eq(protectedResources.tenantId, scope.tenantId),
              inArray(protectedResources.accountId, accounts),
              inArray(protectedResources.resourceArn, arns),
            ),
          )
      : [],
    bk09 !== undefined && accounts.length
      ? listFindings(db, {
          tenantId: scope.tenantId,
          asOf: scope.asOf,
          controlId: "BK-09",
          runIds: [bk09],
          subjectType: "resource",
          accountIds: accounts,
          limit: 1000,
        })
      : null,
  ]);
  const tags = new Map(tagRows.map((r) => [r.arn, r.tags]));
  const backups = new Map(backupRows.map((r) => [r.arn, r.at]));
  const rpoOf = new Map((rpo?.findings ?? []).map((r) => [`${r.accountId}|${r.region}|${r.subjectId}`, r]));
  const rows: ResourceListRow[] = found.map((r) => {
    const rp = rpoOf.get(`${r.accountId}|${r.region}|${r.subjectId}`);
    const rpoStatus = bk09 === undefined ? null : (rp?.status ?? null);
    return {
      resourceArn: r.subjectId,
      accountId: r.accountId,
      region: r.region ?? "",
      resourceType: r.resourceType,
      protection: r.status,
      protectionReason: r.reason,
      status: protectionStatus({
        coverage: r.status,
        coverageReason: r.reason,
        rpo: rpoStatus,
        rpoReason: rp?.reason ?? null,
      }),
      rpo: rp?.status ?? null,
      rpoReason: rp?.reason ?? null,
      lastBackupAt: backups.get(r.subjectId) ?? null,
      tags: tags.get(r.subjectId) ?? {},
    };
  });
  return { rows, next, total: { count: total, exact: true } };
}

export const resourcesTable: TableDefinition<ResourceFilters, ResourceListRow> = {
  name: "resources",
  title: "Resources",
  filters: resourceFilters,
  columns: [
    { key: "resource_arn", label: "Resource ARN", value: (r) => r.resourceArn },
    { key: "resource_type", label: "Type", value: (r) => r.resourceType },
    { key: "account_id", label: "Account", value: (r) => r.accountId },
    { key: "region", label: "Region", value: (r) => r.region },
    { key: "protection_status", label: "Protection status", value: (r) => r.status.label },
    { key: "protection_status_reason", label: "Protection status reason", value: (r) => r.status.reason },
    { key: "protection", label: "Covered by a plan (BK-01)", value: (r) => r.protection },
    { key: "protection_reason", label: "Protected by / why not", value: (r) => r.protectionReason },
    { key: "last_backup_at", label: "Last backup", value: (r) => r.lastBackupAt },
    { key: "rpo", label: "RPO (BK-09)", value: (r) => r.rpo },
    { key: "rpo_reason", label: "RPO detail", value: (r) => r.rpoReason },
    { key: "tags", label: "Tags", value: (r) => r.tags },
  ],
  page,
  iterate: (db, scope, f) => iterateByPages(page, db, scope, f, 500),
};
