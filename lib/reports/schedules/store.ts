import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { recordAudit } from "@/db/audit";
import { reportDeliveries, reportSchedules, type ReportDeliveryRow, type ReportScheduleRow } from "@/db/schema";
import { clock } from "@/lib/clock";
import { env } from "@/lib/env";
import { conflict, invalid, isUniqueViolation, notFound } from "@/lib/errors";
import type { ReportScheduleInput } from "@/lib/validation/report-schedules";
import { checkFolderPath } from "./destination";

// Schedules as users change them: each change one transaction with its audit row. Deliveries
// are written by the tick (run.ts); "run now" records one for the next tick to attempt.

export interface Actor {
  userId: string;
  email: string;
  ip: string | null;
}

const audit = (actor: Actor) => ({ actorId: actor.userId, actorEmail: actor.email, ip: actor.ip });

/** The server-side checks a form cannot make: the folder against this server's root. */
function checkOnServer(input: ReportScheduleInput, folderRoot: string | undefined) {
  if (input.destinationKind !== "folder") return;
  try {
    checkFolderPath((input.destination as { path: string }).path, folderRoot);
  } catch (e) {
    throw invalid("Some fields need attention.", { folderPath: (e as Error).message });
  }
}

/** What the audit row says of a schedule: everything but who made it. */
const described = (i: ReportScheduleInput) => ({
  name: i.name,
  cron: i.cron,
  enabled: i.enabled,
  spec: i.spec,
  destinationKind: i.destinationKind,
  destination: i.destination,
});

const nameTaken = () =>
  conflict("A schedule with this name already exists.", { name: "A schedule with this name already exists." });

export async function createSchedule(
  db: Db,
  actor: Actor,
  input: ReportScheduleInput,
  folderRoot = env.REPORT_FOLDER_ROOT,
): Promise<{ id: string }> {
  checkOnServer(input, folderRoot);
  const now = clock.now();
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(reportSchedules)
        .values({
          tenantId: input.tenantId,
          name: input.name,
          cron: input.cron,
          enabled: input.enabled,
          spec: input.spec,
          destinationKind: input.destinationKind,
          destination: input.destination,
          createdById: actor.userId,
          createdByEmail: actor.email,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: reportSchedules.id });
      await recordAudit(tx, {
        ...audit(actor),
        tenantId: input.tenantId,
        action: "report_schedule.create",
        targetType: "report_schedule",
        targetId: row!.id,
        details: described(input),
      });
      return { id: row!.id };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
}

export async function updateSchedule(
  db: Db,
  actor: Actor,
  input: ReportScheduleInput & { id: string },
  folderRoot = env.REPORT_FOLDER_ROOT,
): Promise<void> {
  checkOnServer(input, folderRoot);
  try {
    await db.transaction(async (tx) => {
      const [row] = await tx
        .update(reportSchedules)
        .set({
          name: input.name,
          cron: input.cron,
          enabled: input.enabled,
          spec: input.spec,
          destinationKind: input.destinationKind,
          destination: input.destination,
          updatedAt: clock.now(),
        })
        .where(and(eq(reportSchedules.id, input.id), eq(reportSchedules.tenantId, input.tenantId)))
        .returning({ id: reportSchedules.id });
      if (!row) throw notFound("That schedule");
      await recordAudit(tx, {
        ...audit(actor),
        tenantId: input.tenantId,
        action: "report_schedule.update",
        targetType: "report_schedule",
        targetId: input.id,
        details: described(input),
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
}

export async function deleteSchedule(db: Db, actor: Actor, ref: { tenantId: string; id: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .delete(reportSchedules)
      .where(and(eq(reportSchedules.id, ref.id), eq(reportSchedules.tenantId, ref.tenantId)))
      .returning({ name: reportSchedules.name });
    if (!row) throw notFound("That schedule");
    await recordAudit(tx, {
      ...audit(actor),
      tenantId: ref.tenantId,
      action: "report_schedule.delete",
      targetType: "report_schedule",
      targetId: ref.id,
      details: { name: row.name },
    });
  });
}

/** "Run now": a delivery due at once, attempted by the next tick (within a minute). */
export async function runScheduleNow(
  db: Db,
  actor: Actor,
  ref: { tenantId: string; id: string },
): Promise<{ deliveryId: string }> {
  return db.transaction(async (tx) => {
    const [s] = await tx
      .select({ id: reportSchedules.id, name: reportSchedules.name })
      .from(reportSchedules)
      .where(and(eq(reportSchedules.id, ref.id), eq(reportSchedules.tenantId, ref.tenantId)));
    if (!s) throw notFound("That schedule");
    const now = clock.now();
    const [d] = await tx
      .insert(reportDeliveries)
      .values({ scheduleId: s.id, tenantId: ref.tenantId, slot: now, trigger: "manual", nextAttemptAt: now })
      .onConflictDoNothing()
      .returning({ id: reportDeliveries.id });
    if (!d) throw conflict("A delivery of this schedule was just requested.");
    await recordAudit(tx, {
      ...audit(actor),
      tenantId: ref.tenantId,
      action: "report_schedule.run",
      targetType: "report_schedule",
      targetId: s.id,
      details: { name: s.name, deliveryId: d.id },
    });
    return { deliveryId: d.id };
  });
}

export async function listSchedules(db: Db, tenantId: string): Promise<ReportScheduleRow[]> {
  return db.select().from(reportSchedules).where(eq(reportSchedules.tenantId, tenantId)).orderBy(reportSchedules.name);
}

export async function getSchedule(db: Db, tenantId: string, id: string): Promise<ReportScheduleRow | null> {
  const [row] = await db
    .select()
    .from(reportSchedules)
    .where(and(eq(reportSchedules.id, id), eq(reportSchedules.tenantId, tenantId)));
  return row ?? null;
}

/** The delivery log, newest first: of one schedule or of the whole tenant. */
export async function listDeliveries(
  db: Db,
  tenantId: string,
  o: { scheduleId?: string; limit?: number } = {},
): Promise<Array<ReportDeliveryRow & { scheduleName: string }>> {
  const rows = await db
    .select({ d: reportDeliveries, scheduleName: reportSchedules.name })
    .from(reportDeliveries)
    .innerJoin(reportSchedules, eq(reportSchedules.id, reportDeliveries.scheduleId))
    .where(
      and(
        eq(reportDeliveries.tenantId, tenantId),
        o.scheduleId ? eq(reportDeliveries.scheduleId, o.scheduleId) : undefined,
      ),
    )
    .orderBy(desc(reportDeliveries.slot))
    .limit(o.limit ?? 100);
  return rows.map((r) => ({ ...r.d, scheduleName: r.scheduleName }));
}

/** The newest delivery of each of the tenant's schedules, by schedule id. */
export async function lastDeliveries(db: Db, tenantId: string): Promise<Map<string, ReportDeliveryRow>> {
  const rows = await db
    .selectDistinctOn([reportDeliveries.scheduleId])
    .from(reportDeliveries)
    .where(eq(reportDeliveries.tenantId, tenantId))
    .orderBy(reportDeliveries.scheduleId, desc(reportDeliveries.slot));
  return new Map(rows.map((r) => [r.scheduleId, r]));
}

/** The next slot of a cron after `from` (within `withinDays`), for the schedules page. */
export { nextSlot } from "./next-slot";
