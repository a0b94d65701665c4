import * as O from "@aws-sdk/client-organizations";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeEffectivePolicy } from "@/lib/policies/effective";
import { managementCreds, orgClient } from "../sim/sim-clients";
import { startHarness, type Harness } from "../sync/harness";
import { runPolicyCommand, type Ran } from "./policy-command";

// `npm run policy -- check --tenant demo` after a sync of the demo organization (three backup
// policies: on the workloads OU, the prod OU and one account): every account's effective policy
// computed from what the sync stored agrees with the simulator's DescribeEffectivePolicy. Then two
// conflicting policies on one account, where only the order of attachment decides.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.startWorker();
  expect((await h.sync()).status).not.toBe("failed");
});
afterAll(async () => {
  await h?.close();
});

const check = () =>
  runPolicyCommand(["check", "--tenant", "demo"], { DATABASE_URL: h.db.url, AWS_ENDPOINT_URL: h.sim.url });

function lines(r: Ran): Array<Record<string, unknown>> {
  return r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("npm run policy -- check", () => {
  it("agrees with AWS on every account of the demo organization", async () => {
    const r = await check();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = lines(r);
    const summary = out.pop()!;
    const accounts = await h.db.pool.query(
      `select account_id from org_accounts where tenant_id = $1 order by account_id`,
      [h.tenantId],
    );
    expect(out.map((l) => l.account_id)).toEqual(accounts.rows.map((a) => a.account_id as string));
    for (const l of out) expect(l, JSON.stringify(l)).toMatchObject({ agree: true });
    expect(summary).toMatchObject({ tenant: "demo", accounts: out.length, agree: out.length, disagree: 0, errors: 0 });
    // Not a vacuous agreement: the workload accounts have a policy, the others have none.
    const found = out.filter((l) => l.effective === "found").map((l) => l.name);
    expect(found.sort()).toEqual(["Dev App", "Prod Data", "Prod Payments", "Prod Web", "Staging"]);
    expect(out.find((l) => l.name === "Prod Data")!.policies).toHaveLength(3);
  });

  it("agrees when two conflicting policies on one account make attachment order decide", async () => {
    const org = orgClient(h.sim, await managementCreds(h.sim));
    const dev = h.world.accounts.find((a) => a.name === "Dev App")!.account_id;
    const keep = (days: string) =>
      JSON.stringify({
        plans: { "org-daily": { rules: { daily: { lifecycle: { delete_after_days: { "@@assign": days } } } } } },
      });
    const ids: string[] = [];
    // Attached 120 first: policy ids are random, so an order by id would be right half the time.
    for (const [name, days] of [
      ["keep-120", "120"],
      ["keep-60", "60"],
    ] as const) {
      const created = await org.send(
        new O.CreatePolicyCommand({ Name: name, Description: "", Type: "BACKUP_POLICY", Content: keep(days) }),
      );
      ids.push(created.Policy!.PolicySummary!.Id!);
      await org.send(new O.AttachPolicyCommand({ PolicyId: ids.at(-1)!, TargetId: dev }));
    }
    expect((await h.sync()).status).not.toBe("failed");
    // The order is asked of that one target only, as the simulator's lower bound counts it.
    const stats = h.sim.stats();
    expect(stats.calls.by_operation["organizations:ListPoliciesForTarget"]).toBe(1);
    expect(stats.lower_bound.min_calls_by_operation["organizations:ListPoliciesForTarget"]).toBe(1);
    const stored = await h.db.pool.query(
      `select policy_id, target_positions from org_policies where tenant_id = $1 and policy_id = any($2)`,
      [h.tenantId, ids],
    );
    expect(Object.fromEntries(stored.rows.map((x) => [x.policy_id, x.target_positions]))).toEqual({
      [ids[0]!]: [0],
      [ids[1]!]: [1],
    });
    const r = await check();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const line = lines(r).find((l) => l.account_id === dev)!;
    expect(line).toMatchObject({ agree: true });
    expect((line.policies as string[]).slice(1)).toEqual(ids);
    // The first one attached wins (inheritance example 6), in AWS's answer and in ours.
    const eff = await org.send(new O.DescribeEffectivePolicyCommand({ PolicyType: "BACKUP_POLICY", TargetId: dev }));
    const policy = JSON.parse(eff.EffectivePolicy!.PolicyContent!) as {
      plans: Record<string, { rules: Record<string, { lifecycle: Record<string, string> }> }>;
    };
    expect(policy.plans["org-daily"]!.rules.daily!.lifecycle.delete_after_days).toBe("120");
    expect(computeEffectivePolicy([[keep("60"), keep("120")]])).toMatchObject({
      ok: true,
      content: expect.stringContaining('"delete_after_days":"60"'),
    });
  });
});
