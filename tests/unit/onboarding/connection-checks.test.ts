import { describe, expect, it } from "vitest";
import { assumeDenied, FailureError } from "@/lib/aws/errors";
import {
  cellTone,
  checkOfError,
  disabledRegionCell,
  failed,
  failedCheckCount,
  groupProblems,
  OK,
  optInCheck,
  suspendedCell,
  unassumableCell,
  verdictOf,
  type ConnectionAccount,
  type ConnectionTestResult,
} from "@/lib/onboarding/connection-checks";

const err = (name: string, status: number, message = `${name} happened`) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
const MEMBER = (a: string) => `arn:aws:iam::${a}:role/Member`;
const MGMT = "arn:aws:iam::111111111111:role/Mgmt";

function okAccount(id: string, name: string, regions: string[]): ConnectionAccount {
  return {
    accountId: id,
    name,
    state: "ACTIVE",
    memberRoleArn: MEMBER(id),
    cells: regions.map((region) => ({
      region,
      checks: { assume: OK, region: OK, optIn: OK, plans: OK, vaults: OK },
    })),
  };
}

function result(accounts: ConnectionAccount[]): ConnectionTestResult {
  return {
    ranAt: "2026-06-15T12:00:00.000Z",
    durationMs: 10,
    regions: ["us-east-1", "eu-west-1"],
    entry: { roleArn: MGMT, assume: OK, read: OK },
    policyPush: null,
    accounts,
  };
}

describe("a refused probe, in plain words", () => {
  it("names the action and the role when a list is denied", () => {
    const c = checkOfError(err("AccessDeniedException", 403, "User: x is not authorized"), {
      operation: "ListBackupPlans",
      region: "us-east-1",
      roleArn: MEMBER("222222222222"),
      action: "backup:ListBackupPlans",
    });
    expect(c).toMatchObject({ status: "fail", code: "AccessDeniedException" });
    expect(c.problem).toContain("ListBackupPlans: access denied");
    expect(c.remedy).toBe(
      "Allow backup:ListBackupPlans in the permissions policy of arn:aws:iam::222222222222:role/Member (the role templates in Settings → Organizations → Set up roles grant every read the product needs).",
    );
  });

  it("says a member role is missing or does not trust the management role", () => {
    const c = checkOfError(new FailureError(assumeDenied(MEMBER("222222222222"), MGMT)), { operation: "AssumeRole" });
    expect(c.status).toBe("fail");
    expect(c.problem).toContain("cannot assume arn:aws:iam::222222222222:role/Member");
    expect(c.remedy).toContain(`does not trust ${MGMT}: deploy the member role there`);
  });

  it("reads a refused token as the region not being enabled, naming the region", () => {
    const cell = disabledRegionCell("eu-west-1", "UnrecognizedClientException");
    expect(cell.checks.region).toMatchObject({ status: "fail", code: "UnrecognizedClientException" });
    expect(cell.checks.region.remedy).toContain("Enable eu-west-1 for this account");
    expect(cell.checks.plans.status).toBe("skipped");
    expect(cellTone(cell)).toBe("fail");
  });

  it("warns of resource types not opted in, naming them, the account and the region", () => {
    expect(optInCheck({ EBS: true, RDS: true }, "eu-west-1", "333333333333")).toEqual(OK);
    const c = optInCheck({ FSx: false, EBS: true, Aurora: false }, "eu-west-1", "333333333333");
    expect(c.status).toBe("warn");
    expect(c.problem).toBe("AWS Backup is not opted in for Aurora, FSx in this region");
    expect(c.remedy).toContain("account 333333333333");
    expect(c.remedy).toContain("AWS Backup console of eu-west-1");
  });

  it("skips what cannot be tested: suspended accounts, and everything after a refused role", () => {
    expect(cellTone(suspendedCell("us-east-1"))).toBe("skipped");
    const cell = unassumableCell("us-east-1", failed(assumeDenied(MEMBER("2"), MGMT)));
    expect(cell.checks.assume.status).toBe("fail");
    expect(cell.checks.vaults).toMatchObject({ status: "skipped", problem: "the member role could not be assumed" });
  });
});

describe("what to fix", () => {
  it("says each cause once, with every place it hit, failures before warnings", () => {
    const denied = (a: string) =>
      checkOfError(
        err("AccessDeniedException", 403, `User: arn:aws:sts::${a}:assumed-role/Member/s is not authorized`),
        {
          operation: "ListBackupVaults",
          roleArn: MEMBER(a),
          action: "backup:ListBackupVaults",
        },
      );
    const a = okAccount("222222222222", "A", ["us-east-1", "eu-west-1"]);
    const b = okAccount("333333333333", "B", ["us-east-1", "eu-west-1"]);
    for (const acc of [a, b]) for (const c of acc.cells) c.checks.vaults = denied(acc.accountId);
    b.cells[1]!.checks.optIn = optInCheck({ FSx: false }, "eu-west-1", b.accountId);
    const unassumable = okAccount("444444444444", "C", ["us-east-1", "eu-west-1"]);
    const refused = failed(assumeDenied(MEMBER("444444444444"), MGMT));
    unassumable.cells = unassumable.cells.map((c) => unassumableCell(c.region, refused));
    const r = result([a, b, unassumable]);
    const groups = groupProblems(r);
    expect(groups.map((g) => g.status)).toEqual(["fail", "fail", "warn"]);
    const vaults = groups.find((g) => g.problem.includes("ListBackupVaults"))!;
    // Met in two accounts: worded for any account, not the first one's ARN.
    expect(vaults.problem).toContain("User: arn:aws:sts::<account>:assumed-role/Member/s is not authorized");
    expect(vaults.remedy).toContain("the permissions policy of arn:aws:iam::<account>:role/Member");
    expect(vaults.places.map((p) => `${p.accountName}/${p.region}`)).toEqual([
      "A/us-east-1",
      "A/eu-west-1",
      "B/us-east-1",
      "B/eu-west-1",
    ]);
    // A refused member role is one place (every region), not one per region.
    const assume = groups.find((g) => g.problem.startsWith("cannot assume"))!;
    expect(assume.places).toEqual([{ accountId: "444444444444", accountName: "C", region: null, check: "assume" }]);
    expect(verdictOf(r)).toBe("problems");
    // Four vault lists and one member role fail; the opt-in is a warning.
    expect(failedCheckCount(r)).toBe(5);
  });

  it("is empty and ok when everything passed; failed when the entry role is shut", () => {
    const r = result([okAccount("222222222222", "A", ["us-east-1"])]);
    expect(groupProblems(r)).toEqual([]);
    expect(verdictOf(r)).toBe("ok");
    r.entry.assume = failed(assumeDenied(MGMT));
    expect(verdictOf(r)).toBe("failed");
    expect(groupProblems(r)[0]!.places[0]).toMatchObject({ accountName: "Entry role", check: "entry" });
  });
});
