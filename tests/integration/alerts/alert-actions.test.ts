import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { alertChannels, alertDigestSubscriptions, alertRules, auditLog } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/access";
import { openSession } from "@/lib/auth/sign-in";
import { testDb } from "@/tests/helpers/db";
import { makeTenant, makeUser } from "@/tests/helpers/fixtures";

// The Alerts page's forms as a browser sends them (FormData, every value a string) through the
// server actions to lib/alerts: what is saved, what is refused and why, and the audit rows.

let caller: SessionUser | null = null;
vi.mock("@/lib/auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth")>()),
  auth: async () => (caller ? { user: { sid: caller.sessionId }, expires: "" } : null),
}));
vi.mock("next/headers", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/headers")>()),
  headers: async () => new Headers({ "x-forwarded-for": "203.0.113.44" }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const ROOT = path.resolve(import.meta.dirname, "../../..");
interface Result {
  ok: boolean;
  data?: Record<string, unknown>;
  error?: { code: string; message: string; fieldErrors?: Record<string, string> };
}
type Action = (state: unknown, form: FormData) => Promise<Result>;
const dataOf = (r: Result) => (r.data ?? {}) as Record<string, string>;
const fieldsOf = (r: Result) => r.error?.fieldErrors ?? {};
let actions: Record<string, Action>;

const handle = testDb();
const db = handle.db;
let tenant: Awaited<ReturnType<typeof makeTenant>>;
let admin: SessionUser;
let compliance: SessionUser;
let auditor: SessionUser;

async function signedIn(role: "admin" | "compliance" | "auditor"): Promise<SessionUser> {
  const user = await makeUser(db, role, [{ tenantId: tenant.id }]);
  return {
    ...user,
    sessionId: await openSession(db, user.userId, { ip: "203.0.113.44", userAgent: null }, "password"),
  };
}

function form(fields: Record<string, string | string[]>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const value of [v].flat()) f.append(k, value);
  return f;
}

async function call(as: SessionUser, action: string, fields: Record<string, string | string[]>): Promise<Result> {
  caller = as;
  return actions[action]!(null, form({ tenantId: tenant.id, ...fields }));
}

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  tenant = await makeTenant(db);
  admin = await signedIn("admin");
  compliance = await signedIn("compliance");
  auditor = await signedIn("auditor");
  actions = (await import(path.join(ROOT, "app/(app)/t/[tenant]/alerts/actions.ts"))) as Record<string, Action>;
});
afterAll(() => handle.close());

describe("the Alerts page's forms", () => {
  it("add an email channel and a rule routed to it, with its parameters and mute window", async () => {
    const channel = await call(compliance, "createAlertChannelAction", {
      name: "Backup team",
      kind: "email",
      recipients: "ops@example.com, backup@example.com",
    });
    expect(channel).toMatchObject({ ok: true, data: { kind: "email", secret: null } });
    const channelId = dataOf(channel).id!;

    const rule = await call(compliance, "createAlertRuleAction", {
      name: "Production fails",
      kind: "control_failed",
      "params.controlIds": "BK-01, BK-18",
      "params.accountIds": "",
      channelIds: [channelId],
      muted: "on",
      "mute.days": ["1", "2"],
      "mute.from": "22:00",
      "mute.to": "07:00",
      "mute.timeZone": "Europe/Berlin",
    });
    expect(rule.ok).toBe(true);
    const [saved] = await db.select().from(alertRules).where(eq(alertRules.tenantId, tenant.id));
    expect(saved).toMatchObject({
      name: "Production fails",
      kind: "control_failed",
      params: { controlIds: ["BK-01", "BK-18"], accountIds: [] },
      channelIds: [channelId],
      mute: { days: [1, 2], from: "22:00", to: "07:00", timeZone: "Europe/Berlin" },
      enabled: true,
    });
    const [channelRow] = await db.select().from(alertChannels).where(eq(alertChannels.id, channelId));
    expect(channelRow!.target).toBe("ops@example.com,backup@example.com");

    // Pause, then resume: the rule keeps its parameters.
    expect(await call(compliance, "setAlertRuleEnabledAction", { id: saved!.id, enabled: "false" })).toMatchObject({
      ok: true,
      data: { enabled: false },
    });
    const [paused] = await db.select().from(alertRules).where(eq(alertRules.id, saved!.id));
    expect(paused).toMatchObject({ enabled: false, params: saved!.params, mute: saved!.mute });

    // Another organization's rule is not found through this one, and stays as it was.
    const other = await makeTenant(db);
    const [theirs] = await db
      .insert(alertRules)
      .values({
        tenantId: other.id,
        name: "Theirs",
        kind: "control_failed",
        params: {},
        createdAt: new Date(),
        updatedAt: new Date(),
      })
      .returning();
    expect(await call(compliance, "setAlertRuleEnabledAction", { id: theirs!.id, enabled: "false" })).toMatchObject({
      ok: false,
      error: { code: "NOT_FOUND" },
    });
    expect((await db.select().from(alertRules).where(eq(alertRules.id, theirs!.id)))[0]!.enabled).toBe(true);

    const audited = await db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenant.id), eq(auditLog.actorId, compliance.userId)));
    expect(audited.map((a) => a.action)).toEqual(
      expect.arrayContaining(["alert_channel.create", "alert_rule.create", "alert_rule.update"]),
    );
  });

  it("show a webhook's secret once, and refuse a private address unless an admin allows it", async () => {
    const refused = await call(compliance, "createAlertChannelAction", {
      name: "Internal",
      kind: "webhook",
      url: "http://10.0.0.5/hook",
    });
    expect(refused).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    expect(fieldsOf(refused).url).toMatch(/private|https/i);

    const notAdmin = await call(compliance, "createAlertChannelAction", {
      name: "Internal",
      kind: "webhook",
      url: "http://127.0.0.1:9/hook",
      allowPrivateAddress: "on",
    });
    expect(notAdmin).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });

    const allowed = await call(admin, "createAlertChannelAction", {
      name: "Internal",
      kind: "webhook",
      url: "http://127.0.0.1:9/hook",
      allowPrivateAddress: "on",
    });
    expect(allowed).toMatchObject({ ok: true, data: { kind: "webhook" } });
    const secret = dataOf(allowed).secret!;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    // Nothing the page lists or the audit log holds carries it.
    const rows = await db.select().from(auditLog).where(eq(auditLog.tenantId, tenant.id));
    expect(JSON.stringify(rows)).not.toContain(secret);

    // An unreachable receiver: the test send is an outcome that says why, not an error.
    const test = await call(admin, "testAlertChannelAction", { id: dataOf(allowed).id! });
    expect(test).toMatchObject({ ok: true, data: { ok: false } });
    expect(dataOf(test).error).toBeTruthy();
  });

  it("name each bad field of a rule and save nothing", async () => {
    const before = await db.select().from(alertRules).where(eq(alertRules.tenantId, tenant.id));
    const bad = await call(compliance, "createAlertRuleAction", {
      name: "Spike",
      kind: "job_failure_spike",
      "params.factor": "0",
      "params.windowHours": "1000",
      muted: "on",
      "mute.from": "25:00",
      "mute.to": "07:00",
      "mute.timeZone": "Mars/Olympus",
    });
    expect(bad).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    const fields = fieldsOf(bad);
    expect(Object.keys(fields)).toEqual(expect.arrayContaining(["mute.days", "mute.from", "mute.timeZone"]));

    const badParams = await call(compliance, "createAlertRuleAction", {
      name: "Spike",
      kind: "job_failure_spike",
      "params.factor": "0",
      "params.windowHours": "1000",
    });
    expect(badParams).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    expect(Object.keys(fieldsOf(badParams))).toEqual(expect.arrayContaining(["params.factor", "params.windowHours"]));
    expect(await db.select().from(alertRules).where(eq(alertRules.tenantId, tenant.id))).toHaveLength(before.length);
  });

  it("let a reader choose their own digest but not touch rules or channels", async () => {
    expect(await call(auditor, "setAlertDigestAction", { frequency: "weekly" })).toMatchObject({
      ok: true,
      data: { frequency: "weekly" },
    });
    const [sub] = await db
      .select()
      .from(alertDigestSubscriptions)
      .where(eq(alertDigestSubscriptions.userId, auditor.userId));
    expect(sub).toMatchObject({ tenantId: tenant.id, frequency: "weekly" });
    expect(await call(auditor, "setAlertDigestAction", { frequency: "off" })).toMatchObject({ ok: true });
    expect(
      await db.select().from(alertDigestSubscriptions).where(eq(alertDigestSubscriptions.userId, auditor.userId)),
    ).toHaveLength(0);
    expect(await call(auditor, "setAlertDigestAction", { frequency: "hourly" })).toMatchObject({
      ok: false,
      error: { code: "VALIDATION" },
    });
    expect(await call(auditor, "createAlertRuleAction", { name: "x", kind: "policy_drift" })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN" },
    });
  });
});
