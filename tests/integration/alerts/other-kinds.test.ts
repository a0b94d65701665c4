import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import {
  alertDigestDeliveries,
  alertEvents,
  auditLog,
  backupJobs,
  complianceEvaluations,
  complianceExceptions,
  complianceScores,
  syncRuns,
  syncRunUnits,
} from "@/db/schema";
import { createChannel, deleteChannel, type AlertActor } from "@/lib/alerts/channels";
import { detectEvaluationAlerts } from "@/lib/alerts/detect-evaluation";
import { detectSyncAlerts } from "@/lib/alerts/detect-sync";
import { detectTickAlerts } from "@/lib/alerts/detect-tick";
import { setDigestSubscription, sendDueDigests } from "@/lib/alerts/digest";
import { dispatchAlerts } from "@/lib/alerts/dispatch";
import { pruneAlertHistory } from "@/lib/alerts/prune";
import { createRule, deleteRule, listRules, updateRule } from "@/lib/alerts/rules";
import { clock } from "@/lib/clock";
import { ensureJobPartitions } from "@/lib/sync/context";
import { AppError } from "@/lib/errors";
import { testDb } from "@/tests/helpers/db";
import { makeTenant, makeUser } from "@/tests/helpers/fixtures";
import { startSmtpServer } from "@/tests/helpers/smtp";
import { startReceiver } from "./receiver";

// The other event kinds, from rows as the sync and evaluation write them, plus rule validation,
// flood batching and the digest.

const handle = testDb();
const { db } = handle;
let tenant: Awaited<ReturnType<typeof makeTenant>>;
let actor: AlertActor;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let hook: string;
const HOUR = 3_600_000;

const rule = (kind: Parameters<typeof createRule>[2]["kind"], params: Record<string, unknown> = {}) =>
  createRule(db, actor, { tenantId: tenant.id, name: `${kind} ${Math.random()}`, kind, params, channelIds: [hook] });
const eventsOf = (ruleId: string) => db.select().from(alertEvents).where(eq(alertEvents.ruleId, ruleId));

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  [receiver, smtp] = await Promise.all([startReceiver(), startSmtpServer()]);
  tenant = await makeTenant(db);
  const u = await makeUser(db, "admin", [{ tenantId: tenant.id }]);
  actor = { userId: u.userId, email: u.email, ip: null, role: u.role };
  ({ id: hook } = await createChannel(db, actor, {
    kind: "webhook",
    tenantId: tenant.id,
    name: "Hook",
    url: `${receiver.url}/hook`,
    allowPrivateAddress: true,
  }));
});
afterAll(async () => {
  await receiver?.stop();
  await smtp?.stop();
  await handle.close();
});

describe("rules", () => {
  it("refuses bad params and foreign channels with field errors, and audits changes", async () => {
    const bad = await rule("job_failure_spike", { factor: 0 }).catch((e: unknown) => e as AppError);
    expect(bad).toBeInstanceOf(AppError);
    expect(Object.keys((bad as AppError).fieldErrors!)).toEqual(["params.factor"]);
    const other = await makeTenant(db);
    const foreign = await createChannel(db, actor, { kind: "feed", tenantId: other.id, name: "Theirs" });
    const err = await createRule(db, actor, {
      tenantId: tenant.id,
      name: "Borrowing",
      kind: "policy_drift",
      channelIds: [foreign.id],
    }).catch((e: unknown) => e as AppError);
    expect((err as AppError).fieldErrors?.channelIds).toMatch(/does not exist/);
    const { id } = await rule("policy_drift");
    expect((await listRules(db, { tenantId: tenant.id })).some((r) => r.id === id)).toBe(true);
    // A deleted channel leaves the rules that named it.
    const spare = await createChannel(db, actor, { kind: "feed", tenantId: tenant.id, name: "Spare" });
    await updateRule(db, actor, {
      id,
      tenantId: tenant.id,
      name: "Drift",
      kind: "policy_drift",
      channelIds: [hook, spare.id],
    });
    await deleteChannel(db, actor, { tenantId: tenant.id, id: spare.id });
    expect((await listRules(db, { tenantId: tenant.id })).find((r) => r.id === id)!.channelIds).toEqual([hook]);
    await deleteRule(db, actor, { tenantId: tenant.id, id });
    const actions = (await db.select().from(auditLog).where(eq(auditLog.targetId, id))).map((a) => a.action);
    expect(actions.sort()).toEqual(["alert_rule.create", "alert_rule.delete", "alert_rule.update"]);
  });
});

describe("score_dropped", () => {
  it("alerts when a framework's score falls below the threshold, once", async () => {
    const { id } = await rule("score_dropped", { below: 80, dropPoints: null });
    const evaluation = async (score: number) => {
      const [e] = await db
        .insert(complianceEvaluations)
        .values({
          tenantId: tenant.id,
          status: "succeeded",
          trigger: "test",
          evaluatedAt: clock.now(),
          templates: [],
          runIds: [],
        })
        .returning();
      await db.insert(complianceScores).values({
        evaluationId: e!.id,
        tenantId: tenant.id,
        templateSlug: "nist-800-53",
        requirementId: "",
        status: "FAIL",
        score,
        pass: 1,
        fail: 1,
        notApplicable: 0,
        error: 0,
        excepted: 0,
      });
      return detectEvaluationAlerts(db, { tenantId: tenant.id, evaluationId: e!.id });
    };
    expect(await evaluation(0.85)).toBe(0); // first: baseline
    expect(await evaluation(0.82)).toBe(0);
    expect(await evaluation(0.75)).toBe(1); // crossed 80
    expect(await evaluation(0.7)).toBe(0); // still below: no new crossing
    const [e] = await eventsOf(id);
    expect(e!.title).toBe("nist-800-53 score dropped to 75%");
    expect(e!.link).toMatch(/\/compliance\/nist-800-53$/);
  });
});

describe("sync_unit_failed_twice", () => {
  it("alerts when a unit fails in two runs in a row, not again on the third", async () => {
    const { id } = await rule("sync_unit_failed_twice");
    const run = async (status: "ok" | "failed", minutesAgo: number) => {
      const [r] = await db
        .insert(syncRuns)
        .values({
          tenantId: tenant.id,
          trigger: "cli",
          status: "partial",
          createdAt: new Date(clock.nowMs() - minutesAgo * 60_000),
        })
        .returning();
      await db.insert(syncRunUnits).values({
        runId: r!.id,
        tenantId: tenant.id,
        kind: "region",
        accountId: "222233334444",
        region: "eu-west-1",
        accountName: "Prod",
        status,
        error: status === "failed" ? "AccessDenied: not authorized to perform backup:ListBackupVaults" : null,
      });
      return detectSyncAlerts(db, { tenantId: tenant.id, runId: r!.id });
    };
    expect(await run("ok", 40)).toBe(0);
    expect(await run("failed", 30)).toBe(0);
    expect(await run("failed", 20)).toBe(1);
    expect(await run("failed", 10)).toBe(0);
    const [e] = await eventsOf(id);
    expect(e!.title).toBe("Sync failed twice: Prod (222233334444), eu-west-1");
    expect(e!.summary).toContain("AccessDenied");
  });
});

describe("job_failure_spike", () => {
  it("alerts for a resource failing well above its own history, once per window", async () => {
    const { id } = await rule("job_failure_spike", {});
    const now = clock.now();
    const job = (arn: string, hoursAgo: number, state: string, n: number) => ({
      tenantId: tenant.id,
      accountId: "222233334444",
      region: "us-east-1",
      backupJobId: `job-${arn.slice(-4)}-${hoursAgo}-${n}`,
      creationDate: new Date(now.getTime() - hoursAgo * HOUR),
      state,
      resourceArn: arn,
      resourceType: "EBS",
      backupVaultName: "v",
      isParent: false,
    });
    const spiky = "arn:aws:ec2:us-east-1:222233334444:volume/vol-spiky";
    const noisy = "arn:aws:ec2:us-east-1:222233334444:volume/vol-noisy";
    const rows = [
      ...[1, 2, 3, 4].map((h) => job(spiky, h, "FAILED", 0)),
      job(spiky, 24 * 10, "FAILED", 0), // a failure 10 days ago: baseline 1/30 a day
      // Always failing ~4 a day: 4 today is its normal.
      ...Array.from({ length: 30 }, (_, d) =>
        [1, 2, 3, 4].map((h) => job(noisy, 24 * (d + 1) + h, "FAILED", d)),
      ).flat(),
      ...[1, 2, 3, 4].map((h) => job(noisy, h, "ABORTED", 99)),
    ];
    await ensureJobPartitions(handle.pool, new Date(now.getTime() - 40 * 24 * HOUR), now);
    await db.insert(backupJobs).values(rows);
    expect(
      await detectSyncAlerts(db, { tenantId: tenant.id, runId: "00000000-0000-4000-8000-000000000000", now }),
    ).toBe(1);
    expect(
      await detectSyncAlerts(db, { tenantId: tenant.id, runId: "00000000-0000-4000-8000-000000000000", now }),
    ).toBe(0);
    const [e] = await eventsOf(id);
    expect(e!.payload.resourceArn).toBe(spiky);
    expect(e!.summary).toMatch(/^4 failed backup jobs in the last 24 h/);
  });
});

describe("exception_expired", () => {
  it("alerts once when an exception made after the rule expires", async () => {
    const { id } = await rule("exception_expired");
    const now = clock.now();
    await db.insert(complianceExceptions).values({
      tenantId: tenant.id,
      findingKey: "BK-08|vault|arn:aws:backup:us-east-1:222233334444:backup-vault:v",
      controlId: "BK-08",
      subjectType: "vault",
      subjectId: "arn:aws:backup:us-east-1:222233334444:backup-vault:v",
      accountId: "222233334444",
      region: "us-east-1",
      reason: "Lock planned for Q3",
      owner: "ops@test.example",
      expiresAt: new Date(now.getTime() + HOUR),
    });
    expect(await detectTickAlerts(db, { tenantId: tenant.id, now })).toBe(0);
    const later = new Date(now.getTime() + 2 * HOUR);
    expect(await detectTickAlerts(db, { tenantId: tenant.id, now: later })).toBe(1);
    expect(await detectTickAlerts(db, { tenantId: tenant.id, now: later })).toBe(0);
    const [e] = await eventsOf(id);
    expect(e!.title).toBe("Exception expired: BK-08 on arn:aws:backup:us-east-1:222233334444:backup-vault:v");
  });
});

describe("dispatch", () => {
  it("batches a flood to one channel into one message", async () => {
    // Everything above went to the hook: 4 events, plus a flood of 20 more.
    const { id } = await rule("exception_expired");
    const now = clock.now();
    await db.insert(complianceExceptions).values(
      Array.from({ length: 20 }, (_, i) => ({
        tenantId: tenant.id,
        findingKey: `BK-01|resource|arn:${i}`,
        controlId: "BK-01",
        subjectType: "resource",
        subjectId: `arn:aws:ec2:us-east-1:222233334444:volume/vol-${i}`,
        accountId: "222233334444",
        region: "us-east-1",
        reason: "r",
        owner: "o",
        expiresAt: new Date(now.getTime() + HOUR),
      })),
    );
    const later = new Date(now.getTime() + 2 * HOUR);
    await detectTickAlerts(db, { tenantId: tenant.id, now: later });
    expect((await eventsOf(id)).length).toBe(21);
    const before = receiver.received.length;
    const attempted = await dispatchAlerts(db, { smtp: { url: smtp.url, from: "a@test.example" } }, later);
    expect(attempted).toBeGreaterThan(20);
    const bodies = receiver.received.slice(before).map((r) => JSON.parse(r.body));
    expect(bodies).toHaveLength(1);
    expect(bodies[0].events.length).toBe(attempted);
  });
});

describe("digest", () => {
  it("mails the period's alerts and scores once per period, and logs it", async () => {
    await setDigestSubscription(db, actor, { tenantId: tenant.id, frequency: "daily" });
    const deps = { url: smtp.url, from: "digest@test.example" };
    expect(await sendDueDigests(db, deps, clock.now())).toBe(0); // the current day is not over
    const tomorrow = new Date(clock.nowMs() + 24 * HOUR);
    expect(await sendDueDigests(db, deps, tomorrow)).toBe(1);
    expect(await sendDueDigests(db, deps, tomorrow)).toBe(0);
    const mail = smtp.received.find((m) => m.to.includes(actor.email))!;
    expect(mail.raw).toContain("Daily alert digest");
    expect(mail.raw).toContain("Resilience:");
    const [logged] = await db
      .select()
      .from(alertDigestDeliveries)
      .where(eq(alertDigestDeliveries.userId, actor.userId));
    expect(logged).toMatchObject({ status: "sent", error: null });
    expect(logged!.events).toBeGreaterThan(20);
  });
});

describe("retention", () => {
  it("drops events older than 400 days with their deliveries, keeps the rest", async () => {
    const { id } = await rule("policy_drift");
    const old = new Date(clock.nowMs() - 401 * 24 * HOUR);
    await db.insert(alertEvents).values({
      tenantId: tenant.id,
      ruleId: id,
      kind: "policy_drift",
      dedupKey: "old",
      title: "old",
      summary: "old",
      link: "http://localhost/",
      payload: {},
      occurredAt: old,
      createdAt: old,
    });
    const before = (await db.select().from(alertEvents).where(eq(alertEvents.tenantId, tenant.id))).length;
    expect(await pruneAlertHistory(db, { tenantId: tenant.id })).toBe(1);
    expect((await db.select().from(alertEvents).where(eq(alertEvents.tenantId, tenant.id))).length).toBe(before - 1);
  });
});
