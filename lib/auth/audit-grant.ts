import { clock } from "@/lib/clock";
import { periodLabel, periodWithin, type ReportPeriod } from "@/lib/reports/period";
import type { TenantAccess } from "./access";

// The rules of an audit grant (a membership with a period, lib/auth/access.ts). Everything an
// auditor with a grant sees and exports is "as of" within the period: the history views (scores,
// findings, reports) are pinned to it, and the views of the current state (inventory, jobs, sync)
// are open only while the period runs. The grant's expiry is enforced where access is loaded: an
// expired membership is no membership.

type Grant = Pick<TenantAccess, "period">;

/** Whether the current state of the tenant lies within what the user may see. */
export function seesCurrentState(access: Grant, now: Date = clock.now()): boolean {
  return !access.period || (access.period.from <= now && now < access.period.to);
}

/** Whether a report or export over `period` lies within the grant. */
export function periodAllowed(access: Grant, period: ReportPeriod): boolean {
  return !access.period || periodWithin(period, access.period);
}

/** Whether an as-of instant lies within the grant. */
export function instantAllowed(access: Grant, at: Date): boolean {
  return !access.period || (access.period.from <= at && at < access.period.to);
}

/** The sentence shown when a request falls outside the grant. */
export function outsideGrantMessage(access: Grant): string {
  return access.period
    ? `Your audit access to this organization covers ${periodLabel(access.period)} only.`
    : "Outside your access.";
}

/** Why a page of the current state was refused under a grant whose period is not today. */
export const CURRENT_STATE_REFUSED =
  "Pages of the current state (inventory, jobs, sync) are outside it; scores, findings and reports are shown as of the period.";

/** A report's period when none is asked for: the grant's, or the last 90 days up to today. */
export function defaultReportPeriod(access: Grant, now: Date = clock.now()): ReportPeriod {
  if (access.period) return access.period;
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  return { from: new Date(to.getTime() - 90 * 86_400_000), to };
}
