import type { Db } from "@/db";
import { clock } from "@/lib/clock";
import { invalid } from "@/lib/errors";
import { csvRow } from "@/lib/reports/csv";
import { periodAsOf, type ReportPeriod } from "@/lib/reports/period";
import { fieldErrorsOf } from "@/lib/validation/common";
import { auditManagerReportFields } from "@/lib/validation/audit-manager-report";
import { AUDIT_MANAGER_COLUMNS, type AuditManagerTemplate, type ReportValue } from "./columns";
import { controlComplianceRows, resourceComplianceRows } from "./compliance-rows";
import { backupJobRows, copyJobRows, restoreJobRows } from "./job-rows";

// An AWS Backup Audit Manager report file of a tenant, for any accounts, regions and period, in
// AWS's layout: CSV is a header row of AWS's column names then one record per item (every cell
// through csvCell, the product's one CSV rule); JSON is AWS's `{"reportItems": [ … ]}` with every
// column in every item, null where we have no value. Rows stream a page at a time, honouring the
// output's backpressure, so a report over millions of jobs never sits in memory.

export interface AuditManagerReportInput {
  tenantId: string;
  template: AuditManagerTemplate;
  period: ReportPeriod;
  accountIds?: string[];
  regions?: string[];
  format: "csv" | "json";
}

type Rows = AsyncIterable<Array<Record<string, ReportValue>>>;

function rowsOf(db: Db, p: AuditManagerReportInput): Rows {
  const scope = { tenantId: p.tenantId, accountIds: p.accountIds, regions: p.regions };
  switch (p.template) {
    case "BACKUP_JOB_REPORT":
      return backupJobRows(db, { ...scope, period: p.period });
    case "COPY_JOB_REPORT":
      return copyJobRows(db, { ...scope, period: p.period });
    case "RESTORE_JOB_REPORT":
      return restoreJobRows(db, { ...scope, period: p.period });
    case "CONTROL_COMPLIANCE_REPORT":
      return controlComplianceRows(db, { ...scope, asOf: periodAsOf(p.period, clock.now()) });
    case "RESOURCE_COMPLIANCE_REPORT":
      return resourceComplianceRows(db, { ...scope, asOf: periodAsOf(p.period, clock.now()) });
  }
}

function validPeriod(period: unknown): period is ReportPeriod {
  const p = period as ReportPeriod | null;
  return (
    !!p &&
    p.from instanceof Date &&
    p.to instanceof Date &&
    !isNaN(p.from.getTime()) &&
    p.to.getTime() > p.from.getTime()
  );
}

/** Writes `text`, waiting for the stream to drain when its buffer is full. */
function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (out.write(text)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      out.removeListener("drain", onDrain);
      out.removeListener("error", done);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    out.once("drain", onDrain);
    out.once("error", done);
  });
}

/** Streams the report to `out` (which it leaves open) and says how many items it wrote. */
export async function writeAuditManagerReport(
  db: Db,
  p: AuditManagerReportInput,
  out: NodeJS.WritableStream,
): Promise<{ rows: number }> {
  const fields = auditManagerReportFields.safeParse({
    template: p.template,
    format: p.format,
    accountIds: p.accountIds,
    regions: p.regions,
  });
  if (!fields.success) throw invalid("Invalid Audit Manager report request.", fieldErrorsOf(fields.error));
  if (!validPeriod(p.period))
    throw invalid("Invalid Audit Manager report request.", { period: "period must be a parsed report period" });
  const input: AuditManagerReportInput = {
    ...p,
    accountIds: fields.data.accountIds?.length ? [...new Set(fields.data.accountIds)] : undefined,
    regions: fields.data.regions?.length ? [...new Set(fields.data.regions)] : undefined,
  };
  const columns: readonly string[] = AUDIT_MANAGER_COLUMNS[input.template];
  let rows = 0;
  await write(out, input.format === "csv" ? csvRow([...columns]) : `{"reportItems":[`);
  for await (const page of rowsOf(db, input)) {
    const text =
      input.format === "csv"
        ? page.map((row) => csvRow(columns.map((c) => row[c] ?? null))).join("")
        : page
            .map((row, i) => {
              const item = JSON.stringify(Object.fromEntries(columns.map((c) => [c, row[c] ?? null])));
              return rows + i === 0 ? `\n${item}` : `,\n${item}`;
            })
            .join("");
    rows += page.length;
    await write(out, text);
  }
  if (input.format === "json") await write(out, rows ? "\n]}\n" : "]}\n");
  return { rows };
}
