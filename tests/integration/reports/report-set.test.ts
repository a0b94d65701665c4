import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { auditLog, reportDeliveries, tenants } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/access";
import { setMembership } from "@/lib/admin/users";
import { openSession } from "@/lib/auth/sign-in";
import { AUDIT_MANAGER_COLUMNS } from "@/lib/reports/audit-manager/columns";
import { scheduledReportProducer } from "@/lib/reports/report-set";
import { tickReportSchedules } from "@/lib/reports/schedules/run";
import { createSchedule } from "@/lib/reports/schedules/store";
import { readCsv } from "@/tests/helpers/csv-read";
import { makeUser } from "@/tests/helpers/fixtures";
import { evaluateTenant } from "@/lib/compliance/evaluate-tenant";
import { getScores } from "@/lib/compliance/read/scores";
import { listFindings } from "@/lib/compliance/read/findings";
import { formatScore, shownScorePercent } from "@/lib/compliance/scoring/score-text";
import { verifyEvidenceBundle } from "@/lib/reports/evidence/bundle-verify";
import { parsePeriod, periodAsOf } from "@/lib/reports/period";
import { demoWorld } from "@/sim/world/demo";
import { clock } from "@/lib/clock";
import { testDb } from "@/tests/helpers/db";
import { pdfText } from "@/tests/helpers/pdf-text";
import { syncWorld, type SyncedWorld } from "@/tests/integration/compliance/sync-world";

// One framework's report set (lib/reports/report-set.ts) through its three doors, on the synced and
// evaluated demo world: `npm run report` as a pipeline runs it (one process, one JSON line), the
// download routes as a signed-in user calls them, and a report schedule's delivery. The score it
// prints, the PDF's text, the HTML and the screen's read of the same evaluation agree, and every
// bundle verifies.

// The caller is a real server-side session; only Auth.js's reading of the cookie is replaced.
let caller: SessionUser | null = null;
vi.mock("@/lib/auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth")>()),
  auth: async () => (caller ? { user: { sid: caller.sessionId }, expires: "" } : null),
}));
vi.mock("next/headers", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/headers")>()),
  headers: async () => new Headers({ "x-forwarded-for": "203.0.113.12" }),
}));

const root = path.resolve(import.meta.dirname, "../../..");
const handle = testDb();
const dir = mkdtempSync(path.join(tmpdir(), "bg-report-cli-"));
let synced: SyncedWorld;
let databaseUrl: string;
const TENANT = `Report CLI ${Math.random().toString(36).slice(2, 7)}`;
const day = (offset: number) => new Date(clock.nowMs() + offset * 86_400_000).toISOString().slice(0, 10);

function report(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [path.join(root, "node_modules/tsx/dist/cli.mjs"), "lib/cli/report.ts", ...args],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += String(d)));
  child.stderr.on("data", (d) => (stderr += String(d)));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

beforeAll(async () => {
  databaseUrl = inject("databaseUrl");
  // The route handlers reach the database through lib/db.ts, which reads it from the environment.
  process.env.DATABASE_URL = databaseUrl;
  synced = await syncWorld(handle, databaseUrl, demoWorld(1), { name: TENANT });
  // At the simulated world's hour, before any process's reading of the pinned clock.
  await evaluateTenant(handle.db, synced.tenantId, {
    trigger: "test",
    now: new Date(synced.sim.runtime.state.now * 1000),
  });
}, 300_000);
afterAll(async () => {
  await synced?.stop();
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run report", () => {
  it("writes the PDF, the HTML, five CSVs and a bundle that verifies, and prints the score the report shows", async () => {
    const out = path.join(dir, "iso");
    const r = await report([
      "--tenant",
      TENANT,
      "--framework",
      "iso-27001-2022",
      "--from",
      day(-30),
      "--to",
      day(0),
      "--out",
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as { pdf: string; html: string; csv: string[]; bundle: string; score: number };
    for (const f of [line.pdf, line.html, line.bundle, ...line.csv]) expect(statSync(f).size).toBeGreaterThan(0);
    expect(line.csv).toHaveLength(5);

    const asOf = periodAsOf(parsePeriod(day(-30), day(0)), clock.now());
    const scores = await getScores(handle.db, { tenantId: synced.tenantId, asOf });
    const iso = scores.frameworks.find((f) => f.slug === "iso-27001-2022")!;
    expect(line.score).toBe(shownScorePercent(iso.score));
    const shown = formatScore(iso.score);
    expect(await pdfText(line.pdf)).toContain(shown);
    expect(readFileSync(line.html, "utf8")).toContain(shown);

    const verified = await verifyEvidenceBundle(line.bundle);
    expect(verified.problems).toEqual([]);
    expect(verified.ok).toBe(true);

    // The bundle holds every finding of the framework as of the period's end, with its evidence.
    const { total } = await listFindings(handle.db, {
      tenantId: synced.tenantId,
      asOf,
      templateSlug: "iso-27001-2022",
      limit: 1,
    });
    const findings = execFileSync("unzip", ["-p", line.bundle, "findings/findings.jsonl"], { maxBuffer: 1 << 28 })
      .toString("utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { status: string; evidence?: unknown[] });
    expect(findings).toHaveLength(total);
    expect(findings.filter((f) => f.status === "FAIL").every((f) => Array.isArray(f.evidence))).toBe(true);
    const manifest = JSON.parse(execFileSync("unzip", ["-p", line.bundle, "MANIFEST.json"]).toString("utf8")) as {
      meta: { findings: number; period: { from: string; to: string } };
    };
    expect(manifest.meta).toMatchObject({ findings: total, period: { from: day(-30), to: day(0) } });
  }, 300_000);

  it.each([
    [
      ["--framework", "iso-27001-2022", "--from", "2026-01-01", "--to", "2026-01-31", "--out", "x"],
      "--tenant is required",
    ],
    [
      [
        "--tenant",
        "nobody-here",
        "--framework",
        "iso-27001-2022",
        "--from",
        "2026-01-01",
        "--to",
        "2026-01-31",
        "--out",
        "x",
      ],
      'no organization named "nobody-here"',
    ],
    [["--tenant", "x", "--framework", "iso", "--from", "2026-13-01", "--to", "2026-01-31", "--out", "x"], "YYYY-MM-DD"],
    [
      ["--tenant", "x", "--framework", "iso", "--from", "2026-02-01", "--to", "2026-01-31", "--out", "x"],
      "before it starts",
    ],
  ])(
    "refuses bad input with a clear error: %j",
    async (args, message) => {
      const r = await report(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(message);
      expect(r.stdout).toBe("");
    },
    60_000,
  );

  it("refuses a framework the organization does not use, naming it", async () => {
    const r = await report([
      "--tenant",
      TENANT,
      "--framework",
      "no-such-framework",
      "--from",
      day(-30),
      "--to",
      day(0),
      "--out",
      path.join(dir, "none"),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no-such-framework");
  }, 60_000);
});

type Route = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
const route = async (file: string) =>
  (await import(path.join(root, "app/(app)/t/[tenant]/reports", file))).GET as Route;

describe("the report downloads", () => {
  let slug: string;
  let auditor: SessionUser;
  const signedIn = async (role: "auditor" | "operator", grant?: { periodFrom: string; periodTo: string }) => {
    const user = await makeUser(handle.db, role);
    await setMembership(
      handle.db,
      { userId: null, email: "admin@test.example", ip: null },
      { userId: user.userId, tenantId: synced.tenantId, ...(grant ? { ...grant, expiresOn: day(30) } : {}) },
    );
    return {
      ...user,
      sessionId: await openSession(handle.db, user.userId, { ip: "203.0.113.12", userAgent: null }, "password"),
    };
  };
  const get = async (as: SessionUser, file: string, params: Record<string, string>, query: string) => {
    caller = as;
    return (await route(file))(new Request(`http://localhost/t/${slug}/reports/x?${query}`), {
      params: Promise.resolve({ tenant: slug, ...params }),
    });
  };
  const exportsOf = (user: SessionUser) =>
    handle.db
      .select({ targetId: auditLog.targetId, details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.actorId, user.userId), eq(auditLog.action, "export"), eq(auditLog.targetType, "report")));

  beforeAll(async () => {
    const [t] = await handle.db.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, synced.tenantId));
    slug = t!.slug;
    auditor = await signedIn("auditor");
  });

  it("an Audit-Manager layout as CSV, with AWS's columns, audited", async () => {
    const res = await get(
      auditor,
      "audit-manager/[template]/route.ts",
      { template: "CONTROL_COMPLIANCE_REPORT" },
      `format=csv&from=${day(-30)}&to=${day(0)}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const records = readCsv(await res.text());
    expect(records[0]!.map((c) => c.text)).toEqual([...AUDIT_MANAGER_COLUMNS.CONTROL_COMPLIANCE_REPORT]);
    expect(records.length).toBeGreaterThan(1);
    expect(await exportsOf(auditor)).toContainEqual(
      expect.objectContaining({
        targetId: "CONTROL_COMPLIANCE_REPORT",
        details: expect.objectContaining({ from: day(-30), to: day(0), format: "csv" }),
      }),
    );
  });

  it("the framework report as PDF and HTML", async () => {
    const pdf = await get(
      auditor,
      "framework/[template]/route.ts",
      { template: "soc2-2017" },
      `format=pdf&from=${day(-30)}&to=${day(0)}`,
    );
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString("latin1"),
    ).toBe("%PDF-");
    const html = await get(
      auditor,
      "framework/[template]/route.ts",
      { template: "soc2-2017" },
      `format=html&from=${day(-30)}&to=${day(0)}`,
    );
    expect(html.status).toBe(200);
    expect(await html.text()).toContain("<html");
  }, 120_000);

  it("the evidence bundle, which verifies", async () => {
    const res = await get(auditor, "bundle/route.ts", {}, `framework=gdpr&from=${day(-30)}&to=${day(0)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    const file = path.join(dir, "downloaded.zip");
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const verified = await verifyEvidenceBundle(file);
    expect(verified.problems).toEqual([]);
  }, 180_000);

  it.each([
    ["audit-manager/[template]/route.ts", { template: "NOT_A_REPORT" }, `format=csv`, "template must be one of"],
    [
      "audit-manager/[template]/route.ts",
      { template: "BACKUP_JOB_REPORT" },
      `format=xlsx`,
      "format must be csv or json",
    ],
    ["audit-manager/[template]/route.ts", { template: "BACKUP_JOB_REPORT" }, `accounts=12345`, "exactly 12 digits"],
    [
      "audit-manager/[template]/route.ts",
      { template: "BACKUP_JOB_REPORT" },
      `regions=mars-north-1`,
      "not an AWS region",
    ],
    ["framework/[template]/route.ts", { template: "soc2-2017" }, `format=docx`, "format must be pdf or html"],
    [
      "framework/[template]/route.ts",
      { template: "soc2-2017" },
      `from=2026-02-30&to=2026-03-01`,
      "not a day of the calendar",
    ],
    ["bundle/route.ts", {}, `from=${day(-3)}&to=${day(-1)}`, "Name the framework"],
  ])("refuses bad input with a clear error: %s %j %s", async (file, params, query, message) => {
    const res = await get(auditor, file, params, query);
    expect(res.status, await res.clone().text()).toBe(400);
    expect(JSON.stringify(await res.json())).toContain(message);
  });

  it("refuses a role without the export capability", async () => {
    const operator = await signedIn("operator");
    const res = await get(operator, "bundle/route.ts", {}, `framework=gdpr`);
    expect(res.status).toBe(403);
    expect(await exportsOf(operator)).toEqual([]);
  });

  it("refuses an auditor a period outside their grant, audited, and downloads nothing", async () => {
    const granted = await signedIn("auditor", { periodFrom: day(-10), periodTo: day(0) });
    const res = await get(granted, "bundle/route.ts", {}, `framework=gdpr&from=${day(-40)}&to=${day(0)}`);
    expect(res.status).toBe(403);
    const [denial] = await handle.db
      .select({ details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.actorId, granted.userId), eq(auditLog.action, "authz.denied")));
    expect(denial!.details).toMatchObject({ reason: "period", route: "reports.bundle" });
    expect(await exportsOf(granted)).toEqual([]);
    const inside = await get(
      granted,
      "audit-manager/[template]/route.ts",
      { template: "BACKUP_JOB_REPORT" },
      `format=json`,
    );
    expect(inside.status).toBe(200);
    const [row] = await exportsOf(granted);
    expect(row!.details).toMatchObject({ from: day(-10), to: day(0) });
  });
});

describe("a report schedule", () => {
  it("delivers the whole set, with a bundle that verifies, rendered by the same code", async () => {
    const folder = path.join(dir, "deliveries");
    const user = await makeUser(handle.db, "compliance", [{ tenantId: synced.tenantId }]);
    const actor = { userId: user.userId, email: user.email, ip: "203.0.113.12" };
    const { id } = await createSchedule(
      handle.db,
      actor,
      {
        tenantId: synced.tenantId,
        name: "weekly evidence",
        cron: "0 6 * * *",
        enabled: true,
        spec: { kind: "bundle", templateSlug: "iso-27001-2022", periodDays: 7 },
        destinationKind: "folder",
        destination: { path: folder },
      } as Parameters<typeof createSchedule>[2],
      dir,
    );
    // The schedule's first slot: 06:00 UTC the day after the (pinned) clock's day.
    const slot = new Date(`${day(1)}T06:00:00Z`);
    await tickReportSchedules(
      handle.db,
      {
        produce: scheduledReportProducer(handle.db),
        folderRoot: dir,
        smtp: { url: undefined, from: undefined, maxAttachmentBytes: 0 },
        aws: async () => {
          throw new Error("no AWS");
        },
        retryDelaysMs: [60_000],
      },
      slot,
    );
    const [delivery] = await handle.db.select().from(reportDeliveries).where(eq(reportDeliveries.scheduleId, id));
    expect(delivery, "one delivery for the slot").toBeDefined();
    expect(delivery!.error).toBeNull();
    expect(delivery!.status).toBe("delivered");
    const files = delivery!.files as string[];
    expect(files.filter((f) => f.endsWith(".csv"))).toHaveLength(5);
    const zip = files.find((f) => f.endsWith(".zip"))!;
    const delivered = path.join(folder, slot.toISOString().slice(0, 10), zip);
    expect((await verifyEvidenceBundle(delivered)).problems).toEqual([]);
  }, 240_000);
});
