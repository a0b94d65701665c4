import { describe, expect, it } from "vitest";
import {
  accountStateOf,
  toAccount,
  toEffectivePolicy,
  toOrganization,
  toOrgUnit,
  toRootUnit,
} from "@/lib/aws/organizations.adapter";
import { resourceTypeOfArn, toResource } from "@/lib/aws/tagging.adapter";

describe("Organizations shapes", () => {
  it("builds OU paths from the root down and gives accounts their parent's path", () => {
    const root = toRootUnit({ Id: "r-ab12", Name: "Root" });
    const ou = toOrgUnit(
      { Id: "ou-ab12-11111111", Name: "Prod" },
      toOrgUnit({ Id: "ou-ab12-00000000", Name: "Workloads" }, root),
    );
    expect(ou.path).toEqual(["r-ab12", "ou-ab12-00000000", "ou-ab12-11111111"]);
    const a = toAccount({ Id: "111122223333", Name: "Payments", Email: "p@example.com", State: "ACTIVE" }, ou);
    expect(a).toMatchObject({ parentId: "ou-ab12-11111111", ouPath: ou.path, state: "ACTIVE" });
  });

  it("uses State, falling back to the retired Status", () => {
    expect(accountStateOf({ State: "SUSPENDED", Status: "ACTIVE" })).toBe("SUSPENDED");
    expect(accountStateOf({ Status: "PENDING_CLOSURE" })).toBe("PENDING_CLOSURE");
  });

  it("lists only policy types enabled on the root", () => {
    const org = toOrganization(
      { Id: "o-abc", MasterAccountId: "111122223333" },
      {
        Id: "r-ab12",
        PolicyTypes: [
          { Type: "BACKUP_POLICY", Status: "ENABLED" },
          { Type: "TAG_POLICY", Status: "PENDING_ENABLE" },
        ],
      },
    );
    expect(org).toMatchObject({
      organizationId: "o-abc",
      managementAccountId: "111122223333",
      rootId: "r-ab12",
      enabledPolicyTypes: ["BACKUP_POLICY"],
    });
    expect(toEffectivePolicy("111122223333", { PolicyContent: "{}" })).toEqual({
      accountId: "111122223333",
      content: "{}",
      lastUpdated: null,
    });
  });
});

describe("Tagging API resources", () => {
  it.each([
    ["arn:aws:ec2:eu-west-1:111122223333:instance/i-1", "EC2"],
    ["arn:aws:ec2:eu-west-1:111122223333:volume/vol-1", "EBS"],
    ["arn:aws:rds:eu-west-1:111122223333:db:orders", "RDS"],
    ["arn:aws:rds:eu-west-1:111122223333:cluster:aurora-1", "Aurora"],
    ["arn:aws:dynamodb:eu-west-1:111122223333:table/orders", "DynamoDB"],
    ["arn:aws:elasticfilesystem:eu-west-1:111122223333:file-system/fs-1", "EFS"],
    ["arn:aws:fsx:eu-west-1:111122223333:file-system/fs-2", "FSx"],
    ["arn:aws:s3:::my-bucket", "S3"],
    ["arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1", null],
    ["arn:aws:dynamodb:eu-west-1:111122223333:table/orders/backup/0123", null],
    ["arn:aws:sns:eu-west-1:111122223333:topic", null],
    ["not-an-arn", null],
  ])("%s is %s", (arn, type) => {
    expect(resourceTypeOfArn(arn)).toBe(type);
  });

  it("turns the tag list into a map and drops what AWS Backup does not protect", () => {
    const unit = { accountId: "111122223333", region: "eu-west-1" };
    expect(
      toResource(unit, {
        ResourceARN: "arn:aws:s3:::b",
        Tags: [
          { Key: "backup", Value: "daily" },
          { Key: "env", Value: "" },
        ],
      }),
    ).toEqual({ ...unit, resourceArn: "arn:aws:s3:::b", resourceType: "S3", tags: { backup: "daily", env: "" } });
    expect(toResource(unit, { ResourceARN: "arn:aws:sns:eu-west-1:111122223333:t", Tags: [] })).toBeNull();
  });
});
