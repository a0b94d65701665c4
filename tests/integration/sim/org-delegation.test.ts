import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as O from "@aws-sdk/client-organizations";
import { startSimulator, type SimHandle } from "@/sim/server";
import { demoWorld } from "@/sim/world/demo";
import { TEST_WORLD_NOW } from "@/tests/helpers/clock";
import { managementCreds, memberCreds, orgClient, type Creds } from "./sim-clients";
import { captureWire, validateWire, type Wire } from "./model-validator";

/**
 * The organization's resource-based delegation policy through the SDK: Put/Describe/Delete from
 * the management account with AWS's errors, and member accounts' policy calls allowed only as it
 * says (principal, action, resource, organizations:PolicyType), every answer checked against the
 * model.
 */
let sim: SimHandle;
let mgmt: Creds;
let org: O.OrganizationsClient;
const wire: Wire[] = [];
const account = (name: string) => sim.summary().accounts.find((a) => a.name === name)!.account_id;
const BACKUP_CONTENT = JSON.stringify({
  plans: {
    p: {
      regions: { "@@assign": ["us-east-1"] },
      rules: { r: { target_backup_vault_name: { "@@assign": "Default" } } },
    },
  },
});
const TAG_CONTENT = JSON.stringify({ tags: { team: { tag_key: { "@@assign": "team" } } } });

/** The statements of AWS's "consolidated permissions to manage backup policies" example, for `principal`. */
function delegation(principal: string, extra: object[] = []) {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Reads",
        Effect: "Allow",
        Principal: { AWS: principal },
        Action: ["organizations:ListRoots", "organizations:ListTagsForResource"],
        Resource: "*",
      },
      {
        Sid: "BackupPolicies",
        Effect: "Allow",
        Principal: { AWS: principal },
        Action: [
          "organizations:CreatePolicy",
          "organizations:UpdatePolicy",
          "organizations:DeletePolicy",
          "organizations:AttachPolicy",
          "organizations:DetachPolicy",
          "organizations:DescribePolicy",
          "organizations:ListPolicies",
          "organizations:ListTargetsForPolicy",
          "organizations:TagResource",
        ],
        Resource: "*",
        Condition: { StringLikeIfExists: { "organizations:PolicyType": "BACKUP_POLICY" } },
      },
      ...extra,
    ],
  });
}

beforeAll(async () => {
  sim = await startSimulator({ world: "demo", port: 0, now: TEST_WORLD_NOW, config: { throttling: false } });
  mgmt = await managementCreds(sim);
  org = orgClient(sim, mgmt);
  captureWire(org as never, "organizations", wire);
});
afterAll(() => sim.stop());
afterEach(async () => {
  await org.send(new O.DeleteResourcePolicyCommand({})).catch(() => undefined);
});

async function memberOrg(name: string) {
  const client = orgClient(sim, await memberCreds(sim, mgmt, account(name)));
  captureWire(client as never, "organizations", wire);
  return client;
}

describe("PutResourcePolicy, DescribeResourcePolicy, DeleteResourcePolicy", () => {
  it("put, read back, replace and delete the policy from the management account", async () => {
    await expect(org.send(new O.DescribeResourcePolicyCommand({}))).rejects.toMatchObject({
      name: "ResourcePolicyNotFoundException",
      $metadata: { httpStatusCode: 404 },
    });
    const content = delegation(`arn:aws:iam::${account("Prod Web")}:root`);
    const put = await org.send(
      new O.PutResourcePolicyCommand({ Content: content, Tags: [{ Key: "owner", Value: "platform" }] }),
    );
    const summary = put.ResourcePolicy!.ResourcePolicySummary!;
    expect(summary.Id).toMatch(/^rp-[0-9a-zA-Z_]{4,128}$/);
    expect(summary.Arn).toBe(
      `arn:aws:organizations::${sim.summary().management_account_id}:resourcepolicy/${sim.summary().organization_id}/${summary.Id}`,
    );
    expect((await org.send(new O.DescribeResourcePolicyCommand({}))).ResourcePolicy).toEqual({
      ResourcePolicySummary: summary,
      Content: content,
    });
    expect((await org.send(new O.ListTagsForResourceCommand({ ResourceId: summary.Id! }))).Tags).toEqual([
      { Key: "owner", Value: "platform" },
    ]);
    const again = delegation(`arn:aws:iam::${account("Dev App")}:root`);
    const replaced = await org.send(new O.PutResourcePolicyCommand({ Content: again }));
    expect(replaced.ResourcePolicy).toEqual({ ResourcePolicySummary: summary, Content: again });
    // Tags go with the creation only.
    await expect(
      org.send(new O.PutResourcePolicyCommand({ Content: again, Tags: [{ Key: "k", Value: "v" }] })),
    ).rejects.toMatchObject({ name: "InvalidInputException" });
    await org.send(new O.DeleteResourcePolicyCommand({}));
    await expect(org.send(new O.DeleteResourcePolicyCommand({}))).rejects.toMatchObject({
      name: "ResourcePolicyNotFoundException",
    });
  });

  it("refuse a member account's Put and Delete, and a Describe by an account no one delegated to", async () => {
    const web = await memberOrg("Prod Web");
    const denied = { name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } };
    await expect(
      web.send(new O.PutResourcePolicyCommand({ Content: delegation(`arn:aws:iam::${account("Prod Web")}:root`) })),
    ).rejects.toMatchObject(denied);
    await expect(web.send(new O.DescribeResourcePolicyCommand({}))).rejects.toMatchObject(denied);
    await org.send(new O.PutResourcePolicyCommand({ Content: delegation(`arn:aws:iam::${account("Prod Web")}:root`) }));
    await expect(web.send(new O.DeleteResourcePolicyCommand({}))).rejects.toMatchObject(denied);
    // Named by the delegation policy, the account is a delegated administrator, which may read it.
    expect((await web.send(new O.DescribeResourcePolicyCommand({}))).ResourcePolicy?.Content).toContain(
      account("Prod Web"),
    );
  });

  it("refuse content AWS refuses, with the model's InvalidInputException reasons", async () => {
    const reason = async (Content: string) => {
      const e = (await org.send(new O.PutResourcePolicyCommand({ Content })).catch((x: unknown) => x)) as {
        name: string;
        Reason?: string;
      };
      return `${e.name}:${e.Reason}`;
    };
    expect(await reason("{not json")).toBe("InvalidInputException:INVALID_RESOURCE_POLICY_JSON");
    expect(await reason(JSON.stringify({ Version: "2012-10-17", Statement: [] }))).toBe(
      "InvalidInputException:INVALID_RESOURCE_POLICY_JSON",
    );
    const statement = { Effect: "Allow", Principal: { AWS: "111122223333" }, Resource: "*" };
    expect(
      await reason(JSON.stringify({ Version: "2012-10-17", Statement: [{ ...statement, Principal: { AWS: "bob" } }] })),
    ).toBe("InvalidInputException:INVALID_PRINCIPAL");
    expect(
      await reason(
        JSON.stringify({ Version: "2012-10-17", Statement: [{ ...statement, Action: "organizations:CreateAccount" }] }),
      ),
    ).toBe("InvalidInputException:UNSUPPORTED_ACTION_IN_RESOURCE_POLICY");
    expect(
      await reason(
        JSON.stringify({ Version: "2012-10-17", Statement: [{ ...statement, NotAction: "organizations:ListRoots" }] }),
      ),
    ).toBe("InvalidInputException:UNSUPPORTED_ACTION_IN_RESOURCE_POLICY");
    await expect(org.send(new O.PutResourcePolicyCommand({ Content: "" }))).rejects.toMatchObject({
      name: "InvalidInputException",
    });
  });
});

describe("a member account's policy calls", () => {
  it("are refused without a delegation and allowed, for backup policies only, with one", async () => {
    const web = await memberOrg("Prod Web");
    const create = (Type: "BACKUP_POLICY" | "TAG_POLICY", Name: string) =>
      web.send(
        new O.CreatePolicyCommand({
          Name,
          Description: "delegated",
          Type,
          Content: Type === "BACKUP_POLICY" ? BACKUP_CONTENT : TAG_CONTENT,
        }),
      );
    await expect(create("BACKUP_POLICY", "from-web")).rejects.toMatchObject({ name: "AccessDeniedException" });
    await expect(web.send(new O.ListPoliciesCommand({ Filter: "BACKUP_POLICY" }))).rejects.toMatchObject({
      name: "AccessDeniedException",
    });

    await org.send(new O.PutResourcePolicyCommand({ Content: delegation(`arn:aws:iam::${account("Prod Web")}:root`) }));
    const made = (await create("BACKUP_POLICY", "from-web")).Policy!.PolicySummary!;
    await expect(create("TAG_POLICY", "tags-from-web")).rejects.toMatchObject({ name: "AccessDeniedException" });
    const root = (await web.send(new O.ListRootsCommand({}))).Roots![0]!;
    await web.send(new O.AttachPolicyCommand({ PolicyId: made.Id!, TargetId: account("Prod Web") }));
    await web.send(new O.TagResourceCommand({ ResourceId: made.Id!, Tags: [{ Key: "managed-by", Value: "x" }] }));
    expect(
      (await web.send(new O.ListTargetsForPolicyCommand({ PolicyId: made.Id! }))).Targets?.map((t) => t.TargetId),
    ).toEqual([account("Prod Web")]);
    expect((await org.send(new O.DescribePolicyCommand({ PolicyId: made.Id! }))).Policy?.Content).toBe(BACKUP_CONTENT);
    // Not delegated: enabling a policy type, or another account's calls.
    await expect(
      web.send(new O.EnablePolicyTypeCommand({ RootId: root.Id!, PolicyType: "TAG_POLICY" })),
    ).rejects.toMatchObject({ name: "AccessDeniedException" });
    const dev = await memberOrg("Dev App");
    await expect(
      dev.send(new O.DetachPolicyCommand({ PolicyId: made.Id!, TargetId: account("Prod Web") })),
    ).rejects.toMatchObject({ name: "AccessDeniedException" });

    await web.send(new O.DetachPolicyCommand({ PolicyId: made.Id!, TargetId: account("Prod Web") }));
    await web.send(new O.DeletePolicyCommand({ PolicyId: made.Id! }));
    await org.send(new O.DeleteResourcePolicyCommand({}));
    await expect(web.send(new O.ListRootsCommand({}))).rejects.toMatchObject({ name: "AccessDeniedException" });
  });

  it("match a role principal exactly, and let an explicit Deny win", async () => {
    const memberRole = `arn:aws:iam::${account("Prod Web")}:role/${sim.summary().member_role_name}`;
    const web = await memberOrg("Prod Web");
    await org.send(
      new O.PutResourcePolicyCommand({ Content: delegation(`arn:aws:iam::${account("Prod Web")}:role/Other`) }),
    );
    await expect(web.send(new O.ListRootsCommand({}))).rejects.toMatchObject({ name: "AccessDeniedException" });
    await org.send(
      new O.PutResourcePolicyCommand({
        Content: delegation(memberRole, [
          {
            Effect: "Deny",
            Principal: { AWS: memberRole },
            Action: "organizations:Create*",
            Resource: "*",
          },
        ]),
      }),
    );
    expect((await web.send(new O.ListRootsCommand({}))).Roots).toHaveLength(1);
    await expect(
      web.send(
        new O.CreatePolicyCommand({ Name: "denied", Description: "", Type: "BACKUP_POLICY", Content: BACKUP_CONTENT }),
      ),
    ).rejects.toMatchObject({ name: "AccessDeniedException" });
  });

  it("leave a service's delegated administrator its reads, not the writes", async () => {
    const audit = await memberOrg("Audit");
    expect((await audit.send(new O.ListPoliciesCommand({ Filter: "BACKUP_POLICY" }))).Policies?.length).toBe(3);
    await expect(
      audit.send(
        new O.CreatePolicyCommand({ Name: "audit", Description: "", Type: "BACKUP_POLICY", Content: BACKUP_CONTENT }),
      ),
    ).rejects.toMatchObject({ name: "AccessDeniedException" });
  });
});

describe("a world", () => {
  it("seeds the delegation policy, and refuses one AWS would refuse", async () => {
    const world = demoWorld();
    const delegate = world.accounts.find((a) => a.name === "Prod Web")!.id;
    const seeded = await startSimulator({
      world: {
        ...world,
        organization: {
          ...world.organization,
          resource_policy: JSON.parse(delegation(`arn:aws:iam::${delegate}:root`)) as Record<string, unknown>,
        },
      },
      port: 0,
      now: TEST_WORLD_NOW,
      config: { throttling: false },
    });
    try {
      const m = orgClient(seeded, await managementCreds(seeded));
      expect((await m.send(new O.DescribeResourcePolicyCommand({}))).ResourcePolicy?.Content).toContain(delegate);
      const web = orgClient(seeded, await memberCreds(seeded, await managementCreds(seeded), delegate));
      expect((await web.send(new O.ListPoliciesCommand({ Filter: "BACKUP_POLICY" }))).Policies?.length).toBe(3);
    } finally {
      await seeded.stop();
    }
    await expect(
      startSimulator({
        world: { ...world, organization: { ...world.organization, resource_policy: "{}" } },
        port: 0,
        now: TEST_WORLD_NOW,
      }),
    ).rejects.toThrow(/organization\.resource_policy/);
  });
});

describe("every captured response matches the AWS models", () => {
  it("has no problems", () => {
    const ops = new Set(wire.map((w) => w.operation));
    for (const op of ["PutResourcePolicy", "DescribeResourcePolicy", "DeleteResourcePolicy"]) expect(ops).toContain(op);
    expect(wire.flatMap(validateWire).slice(0, 30)).toEqual([]);
  });
});
