import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, reportDeliveries, reportSchedules, tenants } from "@/db/schema";
import { AwsFactory } from "@/lib/aws/client-factory";
import { tickReportSchedules, type DeliveryDeps, type ReportProducer } from "@/lib/reports/schedules/run";
import { createSchedule, lastDeliveries, runScheduleNow } from "@/lib/reports/schedules/store";
import { startSimulator, type SimHandle } from "@/sim/server";
import { TEST_WORLD_NOW } from "@/tests/helpers/clock";
import { testDb } from "@/tests/helpers/db";
import { makeTenant, makeUser } from "@/tests/helpers/fixtures";
import { startSmtpServer, type ReceivedMail } from "@/tests/helpers/smtp";

// Scheduled delivery end to end: real PostgreSQL, a real SMTP server over TCP, S3 in the simulator
// with the unmodified SDK, a folder on disk. The producer is a stand-in that writes two files.

const handle = testDb();
const { db } = handle;
let sim: SimHandle;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let factory: AwsFactory;
let tenant: Awaited<ReturnType<typeof makeTenant>>;
let actor: { userId: string; email: string; ip: string | null };
const root = mkdtempSync(path.join(tmpdir(), "report-root-"));
let produced = 0;

const produce: ReportProducer = async (spec, dir, ctx) => {
  produced++;
  writeFileSync(
    path.join(dir, "report.csv"),
    `kind,from,to\n${spec.kind},${ctx.period.from.toISOString()},${ctx.period.to.toISOString()}\n`,
  );
  writeFileSync(path.join(dir, "summary.json"), JSON.stringify({ tenant: ctx.tenantId, slot: ctx.slot }));
  return { files: ["report.csv", "summary.json"] };
};

const deps = (over: Partial<DeliveryDeps> = {}): DeliveryDeps => ({
  produce,
  folderRoot: root,
  smtp: { url: smtp.url, from: "reports@product.example", maxAttachmentBytes: 1_000_000, timeoutMs: 5_000 },
  aws: async () => factory,
  retryDelaysMs: [60_000, 300_000],
  ...over,
});

/** A slot after the schedules were made (the suite's clock is pinned at 2026-06-15T12:00Z). */
const DAY2_0600 = new Date("2026-06-16T06:00:00Z");
const at = (base: Date, minutes: number, seconds = 0) => new Date(base.getTime() + minutes * 60_000 + seconds * 1000);

const base = (over: Record<string, unknown>) =>
  ({
    tenantId: tenant.id,
    name: `s-${Math.random().toString(36).slice(2, 8)}`,
    cron: "0 6 * * *",
    enabled: true,
    spec: { kind: "framework", templateSlug: "iso-27001-2022", format: "pdf", periodDays: 7 },
    ...over,
  }) as Parameters<typeof createSchedule>[2];

const deliveriesOf = (scheduleId: string) =>
  db.select().from(reportDeliveries).where(eq(reportDeliveries.scheduleId, scheduleId)).orderBy(reportDeliveries.slot);
const scheduleRow = async (id: string) =>
  (await db.select().from(reportSchedules).where(eq(reportSchedules.id, id)))[0]!;

beforeAll(async () => {
  sim = await startSimulator({ world: "demo", port: 0, now: TEST_WORLD_NOW, config: { throttling: false } });
  smtp = await startSmtpServer();
  const w = sim.summary();
  factory = new AwsFactory({
    endpoint: sim.url,
    region: "us-east-1",
    baseCredentials: { accessKeyId: w.principal.access_key_id, secretAccessKey: w.principal.secret_access_key },
    maxAttempts: 1,
  });
  tenant = await makeTenant(db);
  await db
    .update(tenants)
    .set({
      managementAccountId: w.management_account_id,
      managementRoleArn: w.management_role_arn,
      externalId: w.external_id,
    })
    .where(eq(tenants.id, tenant.id));
  const user = await makeUser(db, "compliance", [{ tenantId: tenant.id }]);
  actor = { userId: user.userId, email: user.email, ip: "203.0.113.9" };
  sim.runtime.s3.createBucket("acme-reports", w.management_account_id, "eu-west-1");
});
afterAll(async () => {
  factory?.destroy();
  await smtp?.stop();
  await sim?.stop();
  await handle.close();
});

/** Ticks until nothing more is due at `now` (other tests' schedules share the database). */
const tick = (now: Date, d = deps()) => tickReportSchedules(db, d, now);

describe("a due schedule delivers", () => {
  it("to a folder, once per slot however often it is ticked", async () => {
    const { id } = await createSchedule(
      db,
      actor,
      base({ destinationKind: "folder", destination: { path: path.join(root, "acme") } }),
      root,
    );
    const before = produced;
    await tick(DAY2_0600);
    await tick(at(DAY2_0600, 0, 30));
    await tick(at(DAY2_0600, 1));
    const rows = await deliveriesOf(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: "delivered",
      attempts: 1,
      files: ["report.csv", "summary.json"],
      trigger: "schedule",
    });
    expect(rows[0]!.bytes).toBeGreaterThan(0);
    expect(produced - before).toBe(1);
    const csv = readFileSync(path.join(root, "acme", "2026-06-16", "report.csv"), "utf8");
    // The rolling 7 days ending yesterday: 2026-06-09 up to (not including) 2026-06-16.
    expect(csv).toContain("framework,2026-06-09T00:00:00.000Z,2026-06-16T00:00:00.000Z");
    expect(existsSync(path.join(root, "acme", "2026-06-16", "summary.json"))).toBe(true);
    expect((await scheduleRow(id)).lastSuccessAt).not.toBeNull();
    expect((await lastDeliveries(db, tenant.id)).get(id)?.id).toBe(rows[0]!.id);
  });

  it("to S3 in the simulator, as the tenant's management role, keyed prefix/tenant/date/file", async () => {
    const { id } = await createSchedule(
      db,
      actor,
      base({
        destinationKind: "s3",
        destination: { bucket: "acme-reports", prefix: "governance", region: "eu-west-1" },
      }),
    );
    await tick(DAY2_0600);
    const [row] = await deliveriesOf(id);
    expect(row).toMatchObject({ status: "delivered", attempts: 1, error: null });
    const objects = sim.runtime.s3.objects("acme-reports");
    const key = `governance/${tenant.slug}/2026-06-16/report.csv`;
    expect(objects.get(key)?.body.toString()).toContain("framework,2026-06-09");
    expect(objects.get(key)?.contentType).toMatch(/^text\/csv/);
    expect(objects.get(key)?.writer).toBe(sim.summary().management_account_id);
    expect(objects.has(`governance/${tenant.slug}/2026-06-16/summary.json`)).toBe(true);
  });

  it("by email over SMTP, with the files attached", async () => {
    const { id } = await createSchedule(
      db,
      actor,
      base({
        name: "Weekly ISO",
        destinationKind: "email",
        destination: { recipients: ["ciso@acme.example", "audit@acme.example"] },
      }),
    );
    const before = smtp.received.length;
    await tick(DAY2_0600);
    expect((await deliveriesOf(id))[0]).toMatchObject({ status: "delivered", attempts: 1 });
    const mails = smtp.received.slice(before).filter((m) => m.raw.includes("Weekly ISO"));
    expect(mails).toHaveLength(1);
    const mail = mails[0] as ReceivedMail;
    expect(mail.from).toBe("reports@product.example");
    expect(mail.to.sort()).toEqual(["audit@acme.example", "ciso@acme.example"]);
    expect(mail.raw).toMatch(/Subject: Weekly ISO: .*2026-06-09 to 2026-06-15/);
    expect(mail.raw).toMatch(/filename="?report\.csv"?/);
    expect(mail.raw).toMatch(/filename="?summary\.json"?/);
  });

  it("by email with a note instead of the files when they are larger than the limit", async () => {
    const { id } = await createSchedule(
      db,
      actor,
      base({ name: "Too big", destinationKind: "email", destination: { recipients: ["ciso@acme.example"] } }),
    );
    const before = smtp.received.length;
    await tick(DAY2_0600, deps({ smtp: { url: smtp.url, from: "reports@product.example", maxAttachmentBytes: 10 } }));
    expect((await deliveriesOf(id))[0]).toMatchObject({ status: "delivered" });
    const mail = smtp.received.slice(before).find((m) => m.raw.includes("Too big"))!;
    expect(mail.raw).not.toMatch(/filename=/);
    expect(mail.raw).toMatch(/not attached/);
  });

  it("now, when asked, at the next tick", async () => {
    const { id } = await createSchedule(
      db,
      actor,
      base({ cron: "0 0 1 1 *", destinationKind: "folder", destination: { path: path.join(root, "now") } }),
      root,
    );
    await runScheduleNow(db, actor, { tenantId: tenant.id, id });
    await tick(at(DAY2_0600, 0)); // the clock has moved past the request
    expect(await deliveriesOf(id)).toEqual([expect.objectContaining({ trigger: "manual", status: "delivered" })]);
  });
});

describe("a receiver that fails", () => {
  it("SMTP rejecting the recipient: retried after 1 and 5 minutes, then logged failed", async () => {
    const { id } = await createSchedule(
      db,
      actor,
      base({ destinationKind: "email", destination: { recipients: ["nobody@reject.example"] } }),
    );
    await tick(DAY2_0600);
    let [row] = await deliveriesOf(id);
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row!.error).toMatch(/SMTP delivery to nobody@reject\.example failed: 550/);
    await tick(at(DAY2_0600, 0, 59)); // not yet due
    expect((await deliveriesOf(id))[0]!.attempts).toBe(1);
    await tick(at(DAY2_0600, 1));
    expect((await deliveriesOf(id))[0]).toMatchObject({ status: "pending", attempts: 2 });
    await tick(at(DAY2_0600, 6));
    [row] = await deliveriesOf(id);
    expect(row).toMatchObject({ status: "failed", attempts: 3 });
    expect(row!.finishedAt).not.toBeNull();
    expect(await scheduleRow(id)).toMatchObject({ consecutiveFailures: 1, failingSince: null });
  });

  it("S3 bucket missing: retried, then logged failed with NoSuchBucket", async () => {
    const { id } = await createSchedule(
      db,
      actor,
      base({ destinationKind: "s3", destination: { bucket: "no-such-reports", prefix: "", region: "us-east-1" } }),
    );
    for (const m of [0, 1, 6]) await tick(at(DAY2_0600, m));
    const [row] = await deliveriesOf(id);
    expect(row).toMatchObject({ status: "failed", attempts: 3 });
    expect(row!.error).toBe(
      'S3 bucket "no-such-reports": the bucket does not exist (create it, or correct the name) (NoSuchBucket)',
    );
  });

  it("SMTP server unreachable: the log says so, without the URL's password", async () => {
    const { id } = await createSchedule(
      db,
      actor,
      base({ destinationKind: "email", destination: { recipients: ["ciso@acme.example"] } }),
    );
    const closed = deps({
      retryDelaysMs: [],
      smtp: {
        url: "smtp://user:s3cret@127.0.0.1:1",
        from: "reports@product.example",
        maxAttachmentBytes: 1000,
        timeoutMs: 2000,
      },
    });
    await tick(DAY2_0600, closed);
    const [row] = await deliveriesOf(id);
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row!.error).toMatch(/SMTP delivery to ciso@acme\.example failed: (ECONNREFUSED|ESOCKET|ECONNECTION)/);
    expect(row!.error).not.toContain("s3cret");
  });

  it("folder outside the root at delivery time: the log says so", async () => {
    const { id } = await createSchedule(
      db,
      actor,
      base({ destinationKind: "folder", destination: { path: path.join(root, "moved") } }),
      root,
    );
    await tick(DAY2_0600, deps({ retryDelaysMs: [], folderRoot: path.join(root, "elsewhere") }));
    expect((await deliveriesOf(id))[0]!.error).toMatch(/is outside the allowed root/);
  });
});

describe("a schedule that keeps failing", () => {
  it("is marked failing after 3 failed deliveries in a row, with one audit row, and recovers", async () => {
    const { id } = await createSchedule(
      db,
      actor,
      base({
        cron: "*/10 * * * *",
        destinationKind: "s3",
        destination: { bucket: "no-such-reports", prefix: "", region: "us-east-1" },
      }),
    );
    const once = deps({ retryDelaysMs: [] });
    for (const m of [0, 10, 20, 30]) await tick(at(DAY2_0600, m), once);
    const s = await scheduleRow(id);
    expect(s.consecutiveFailures).toBe(4);
    expect(s.failingSince?.toISOString()).toBe(at(DAY2_0600, 20).toISOString());
    expect(s.lastError).toMatch(/NoSuchBucket/);
    const alerts = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "report_schedule.failing"), eq(auditLog.targetId, id)));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ actorEmail: "system", actorId: null, tenantId: tenant.id, outcome: "failure" });

    sim.runtime.s3.createBucket("no-such-reports", sim.summary().management_account_id, "us-east-1");
    await tick(at(DAY2_0600, 40), once);
    expect(await scheduleRow(id)).toMatchObject({ consecutiveFailures: 0, failingSince: null, lastError: null });
  });
});
