import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as O from "@aws-sdk/client-organizations";
import * as B from "@aws-sdk/client-backup";
import { startSimulator, type SimHandle } from "@/sim/server";
import { backupClient, managementCreds, memberCreds, orgClient, type Creds } from "./sim-clients";
import { captureWire, validateWire, type Wire } from "./model-validator";

/**
 * Backup policy writes through the SDK: AWS's limits, the effective policy, org-managed plans
 * materialised in the member account (and versioned or deleted as the policy changes), and the
 * simulated clock running them.
 */
let sim: SimHandle;
let mgmt: Creds;
let org: O.OrganizationsClient;
const wire: Wire[] = [];
const account = (name: string) => sim.summary().accounts.find((a) => a.name === name)!.account_id;
const policy = (days: number, vault = "audit-vault") =>
  JSON.stringify({
    plans: {
      "audit-daily": {
        regions: { "@@assign": ["us-east-1"] },
        rules: {
          daily: {
            schedule_expression: { "@@assign": "cron(0 6 ? * * *)" },
            target_backup_vault_name: { "@@assign": vault },
            lifecycle: { delete_after_days: { "@@assign": String(days) } },
          },
        },
        selections: {
          tags: {
            owned: {
              iam_role_arn: { "@@assign": "arn:aws:iam::$account:role/service-role/AWSBackupDefaultServiceRole" },
              tag_key: { "@@assign": "owner" },
              tag_value: { "@@assign": ["security-team"] },
            },
          },
        },
      },
    },
  });

beforeAll(async () => {
  // A fixed clock: the job counts below depend on where 06:00 falls.
  sim = await startSimulator({
    world: "demo",
    port: 0,
    config: { throttling: false },
    now: Date.parse("2026-06-15T12:00:00Z") / 1000,
  });
  mgmt = await managementCreds(sim);
  org = orgClient(sim, mgmt);
  captureWire(org as never, "organizations", wire);
});
afterAll(() => sim.stop());

async function orgPlans(b: B.BackupClient, includeDeleted = false) {
  const plans: B.BackupPlansListMember[] = [];
  for await (const p of B.paginateListBackupPlans({ client: b }, { IncludeDeleted: includeDeleted }))
    plans.push(...(p.BackupPlansList ?? []));
  return plans.filter((p) => p.BackupPlanId!.startsWith("orgs/"));
}

describe("backup policies", () => {
  it("enforces AWS's limits on documents", async () => {
    await expect(
      org.send(
        new O.CreatePolicyCommand({ Name: "bad", Description: "", Type: "BACKUP_POLICY", Content: "{not json" }),
      ),
    ).rejects.toMatchObject({ name: "MalformedPolicyDocumentException" });
    const big = JSON.stringify({
      plans: { P: { regions: { "@@assign": Array.from({ length: 900 }, (_, i) => `r-${i}-xxxx`) } } },
    });
    expect(big.length).toBeGreaterThan(10_000);
    await expect(
      org.send(new O.CreatePolicyCommand({ Name: "big", Description: "", Type: "BACKUP_POLICY", Content: big })),
    ).rejects.toMatchObject({ name: "ConstraintViolationException", Reason: "POLICY_CONTENT_LIMIT_EXCEEDED" });
    await expect(
      org.send(
        new O.CreatePolicyCommand({
          Name: "org-baseline",
          Description: "",
          Type: "BACKUP_POLICY",
          Content: policy(35),
        }),
      ),
    ).rejects.toMatchObject({ name: "DuplicatePolicyException" });
  });

  it("materialises, versions and deletes org-managed plans, and the clock runs them", async () => {
    const audit = account("Audit");
    const b = backupClient(sim, await memberCreds(sim, mgmt, audit));
    captureWire(b as never, "backup", wire);
    expect(await orgPlans(b)).toEqual([]);
    const created = await org.send(
      new O.CreatePolicyCommand({
        Name: "audit-policy",
        Description: "audit account",
        Type: "BACKUP_POLICY",
        Content: policy(35),
      }),
    );
    const id = created.Policy!.PolicySummary!.Id!;
    await org.send(new O.AttachPolicyCommand({ PolicyId: id, TargetId: audit }));
    await expect(org.send(new O.AttachPolicyCommand({ PolicyId: id, TargetId: audit }))).rejects.toMatchObject({
      name: "DuplicatePolicyAttachmentException",
    });
    const [plan] = await orgPlans(b);
    expect(plan?.BackupPlanArn).toMatch(
      new RegExp(`^arn:aws:backup:us-east-1:${audit}:backup-plan:orgs/[0-9a-f-]{36}$`),
    );
    const got = await b.send(new B.GetBackupPlanCommand({ BackupPlanId: plan!.BackupPlanId! }));
    expect(got.BackupPlan?.Rules?.[0]).toMatchObject({
      ScheduleExpression: "cron(0 6 ? * * *)",
      Lifecycle: { DeleteAfterDays: 35 },
    });
    const eff = await org.send(new O.DescribeEffectivePolicyCommand({ PolicyType: "BACKUP_POLICY", TargetId: audit }));
    expect(
      JSON.parse(eff.EffectivePolicy!.PolicyContent!).plans["audit-daily"].rules.daily.lifecycle.delete_after_days,
    ).toBe("35");

    const jobsBefore = await countJobs(b, plan!.BackupPlanId!);
    sim.advance(49);
    expect(await countJobs(b, plan!.BackupPlanId!)).toBe(jobsBefore + 2 * 2); // two days × the two owner=security-team resources in us-east-1

    await org.send(new O.UpdatePolicyCommand({ PolicyId: id, Content: policy(60) }));
    const versions: B.BackupPlansListMember[] = [];
    for await (const p of B.paginateListBackupPlanVersions({ client: b }, { BackupPlanId: plan!.BackupPlanId! }))
      versions.push(...(p.BackupPlanVersionsList ?? []));
    expect(versions).toHaveLength(2);

    await expect(org.send(new O.DeletePolicyCommand({ PolicyId: id }))).rejects.toMatchObject({
      name: "PolicyInUseException",
    });
    await org.send(new O.DetachPolicyCommand({ PolicyId: id, TargetId: audit }));
    expect(await orgPlans(b)).toEqual([]);
    expect((await orgPlans(b, true))[0]?.DeletionDate).toBeInstanceOf(Date);
    await expect(org.send(new O.DetachPolicyCommand({ PolicyId: id, TargetId: audit }))).rejects.toMatchObject({
      name: "PolicyNotAttachedException",
    });
    await org.send(new O.DeletePolicyCommand({ PolicyId: id }));
    await expect(org.send(new O.DescribePolicyCommand({ PolicyId: id }))).rejects.toMatchObject({
      name: "PolicyNotFoundException",
    });
  });

  it("needs the policy type enabled on the root and caps attachments at 10 per target", async () => {
    const root = (await org.send(new O.ListRootsCommand({}))).Roots![0]!.Id!;
    const ids: string[] = [];
    for (let i = 0; i < 11; i++)
      ids.push(
        (
          await org.send(
            new O.CreatePolicyCommand({
              Name: `cap-${i}`,
              Description: "",
              Type: "BACKUP_POLICY",
              Content: policy(35),
            }),
          )
        ).Policy!.PolicySummary!.Id!,
      );
    const target = account("Log Archive");
    for (const id of ids.slice(0, 10)) await org.send(new O.AttachPolicyCommand({ PolicyId: id, TargetId: target }));
    await expect(org.send(new O.AttachPolicyCommand({ PolicyId: ids[10]!, TargetId: target }))).rejects.toMatchObject({
      name: "ConstraintViolationException",
      Reason: "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
    });
    const disabled = await org.send(new O.DisablePolicyTypeCommand({ RootId: root, PolicyType: "BACKUP_POLICY" }));
    expect(disabled.Root?.PolicyTypes?.some((t) => t.Type === "BACKUP_POLICY")).toBe(false);
    await expect(org.send(new O.AttachPolicyCommand({ PolicyId: ids[10]!, TargetId: target }))).rejects.toMatchObject({
      name: "PolicyTypeNotEnabledException",
    });
    await expect(
      org.send(new O.DescribeEffectivePolicyCommand({ PolicyType: "BACKUP_POLICY", TargetId: account("Prod Web") })),
    ).rejects.toMatchObject({ name: "EffectivePolicyNotFoundException" });
    await org.send(new O.EnablePolicyTypeCommand({ RootId: root, PolicyType: "BACKUP_POLICY" }));
    await expect(
      org.send(new O.EnablePolicyTypeCommand({ RootId: root, PolicyType: "BACKUP_POLICY" })),
    ).rejects.toMatchObject({ name: "PolicyTypeAlreadyEnabledException" });
  });

  it("answers only the management account", async () => {
    const member = orgClient(sim, await memberCreds(sim, mgmt, account("Prod Web")));
    await expect(
      member.send(
        new O.CreatePolicyCommand({ Name: "x", Description: "", Type: "BACKUP_POLICY", Content: policy(35) }),
      ),
    ).rejects.toMatchObject({ name: "AccessDeniedException" });
  });

  it("every response matched the models", () => {
    expect(wire.length).toBeGreaterThan(20);
    expect(wire.flatMap(validateWire)).toEqual([]);
  });
});

async function countJobs(b: B.BackupClient, planId: string): Promise<number> {
  let n = 0;
  for await (const p of B.paginateListBackupJobs({ client: b, pageSize: 1000 }, {}))
    n += (p.BackupJobs ?? []).filter((j) => j.CreatedBy?.BackupPlanId === planId).length;
  return n;
}
