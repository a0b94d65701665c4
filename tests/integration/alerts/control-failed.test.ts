import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { alertDeliveries, alertEvents, auditLog } from "@/db/schema";
import {
  createChannel,
  deleteChannel,
  listChannels,
  testChannel,
  updateChannel,
  type AlertActor,
} from "@/lib/alerts/channels";
import { detectEvaluationAlerts } from "@/lib/alerts/detect-evaluation";
import { dispatchAlerts } from "@/lib/alerts/dispatch";
import { alertFeedLines, authenticateFeed, readAlertFeed } from "@/lib/alerts/feed";
import { createRule, listDeliveries, updateRule } from "@/lib/alerts/rules";
import type { SendDeps } from "@/lib/alerts/send";
import { verifyAlertSignature } from "@/lib/alerts/signature";
import { evaluateTenant } from "@/lib/compliance/evaluate-tenant";
import { listFindings } from "@/lib/compliance/read/findings";
import { clock } from "@/lib/clock";
import { AppError } from "@/lib/errors";
import { benchWorld } from "@/sim/world/bench";
import { testDb } from "@/tests/helpers/db";
import { makeUser } from "@/tests/helpers/fixtures";
import { startSmtpServer } from "@/tests/helpers/smtp";
import { syncWorld, type SyncedWorld } from "../compliance/sync-world";
import { GET as feedRoute } from "@/app/api/alerts/[channelId]/feed/route";
import { startReceiver } from "./receiver";

// The check: a sync that turns a control FAIL for a resource sends one signed webhook
// and one email, once; an unchanged finding sends nothing; a receiver answering 500 is retried
// with backoff until the delivery fails; a wrong secret does not verify; bad URLs are refused
// with clear errors.

const handle = testDb();
const { db } = handle;
let synced: SyncedWorld;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let admin: AlertActor;
let compliance: AlertActor;
let deps: SendDeps;
let webhook: { id: string; secret: string | null };
let flaky: { id: string; secret: string | null };
let email: { id: string };
let feed: { id: string; secret: string | null };
let ruleId: string;
let failedArn: string;
let t: Date;

const actorOf = (u: Awaited<ReturnType<typeof makeUser>>): AlertActor => ({
  userId: u.userId,
  email: u.email,
  ip: "203.0.113.9",
  role: u.role,
});
const evaluate = () =>
  evaluateTenant(db, synced.tenantId, {
    trigger: "test",
    now: new Date(synced.sim.runtime.state.now * 1000),
    maxDataAgeHours: 24 * 365,
  });
const minutes = (n: number) => new Date(t.getTime() + n * 60_000);

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  [receiver, smtp] = await Promise.all([startReceiver(), startSmtpServer()]);
  deps = { smtp: { url: smtp.url, from: "alerts@test.example" }, timeoutMs: 3_000 };
  synced = await syncWorld(
    handle,
    inject("databaseUrl"),
    benchWorld({ accounts: 2, resourcesPerUnit: 6, regions: ["us-east-1"], seed: 7 }),
    {
      name: "Alerts World",
    },
  );
  t = new Date(synced.sim.runtime.state.now * 1000);
  admin = actorOf(await makeUser(db, "admin", [{ tenantId: synced.tenantId }]));
  compliance = actorOf(await makeUser(db, "compliance", [{ tenantId: synced.tenantId }]));
}, 300_000);
afterAll(async () => {
  await synced?.stop();
  await receiver?.stop();
  await smtp?.stop();
  await handle.close();
});

describe("channels", () => {
  it("refuses a private address without the admin's flag, and the flag to a non-admin", async () => {
    const err = await createChannel(db, compliance, {
      kind: "webhook",
      tenantId: synced.tenantId,
      name: "Local",
      url: `https://127.0.0.1/hook`,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).fieldErrors?.url).toMatch(/private or reserved address \(127\.0\.0\.1\)/);
    const metadata = await createChannel(db, compliance, {
      kind: "webhook",
      tenantId: synced.tenantId,
      name: "Metadata",
      url: `https://169.254.169.254/latest/meta-data`,
    }).catch((e: unknown) => e as AppError);
    expect((metadata as AppError).fieldErrors?.url).toMatch(/private or reserved/);
    const flag = await createChannel(db, compliance, {
      kind: "webhook",
      tenantId: synced.tenantId,
      name: "Local",
      url: `${receiver.url}/hook`,
      allowPrivateAddress: true,
    }).catch((e: unknown) => e as AppError);
    expect((flag as AppError).code).toBe("FORBIDDEN");
    const http = await createChannel(db, compliance, {
      kind: "slack",
      tenantId: synced.tenantId,
      name: "Plain",
      url: `http://hooks.example.com/x`,
    }).catch((e: unknown) => e as AppError);
    expect((http as AppError).fieldErrors?.url).toMatch(/must use https/);
  });

  it("refuses a host that does not resolve, with a clear error", async () => {
    const err = await createChannel(db, compliance, {
      kind: "webhook",
      tenantId: synced.tenantId,
      name: "Nowhere",
      url: "https://alerts.nonexistent.invalid/hook",
    }).catch((e: unknown) => e as AppError);
    expect((err as AppError).fieldErrors?.url).toMatch(/could not be resolved/);
  });

  it("makes channels; the secret is returned once and never listed", async () => {
    webhook = await createChannel(db, admin, {
      kind: "webhook",
      tenantId: synced.tenantId,
      name: "Receiver",
      url: `${receiver.url}/hook`,
      allowPrivateAddress: true,
    });
    flaky = await createChannel(db, admin, {
      kind: "webhook",
      tenantId: synced.tenantId,
      name: "Flaky",
      url: `${receiver.url}/fail`,
      allowPrivateAddress: true,
    });
    email = await createChannel(db, compliance, {
      kind: "email",
      tenantId: synced.tenantId,
      name: "Team mail",
      recipients: ["team@test.example"],
    });
    feed = await createChannel(db, compliance, { kind: "feed", tenantId: synced.tenantId, name: "SIEM" });
    expect(webhook.secret).toMatch(/^whsec_/);
    expect(feed.secret).toMatch(/^feed_/);
    const listed = await listChannels(db, { tenantId: synced.tenantId });
    expect(listed.map((c) => c.name)).toEqual(["Flaky", "Receiver", "SIEM", "Team mail"]);
    expect(JSON.stringify(listed)).not.toContain(webhook.secret!);
    expect(JSON.stringify(listed)).not.toContain("/hook");
    // Rotating gives a new secret once; the old one stops verifying.
    const rotated = await updateChannel(db, admin, {
      id: webhook.id,
      kind: "webhook",
      tenantId: synced.tenantId,
      name: "Receiver",
      url: `${receiver.url}/hook`,
      allowPrivateAddress: true,
      rotateSecret: true,
    });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(webhook.secret);
    webhook = { ...webhook, secret: rotated.secret };
    const audits = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "alert_channel.create"), eq(auditLog.tenantId, synced.tenantId)));
    expect(audits.length).toBe(4);
    expect(JSON.stringify(audits)).not.toContain(webhook.secret!);
  });

  it("tests a channel: an unreachable receiver is a clear outcome, a good one a 204", async () => {
    const closed = await createChannel(db, admin, {
      kind: "webhook",
      tenantId: synced.tenantId,
      name: "Closed",
      url: "http://127.0.0.1:9/hook",
      allowPrivateAddress: true,
    });
    const bad = await testChannel(db, admin, { tenantId: synced.tenantId, id: closed.id }, deps);
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/127\.0\.0\.1:9 refused the connection/);
    await deleteChannel(db, admin, { tenantId: synced.tenantId, id: closed.id });
    const good = await testChannel(db, admin, { tenantId: synced.tenantId, id: webhook.id }, deps);
    expect(good).toEqual({ ok: true, responseStatus: 204, error: null });
    const req = receiver.received.pop()!;
    expect(JSON.parse(req.body).test).toBe(true);
    expect(verifyAlertSignature(webhook.secret!, req.body, req.headers["x-alert-signature"] as string)).toBe(true);
  });
});

describe("a control turning FAIL", () => {
  it("alerts nothing on the first evaluation (the baseline)", async () => {
    ({ id: ruleId } = await createRule(db, compliance, {
      tenantId: synced.tenantId,
      name: "Unprotected resources",
      kind: "control_failed",
      params: { controlIds: ["BK-01"] },
      channelIds: [webhook.id, flaky.id, email.id, feed.id],
    }));
    const e1 = await evaluate();
    expect(await detectEvaluationAlerts(db, { tenantId: synced.tenantId, evaluationId: e1.evaluationId })).toBe(0);
  });

  it("sends one signed webhook and one email after a sync turns BK-01 FAIL for a resource", async () => {
    const passing = await listFindings(db, {
      tenantId: synced.tenantId,
      controlId: "BK-01",
      status: "PASS",
      limit: 50,
    });
    const state = synced.sim.runtime.state;
    const target = passing.findings
      .map((f) => state.resources.find((r) => r.arn === f.subjectId))
      .find((r) => r && r.tags.backup && !r.tags.criticality)!;
    expect(target).toBeDefined();
    failedArn = target.arn;
    delete target.tags.backup; // someone removed the tag that put it in a backup plan
    expect((await synced.resync()).status).not.toBe("failed");
    const e2 = await evaluate();
    expect(await detectEvaluationAlerts(db, { tenantId: synced.tenantId, evaluationId: e2.evaluationId })).toBe(1);
    // Detection again (a retried job): nothing new.
    expect(await detectEvaluationAlerts(db, { tenantId: synced.tenantId, evaluationId: e2.evaluationId })).toBe(0);

    // The dispatcher's clock from here: a little after the deliveries were recorded.
    t = new Date(clock.nowMs() + 1000);
    const before = receiver.received.length;
    expect(await dispatchAlerts(db, deps, t)).toBe(3);
    const got = receiver.received.slice(before);
    const ok = got.filter((r) => r.path === "/hook");
    expect(ok).toHaveLength(1);
    const body = JSON.parse(ok[0]!.body);
    expect(body.events).toHaveLength(1);
    expect(body.events[0].kind).toBe("control_failed");
    expect(body.events[0].payload.subjectId).toBe(failedArn);
    expect(body.events[0].link).toMatch(
      /^http:\/\/localhost:\d+\/t\/alerts-world\/compliance\/findings\/detail\?control=BK-01/,
    );
    const sig = ok[0]!.headers["x-alert-signature"] as string;
    expect(sig).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyAlertSignature(webhook.secret!, ok[0]!.body, sig)).toBe(true);
    // A wrong secret, or a body changed on the way, is detected.
    expect(verifyAlertSignature(flaky.secret!, ok[0]!.body, sig)).toBe(false);
    expect(verifyAlertSignature(webhook.secret!, ok[0]!.body.replace("BK-01", "BK-02"), sig)).toBe(false);
    expect(got.filter((r) => r.path === "/fail")).toHaveLength(1);
    const mails = smtp.received.filter((m) => m.to.includes("team@test.example"));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.raw).toContain("BK-01 failed");
  });

  it("sends nothing for an unchanged finding", async () => {
    const e3 = await evaluate();
    expect(await detectEvaluationAlerts(db, { tenantId: synced.tenantId, evaluationId: e3.evaluationId })).toBe(0);
    const before = receiver.received.length;
    expect(await dispatchAlerts(db, deps, minutes(0.5))).toBe(0); // the flaky one waits for its backoff
    expect(receiver.received.length).toBe(before);
    expect(smtp.received.filter((m) => m.to.includes("team@test.example"))).toHaveLength(1);
    const events = await db.select().from(alertEvents).where(eq(alertEvents.ruleId, ruleId));
    expect(events).toHaveLength(1);
  });

  it("retries a receiver that answers 500 with backoff, then marks it failed", async () => {
    // Attempts at 0, then after 1, 2, 4, 8 and 16 minutes: 6 in all.
    for (const at of [1, 3, 7, 15, 31]) {
      expect(await dispatchAlerts(db, deps, minutes(at - 0.1))).toBe(0);
      expect(await dispatchAlerts(db, deps, minutes(at))).toBe(1);
    }
    expect(await dispatchAlerts(db, deps, minutes(120))).toBe(0);
    expect(receiver.received.filter((r) => r.path === "/fail")).toHaveLength(6);
    const log = await listDeliveries(db, { tenantId: synced.tenantId, channelId: flaky.id });
    const d = log.deliveries.find((x) => x.event)!;
    expect(d).toMatchObject({ status: "failed", attempts: 6, responseStatus: 500 });
    expect(d.lastError).toBe("127.0.0.1:" + new URL(receiver.url).port + " answered HTTP 500.");
    const sent = await listDeliveries(db, { tenantId: synced.tenantId, status: "sent" });
    expect(
      sent.deliveries
        .filter((x) => x.event)
        .map((x) => x.channel.name)
        .sort(),
    ).toEqual(["Receiver", "SIEM", "Team mail"]);
  });

  it("serves the event in the feed to the feed's token only", async () => {
    expect(await authenticateFeed(db, feed.id, "feed_wrong")).toBeNull();
    const auth = await authenticateFeed(db, feed.id, feed.secret);
    expect(auth).toEqual({ tenantId: synced.tenantId, channelId: feed.id });
    const page = await readAlertFeed(db, auth!.tenantId, { channelId: feed.id });
    expect(page.events).toHaveLength(1);
    const lines = alertFeedLines(page.events).trimEnd().split("\n");
    expect(JSON.parse(lines[0]!).payload.subjectId).toBe(failedArn);
    expect((await readAlertFeed(db, auth!.tenantId, { channelId: feed.id, after: page.next })).events).toHaveLength(0);
    // Over HTTP, as a SIEM pulls it.
    const url = `http://localhost/api/alerts/${feed.id}/feed?after=0`;
    expect((await feedRoute(new Request(url))).status).toBe(401);
    expect((await feedRoute(new Request(url, { headers: { authorization: "Bearer feed_wrong" } }))).status).toBe(401);
    const res = await feedRoute(new Request(url, { headers: { authorization: `Bearer ${feed.secret}` } }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/ndjson/);
    expect(res.headers.get("x-next-after")).toBe(String(page.next));
    expect(await res.text()).toBe(alertFeedLines(page.events));
  });

  it("holds deliveries during a mute window and sends them when it ends", async () => {
    // Muted every day, all day but one minute: the delivery waits for that minute.
    const utc = new Date(t.getTime() + 5 * 3_600_000);
    const hh = (d: Date) => d.toISOString().slice(11, 16);
    await updateRule(db, compliance, {
      id: ruleId,
      tenantId: synced.tenantId,
      name: "Unprotected resources",
      kind: "control_failed",
      params: { controlIds: ["BK-01"] },
      channelIds: [webhook.id],
      mute: { days: [0, 1, 2, 3, 4, 5, 6], from: hh(t), to: hh(utc), timeZone: "UTC" },
    });
    const [ev] = await db.select().from(alertEvents).where(eq(alertEvents.ruleId, ruleId));
    const [d] = await db
      .insert(alertDeliveries)
      .values({ tenantId: synced.tenantId, eventId: ev!.id, channelId: webhook.id, nextAttemptAt: t, createdAt: t })
      .onConflictDoUpdate({
        target: [alertDeliveries.eventId, alertDeliveries.channelId],
        set: { status: "pending", attempts: 0, nextAttemptAt: t },
      })
      .returning();
    const before = receiver.received.length;
    expect(await dispatchAlerts(db, deps, minutes(1))).toBe(0);
    const [held] = await db
      .select()
      .from(alertDeliveries)
      .where(and(eq(alertDeliveries.id, d!.id)));
    expect(held!.status).toBe("muted");
    expect(held!.nextAttemptAt.toISOString().slice(11, 16)).toBe(hh(utc));
    expect(await dispatchAlerts(db, deps, new Date(held!.nextAttemptAt.getTime() + 1000))).toBe(1);
    expect(receiver.received.length).toBe(before + 1);
  });
});
