// Selection matching as AWS Backup documents it (see lib/compliance/matching/selection-matcher.ts
// for the doc URLs), including the cases peers get wrong (features.md §3).
import { describe, expect, it } from "vitest";
import type { BackupSelection, Resource } from "@/lib/inventory/types";
import { SelectionIndex, typesForPattern } from "@/lib/compliance/matching/selection-matcher";
import { ACCT, REGION, plan, regionSettings, resource, selection } from "./fixtures";

const vol = resource();
const instance = resource({ resourceArn: `arn:aws:ec2:${REGION}:${ACCT}:instance/i-1`, resourceType: "EC2" });
const rdsDb = resource({ resourceArn: `arn:aws:rds:${REGION}:${ACCT}:db:orders`, resourceType: "RDS" });
const aurora = resource({ resourceArn: `arn:aws:rds:${REGION}:${ACCT}:cluster:orders-aurora`, resourceType: "Aurora" });
const bucket = resource({ resourceArn: "arn:aws:s3:::logs-bucket", resourceType: "S3" });

type Outcome = "selected" | "blocked" | "unknown" | "near-miss" | "no";

function outcome(sel: Partial<BackupSelection>, r: Resource, opt: Record<string, boolean> | null = {}): Outcome {
  const idx = new SelectionIndex([plan({ selections: [selection(sel)] })]);
  const res = idx.matchResource(r, opt === null ? null : regionSettings(opt));
  if (res.effective.length) return "selected";
  if (res.blockedByOptIn.length) return "blocked";
  if (res.optInUnknown.length) return "unknown";
  if (res.nearMisses.length) return "near-miss";
  return "no";
}

const tag = (key: string, value: string) => ({ op: "StringEquals" as const, key, value });

describe("selection matching", () => {
  const cases: Array<[string, Partial<BackupSelection>, Resource, Outcome, Record<string, boolean>?]> = [
    ["resource-type pattern selects a volume", { resources: ["arn:aws:ec2:*:*:volume/*"] }, vol, "selected"],
    ["resource-type pattern does not select an instance", { resources: ["arn:aws:ec2:*:*:volume/*"] }, instance, "no"],
    ["AWS's RDS wildcard db:* selects a DB instance", { resources: ["arn:aws:rds:*:*:db:*"] }, rdsDb, "selected"],
    [
      "Prowler's rds instance:* wildcard is not an AWS pattern and selects nothing",
      { resources: ["arn:aws:rds:*:*:instance:*"] },
      rdsDb,
      "no",
    ],
    ["explicit ARN", { resources: [rdsDb.resourceArn] }, rdsDb, "selected"],
    ["explicit ARN of another resource", { resources: [`arn:aws:rds:${REGION}:${ACCT}:db:other`] }, rdsDb, "no"],
    ["S3 bucket pattern", { resources: ["arn:aws:s3:::logs-*"] }, bucket, "selected"],
    [
      "ListOfTags matches key and value",
      { resources: [], listOfTags: [tag("backup", "daily")] },
      { ...vol, tags: { backup: "daily" } },
      "selected",
    ],
    [
      "ListOfTags: same key, other value is not a match (Steampipe matched on the key only)",
      { resources: [], listOfTags: [tag("backup", "daily")] },
      { ...vol, tags: { backup: "weekly" } },
      "no",
    ],
    [
      "ListOfTags is OR across entries",
      { resources: [], listOfTags: [tag("backup", "daily"), tag("tier", "gold")] },
      { ...vol, tags: { tier: "gold" } },
      "selected",
    ],
    [
      "ListOfTags values may use *",
      { resources: [], listOfTags: [tag("env", "prod*")] },
      { ...vol, tags: { env: "production" } },
      "selected",
    ],
    [
      "ListOfTags key written aws:ResourceTag/ is the same key",
      { resources: [], listOfTags: [tag("aws:ResourceTag/backup", "yes")] },
      { ...vol, tags: { backup: "yes" } },
      "selected",
    ],
    [
      "tags are case-sensitive",
      { resources: [], listOfTags: [tag("backup", "daily")] },
      { ...vol, tags: { backup: "Daily" } },
      "no",
    ],
    [
      "Conditions are AND: both hold",
      { resources: ["*"], conditions: [tag("aws:ResourceTag/backup", "true"), tag("aws:ResourceTag/stage", "prod")] },
      { ...vol, tags: { backup: "true", stage: "prod" } },
      "selected",
    ],
    [
      "Conditions are AND: one fails",
      { resources: ["*"], conditions: [tag("aws:ResourceTag/backup", "true"), tag("aws:ResourceTag/stage", "prod")] },
      { ...vol, tags: { backup: "true", stage: "dev" } },
      "near-miss",
    ],
    [
      "StringEquals does not expand *",
      { resources: ["*"], conditions: [tag("aws:ResourceTag/env", "prod*")] },
      { ...vol, tags: { env: "production" } },
      "near-miss",
    ],
    [
      "StringLike expands * anywhere",
      { resources: ["*"], conditions: [{ op: "StringLike", key: "aws:ResourceTag/env", value: "*rod*" }] },
      { ...vol, tags: { env: "production" } },
      "selected",
    ],
    [
      "StringNotEquals excludes the value",
      { resources: ["*"], conditions: [{ op: "StringNotEquals", key: "aws:ResourceTag/env", value: "dev" }] },
      { ...vol, tags: { env: "dev" } },
      "near-miss",
    ],
    [
      "StringNotEquals holds when the tag is absent",
      { resources: ["*"], conditions: [{ op: "StringNotEquals", key: "aws:ResourceTag/env", value: "dev" }] },
      vol,
      "selected",
    ],
    [
      "StringNotLike excludes matching values",
      { resources: ["*"], conditions: [{ op: "StringNotLike", key: "aws:ResourceTag/env", value: "test*" }] },
      { ...vol, tags: { env: "test-3" } },
      "near-miss",
    ],
    [
      "Resources AND Conditions: right type without the tag",
      { resources: ["arn:aws:ec2:*:*:volume/*"], conditions: [tag("aws:ResourceTag/backup", "yes")] },
      vol,
      "near-miss",
    ],
    [
      "Resources AND Conditions: tag on another type",
      { resources: ["arn:aws:ec2:*:*:volume/*"], conditions: [tag("aws:ResourceTag/backup", "yes")] },
      { ...instance, tags: { backup: "yes" } },
      "no",
    ],
    [
      "Resources OR ListOfTags: tagged instance",
      { resources: ["arn:aws:ec2:*:*:volume/*"], listOfTags: [tag("backup", "yes")] },
      { ...instance, tags: { backup: "yes" } },
      "selected",
    ],
    [
      "Resources OR ListOfTags: untagged volume",
      { resources: ["arn:aws:ec2:*:*:volume/*"], listOfTags: [tag("backup", "yes")] },
      vol,
      "selected",
    ],
    ["NotResources removes an explicit ARN", { resources: ["*"], notResources: [vol.resourceArn] }, vol, "near-miss"],
    ["NotResources removes a type", { resources: ["*"], notResources: ["arn:aws:ec2:*:*:volume/*"] }, vol, "near-miss"],
    [
      "NotResources also removes ListOfTags matches",
      { resources: [], listOfTags: [tag("backup", "yes")], notResources: [vol.resourceArn] },
      { ...vol, tags: { backup: "yes" } },
      "near-miss",
    ],
    ["empty selection selects every opted-in resource", { resources: [] }, vol, "selected"],
    ["'*' needs the type opted in", { resources: ["*"] }, vol, "blocked", { EBS: false }],
    ["service-level pattern needs the type opted in", { resources: ["arn:aws:ec2:*"] }, vol, "blocked", { EBS: false }],
    [
      "type pattern backs up regardless of opt-in (AWS doc)",
      { resources: ["arn:aws:ec2:*:*:volume/*"] },
      vol,
      "selected",
      { EBS: false },
    ],
    [
      "Aurora shares rds cluster ARNs, so it needs its opt-in",
      { resources: ["arn:aws:rds:*:*:cluster:*"] },
      aurora,
      "blocked",
      { Aurora: false },
    ],
    [
      "tag selection needs the type opted in",
      { resources: [], listOfTags: [tag("backup", "yes")] },
      { ...vol, tags: { backup: "yes" } },
      "blocked",
      { EBS: false },
    ],
  ];
  it.each(cases)("%s", (_name, sel, r, expected, opt) => {
    expect(outcome(sel, r, opt ?? {})).toBe(expected);
  });

  it("reports unknown when opt-in matters and region settings were not read", () => {
    expect(outcome({ resources: ["*"] }, vol, null)).toBe("unknown");
    expect(outcome({ resources: ["arn:aws:ec2:*:*:volume/*"] }, vol, null)).toBe("selected");
  });

  it("only considers plans of the resource's own account and region", () => {
    const idx = new SelectionIndex([plan({ region: "us-east-1", selections: [selection({ resources: ["*"] })] })]);
    expect(idx.matchResource(vol, regionSettings()).effective).toHaveLength(0);
  });

  it("keeps org-managed plans and the pattern that matched", () => {
    const p = plan({
      orgManaged: true,
      planName: "org-daily",
      selections: [selection({ resources: ["arn:aws:ec2:*:*:volume/*"] })],
    });
    const res = new SelectionIndex([p]).matchResource(vol, regionSettings());
    expect(res.effective[0]).toMatchObject({
      path: "resources",
      matchedBy: "arn:aws:ec2:*:*:volume/*",
      optInRequired: false,
    });
    expect(res.effective[0]!.plan.orgManaged).toBe(true);
  });

  it("prefilters candidate selections by resource type", () => {
    expect([...typesForPattern("arn:aws:ec2:*:*:volume/*")]).toEqual(["EBS"]);
    expect([...typesForPattern("arn:aws:rds:*:*:db:*")]).toEqual(["RDS"]);
    expect(typesForPattern("*").size).toBe(8);
    const idx = new SelectionIndex([plan({ selections: [selection({ resources: ["arn:aws:rds:*:*:db:*"] })] })]);
    expect(idx.candidates(ACCT, REGION, "EBS")).toHaveLength(0);
    expect(idx.candidates(ACCT, REGION, "RDS")).toHaveLength(1);
  });
});
