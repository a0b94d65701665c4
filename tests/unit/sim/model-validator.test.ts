import { describe, expect, it } from "vitest";
import { validateWire, parseXml } from "../../integration/sim/model-validator";

/** The response validator itself must catch what it is there to catch. */
describe("validateWire", () => {
  const ok = {
    service: "backup" as const,
    operation: "ListBackupPlans",
    status: 200,
    headers: { "content-type": "application/json" },
  };
  it("accepts a well-formed response", () => {
    expect(
      validateWire({
        ...ok,
        body: JSON.stringify({ BackupPlansList: [{ BackupPlanId: "x", CreationDate: 1700000000.5 }] }),
      }),
    ).toEqual([]);
  });
  it("flags unknown members, string timestamps and bad enums", () => {
    const problems = validateWire({
      ...ok,
      operation: "ListBackupVaults",
      body: JSON.stringify({
        BackupVaultList: [{ Bogus: 1, CreationDate: "2024-01-01T00:00:00Z", VaultType: "NOPE" }],
      }),
    });
    expect(problems.join("\n")).toMatch(/unknown member Bogus/);
    expect(problems.join("\n")).toMatch(/expected epoch seconds/);
    expect(problems.join("\n")).toMatch(/NOPE not in enum/);
  });
  it("flags missing required members and Backup errors without X-Amzn-ErrorType", () => {
    expect(validateWire({ ...ok, operation: "ListRestoreTestingPlans", body: "{}" })).toEqual([
      "backup:ListRestoreTestingPlans: missing required RestoreTestingPlans",
    ]);
    expect(validateWire({ ...ok, status: 400, body: JSON.stringify({ Code: "ERROR_1", Message: "m" }) })[0]).toMatch(
      /X-Amzn-ErrorType/,
    );
  });
  it("checks awsQuery XML timestamps", () => {
    const xml = `<AssumeRoleResponse xmlns="x"><AssumeRoleResult><Credentials><AccessKeyId>ASIAAAAAAAAAAAAAAAAA</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>1700000000</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`;
    expect(validateWire({ service: "sts", operation: "AssumeRole", status: 200, headers: {}, body: xml })[0]).toMatch(
      /RFC 3339/,
    );
    expect(parseXml("<a><b>x &amp; y</b></a>").children[0]?.text).toBe("x & y");
  });
});
