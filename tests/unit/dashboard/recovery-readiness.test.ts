import { describe, expect, it } from "vitest";
import { approvalOf, readinessOf } from "@/lib/dashboard/tables/recovery-readiness";

const at = (day: number) => new Date(Date.UTC(2026, 5, day));

describe("a resource's clean state", () => {
  it.each([
    [{ newestAt: null, cleanAt: null, infectedAt: null, scanned: false }, "no-point"],
    [{ newestAt: at(10), cleanAt: at(10), infectedAt: null, scanned: true }, "clean"],
    // An older infected point does not matter; a newer one does.
    [{ newestAt: at(10), cleanAt: at(9), infectedAt: at(8), scanned: true }, "clean"],
    [{ newestAt: at(10), cleanAt: at(9), infectedAt: at(10), scanned: true }, "infected"],
    [{ newestAt: at(10), cleanAt: null, infectedAt: at(10), scanned: true }, "none-clean"],
    [{ newestAt: at(10), cleanAt: null, infectedAt: null, scanned: true }, "none-clean"],
    [{ newestAt: at(10), cleanAt: null, infectedAt: null, scanned: false }, "never-scanned"],
  ] as const)("%j is %s", (facts, expected) => {
    expect(readinessOf(facts)).toBe(expected);
  });
});

describe("who must approve a restore", () => {
  it("names the approval team, then the RAM principals with the external ones marked", () => {
    expect(
      approvalOf({
        accountId: "222222222222",
        mpaApprovalTeamArn: "arn:aws:mpa::1:approval-team/t",
        shares: [
          { principal: "333333333333", external: false },
          { principal: "999999999999", external: true },
        ],
      }),
    ).toBe(
      "multi-party approval team arn:aws:mpa::1:approval-team/t; shared through AWS RAM with 333333333333, 999999999999 (external)",
    );
  });

  it("is the vault account's own IAM when neither", () => {
    expect(approvalOf({ accountId: "222222222222", mpaApprovalTeamArn: null, shares: [] })).toBe(
      "IAM of account 222222222222",
    );
  });
});
