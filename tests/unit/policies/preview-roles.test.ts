// The pre-flight's role check once IAM answered: pass, fail for a missing or untrusting role, and
// unverified (with why, and what the inventory shows) when IAM could not be read.
import { describe, expect, it } from "vitest";
import { isRoleToVerify, roleCheck } from "@/lib/policies/preview-preflight";

const ACCT = "111111111111";
const ROLE = `arn:aws:iam::${ACCT}:role/service-role/AWSBackupDefaultServiceRole`;
const EVIDENCE = "plans in this account use it (weekly/all-ebs)";

describe("role checks from IAM GetRole", () => {
  it("passes a role that exists and trusts AWS Backup", () => {
    expect(roleCheck(ACCT, ROLE, { outcome: "trusts", conditional: false }, EVIDENCE)).toEqual({
      kind: "iam-role",
      status: "pass",
      subject: ROLE,
      evidence: EVIDENCE,
      message: `role ${ROLE} exists in account ${ACCT} and trusts backup.amazonaws.com.`,
    });
    expect(roleCheck(ACCT, ROLE, { outcome: "trusts", conditional: true }, EVIDENCE).message).toMatch(
      /under the conditions of its trust policy/,
    );
  });

  it("fails a missing role and one that does not trust backup.amazonaws.com", () => {
    expect(roleCheck(ACCT, ROLE, { outcome: "not-found" }, EVIDENCE)).toMatchObject({
      status: "fail",
      message: expect.stringMatching(new RegExp(`^role ${ROLE} does not exist in account ${ACCT}`)),
    });
    expect(roleCheck(ACCT, ROLE, { outcome: "untrusting", detail: "no statement allows it" }, EVIDENCE)).toMatchObject({
      status: "fail",
      message: expect.stringMatching(
        new RegExp(
          `^role ${ROLE} does not trust backup\\.amazonaws\\.com in account ${ACCT} \\(no statement allows it\\)`,
        ),
      ),
    });
  });

  it("is honest when IAM could not be read", () => {
    const denied = roleCheck(
      ACCT,
      ROLE,
      { outcome: "access-denied", detail: "AccessDenied: not authorized" },
      EVIDENCE,
    );
    expect(denied).toMatchObject({
      status: "unverified",
      message: `unverified: the member role may not read IAM (iam:GetRole) in account ${ACCT} (AccessDenied: not authorized); ${EVIDENCE}.`,
    });
    expect(
      roleCheck(ACCT, ROLE, { outcome: "unreadable", detail: "cannot assume the member role" }, EVIDENCE),
    ).toMatchObject({
      status: "unverified",
      message: expect.stringMatching(
        /^unverified: IAM could not be read .*cannot assume the member role.*weekly\/all-ebs/,
      ),
    });
    // Still unverified with its evidence, so a later preview may settle it.
    expect(isRoleToVerify(denied)).toBe(true);
    expect(
      isRoleToVerify({ kind: "iam-role", status: "fail", subject: "x", message: "x is not an IAM role ARN." }),
    ).toBe(false);
  });
});
