import * as O from "@aws-sdk/client-organizations";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsFactory } from "@/lib/aws/client-factory";
import { roleTrustReader } from "@/lib/aws/iam.fetch";
import { MANAGEMENT_READ_ACTIONS, MEMBER_READ_ACTIONS } from "@/lib/aws/read-permissions";
import { policyDocument } from "../policies/policy-world";
import { managementCreds, orgClient } from "../sim/sim-clients";
import { startHarness, type Harness } from "../sync/harness";

// The permission lists are the truth only if they are what the code calls: a full sync of the demo
// world, plus the policy pre-flight's role read, against the simulator (which counts every call by
// service and operation), must call exactly the listed actions. A new call without its action, or a
// listed action nothing calls any more, fails here.
// The sync asks ListPoliciesForTarget only of a target holding two backup policies, which the demo
// world has none of: the test attaches a second one through the Organizations API first.

/** The simulator's service names → IAM service prefixes where they differ. */
const IAM_PREFIX: Record<string, string> = { tagging: "tag" };
/** Operations whose IAM action is named differently from the API operation (none today). */
const ACTION_OF: Record<string, string> = {};

function actionOf(simOperation: string): string {
  const [service, operation] = simOperation.split(":") as [string, string];
  const action = `${IAM_PREFIX[service] ?? service}:${operation}`;
  return ACTION_OF[action] ?? action;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.startWorker();
});
afterAll(() => h?.close());

describe("the permission lists against the calls the product makes", () => {
  it("a sync and the pre-flight's role read call exactly the member and management actions", async () => {
    const org = orgClient(h.sim, await managementCreds(h.sim));
    const [existing] = (await org.send(new O.ListPoliciesCommand({ Filter: "BACKUP_POLICY" }))).Policies ?? [];
    const target = (await org.send(new O.ListTargetsForPolicyCommand({ PolicyId: existing!.Id! }))).Targets?.[0];
    const second = await org.send(
      new O.CreatePolicyCommand({
        Name: "onboarding-second",
        Description: "a second policy on one target",
        Type: "BACKUP_POLICY",
        Content: policyDocument(14),
      }),
    );
    await org.send(
      new O.AttachPolicyCommand({ PolicyId: second.Policy!.PolicySummary!.Id!, TargetId: target!.TargetId! }),
    );
    h.sim.resetStats();
    const run = await h.sync();
    expect(run.status).toBe("partial"); // the demo has unreachable accounts on purpose

    const factory = new AwsFactory(h.aws);
    const readTrust = roleTrustReader(factory, {
      managementAccountId: h.world.management_account_id,
      managementRoleArn: h.world.management_role_arn,
      externalId: h.world.external_id,
      memberRoleName: h.world.member_role_name,
    });
    const account = h.world.management_account_id;
    const trust = await readTrust(account, `arn:aws:iam::${account}:role/service-role/AWSBackupDefaultServiceRole`);
    expect(trust.outcome).not.toBe("unreadable");

    const called = Object.keys(h.sim.stats().calls.by_operation).map(actionOf);
    // AssumeRole is what the trust policies allow; it is not a permission of either role.
    const permissions = called.filter((a) => a !== "sts:AssumeRole");
    expect(called).toContain("sts:AssumeRole");
    // Organizations is read with the management role only; everything else in each member account.
    const management = permissions.filter((a) => a.startsWith("organizations:")).sort();
    const member = permissions.filter((a) => !a.startsWith("organizations:")).sort();
    expect(management).toEqual([...MANAGEMENT_READ_ACTIONS].sort());
    expect(member).toEqual([...MEMBER_READ_ACTIONS].sort());
  });
});
