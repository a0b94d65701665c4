"use server";

import { revalidatePath } from "next/cache";
import { actorOf, defineAction } from "@/lib/actions";
import { createSchedule, deleteSchedule, runScheduleNow, updateSchedule } from "@/lib/reports/schedules/store";
import { reportScheduleForm, scheduleRef, updateReportScheduleForm } from "@/lib/validation/report-schedules";

// Scheduled report deliveries: admins and compliance officers only ("report:schedule"); the
// store validates what a form cannot (the folder root) and audits each change in its transaction.

const refresh = (slug: string | undefined) => revalidatePath(`/t/${slug ?? ""}/reports/schedules`, "layout");

export const createReportScheduleAction = defineAction(
  { name: "reports.schedule.create", capability: "report:schedule", input: reportScheduleForm },
  async (ctx, input) => {
    const r = await createSchedule(ctx.db, actorOf(ctx), input);
    refresh(ctx.tenant?.slug);
    return r;
  },
);

export const updateReportScheduleAction = defineAction(
  { name: "reports.schedule.update", capability: "report:schedule", input: updateReportScheduleForm },
  async (ctx, input) => {
    await updateSchedule(ctx.db, actorOf(ctx), input);
    refresh(ctx.tenant?.slug);
    return { id: input.id };
  },
);

export const deleteReportScheduleAction = defineAction(
  { name: "reports.schedule.delete", capability: "report:schedule", input: scheduleRef },
  async (ctx, input) => {
    await deleteSchedule(ctx.db, actorOf(ctx), input);
    refresh(ctx.tenant?.slug);
    return { id: input.id };
  },
);

export const runReportScheduleAction = defineAction(
  { name: "reports.schedule.run", capability: "report:schedule", input: scheduleRef },
  async (ctx, input) => {
    const r = await runScheduleNow(ctx.db, actorOf(ctx), input);
    refresh(ctx.tenant?.slug);
    return r;
  },
);
