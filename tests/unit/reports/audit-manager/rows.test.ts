import { describe, expect, it } from "vitest";
import { controlStatus, resourceTypeOf } from "@/lib/reports/audit-manager/compliance-rows";
import { awsInstant, jobRunTime, pgTime } from "@/lib/reports/audit-manager/job-rows";

describe("jobs report values", () => {
  it("reads PostgreSQL's timestamp text in any offset, to the millisecond", () => {
    expect(pgTime("2026-05-10 01:22:20.5+00")?.toISOString()).toBe("2026-05-10T01:22:20.500Z");
    expect(pgTime("2026-05-10 01:22:20.123456+00")?.toISOString()).toBe("2026-05-10T01:22:20.123Z");
    expect(pgTime("2026-05-10 03:22:20+02")?.toISOString()).toBe("2026-05-10T01:22:20.000Z");
    expect(pgTime("2026-05-10 06:52:20+05:30")?.toISOString()).toBe("2026-05-10T01:22:20.000Z");
    expect(pgTime(null)).toBeNull();
    expect(pgTime("yesterday")).toBeNull();
  });

  it("writes jobRunTime as AWS's sample does (HH:MM:SS), none while running", () => {
    // AWS's sample: created 23:53:47.229, completed 00:16:07.282 → "00:22:20".
    expect(jobRunTime(new Date("2021-07-14T23:53:47.229Z"), new Date("2021-07-15T00:16:07.282Z"))).toBe("00:22:20");
    expect(jobRunTime("2026-05-10 00:00:00+00", "2026-05-11 02:03:04+00")).toBe("26:03:04");
    expect(jobRunTime(new Date(), null)).toBeNull();
  });

  it("writes the period's bounds in whole seconds", () => {
    expect(awsInstant(new Date("2021-07-14T00:00:00.000Z"))).toBe("2021-07-14T00:00:00Z");
  });
});

describe("compliance report values", () => {
  it("a control is NON_COMPLIANT with any failure, COMPLIANT only when all it could read passed", () => {
    expect(controlStatus({ compliant: 5, nonCompliant: 1, error: 0 })).toBe("NON_COMPLIANT");
    expect(controlStatus({ compliant: 5, nonCompliant: 1, error: 3 })).toBe("NON_COMPLIANT");
    expect(controlStatus({ compliant: 5, nonCompliant: 0, error: 0 })).toBe("COMPLIANT");
    expect(controlStatus({ compliant: 5, nonCompliant: 0, error: 1 })).toBe("INSUFFICIENT_DATA");
    expect(controlStatus({ compliant: 0, nonCompliant: 0, error: 0 })).toBe("INSUFFICIENT_DATA");
  });

  it("names resource types as AWS Config does where the translation is known", () => {
    expect(resourceTypeOf("resource", "EFS")).toBe("AWS::EFS::FileSystem");
    expect(resourceTypeOf("resource", "VirtualMachine")).toBe("VirtualMachine");
    expect(resourceTypeOf("vault", null)).toBe("AWS::Backup::BackupVault");
    expect(resourceTypeOf("recovery-point", "EBS")).toBe("AWS::Backup::RecoveryPoint");
    expect(resourceTypeOf("account-region", null)).toBe("AWS::::Account");
  });
});
