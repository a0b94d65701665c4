import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db";
import { orgAccounts } from "@/db/schema";
import { CONTROL_IDS, SCORED_STATUSES } from "@/lib/compliance/model/finding";
import { listFindings, type FindingRow } from "@/lib/compliance/read/findings";
import { optionalAccount, optionalRegion, optionalText } from "../filters";
import {
  cursorOffset,
  decodeCursor,
  encodeCursor,
  iterateByPages,
  type TableDefinition,
  type TableScope,
} from "../table";

const CURSOR = z.tuple([cursorOffset]);

// Findings of the evaluation in force at the page's "as of" date (or the newest), filtered by
// framework, requirement, control, status, OU, account, region and resource type.

const optionalEnum = <T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.preprocess((v) => (v === "" || v === undefined ? undefined : v), z.enum(values, { error: message }).optional());

export const findingFilters = z.object({
  framework: optionalText(100),
  requirement: optionalText(100),
  control: optionalEnum(CONTROL_IDS, "Control must be BK-01 to BK-21."),
  status: optionalEnum(SCORED_STATUSES, "Status must be PASS, FAIL, NOT_APPLICABLE, ERROR or EXCEPTED."),
  ou: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .regex(/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/, "Not an OU id.")
      .optional(),
  ),
  account: optionalAccount,
  region: optionalRegion,
  resourceType: optionalText(40),
});
export type FindingFilters = z.infer<typeof findingFilters>;

/** Accounts under an OU (at any depth), from the synced tree. */
export async function accountsUnder(db: Db, tenantId: string, ouId: string): Promise<string[]> {
  const rows = await db
    .select({ accountId: orgAccounts.accountId, ouPath: orgAccounts.ouPath })
    .from(orgAccounts)
    .where(eq(orgAccounts.tenantId, tenantId));
  return rows.filter((a) => a.ouPath.includes(ouId)).map((a) => a.accountId);
}

async function page(db: Db, scope: TableScope, f: FindingFilters, cursor: string | null, limit: number) {
  const offset = decodeCursor(cursor, CURSOR)?.[0] ?? 0;
  // An OU with no accounts matches nothing (an empty list would mean "no filter").
  const ouAccounts = f.ou ? await accountsUnder(db, scope.tenantId, f.ou) : undefined;
  const result = await listFindings(db, {
    tenantId: scope.tenantId,
    asOf: scope.asOf,
    templateSlug: f.framework,
    requirementId: f.framework ? f.requirement : undefined,
    controlId: f.control,
    status: f.status,
    accountId: f.account,
    accountIds: ouAccounts ? (ouAccounts.length ? ouAccounts : ["000000000000"]) : undefined,
    region: f.region,
    resourceType: f.resourceType,
    limit,
    offset,
  });
  const next = offset + result.findings.length < result.total ? encodeCursor([offset + result.findings.length]) : null;
  return { rows: result.findings, next, total: { count: result.total, exact: true } };
}

export const findingsTable: TableDefinition<FindingFilters, FindingRow> = {
  name: "findings",
  history: true,
  title: "Findings",
  filters: findingFilters,
  columns: [
    { key: "control_id", label: "Control", value: (r) => r.controlId },
    { key: "status", label: "Status", value: (r) => r.status },
    { key: "subject_type", label: "Subject type", value: (r) => r.subjectType },
    { key: "subject_id", label: "Subject", value: (r) => r.subjectId },
    { key: "account_id", label: "Account", value: (r) => r.accountId },
    { key: "region", label: "Region", value: (r) => r.region },
    { key: "resource_type", label: "Resource type", value: (r) => r.resourceType },
    { key: "reason", label: "Reason", value: (r) => r.reason },
    { key: "since", label: "Since", value: (r) => r.since.at },
    {
      key: "exception_reason",
      label: "Exception",
      value: (r) =>
        r.exception
          ? `${r.exception.reason} (owner ${r.exception.owner}, until ${r.exception.expiresAt.toISOString().slice(0, 10)})`
          : null,
    },
  ],
  page,
  iterate: (db, scope, f) => iterateByPages(page, db, scope, f, 1000),
};
