// IAM semantics of vault access policies for BK-03.
import { describe, expect, it } from "vitest";
import { analyseAccessPolicy } from "@/lib/compliance/vault/access-policy";

const VAULT = "arn:aws:backup:eu-west-1:111111111111:backup-vault:main";
const ADMIN = "arn:aws:iam::111111111111:role/BackupAdmin";
const THREE = [
  "backup:DeleteRecoveryPoint",
  "backup:UpdateRecoveryPointLifecycle",
  "backup:PutBackupVaultAccessPolicy",
];

function deny(over: Record<string, unknown> = {}) {
  return { Effect: "Deny", Principal: "*", Action: THREE, Resource: "*", ...over };
}

function denied(policy: unknown): string[] {
  const a = analyseAccessPolicy(typeof policy === "string" ? policy : JSON.stringify(policy), VAULT);
  if (!a.ok) throw new Error(a.error);
  return a.coverage.filter((c) => c.denied).map((c) => c.action.replace("backup:", ""));
}

describe("vault access policy analysis", () => {
  const all = ["DeleteRecoveryPoint", "UpdateRecoveryPointLifecycle", "PutBackupVaultAccessPolicy"];
  const cases: Array<[string, unknown, string[]]> = [
    ["all three actions denied to *", { Version: "2012-10-17", Statement: [deny()] }, all],
    ["Statement as a single object", { Statement: deny() }, all],
    ["Principal {AWS: *}", { Statement: [deny({ Principal: { AWS: "*" } })] }, all],
    ["backup:* covers everything", { Statement: [deny({ Action: "backup:*" })] }, all],
    [
      "backup:Delete* covers only deletion",
      { Statement: [deny({ Action: "backup:Delete*" })] },
      ["DeleteRecoveryPoint"],
    ],
    [
      "action names are case-insensitive",
      { Statement: [deny({ Action: ["BACKUP:deleterecoverypoint"] })] },
      ["DeleteRecoveryPoint"],
    ],
    [
      "NotAction denies everything but the listed",
      { Statement: [deny({ Action: undefined, NotAction: "backup:PutBackupVaultAccessPolicy" })] },
      ["DeleteRecoveryPoint", "UpdateRecoveryPointLifecycle"],
    ],
    ["an Allow protects nothing", { Statement: [deny({ Effect: "Allow" })] }, []],
    [
      "a Deny to one principal is not a Deny to all",
      { Statement: [deny({ Principal: { AWS: "arn:aws:iam::111111111111:role/Intern" } })] },
      [],
    ],
    [
      "a Deny under a non-identity condition is not certain",
      { Statement: [deny({ Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } } })] },
      [],
    ],
    [
      "Resource naming only another vault does not cover this one",
      { Statement: [deny({ Resource: "arn:aws:backup:eu-west-1:111111111111:backup-vault:other" })] },
      [],
    ],
    [
      "Resource covering the vault and its recovery points",
      { Statement: [deny({ Resource: [VAULT, "arn:aws:backup:*:*:recovery-point:*"] })] },
      all,
    ],
    [
      "statements split across actions still cover all three",
      {
        Statement: [
          deny({ Action: "backup:DeleteRecoveryPoint" }),
          deny({ Action: ["backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"] }),
        ],
      },
      all,
    ],
  ];
  it.each(cases)("%s", (_n, policy, expected) => {
    expect(denied(policy)).toEqual(expected);
  });

  it("collects exemptions from ArnNotEquals / ArnNotLike on aws:PrincipalArn", () => {
    const a = analyseAccessPolicy(
      JSON.stringify({
        Statement: [
          deny({
            Condition: {
              ArnNotEquals: { "aws:PrincipalArn": [ADMIN] },
              ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/Break*" },
            },
          }),
        ],
      }),
      VAULT,
    );
    expect(a.ok && a.coverage.every((c) => c.denied)).toBe(true);
    expect(a.ok && a.coverage[0]!.exemptions).toEqual([ADMIN, "arn:aws:iam::*:role/Break*"].sort());
  });

  it("NotPrincipal exempts the listed principals", () => {
    const a = analyseAccessPolicy(
      JSON.stringify({
        Statement: [{ Effect: "Deny", NotPrincipal: { AWS: [ADMIN] }, Action: "backup:*", Resource: "*" }],
      }),
      VAULT,
    );
    expect(a.ok && a.coverage.map((c) => [c.denied, c.exemptions])).toEqual([
      [true, [ADMIN]],
      [true, [ADMIN]],
      [true, [ADMIN]],
    ]);
  });

  it("a principal escapes only when every covering statement exempts it", () => {
    const other = "arn:aws:iam::111111111111:role/Other";
    const a = analyseAccessPolicy(
      JSON.stringify({
        Statement: [
          deny({ Condition: { ArnNotEquals: { "aws:PrincipalArn": [ADMIN, other] } } }),
          deny({ Condition: { ArnNotEquals: { "aws:PrincipalArn": ADMIN } } }),
        ],
      }),
      VAULT,
    );
    expect(a.ok && a.coverage[0]!.exemptions).toEqual([ADMIN]);
  });

  it("no policy denies nothing, with a reason", () => {
    const a = analyseAccessPolicy(null, VAULT);
    expect(a.ok && a.coverage[0]!.gap).toBe("the vault has no access policy");
  });

  it.each([
    ["{not json", /not valid JSON/],
    ["[]", /not a JSON object/],
    ['{"Version":"2012-10-17"}', /no Statement/],
    ['{"Statement":[42]}', /Statement\[0\] is not an object/],
    ['{"Statement":{"Effect":"Deny","Principal":"*","Action":7}}', /Action must be a string/],
  ])("malformed policy %s is an error", (text, msg) => {
    const a = analyseAccessPolicy(text, VAULT);
    expect(a.ok).toBe(false);
    expect(!a.ok && a.error).toMatch(msg);
  });
});
