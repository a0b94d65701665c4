import { describe, expect, it } from "vitest";
import { trustPrincipalOf } from "@/lib/aws/own-principal";

describe("the product's principal as a trust policy names it", () => {
  it("names an assumed-role session by its role", () => {
    expect(trustPrincipalOf("arn:aws:sts::111122223333:assumed-role/BackupGovernance/i-0abc")).toBe(
      "arn:aws:iam::111122223333:role/BackupGovernance",
    );
    expect(trustPrincipalOf("arn:aws-us-gov:sts::111122223333:assumed-role/Ops/botocore-session-1")).toBe(
      "arn:aws-us-gov:iam::111122223333:role/Ops",
    );
  });

  it("keeps a user's ARN as it is", () => {
    expect(trustPrincipalOf("arn:aws:iam::111122223333:user/backup-governance")).toBe(
      "arn:aws:iam::111122223333:user/backup-governance",
    );
  });
});
