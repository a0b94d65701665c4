import { describe, expect, it } from "vitest";
import { setupStepStates, type SetupFacts } from "@/lib/onboarding/setup-steps";

const at = new Date("2026-06-15T12:00:00Z");
const facts = (f: Partial<SetupFacts>): SetupFacts => ({ connection: null, latestRun: null, hasSynced: false, ...f });

describe("the setup guide's steps", () => {
  it("starts at the roles with nothing tested or synced", () => {
    expect(setupStepStates(facts({}))).toEqual({
      organization: "done",
      roles: "current",
      connection: "todo",
      "first-sync": "todo",
    });
  });

  it("says the roles need fixing when a test could not assume the entry role", () => {
    const s = setupStepStates(facts({ connection: { at, entryRoleOk: false, failedChecks: 1 } }));
    expect(s.roles).toBe("problem");
    expect(s["first-sync"]).toBe("todo");
  });

  it("moves on to the first sync when the test passed, and flags accounts that failed", () => {
    expect(setupStepStates(facts({ connection: { at, entryRoleOk: true, failedChecks: 0 } }))).toMatchObject({
      roles: "done",
      connection: "done",
      "first-sync": "current",
    });
    expect(setupStepStates(facts({ connection: { at, entryRoleOk: true, failedChecks: 4 } }))).toMatchObject({
      connection: "attention",
      "first-sync": "current",
    });
  });

  it("shows a failed first sync as the problem to fix", () => {
    const s = setupStepStates(
      facts({
        connection: { at, entryRoleOk: true, failedChecks: 0 },
        latestRun: { status: "failed", finishedAt: at },
      }),
    );
    expect(s["first-sync"]).toBe("problem");
  });

  it("counts a sync that published data as proof of the roles, even after a failed test", () => {
    const s = setupStepStates(
      facts({
        connection: { at, entryRoleOk: false, failedChecks: 3 },
        latestRun: { status: "partial", finishedAt: at },
        hasSynced: true,
      }),
    );
    expect(s).toEqual({ organization: "done", roles: "done", connection: "done", "first-sync": "done" });
  });
});
