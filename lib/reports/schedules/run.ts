import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { recordAudit } from "@/db/audit";
import { reportDeliveries, reportSchedules, tenants, type ReportDeliveryRow } from "@/db/schema";
import type { AwsFactory } from "@/lib/aws/client-factory";
import { clock } from "@/lib/clock";
import type { ReportPeriod } from "@/lib/reports/period";
import { tenantRoles } from "@/lib/policies/preview-roles";
import { lastSlot } from "@/lib/sync/cron";
import { parseDestination } from "./destination";
import type { DeliveryFile, DeliveryTarget } from "./deliver";
import { deliverByEmail, type SmtpSettings } from "./deliver-email";
import { deliverToFolder } from "./deliver-folder";
import { deliverToS3 } from "./deliver-s3";
import { reportScheduleSpec, rollingPeriod, type ReportScheduleSpec } from "./spec";

// Scheduled report delivery. Every minute (lib/reports/schedules/queue.ts) a tick does two things:
// it records a delivery for every enabled schedule whose cron slot came within the catch-up
// window (the slot is unique per schedule, so a slot starts at most one delivery however many
// ticks see it), then it attempts every pending delivery that is due. A failed attempt is tried
// again after a backoff; the last failure marks the delivery failed, and a schedule whose
// deliveries fail `failureAlertAfter` times in a row is marked failing with one audit row.
// Everything lives in the delivery log, so a worker that dies mid-delivery loses nothing: its
// claim expires and the next tick takes the delivery over.

/** What renders a report: writes its files into `dir` and names them (relative to `dir`, or paths in it). */
export type ReportProducer = (
  spec: ReportScheduleSpec,
  dir: string,
  context: { tenantId: string; period: ReportPeriod; slot: Date },
) => Promise<{ files: string[] }>;

export interface DeliveryDeps {
  produce: ReportProducer;
  /** REPORT_FOLDER_ROOT. */
  folderRoot: string | undefined;
  smtp: SmtpSettings;
  /** The AWS factory S3 deliveries use; asked only when one is due. */
  aws: () => Promise<AwsFactory>;
  /** Waits before the 2nd, 3rd, … attempt; its length + 1 is the number of attempts. */
  retryDelaysMs?: readonly number[];
  /** Failed deliveries in a row that mark a schedule failing. */
  failureAlertAfter?: number;
  /** How far back a missed slot is still delivered. */
  catchUpMinutes?: number;
  log?: (m: string) => void;
}

export const DEFAULT_RETRY_DELAYS_MS = [60_000, 300_000] as const;
export const DEFAULT_FAILURE_ALERT_AFTER = 3;
export const DEFAULT_CATCH_UP_MINUTES = 60;
/** A claim outlives any delivery (producing and sending); after it another worker may retry. */
const CLAIM_MS = 30 * 60_000;

/** Records the deliveries of the slots that have come; returns how many are new. */
export async function recordDueSlots(db: Db, now: Date, catchUpMinutes = DEFAULT_CATCH_UP_MINUTES): Promise<number> {
  const rows = await db
    .select({
      id: reportSchedules.id,
      tenantId: reportSchedules.tenantId,
      cron: reportSchedules.cron,
      createdAt: reportSchedules.createdAt,
    })
    .from(reportSchedules)
    .innerJoin(tenants, eq(tenants.id, reportSchedules.tenantId))
    .where(and(eq(reportSchedules.enabled, true), sql`${tenants.status} <> 'disabled'`));
  let created = 0;
  for (const s of rows) {
    let slot: Date | null;
    try {
      slot = lastSlot(s.cron, now, catchUpMinutes);
    } catch {
      continue; // saved schedules are validated; a row edited by hand is skipped, not fatal
    }
    // A schedule delivers the slots after it was made, not the one just before.
    if (!slot || slot.getTime() < Math.floor(s.createdAt.getTime() / 60_000) * 60_000) continue;
    const inserted = await db
      .insert(reportDeliveries)
      .values({ scheduleId: s.id, tenantId: s.tenantId, slot, trigger: "schedule", nextAttemptAt: slot })
      .onConflictDoNothing({ target: [reportDeliveries.scheduleId, reportDeliveries.slot] })
      .returning({ id: reportDeliveries.id });
    created += inserted.length;
  }
  return created;
}

/** Claims the next due delivery (atomically: one worker per delivery), or null. */
async function claimNext(db: Db, now: Date): Promise<ReportDeliveryRow | null> {
  const due = and(
    eq(reportDeliveries.status, "pending"),
    lte(reportDeliveries.nextAttemptAt, now),
    or(isNull(reportDeliveries.claimedUntil), lt(reportDeliveries.claimedUntil, now)),
  );
  const [row] = await db
    .update(reportDeliveries)
    .set({ claimedUntil: new Date(now.getTime() + CLAIM_MS) })
    .where(
      eq(
        reportDeliveries.id,
        sql`(select id from ${reportDeliveries} where ${due} order by ${reportDeliveries.nextAttemptAt} limit 1 for update skip locked)`,
      ),
    )
    .returning();
  return row ?? null;
}

/** Attempts every due delivery, one after another; returns how many were attempted. */
export async function runDueDeliveries(db: Db, deps: DeliveryDeps, now: Date): Promise<number> {
  let n = 0;
  for (let d = await claimNext(db, now); d; d = await claimNext(db, now)) {
    await attempt(db, deps, d, now);
    n++;
  }
  return n;
}

/** One tick: record the slots that came, then attempt what is due. */
export async function tickReportSchedules(db: Db, deps: DeliveryDeps, now = clock.now()): Promise<number> {
  await recordDueSlots(db, now, deps.catchUpMinutes);
  return runDueDeliveries(db, deps, now);
}

/** An error as the delivery log shows it: one line, no URL credentials. */
export function safeError(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m
    .split("\n")[0]!
    .replace(/\/\/[^/@\s]*@/g, "//")
    .slice(0, 500);
}

async function attempt(db: Db, deps: DeliveryDeps, d: ReportDeliveryRow, now: Date): Promise<void> {
  const [s] = await db
    .select({ schedule: reportSchedules, tenantSlug: tenants.slug, tenantName: tenants.name })
    .from(reportSchedules)
    .innerJoin(tenants, eq(tenants.id, reportSchedules.tenantId))
    .where(eq(reportSchedules.id, d.scheduleId));
  if (!s) return;
  const startedAt = d.startedAt ?? now;
  let dir: string | null = null;
  try {
    const spec = reportScheduleSpec.parse(s.schedule.spec);
    const destination = parseDestination(s.schedule.destinationKind, s.schedule.destination);
    const period = rollingPeriod(spec, d.slot);
    const target: DeliveryTarget = {
      tenantId: s.schedule.tenantId,
      tenantSlug: s.tenantSlug,
      tenantName: s.tenantName,
      scheduleName: s.schedule.name,
      slot: d.slot,
      period,
    };
    dir = await mkdtemp(path.join(tmpdir(), "report-delivery-"));
    const produced = await deps.produce(spec, dir, { tenantId: s.schedule.tenantId, period, slot: d.slot });
    const files = await filesIn(dir, produced.files);
    if (files.length === 0) throw new Error("the report produced no files");
    if (destination.kind === "folder") await deliverToFolder(destination.config, deps.folderRoot, target, files);
    else if (destination.kind === "email") await deliverByEmail(destination.config, deps.smtp, target, files);
    else {
      const roles = await tenantRoles(db, s.schedule.tenantId);
      if (!roles) throw new Error("the organization has no AWS roles configured");
      await deliverToS3(destination.config, { factory: await deps.aws(), roles }, target, files);
    }
    await delivered(db, d, files, startedAt, now);
  } catch (e) {
    await failed(db, deps, d, safeError(e), startedAt, now);
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

/** The producer's files, each inside its directory. */
async function filesIn(dir: string, names: readonly string[]): Promise<DeliveryFile[]> {
  const out: DeliveryFile[] = [];
  for (const n of names) {
    const full = path.resolve(dir, n);
    if (path.dirname(full) !== path.resolve(dir)) throw new Error(`the report wrote ${n} outside its directory`);
    out.push({ name: path.basename(full), path: full, bytes: (await stat(full)).size });
  }
  return out;
}

/** When an attempt that a tick at `now` began ended: the clock's now, or `now` for a tick pinned ahead of it (tests). */
function endOf(now: Date): Date {
  const t = clock.now();
  return t > now ? t : now;
}

async function delivered(db: Db, d: ReportDeliveryRow, files: DeliveryFile[], startedAt: Date, now: Date) {
  const finishedAt = endOf(now);
  await db.transaction(async (tx) => {
    await tx
      .update(reportDeliveries)
      .set({
        status: "delivered",
        attempts: d.attempts + 1,
        error: null,
        files: files.map((f) => f.name),
        bytes: files.reduce((n, f) => n + f.bytes, 0),
        startedAt,
        finishedAt,
        claimedUntil: null,
      })
      .where(eq(reportDeliveries.id, d.id));
    await tx
      .update(reportSchedules)
      .set({ consecutiveFailures: 0, lastSuccessAt: finishedAt, failingSince: null, lastError: null })
      .where(eq(reportSchedules.id, d.scheduleId));
  });
}

async function failed(db: Db, deps: DeliveryDeps, d: ReportDeliveryRow, error: string, startedAt: Date, now: Date) {
  const delays = deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const attempts = d.attempts + 1;
  deps.log?.(`report delivery ${d.id} attempt ${attempts} failed: ${error}`);
  if (attempts <= delays.length) {
    await db
      .update(reportDeliveries)
      .set({
        attempts,
        error,
        startedAt,
        nextAttemptAt: new Date(now.getTime() + delays[attempts - 1]!),
        claimedUntil: null,
      })
      .where(eq(reportDeliveries.id, d.id));
    return;
  }
  const alertAfter = deps.failureAlertAfter ?? DEFAULT_FAILURE_ALERT_AFTER;
  await db.transaction(async (tx) => {
    await tx
      .update(reportDeliveries)
      .set({ status: "failed", attempts, error, startedAt, finishedAt: endOf(now), claimedUntil: null })
      .where(eq(reportDeliveries.id, d.id));
    const [s] = await tx
      .update(reportSchedules)
      .set({ consecutiveFailures: sql`${reportSchedules.consecutiveFailures} + 1`, lastError: error })
      .where(eq(reportSchedules.id, d.scheduleId))
      .returning();
    if (!s || s.consecutiveFailures < alertAfter || s.failingSince) return;
    // The first failure past the threshold opens a failing streak: one audit row for it, not one per delivery.
    await tx.update(reportSchedules).set({ failingSince: now }).where(eq(reportSchedules.id, s.id));
    await recordAudit(tx, {
      actorEmail: "system",
      tenantId: s.tenantId,
      action: "report_schedule.failing",
      targetType: "report_schedule",
      targetId: s.id,
      outcome: "failure",
      details: { name: s.name, consecutiveFailures: s.consecutiveFailures, lastError: error },
    });
  });
}
