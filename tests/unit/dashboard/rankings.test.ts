import { describe, expect, it } from "vitest";
import { protectionStatus } from "@/lib/compliance/scoring/protection";
import { rankAccountScores, rankFailingControls } from "@/lib/dashboard/queries/compliance";
import { isUnread } from "@/lib/sync/unread-accounts";

describe("controls failing most", () => {
  it("ranks by the share failing, not the raw count: 54 of 58 resources above 941 of 20,000 points", () => {
    const ranked = rankFailingControls([
      { controlId: "BK-05" as const, failing: 941, share: 941 / 20_000, resources: { count: 37, exact: true } },
      { controlId: "BK-11" as const, failing: 54, share: 54 / 58, resources: { count: 54, exact: true } },
      { controlId: "BK-02" as const, failing: 3, share: 3 / 29, resources: null },
    ]);
    expect(ranked.map((c) => c.controlId)).toEqual(["BK-11", "BK-02", "BK-05"]);
  });

  it("breaks a tie in share by resources affected, then by failing checks", () => {
    const ranked = rankFailingControls([
      { controlId: "BK-04" as const, failing: 10, share: 0.5, resources: { count: 2, exact: true } },
      { controlId: "BK-12" as const, failing: 4, share: 0.5, resources: { count: 4, exact: true } },
      { controlId: "BK-16" as const, failing: 6, share: 0.5, resources: null },
      { controlId: "BK-03" as const, failing: 8, share: 0.5, resources: null },
    ]);
    expect(ranked.map((c) => c.controlId)).toEqual(["BK-12", "BK-04", "BK-03", "BK-16"]);
  });
});

describe("accounts, worst first", () => {
  const a = (name: string, score: number | null, noData = false, acknowledged = false) => ({
    name,
    score,
    noData,
    acknowledged,
  });

  it("puts accounts with no data first (never as 0%), acknowledged ones last", () => {
    const ranked = rankAccountScores([
      a("Prod", 0.95),
      a("Legacy", null, true, true),
      a("Sandbox", null, true),
      a("Dev", 0.4),
      a("Empty", null),
    ]);
    expect(ranked.map((x) => x.name)).toEqual(["Sandbox", "Dev", "Prod", "Empty", "Legacy"]);
  });
});

describe("unread accounts", () => {
  const at = new Date("2026-06-15T00:00:00Z");
  it("an account is unread when no region holds data a sync read", () => {
    expect(isUnread([])).toBe(true);
    expect(isUnread([{ status: "failed", publishedAt: null }])).toBe(true);
    // Suspended: skipped everywhere, whatever was read before it was suspended.
    expect(isUnread([{ status: "skipped", publishedAt: at }])).toBe(true);
    expect(
      isUnread([
        { status: "failed", publishedAt: null },
        { status: "failed", publishedAt: at },
      ]),
    ).toBe(false);
    expect(isUnread([{ status: "ok", publishedAt: at }])).toBe(false);
  });
});

describe("protection status: one rule", () => {
  const covered = { coverage: "PASS" as const, coverageReason: "plan daily selects it" };

  it("is Protected only when covered by a plan AND the newest point meets the RPO", () => {
    expect(protectionStatus({ ...covered, rpo: "PASS", rpoReason: "newest point within the RPO" })).toMatchObject({
      state: "protected",
      label: "Protected",
      tone: "green",
    });
  });

  it("is At risk, with the reason, when covered but never backed up or behind the RPO", () => {
    const never = protectionStatus({
      ...covered,
      rpo: "FAIL",
      rpoReason: "no recovery point yet, although plan daily selects it (first backup pending)",
    });
    expect(never).toMatchObject({ state: "at-risk", label: "At risk" });
    expect(never.reason).toContain("no recovery point yet");
    expect(protectionStatus({ ...covered, rpo: null, rpoReason: null }).state).toBe("at-risk");
    expect(protectionStatus({ ...covered, rpo: "EXCEPTED", rpoReason: "older than the RPO" }).label).toBe(
      "At risk (accepted)",
    );
  });

  it("is Unprotected when no plan covers it, whatever the RPO says", () => {
    const s = protectionStatus({
      coverage: "FAIL",
      coverageReason: "no plan selects it",
      rpo: "PASS",
      rpoReason: "x",
    });
    expect(s).toMatchObject({ state: "unprotected", label: "Unprotected", reason: "no plan selects it" });
    expect(protectionStatus({ coverage: "ERROR", coverageReason: "no data", rpo: null, rpoReason: null }).state).toBe(
      "unknown",
    );
  });
});
