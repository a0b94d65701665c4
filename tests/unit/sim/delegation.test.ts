import { describe, expect, it } from "vitest";
import { delegationAllows, parseDelegationPolicy, type DelegationRequest } from "@/sim/org/delegation";

// The simulator's reading of an Organizations delegation policy: IAM's rules for principals,
// actions, resources, conditions (IfExists, negation) and an explicit Deny.

const ACCT = "444455556666";
const ROLE = `arn:aws:iam::${ACCT}:role/push/Writer`;
const POLICY_ARN = "arn:aws:organizations::111122223333:policy/o-abcdefghij/backup_policy/p-12345678";

function statements(...statement: object[]) {
  const parsed = parseDelegationPolicy(JSON.stringify({ Version: "2012-10-17", Statement: statement }));
  if ("reason" in parsed) throw new Error(parsed.message);
  return parsed.statements;
}
const call = (over: Partial<DelegationRequest> = {}): DelegationRequest => ({
  action: "organizations:UpdatePolicy",
  callerAccountId: ACCT,
  principalArn: ROLE,
  resources: [POLICY_ARN],
  context: { "organizations:PolicyType": "BACKUP_POLICY" },
  ...over,
});
const allow = { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Resource: "*" };

describe("a delegation policy", () => {
  it("matches the account (root or bare ID) or the exact role, and actions with wildcards, case-insensitively", () => {
    expect(delegationAllows(statements({ ...allow, Action: "organizations:UpdatePolicy" }), call())).toBe(true);
    expect(
      delegationAllows(statements({ ...allow, Principal: { AWS: ACCT }, Action: "organizations:*" }), call()),
    ).toBe(true);
    expect(delegationAllows(statements({ ...allow, Action: "Organizations:updatepolicy" }), call())).toBe(true);
    expect(delegationAllows(statements({ ...allow, Action: "organizations:CreatePolicy" }), call())).toBe(false);
    const byRole = statements({ ...allow, Principal: { AWS: ROLE }, Action: "organizations:Update*" });
    expect(delegationAllows(byRole, call())).toBe(true);
    expect(delegationAllows(byRole, call({ principalArn: `arn:aws:iam::${ACCT}:role/Other` }))).toBe(false);
    expect(
      delegationAllows(
        byRole,
        call({ callerAccountId: "999988887777", principalArn: "arn:aws:iam::999988887777:role/push/Writer" }),
      ),
    ).toBe(false);
  });

  it("needs every resource of the call to match, '*' standing for calls without one", () => {
    const scoped = statements({
      ...allow,
      Action: ["organizations:AttachPolicy", "organizations:ListPolicies"],
      Resource: ["arn:aws:organizations::111122223333:policy/o-abcdefghij/backup_policy/*"],
    });
    const account = `arn:aws:organizations::111122223333:account/o-abcdefghij/${ACCT}`;
    expect(delegationAllows(scoped, call({ action: "organizations:AttachPolicy", resources: [POLICY_ARN] }))).toBe(
      true,
    );
    expect(
      delegationAllows(scoped, call({ action: "organizations:AttachPolicy", resources: [POLICY_ARN, account] })),
    ).toBe(false);
    expect(delegationAllows(scoped, call({ action: "organizations:ListPolicies", resources: ["*"] }))).toBe(false);
  });

  it("honours organizations:PolicyType, with IfExists letting calls without a policy type through", () => {
    const strict = statements({
      ...allow,
      Action: "organizations:*",
      Condition: { StringEquals: { "organizations:PolicyType": "BACKUP_POLICY" } },
    });
    const loose = statements({
      ...allow,
      Action: "organizations:*",
      Condition: { StringLikeIfExists: { "organizations:PolicyType": "BACKUP_*" } },
    });
    const tags = call({ context: { "organizations:PolicyType": "TAG_POLICY" } });
    const roots = call({ action: "organizations:ListRoots", resources: ["*"], context: {} });
    expect([delegationAllows(strict, call()), delegationAllows(strict, tags), delegationAllows(strict, roots)]).toEqual(
      [true, false, false],
    );
    expect([delegationAllows(loose, call()), delegationAllows(loose, tags), delegationAllows(loose, roots)]).toEqual([
      true,
      false,
      true,
    ]);
    const not = statements({
      ...allow,
      Action: "organizations:*",
      Condition: { StringNotEquals: { "organizations:PolicyType": "SERVICE_CONTROL_POLICY" } },
    });
    expect([delegationAllows(not, call()), delegationAllows(not, roots)]).toEqual([true, true]);
  });

  it("lets an explicit Deny win over any Allow", () => {
    const both = statements(
      { ...allow, Action: "organizations:*" },
      { ...allow, Effect: "Deny", Action: "organizations:UpdatePolicy" },
    );
    expect(delegationAllows(both, call())).toBe(false);
    expect(delegationAllows(both, call({ action: "organizations:DescribePolicy" }))).toBe(true);
  });

  it("is refused as AWS refuses it, with the model's reasons", () => {
    const reason = (doc: unknown) => {
      const r = parseDelegationPolicy(typeof doc === "string" ? doc : JSON.stringify(doc));
      return "reason" in r ? r.reason : "ok";
    };
    const base = { ...allow, Action: "organizations:ListRoots" };
    const doc = (s: object) => ({ Version: "2012-10-17", Statement: [s] });
    expect(reason(doc(base))).toBe("ok");
    expect(reason("[")).toBe("INVALID_RESOURCE_POLICY_JSON");
    expect(reason({ Version: "2008-10-17", Statement: [base] })).toBe("INVALID_RESOURCE_POLICY_JSON");
    expect(reason(doc({ ...base, Effect: "Maybe" }))).toBe("INVALID_RESOURCE_POLICY_JSON");
    expect(reason(doc({ ...base, Principal: { AWS: "*" } }))).toBe("INVALID_PRINCIPAL");
    expect(reason(doc({ ...base, Principal: { Service: "backup.amazonaws.com" } }))).toBe("INVALID_PRINCIPAL");
    expect(reason(doc({ ...base, Action: "organizations:CreateAccount" }))).toBe(
      "UNSUPPORTED_ACTION_IN_RESOURCE_POLICY",
    );
    expect(reason(doc({ ...base, Action: "s3:GetObject" }))).toBe("UNSUPPORTED_ACTION_IN_RESOURCE_POLICY");
    expect(reason(doc({ ...base, NotResource: "*" }))).toBe("UNSUPPORTED_ACTION_IN_RESOURCE_POLICY");
    expect(reason(doc({ ...base, Resource: "bucket" }))).toBe("UNSUPPORTED_RESOURCE_IN_RESOURCE_POLICY");
    expect(reason(doc({ ...base, Condition: { NumericLessThan: { "aws:x": "1" } } }))).toBe(
      "INVALID_RESOURCE_POLICY_JSON",
    );
  });
});
