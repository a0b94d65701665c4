// IAM GetRole as the policy pre-flight reads it: the trust policy (URL-encoded JSON) decides
// whether AWS Backup may assume the role; NoSuchEntity is a missing role; AccessDenied is a member
// role that may not read IAM; anything else is what kept the product from knowing.
import { describe, expect, it } from "vitest";
import { IAMClient } from "@aws-sdk/client-iam";
import { decodePolicyDocument, roleNameOf, roleTrustFromGetRole, trustOf } from "@/lib/aws/iam.adapter";
import { readRoleTrust } from "@/lib/aws/iam.fetch";

const allow = (principal: unknown, extra: Record<string, unknown> = {}) => ({
  Effect: "Allow",
  Principal: principal,
  Action: "sts:AssumeRole",
  ...extra,
});
const doc = (...statements: unknown[]) => ({ Version: "2012-10-17", Statement: statements });
const encoded = (d: unknown) => encodeURIComponent(JSON.stringify(d));
const ROLE = "arn:aws:iam::111111111111:role/service-role/AWSBackupDefaultServiceRole";

describe("trust policies", () => {
  it("trusts backup.amazonaws.com named as a string or in a list, with sts:AssumeRole as a string, list or wildcard", () => {
    expect(trustOf(doc(allow({ Service: "backup.amazonaws.com" })))).toEqual({ outcome: "trusts", conditional: false });
    expect(
      trustOf(
        doc(
          allow(
            { Service: ["ec2.amazonaws.com", "backup.amazonaws.com"] },
            { Action: ["sts:TagSession", "sts:AssumeRole"] },
          ),
        ),
      ),
    ).toEqual({ outcome: "trusts", conditional: false });
    expect(trustOf(doc(allow({ Service: "backup.amazonaws.com" }, { Action: "sts:*" })))).toEqual({
      outcome: "trusts",
      conditional: false,
    });
    // A single statement object instead of a list is valid IAM JSON too.
    expect(trustOf({ Version: "2012-10-17", Statement: allow({ Service: "backup.amazonaws.com" }) })).toEqual({
      outcome: "trusts",
      conditional: false,
    });
  });

  it("a statement with conditions trusts conditionally", () => {
    const conditioned = allow(
      { Service: "backup.amazonaws.com" },
      { Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } } },
    );
    expect(trustOf(doc(conditioned))).toEqual({ outcome: "trusts", conditional: true });
    // An unconditional statement beside it makes the trust unconditional.
    expect(trustOf(doc(conditioned, allow({ Service: "backup.amazonaws.com" })))).toEqual({
      outcome: "trusts",
      conditional: false,
    });
  });

  it("does not trust other principals, other actions, or a Deny", () => {
    expect(trustOf(doc(allow({ Service: "ec2.amazonaws.com" })))).toMatchObject({
      outcome: "untrusting",
      detail: expect.stringMatching(/no statement/),
    });
    expect(trustOf(doc(allow({ AWS: "arn:aws:iam::111111111111:root" })))).toMatchObject({ outcome: "untrusting" });
    expect(
      trustOf(doc(allow({ Service: "backup.amazonaws.com" }, { Action: "sts:AssumeRoleWithWebIdentity" }))),
    ).toMatchObject({ outcome: "untrusting" });
    expect(
      trustOf(
        doc(allow({ Service: "backup.amazonaws.com" }), {
          Effect: "Deny",
          Principal: { Service: "backup.amazonaws.com" },
          Action: "sts:AssumeRole",
        }),
      ),
    ).toMatchObject({
      outcome: "untrusting",
      detail: expect.stringMatching(/denies backup\.amazonaws\.com/),
    });
    // A conditional Deny may not apply: the Allow still stands, conditionally.
    expect(
      trustOf(
        doc(allow({ Service: "backup.amazonaws.com" }), {
          Effect: "Deny",
          Principal: "*",
          Action: "sts:AssumeRole",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      ),
    ).toEqual({ outcome: "trusts", conditional: true });
    expect(trustOf(doc())).toMatchObject({ outcome: "untrusting" });
  });

  it("reads the URL-encoded trust policy GetRole returns", () => {
    const d = doc(allow({ Service: "backup.amazonaws.com" }));
    expect(decodePolicyDocument(encoded(d))).toEqual(d);
    expect(decodePolicyDocument(JSON.stringify(d))).toEqual(d);
    expect(
      roleTrustFromGetRole({
        Path: "/service-role/",
        RoleName: "R",
        RoleId: "AROAEXAMPLE",
        Arn: ROLE,
        CreateDate: new Date(0),
        AssumeRolePolicyDocument: encoded(d),
      }),
    ).toEqual({ outcome: "trusts", conditional: false });
    expect(
      roleTrustFromGetRole({
        Path: "/",
        RoleName: "R",
        RoleId: "AROAEXAMPLE",
        Arn: ROLE,
        CreateDate: new Date(0),
        AssumeRolePolicyDocument: "%7Bnot",
      }),
    ).toMatchObject({ outcome: "unreadable" });
  });

  it("takes the role name from the ARN's last path segment", () => {
    expect(roleNameOf(ROLE)).toBe("AWSBackupDefaultServiceRole");
    expect(roleNameOf("arn:aws:iam::111111111111:role/Backup")).toBe("Backup");
    expect(roleNameOf("arn:aws:iam::$account:role/Backup")).toBeNull();
  });
});

const awsError = (name: string, message: string, status = 400) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

function fakeIam(answer: () => unknown) {
  const asked: string[] = [];
  const client = new IAMClient({
    region: "us-east-1",
    credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret" },
  });
  Object.assign(client, {
    async send(command: { input: { RoleName: string } }) {
      asked.push(command.input.RoleName);
      return answer();
    },
  });
  return { client, asked };
}

describe("GetRole outcomes", () => {
  it("asks for the role by name and reads its trust", async () => {
    const { client, asked } = fakeIam(() => ({
      Role: { Arn: ROLE, AssumeRolePolicyDocument: encoded(doc(allow({ Service: "backup.amazonaws.com" }))) },
    }));
    expect(await readRoleTrust(client, ROLE)).toEqual({ outcome: "trusts", conditional: false });
    expect(asked).toEqual(["AWSBackupDefaultServiceRole"]);
  });

  it("NoSuchEntity is a missing role; AccessDenied a member role without iam:GetRole; others unreadable", async () => {
    const fail = (e: Error) =>
      fakeIam(() => {
        throw e;
      }).client;
    expect(
      await readRoleTrust(fail(awsError("NoSuchEntity", "The role with name X cannot be found.", 404)), ROLE),
    ).toEqual({ outcome: "not-found" });
    expect(
      await readRoleTrust(
        fail(awsError("AccessDenied", "User: x is not authorized to perform: iam:GetRole", 403)),
        ROLE,
      ),
    ).toEqual({ outcome: "access-denied", detail: "AccessDenied: User: x is not authorized to perform: iam:GetRole" });
    expect(await readRoleTrust(fail(awsError("ServiceFailure", "boom", 500)), ROLE)).toMatchObject({
      outcome: "unreadable",
      detail: expect.stringMatching(/GetRole: AWS kept failing/),
    });
    expect(await readRoleTrust(fail(awsError("ECONNREFUSED", "connect ECONNREFUSED")), ROLE)).toMatchObject({
      outcome: "unreadable",
      detail: expect.stringMatching(/could not reach AWS/),
    });
  });
});
