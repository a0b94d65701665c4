import type { RunProgress } from "@/db/queries/sync";

// The setup guide's steps and how far a tenant has got, derived from what the product already
// records rather than from a checklist the user ticks: a box that says "done" when the roles do not
// work would be worse than no guide.

export const SETUP_STEPS = ["organization", "roles", "connection", "first-sync"] as const;
export type SetupStep = (typeof SETUP_STEPS)[number];
/**
 * done; current (the next thing to do); todo (after it); problem (its last try failed and nothing
 * after it can work); attention (it ran with some failures that do not stop the next step, such as
 * one account whose member role is missing).
 */
export type StepState = "done" | "current" | "todo" | "problem" | "attention";

export interface SetupFacts {
  /** The newest connection test: whether the entry role could be assumed and how many checks failed. */
  connection: { at: Date; entryRoleOk: boolean; failedChecks: number } | null;
  /** The newest sync run of the tenant, finished or not. */
  latestRun: Pick<RunProgress, "status" | "finishedAt"> | null;
  /** Whether any run has finished with data published (succeeded or partial). */
  hasSynced: boolean;
}

/** Each step's state: the first step not done is the current one, or a problem when its last try failed. */
export function setupStepStates(f: SetupFacts): Record<SetupStep, StepState> {
  // A sync that published data proves the roles, whatever an older test said.
  const entryOk = f.hasSynced || f.connection?.entryRoleOk === true;
  const tested = f.connection !== null && f.connection.entryRoleOk;
  const states: Record<SetupStep, StepState> = {
    organization: "done",
    roles: entryOk ? "done" : f.connection ? "problem" : "current",
    connection: !entryOk
      ? "todo"
      : tested && f.connection!.failedChecks > 0
        ? "attention"
        : tested || f.hasSynced
          ? "done"
          : "current",
    "first-sync": f.hasSynced ? "done" : !entryOk ? "todo" : f.latestRun?.status === "failed" ? "problem" : "current",
  };
  // Only one step is "current": the connection test may be skipped in favour of the sync itself.
  if (states.connection === "current" && states["first-sync"] === "current") states["first-sync"] = "todo";
  return states;
}
