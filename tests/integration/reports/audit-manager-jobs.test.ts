import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backupJobs,
  backupPlans,
  backupRules,
  backupVaults,
  copyJobs,
  protectedResources,
  recoveryPoints,
  restoreJobs,
} from "@/db/schema";
import { AppError } from "@/lib/errors";
import { backupJobRows } from "@/lib/reports/audit-manager/job-rows";
import { writeAuditManagerReport, type AuditManagerReportInput } from "@/lib/reports/audit-manager/write-report";
import { parsePeriod } from "@/lib/reports/period";
import { readCsv } from "../../helpers/csv-read";
import { testDb } from "../../helpers/db";

// The three jobs reports over a world with known answers: jobs just inside and just outside
// each bound of the period, active and ended ones, two accounts, two regions and a second tenant.
// The header is AWS's documented column list, spelled out here from the AWS Backup Developer
// Guide ("Choosing your report template"), not imported from the code under test.

const handle = testDb();
const db = handle.db;
const T = randomUUID();
const OTHER = randomUUID();
const A = "111111111111";
const B = "222222222222";
const EU = "eu-west-1";
const US = "us-east-1";
const period = parsePeriod("2026-05-10", "2026-05-12");
const t = (iso: string) => new Date(iso);

const DOCUMENTED = {
  BACKUP_JOB_REPORT:
    "reportTimePeriodStart,reportTimePeriodEnd,accountId,region,backupJobId,jobStatus,resourceType,resourceArn,resourceName,backupPlanArn,backupRuleId,initiationDate,backupPlanName,backupRuleName,backupRuleSchedule,backupRuleTimezone,startWindowEnd,backupOptions,isParentJob,parentJobId,creationDate,completionDate,recoveryPointArn,jobRunTime,backupSizeInBytes,backupVaultName,backupVaultArn,vaultType,vaultLockStatus,isEncrypted,encryptionKeyArn,deleteAfterDays,moveToColdAfterDays,enableArchive,iamRoleArn",
  COPY_JOB_REPORT:
    "reportTimePeriodStart,reportTimePeriodEnd,accountId,region,copyJobId,jobStatus,jobRunTime,resourceType,resourceArn,resourceName,initiationDate,backupPlanName,backupRuleName,backupRuleSchedule,backupRuleTimezone,startWindowEnd,backupOptions,isParentJob,parentJobId,creationDate,completionDate,backupSizeInBytes,sourceRecoveryPointArn,sourceBackupVaultArn,destinationRecoveryPointArn,destinationBackupVaultArn,vaultType,vaultLockStatus,isEncrypted,encryptionKeyArn,deleteAfterDays,moveToColdAfterDays,enableArchive,iamRoleArn",
  RESTORE_JOB_REPORT:
    "reportTimePeriod,accountId,region,restoreJobId,jobStatus,recoveryPointArn,resourceName,initiationDate,backupPlanName,backupRuleName,backupRuleSchedule,backupRuleTimezone,startWindowEnd,backupOptions,isParentJob,parentJobId,vaultType,vaultLockStatus,isEncrypted,encryptionKeyArn,deleteAfterDays,moveToColdAfterDays,enableArchive,sourceResourceArn,backupVaultArn,creationDate,backupSizeInBytes,percentDone,iamRoleArn",
} as const;
type JobTemplate = keyof typeof DOCUMENTED;

const vaultArn = (account: string, region: string, name: string) =>
  `arn:aws:backup:${region}:${account}:backup-vault:${name}`;
const rpArn = (account: string, region: string, id: string) =>
  `arn:aws:backup:${region}:${account}:recovery-point:${id}`;
const VOLUME = `arn:aws:ec2:${EU}:${A}:volume/vol-0abc`;
const ROLE = `arn:aws:iam::${A}:role/service-role/AWSBackupDefaultServiceRole`;
const KEY = `arn:aws:kms:${EU}:${A}:key/1111`;
const DEST_KEY = `arn:aws:kms:${US}:${A}:key/2222`;

function backupJob(id: string, created: string, state: string, completed: string | null, more: object = {}) {
  return {
    tenantId: T,
    accountId: A,
    region: EU,
    backupJobId: id,
    creationDate: t(created),
    state,
    completionDate: completed ? t(completed) : null,
    resourceArn: VOLUME,
    resourceType: "EBS",
    backupVaultName: "Main",
    isParent: false,
    ...more,
  };
}

// Which backup jobs the period holds, and why.
const IN = [
  "finished-at-start", // ended at 00:00:00.000 of the first day
  "created-before-finished-in", // started the evening before, ended inside
  "in-completed",
  "in-issue", // COMPLETED with a message category: AWS's report shows COMPLETED
  "expired-no-completion-in", // ended without a completion date, created inside
  "finished-after-end", // still running at the period's end
  "running-last-ms", // created in the period's last millisecond, still running
  "running-old", // created 9 days before, still running (active)
  "b-in", // account B
  "us-in", // us-east-1
];
const OUT = [
  "finished-before", // ended in the last millisecond before the period
  "created-at-end", // created at the first instant after the period
  "running-too-old", // "running" 35 days before the period: AWS no longer lists it
  "expired-no-completion-before",
];

beforeAll(async () => {
  await db.execute(sql`select ensure_job_partitions(${t("2026-03-01T00:00:00Z")}, ${t("2026-06-30T00:00:00Z")})`);
  await db.insert(backupPlans).values({
    tenantId: T,
    accountId: A,
    region: EU,
    planId: "plan-1",
    planArn: `arn:aws:backup:${EU}:${A}:backup-plan:plan-1`,
    planName: "Daily",
    versionId: "v2",
    orgManaged: false,
    advancedBackupSettings: [],
  });
  const rule = {
    tenantId: T,
    accountId: A,
    region: EU,
    planId: "plan-1",
    ruleId: "rule-1",
    position: 0,
    targetBackupVaultName: "Main",
    scheduleExpression: "cron(0 5 ? * * *)",
    scheduleExpressionTimezone: "Europe/Dublin",
    copyActions: [],
    enableContinuousBackup: false,
    recoveryPointTags: {},
  };
  await db.insert(backupRules).values([
    {
      ...rule,
      versionId: "v1",
      ruleName: "OldName",
      lifecycle: { moveToColdStorageAfterDays: null, deleteAfterDays: 7, optInToArchiveForSupportedResources: false },
    },
    {
      ...rule,
      versionId: "v2",
      ruleName: "DailyBackups",
      lifecycle: { moveToColdStorageAfterDays: 30, deleteAfterDays: 365, optInToArchiveForSupportedResources: true },
    },
  ]);
  const vault = { tenantId: T, numberOfRecoveryPoints: 1, notificationEvents: [], vaultType: "BACKUP_VAULT" };
  await db.insert(backupVaults).values([
    {
      ...vault,
      accountId: A,
      region: EU,
      vaultName: "Main",
      vaultArn: vaultArn(A, EU, "Main"),
      locked: false,
      encryptionKeyArn: KEY,
    },
    {
      ...vault,
      accountId: A,
      region: US,
      vaultName: "Copy",
      vaultArn: vaultArn(A, US, "Copy"),
      locked: true,
      encryptionKeyArn: DEST_KEY,
    },
  ]);
  const point = {
    tenantId: T,
    resourceArn: VOLUME,
    resourceType: "EBS",
    status: "COMPLETED",
    isParent: false,
  };
  await db.insert(recoveryPoints).values([
    {
      ...point,
      accountId: A,
      region: EU,
      recoveryPointArn: rpArn(A, EU, "rp-1"),
      backupVaultName: "Main",
      backupVaultArn: vaultArn(A, EU, "Main"),
      creationDate: t("2026-05-10T01:00:00Z"),
      isEncrypted: true,
      encryptionKeyArn: KEY,
      deleteAfterDays: 35,
      moveToColdStorageAfterDays: null,
      optInToArchive: false,
      backupPlanId: "plan-1",
      backupRuleId: "rule-1",
    },
    {
      ...point,
      accountId: A,
      region: US,
      recoveryPointArn: rpArn(A, US, "rp-copy"),
      backupVaultName: "Copy",
      backupVaultArn: vaultArn(A, US, "Copy"),
      creationDate: t("2026-05-11T02:00:00Z"),
      isEncrypted: true,
      encryptionKeyArn: DEST_KEY,
      deleteAfterDays: 90,
      moveToColdStorageAfterDays: null,
      optInToArchive: false,
    },
  ]);
  await db.insert(protectedResources).values({
    tenantId: T,
    accountId: A,
    region: EU,
    resourceArn: VOLUME,
    resourceType: "EBS",
    resourceName: "data-volume",
  });
  await db.insert(backupJobs).values([
    backupJob("in-completed", "2026-05-10T01:00:00.000Z", "COMPLETED", "2026-05-10T01:22:20.500Z", {
      backupPlanId: "plan-1",
      backupRuleId: "rule-1",
      recoveryPointArn: rpArn(A, EU, "rp-1"),
      backupSizeBytes: 8589934592,
      iamRoleArn: ROLE,
      messageCategory: "SUCCESS",
    }),
    backupJob("in-issue", "2026-05-11T04:00:00Z", "COMPLETED", "2026-05-11T04:10:00Z", {
      messageCategory: "ACCESS_DENIED",
      statusMessage: "Some files were skipped",
    }),
    backupJob("finished-before", "2026-05-09T22:00:00Z", "COMPLETED", "2026-05-09T23:59:59.999Z"),
    backupJob("finished-at-start", "2026-05-09T23:00:00Z", "FAILED", "2026-05-10T00:00:00.000Z"),
    backupJob("created-before-finished-in", "2026-05-09T20:00:00Z", "COMPLETED", "2026-05-10T03:00:00Z"),
    backupJob("finished-after-end", "2026-05-12T23:00:00Z", "COMPLETED", "2026-05-13T01:00:00Z"),
    backupJob("created-at-end", "2026-05-13T00:00:00.000Z", "RUNNING", null),
    backupJob("running-last-ms", "2026-05-12T23:59:59.999Z", "RUNNING", null),
    backupJob("running-old", "2026-05-01T00:00:00Z", "RUNNING", null),
    backupJob("running-too-old", "2026-04-05T00:00:00Z", "RUNNING", null),
    backupJob("expired-no-completion-in", "2026-05-11T00:00:00Z", "EXPIRED", null),
    backupJob("expired-no-completion-before", "2026-05-08T00:00:00Z", "EXPIRED", null),
    backupJob("b-in", "2026-05-11T00:00:00Z", "COMPLETED", "2026-05-11T00:30:00Z", { accountId: B }),
    backupJob("us-in", "2026-05-11T00:00:00Z", "COMPLETED", "2026-05-11T00:30:00Z", { region: US }),
    { ...backupJob("in-completed", "2026-05-10T01:00:00.000Z", "COMPLETED", "2026-05-10T02:00:00Z"), tenantId: OTHER },
  ]);
  const copy = {
    tenantId: T,
    accountId: A,
    region: EU,
    resourceArn: VOLUME,
    resourceType: "EBS",
    sourceBackupVaultArn: vaultArn(A, EU, "Main"),
    sourceRecoveryPointArn: rpArn(A, EU, "rp-1"),
    destinationBackupVaultArn: vaultArn(A, US, "Copy"),
  };
  await db.insert(copyJobs).values([
    {
      ...copy,
      copyJobId: "copy-in",
      creationDate: t("2026-05-11T01:00:00Z"),
      completionDate: t("2026-05-11T02:00:05Z"),
      state: "COMPLETED",
      destinationRecoveryPointArn: rpArn(A, US, "rp-copy"),
      backupSizeBytes: 1024,
      iamRoleArn: ROLE,
    },
    {
      ...copy,
      copyJobId: "copy-before",
      creationDate: t("2026-05-09T01:00:00Z"),
      completionDate: t("2026-05-09T02:00:00Z"),
      state: "COMPLETED",
    },
  ]);
  const restore = {
    tenantId: T,
    accountId: A,
    region: EU,
    recoveryPointArn: rpArn(A, EU, "rp-1"),
    resourceType: "EBS",
  };
  await db.insert(restoreJobs).values([
    {
      ...restore,
      restoreJobId: "restore-in",
      creationDate: t("2026-05-12T10:00:00Z"),
      completionDate: t("2026-05-12T10:30:00Z"),
      status: "COMPLETED",
      sourceResourceArn: VOLUME,
      iamRoleArn: ROLE,
    },
    { ...restore, restoreJobId: "restore-after", creationDate: t("2026-05-13T00:00:00Z"), status: "RUNNING" },
  ]);
});
afterAll(() => handle.close());

class Sink extends Writable {
  text = "";
  constructor(highWaterMark = 16_384) {
    super({ highWaterMark });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.text += chunk.toString("utf8");
    // Slower than the writer, so a small buffer makes it wait for "drain".
    setImmediate(done);
  }
}

async function report(
  template: JobTemplate,
  format: "csv" | "json",
  more: Partial<AuditManagerReportInput> = {},
  sink = new Sink(),
) {
  const { rows } = await writeAuditManagerReport(db, { tenantId: T, template, period, format, ...more }, sink);
  // The writer leaves its output open; what it wrote is all there once the stream finishes.
  await new Promise<void>((resolve, reject) => sink.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return { rows, text: sink.text };
}

function csvRecords(text: string) {
  const [header, ...records] = readCsv(text).map((r) => r.map((f) => f.text));
  return { header: header!, records };
}

describe("jobs reports", () => {
  it.each(Object.keys(DOCUMENTED) as JobTemplate[])(
    "%s: the CSV header is AWS's documented column list",
    async (template) => {
      const { header, records } = csvRecords((await report(template, "csv")).text);
      expect(header.join(",")).toBe(DOCUMENTED[template]);
      for (const r of records) expect(r.length).toBe(header.length);
    },
  );

  it("BACKUP_JOB_REPORT holds exactly the jobs of the period, whatever the format", async () => {
    const csv = await report("BACKUP_JOB_REPORT", "csv");
    const { header, records } = csvRecords(csv.text);
    const ids = records.map((r) => r[header.indexOf("backupJobId")]);
    expect([...ids].sort()).toEqual([...IN].sort());
    expect(csv.rows).toBe(IN.length);
    expect(ids.some((id) => OUT.includes(id!))).toBe(false);
    const json = JSON.parse((await report("BACKUP_JOB_REPORT", "json")).text);
    expect(json.reportItems.map((i: { backupJobId: string }) => i.backupJobId)).toEqual(ids);
  });

  it("filters by accounts and by regions", async () => {
    const ids = async (more: Partial<AuditManagerReportInput>) => {
      const json = JSON.parse((await report("BACKUP_JOB_REPORT", "json", more)).text);
      return json.reportItems.map((i: { backupJobId: string }) => i.backupJobId).sort();
    };
    expect(await ids({ accountIds: [B] })).toEqual(["b-in"]);
    expect(await ids({ regions: [US] })).toEqual(["us-in"]);
    expect(await ids({ accountIds: [A], regions: [EU] })).toEqual(
      IN.filter((i) => i !== "b-in" && i !== "us-in").sort(),
    );
    expect(await ids({ accountIds: ["333333333333"] })).toEqual([]);
  });

  it("BACKUP_JOB_REPORT JSON: AWS's shape, typed values, the job's plan, rule, vault and recovery point", async () => {
    const json = JSON.parse((await report("BACKUP_JOB_REPORT", "json")).text);
    expect(Object.keys(json)).toEqual(["reportItems"]);
    for (const item of json.reportItems) expect(Object.keys(item).join(",")).toBe(DOCUMENTED.BACKUP_JOB_REPORT);
    const item = json.reportItems.find((i: { backupJobId: string }) => i.backupJobId === "in-completed");
    expect(item).toEqual({
      reportTimePeriodStart: "2026-05-10T00:00:00Z",
      reportTimePeriodEnd: "2026-05-13T00:00:00Z",
      accountId: A,
      region: EU,
      backupJobId: "in-completed",
      jobStatus: "COMPLETED",
      resourceType: "EBS",
      resourceArn: VOLUME,
      resourceName: "data-volume",
      backupPlanArn: `arn:aws:backup:${EU}:${A}:backup-plan:plan-1`,
      backupRuleId: "rule-1",
      initiationDate: null,
      backupPlanName: "Daily",
      backupRuleName: "DailyBackups",
      backupRuleSchedule: "cron(0 5 ? * * *)",
      backupRuleTimezone: "Europe/Dublin",
      startWindowEnd: null,
      backupOptions: null,
      isParentJob: false,
      parentJobId: null,
      creationDate: "2026-05-10T01:00:00.000Z",
      completionDate: "2026-05-10T01:22:20.500Z",
      recoveryPointArn: rpArn(A, EU, "rp-1"),
      jobRunTime: "00:22:20",
      backupSizeInBytes: 8589934592,
      backupVaultName: "Main",
      backupVaultArn: vaultArn(A, EU, "Main"),
      vaultType: "BACKUP_VAULT",
      vaultLockStatus: "UNLOCKED",
      isEncrypted: true,
      encryptionKeyArn: KEY,
      // The recovery point's lifecycle, not the rule's (365 / 30 / archive).
      deleteAfterDays: 35,
      moveToColdAfterDays: null,
      enableArchive: false,
      iamRoleArn: ROLE,
    });
    // AWS's report never says "completed with issues": the job's state, as AWS has it.
    expect(json.reportItems.find((i: { backupJobId: string }) => i.backupJobId === "in-issue").jobStatus).toBe(
      "COMPLETED",
    );
    const running = json.reportItems.find((i: { backupJobId: string }) => i.backupJobId === "running-old");
    expect(running.jobRunTime).toBeNull();
    expect(running.completionDate).toBeNull();
  });

  it("COPY_JOB_REPORT: the copy's destination vault and recovery point, the source's plan and rule", async () => {
    const json = JSON.parse((await report("COPY_JOB_REPORT", "json")).text);
    expect(json.reportItems.map((i: { copyJobId: string }) => i.copyJobId)).toEqual(["copy-in"]);
    const [item] = json.reportItems;
    expect(Object.keys(item).join(",")).toBe(DOCUMENTED.COPY_JOB_REPORT);
    expect(item).toMatchObject({
      reportTimePeriodStart: "2026-05-10T00:00:00Z",
      jobStatus: "COMPLETED",
      jobRunTime: "01:00:05",
      resourceName: "data-volume",
      backupPlanName: "Daily",
      backupRuleName: "DailyBackups",
      sourceRecoveryPointArn: rpArn(A, EU, "rp-1"),
      destinationRecoveryPointArn: rpArn(A, US, "rp-copy"),
      destinationBackupVaultArn: vaultArn(A, US, "Copy"),
      vaultLockStatus: "LOCKED",
      encryptionKeyArn: DEST_KEY,
      deleteAfterDays: 90,
      backupSizeInBytes: 1024,
      isParentJob: null,
      iamRoleArn: ROLE,
    });
  });

  it("RESTORE_JOB_REPORT: one reportTimePeriod string, the restored recovery point's context", async () => {
    const json = JSON.parse((await report("RESTORE_JOB_REPORT", "json")).text);
    expect(json.reportItems.map((i: { restoreJobId: string }) => i.restoreJobId)).toEqual(["restore-in"]);
    const [item] = json.reportItems;
    expect(Object.keys(item).join(",")).toBe(DOCUMENTED.RESTORE_JOB_REPORT);
    expect(item).toMatchObject({
      reportTimePeriod: "2026-05-10T00:00:00Z - 2026-05-13T00:00:00Z",
      jobStatus: "COMPLETED",
      resourceName: "data-volume",
      backupPlanName: "Daily",
      backupRuleName: "DailyBackups",
      sourceResourceArn: VOLUME,
      backupVaultArn: vaultArn(A, EU, "Main"),
      vaultLockStatus: "UNLOCKED",
      isEncrypted: true,
      deleteAfterDays: 35,
      backupSizeInBytes: null,
      percentDone: null,
    });
  });

  it("CSV parses back to the JSON's values; empty where JSON has null", async () => {
    const { header, records } = csvRecords((await report("BACKUP_JOB_REPORT", "csv")).text);
    const json = JSON.parse((await report("BACKUP_JOB_REPORT", "json")).text);
    expect(records.length).toBe(json.reportItems.length);
    records.forEach((r, i) => {
      const item = json.reportItems[i];
      header.forEach((column, c) => expect(r[c]).toBe(item[column] === null ? "" : String(item[column])));
    });
  });

  it("pages through ties on creation time without losing or repeating a job", async () => {
    const all: string[] = [];
    for await (const page of backupJobRows(db, { tenantId: T, period, pageSize: 2 })) {
      expect(page.length).toBeLessThanOrEqual(2);
      all.push(...page.map((r) => r.backupJobId as string));
    }
    expect([...all].sort()).toEqual([...IN].sort());
    expect(new Set(all).size).toBe(all.length);
  });

  it("waits for a slow output instead of buffering the report", async () => {
    const small = await report("BACKUP_JOB_REPORT", "json", {}, new Sink(8));
    expect(JSON.parse(small.text).reportItems.length).toBe(IN.length);
  });

  it("an empty period is a header, or an empty reportItems", async () => {
    const empty = parsePeriod("2020-01-01", "2020-01-02");
    expect(readCsv((await report("COPY_JOB_REPORT", "csv", { period: empty })).text).length).toBe(1);
    expect(JSON.parse((await report("COPY_JOB_REPORT", "json", { period: empty })).text)).toEqual({ reportItems: [] });
  });
});

describe("bad input", () => {
  const refused = async (more: Record<string, unknown>) => {
    const sink = new Sink();
    const error = await writeAuditManagerReport(
      db,
      { tenantId: T, template: "BACKUP_JOB_REPORT", period, format: "csv", ...more } as AuditManagerReportInput,
      sink,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(sink.text).toBe("");
    return (error as AppError).fieldErrors;
  };

  it("refuses an account ID that is not 12 digits", async () => {
    expect(await refused({ accountIds: [A, "12345"] })).toEqual({
      "accountIds.1": "an account ID is exactly 12 digits",
    });
  });
  it("refuses a region that is not an AWS region code", async () => {
    expect(await refused({ regions: ["eu-west-9"] })).toEqual({ "regions.0": "not an AWS region: eu-west-9" });
    expect(await refused({ regions: ["EU-WEST-1"] })).toEqual({ "regions.0": "not an AWS region: EU-WEST-1" });
  });
  it("refuses an unknown template and format", async () => {
    expect(Object.keys((await refused({ template: "SCAN_JOB_REPORT", format: "pdf" }))!).sort()).toEqual([
      "format",
      "template",
    ]);
  });
  it("refuses a period that is not one", async () => {
    expect(await refused({ period: { from: new Date("x"), to: new Date() } })).toEqual({
      period: "period must be a parsed report period",
    });
  });
});
