import { describe, expect, it } from "vitest";
import { bucketNameProblem, checkFolderPath } from "@/lib/reports/schedules/destination";
import { s3Key } from "@/lib/reports/schedules/deliver-s3";
import { nextSlot } from "@/lib/reports/schedules/next-slot";
import { safeError } from "@/lib/reports/schedules/run";
import { reportScheduleSpec, rollingPeriod } from "@/lib/reports/schedules/spec";

describe("rolling period", () => {
  it("covers the whole days ending with the day before the slot", () => {
    const p = rollingPeriod({ periodDays: 7 }, new Date("2026-06-16T06:00:00Z"));
    expect(p.from.toISOString()).toBe("2026-06-09T00:00:00.000Z");
    expect(p.to.toISOString()).toBe("2026-06-16T00:00:00.000Z");
  });
  it("a slot at midnight still ends with the day before", () => {
    const p = rollingPeriod({ periodDays: 1 }, new Date("2026-03-01T00:00:00Z"));
    expect([p.from.toISOString(), p.to.toISOString()]).toEqual([
      "2026-02-28T00:00:00.000Z",
      "2026-03-01T00:00:00.000Z",
    ]);
  });
});

describe("spec", () => {
  it("accepts a bundle of a framework and refuses a report without what it needs", () => {
    const bundle = { kind: "bundle", templateSlug: "gdpr", periodDays: 90 };
    expect(reportScheduleSpec.parse(bundle)).toEqual(bundle);
    expect(reportScheduleSpec.safeParse({ kind: "bundle", periodDays: 90 }).success).toBe(false);
    expect(reportScheduleSpec.safeParse({ kind: "framework", periodDays: 7 }).success).toBe(false);
    expect(reportScheduleSpec.safeParse({ ...bundle, periodDays: 800 }).success).toBe(false);
    expect(reportScheduleSpec.safeParse({ ...bundle, extra: 1 }).success).toBe(false);
  });

  it("takes only AWS's Audit Manager templates, and each report's own formats", () => {
    const am = { kind: "audit-manager", amTemplate: "BACKUP_JOB_REPORT", format: "json", periodDays: 1 };
    expect(reportScheduleSpec.safeParse(am).success).toBe(true);
    expect(reportScheduleSpec.safeParse({ ...am, amTemplate: "BACKUP_JOBS" }).success).toBe(false);
    expect(reportScheduleSpec.safeParse({ ...am, format: "pdf" }).success).toBe(false);
    const framework = { kind: "framework", templateSlug: "soc2-2017", periodDays: 30 };
    expect(reportScheduleSpec.safeParse({ ...framework, format: "html" }).success).toBe(true);
    expect(reportScheduleSpec.safeParse({ ...framework, format: "csv" }).success).toBe(false);
  });
});

describe("folder paths", () => {
  it("must be absolute, inside the root, without ..", () => {
    expect(checkFolderPath("/srv/reports/acme", "/srv/reports")).toBe("/srv/reports/acme");
    expect(checkFolderPath("/srv/reports", "/srv/reports/")).toBe("/srv/reports");
    expect(() => checkFolderPath("/srv/reports-other/x", "/srv/reports")).toThrow(/outside the allowed root/);
    expect(() => checkFolderPath("/srv/reports/../etc", "/srv/reports")).toThrow(/must not contain "\.\."/);
    expect(() => checkFolderPath("/srv/reports/a/../b", "/srv/reports")).toThrow(/\.\./);
    expect(() => checkFolderPath("acme", "/srv/reports")).toThrow(/absolute/);
    expect(() => checkFolderPath("/srv/reports/acme", undefined)).toThrow(/REPORT_FOLDER_ROOT is not set/);
  });
});

describe("bucket names", () => {
  it.each([
    ["acme-reports", null],
    ["a.b.c", null],
    ["ab", /3 to 63/],
    ["Acme", /lower-case/],
    ["-acme", /start and end/],
    ["acme..reports", /two dots/],
    ["10.0.0.1", /IP address/],
    ["xn--acme", /xn--/],
    ["acme-s3alias", /reserved suffix/],
  ])("%s", (name, problem) => {
    const p = bucketNameProblem(name);
    if (problem === null) expect(p).toBeNull();
    else expect(p).toMatch(problem);
  });
});

describe("the rest", () => {
  it("keys objects prefix/tenant/day/file", () => {
    const slot = new Date("2026-06-16T06:00:00Z");
    expect(s3Key("gov/reports", "acme", slot, "r.pdf")).toBe("gov/reports/acme/2026-06-16/r.pdf");
    expect(s3Key("", "acme", slot, "r.pdf")).toBe("acme/2026-06-16/r.pdf");
  });
  it("finds the next slot, or none for a cron that never matches", () => {
    expect(nextSlot("0 6 * * 1", new Date("2026-06-15T12:00:00Z"))?.toISOString()).toBe("2026-06-22T06:00:00.000Z");
    expect(nextSlot("0 0 30 2 *", new Date("2026-06-15T12:00:00Z"), 30)).toBeNull();
    expect(nextSlot("not a cron", new Date())).toBeNull();
  });
  it("keeps URL passwords and extra lines out of the log", () => {
    expect(safeError(new Error("connect to smtp://u:secret@mail:25 failed\nstack"))).toBe(
      "connect to smtp://mail:25 failed",
    );
  });
});
