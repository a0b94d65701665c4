import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, inject, vi } from "vitest";
import { auditLog, reportDeliveries, reportSchedules } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/access";
import { testDb } from "@/tests/helpers/db";
import { makeTenant, makeUser } from "@/tests/helpers/fixtures";

// Who may schedule reports (admins and compliance officers: "report:schedule"), and what bad
// input gets: each refusal and each error names what is wrong, and nothing is half-saved.

const root = vi.hoisted(() => {
  // lib/env reads the environment once, when first imported: the folder root must be set first.
  const dir = `${process.env.TMPDIR ?? "/tmp"}/report-actions-root-${process.pid}`;
  process.env.REPORT_FOLDER_ROOT = dir;
  return dir;
});

let caller: SessionUser | null = null;
vi.mock("@/lib/auth/session", () => ({ getSession: async () => caller, getClientIp: async () => "203.0.113.8" }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const handle = testDb();
const { db } = handle;
let actions: typeof import("@/app/(app)/t/[tenant]/reports/schedules/actions");
let tenant: Awaited<ReturnType<typeof makeTenant>>;
const users = {} as Record<"admin" | "compliance" | "operator" | "auditor", SessionUser>;

const form = (fields: Record<string, string>) => {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
};
const good = () => ({
  tenantId: tenant.id,
  name: `Weekly ${Math.random().toString(36).slice(2, 8)}`,
  cron: "0 6 * * 1",
  enabled: "on",
  kind: "framework",
  templateSlug: "iso-27001-2022",
  format: "pdf",
  periodDays: "7",
  destinationKind: "email",
  emailRecipients: "ciso@acme.example, audit@acme.example",
});

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  actions = await import("@/app/(app)/t/[tenant]/reports/schedules/actions");
  tenant = await makeTenant(db);
  for (const role of ["admin", "compliance", "operator", "auditor"] as const)
    users[role] = await makeUser(db, role, [{ tenantId: tenant.id }]);
});
afterAll(() => handle.close());

describe("who may schedule reports", () => {
  it("a compliance officer creates, changes, runs and deletes a schedule, each audited", async () => {
    caller = users.compliance;
    const input = good();
    const created = await actions.createReportScheduleAction(null, form(input));
    expect(created).toMatchObject({ ok: true });
    const id = (created as { data: { id: string } }).data.id;
    const [row] = await db.select().from(reportSchedules).where(eq(reportSchedules.id, id));
    expect(row).toMatchObject({
      cron: "0 6 * * 1",
      destinationKind: "email",
      destination: { recipients: ["ciso@acme.example", "audit@acme.example"] },
      spec: { kind: "framework", templateSlug: "iso-27001-2022", format: "pdf", periodDays: 7 },
      createdByEmail: users.compliance.email,
    });
    expect(await actions.updateReportScheduleAction(null, form({ ...input, id, cron: "30 7 * * *" }))).toMatchObject({
      ok: true,
    });
    expect(await actions.runReportScheduleAction({ tenantId: tenant.id, id })).toMatchObject({ ok: true });
    expect(await db.$count(reportDeliveries, eq(reportDeliveries.scheduleId, id))).toBe(1);
    expect(await actions.deleteReportScheduleAction({ tenantId: tenant.id, id })).toMatchObject({ ok: true });
    const audited = await db
      .select({ action: auditLog.action, actorEmail: auditLog.actorEmail })
      .from(auditLog)
      .where(and(eq(auditLog.targetId, id), eq(auditLog.targetType, "report_schedule")))
      .orderBy(auditLog.id);
    expect(audited.map((a) => a.action)).toEqual([
      "report_schedule.create",
      "report_schedule.update",
      "report_schedule.run",
      "report_schedule.delete",
    ]);
    expect(new Set(audited.map((a) => a.actorEmail))).toEqual(new Set([users.compliance.email]));
  });

  it.each(["auditor", "operator"] as const)("a %s can neither create, change, run nor delete one", async (role) => {
    caller = users.admin;
    const input = good();
    const created = await actions.createReportScheduleAction(null, form(input));
    const id = (created as { data: { id: string } }).data.id;
    const before = await db.$count(auditLog);
    caller = users[role];
    const refused = { ok: false, error: { code: "FORBIDDEN" } };
    expect(await actions.createReportScheduleAction(null, form(good()))).toMatchObject(refused);
    expect(await actions.updateReportScheduleAction(null, form({ ...input, id, cron: "* * * * *" }))).toMatchObject(
      refused,
    );
    expect(await actions.runReportScheduleAction({ tenantId: tenant.id, id })).toMatchObject(refused);
    expect(await actions.deleteReportScheduleAction({ tenantId: tenant.id, id })).toMatchObject(refused);
    const [row] = await db.select().from(reportSchedules).where(eq(reportSchedules.id, id));
    expect(row?.cron).toBe("0 6 * * 1");
    expect(await db.$count(reportDeliveries, eq(reportDeliveries.scheduleId, id))).toBe(0);
    const denials = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "authz.denied"), eq(auditLog.actorId, users[role].userId)));
    expect(denials.map((d) => (d.details as { action: string }).action).sort()).toEqual(
      expect.arrayContaining([
        "reports.schedule.create",
        "reports.schedule.delete",
        "reports.schedule.run",
        "reports.schedule.update",
      ]),
    );
    expect(await db.$count(auditLog)).toBe(before + 4);
  });
});

describe("bad input", () => {
  it.each([
    ["an invalid cron", { cron: "0 25 * * *" }, "cron", /Invalid schedule: cron field "25" out of range 0-23/],
    ["a cron with 4 fields", { cron: "0 6 * *" }, "cron", /cron needs 5 fields/],
    [
      "a folder outside the root",
      { destinationKind: "folder", folderPath: "/etc/reports" },
      "folderPath",
      /Folder "\/etc\/reports" is outside the allowed root/,
    ],
    [
      "a folder escaping with ..",
      { destinationKind: "folder", folderPath: `${root}/../etc` },
      "folderPath",
      /must not contain "\.\."/,
    ],
    [
      "a relative folder",
      { destinationKind: "folder", folderPath: "reports" },
      "folderPath",
      /must be an absolute path/,
    ],
    [
      "a malformed bucket name",
      { destinationKind: "s3", s3Bucket: "My_Bucket", s3Region: "us-east-1" },
      "s3Bucket",
      /Bucket name "My_Bucket" may hold only lower-case letters/,
    ],
    [
      "a bucket named like an IP address",
      { destinationKind: "s3", s3Bucket: "192.168.5.4", s3Region: "us-east-1" },
      "s3Bucket",
      /must not be formatted as an IP address/,
    ],
    ["a bad Region", { destinationKind: "s3", s3Bucket: "acme-reports", s3Region: "moon" }, "s3Region", /AWS Region/],
    [
      "an invalid email address",
      { emailRecipients: "ciso@acme.example, not-an-address" },
      "emailRecipients",
      /"not-an-address" is not an email address/,
    ],
    ["no recipients", { emailRecipients: "" }, "emailRecipients", /at least one recipient/],
    ["a period of 0 days", { periodDays: "0" }, "periodDays", /at least 1 day/],
    ["an unknown report", { kind: "poster" }, "kind", /Choose a report/],
    ["a framework report without its template", { templateSlug: "" }, "templateSlug", /Choose the framework/],
    [
      "an Audit Manager template AWS does not have",
      { kind: "audit-manager", amTemplate: "BACKUP_JOBS", format: "csv" },
      "amTemplate",
      /Choose one of/,
    ],
    ["a framework report as CSV", { format: "csv" }, "format", /PDF or HTML/],
  ])("%s is refused with a message on its field", async (_label, change, field, message) => {
    caller = users.compliance;
    const before = { schedules: await db.$count(reportSchedules), audit: await db.$count(auditLog) };
    const r = await actions.createReportScheduleAction(null, form({ ...good(), ...change }));
    expect(r).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    const errors = (r as { error: { fieldErrors: Record<string, string> } }).error.fieldErrors;
    expect(errors[field], JSON.stringify(errors)).toMatch(message);
    expect({ schedules: await db.$count(reportSchedules), audit: await db.$count(auditLog) }).toEqual(before);
  });

  it("a second schedule with the same name is a conflict", async () => {
    caller = users.compliance;
    const input = good();
    expect(await actions.createReportScheduleAction(null, form(input))).toMatchObject({ ok: true });
    expect(await actions.createReportScheduleAction(null, form(input))).toMatchObject({
      ok: false,
      error: { code: "CONFLICT", fieldErrors: { name: "A schedule with this name already exists." } },
    });
  });
});
