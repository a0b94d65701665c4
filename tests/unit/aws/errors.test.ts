import { describe, expect, it } from "vitest";
import { checkTenantRoles } from "@/lib/aws/credentials";
import {
  classifyCallError,
  delegationMissing,
  FailureError,
  isThrottlingError,
  needsDelegation,
  throttledFor,
} from "@/lib/aws/errors";

const err = (name: string, status?: number) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });

describe("AWS errors as sentences", () => {
  it("says a push role outside the management account lacks the delegation, and what to deploy where", () => {
    const role = "arn:aws:iam::444455556666:role/push/Writer";
    expect(needsDelegation(role, "111122223333")).toBe(true);
    expect(needsDelegation("arn:aws:iam::111122223333:role/Writer", "111122223333")).toBe(false);
    const f = delegationMissing(role, "111122223333", "CreatePolicy");
    expect(f).toMatchObject({ kind: "access_denied", transient: false });
    expect(f.message).toBe(
      `CreatePolicy: access denied to ${role}: account 444455556666 is not delegated the management of backup policies`,
    );
    expect(f.remedy).toMatch(/^In management account 111122223333, deploy the policy push delegation/);
    expect(f.remedy).toContain("lets account 444455556666");
  });

  it("says which role could not be assumed and why it may be", () => {
    const f = classifyCallError(err("AccessDenied", 403), {
      operation: "AssumeRole",
      roleArn: "arn:aws:iam::111122223333:role/X",
    });
    expect(f.message).toBe(
      "cannot assume arn:aws:iam::111122223333:role/X: the role's trust policy or ExternalId does not admit this product",
    );
    expect(f.transient).toBe(false);
  });

  it("reads an invalid token in one region as the region not being enabled", () => {
    expect(classifyCallError(err("UnrecognizedClientException", 403), { region: "me-south-1" })).toMatchObject({
      kind: "region_disabled",
      message: "region not enabled",
    });
    expect(classifyCallError(err("InvalidClientTokenId", 403), { region: "me-south-1" }).kind).toBe("region_disabled");
  });

  it("knows throttling by name and by status, across services", () => {
    for (const n of ["ThrottlingException", "TooManyRequestsException", "ThrottledException", "Throttling"])
      expect(isThrottlingError(err(n, 400))).toBe(true);
    expect(isThrottlingError(err("Whatever", 429))).toBe(true);
    expect(isThrottlingError(err("ValidationException", 400))).toBe(false);
    expect(throttledFor(10, true).message).toBe("throttled for 10 minutes: will retry");
    expect(throttledFor(1, false).message).toBe("throttled for 1 minute: will retry at the next sync");
  });

  it("calls 5xx after retries transient, and names the operation", () => {
    expect(classifyCallError(err("ServiceUnavailableException", 503), { operation: "ListBackupJobs" })).toMatchObject({
      kind: "service_error",
      transient: true,
      message: "ListBackupJobs: AWS kept failing (ServiceUnavailableException, HTTP 503)",
    });
  });

  it("passes a failure already explained through unchanged", () => {
    const f = throttledFor(3, true);
    expect(classifyCallError(new FailureError(f), {})).toBe(f);
  });
});

describe("tenant configuration checks before any call", () => {
  const good = {
    managementAccountId: "111122223333",
    managementRoleArn: "arn:aws:iam::111122223333:role/Mgmt",
    externalId: "abc-123",
    memberRoleName: "Member",
  };
  it("accepts a good one, with role paths", () => {
    expect(() => checkTenantRoles(good)).not.toThrow();
    expect(() =>
      checkTenantRoles({ ...good, managementRoleArn: "arn:aws:iam::111122223333:role/path/to/Mgmt" }),
    ).not.toThrow();
  });
  it.each([
    [{ managementRoleArn: "arn:aws:iam::1111:role/Mgmt" }, /management role ARN .* is malformed/],
    [{ managementRoleArn: "arn:aws:iam::111122223333:user/bob" }, /malformed/],
    [{ managementAccountId: "12345" }, /not a 12-digit AWS account ID/],
    [{ externalId: "x" }, /ExternalId is not a valid ExternalId/],
    [{ memberRoleName: "bad name with spaces" }, /is not an IAM role name/],
  ])("refuses %o", (patch, message) => {
    expect(() => checkTenantRoles({ ...good, ...patch })).toThrow(message);
  });
});
