import { describe, expect, it } from "vitest";
import { computeEffectivePolicy } from "@/lib/policies/effective";
import {
  buildPolicyChain,
  compareEffectivePolicies,
  computeStoredEffectivePolicy,
} from "@/lib/policies/effective-check";

const doc = (days: string) =>
  JSON.stringify({ plans: { p: { rules: { r: { lifecycle: { delete_after_days: { "@@assign": days } } } } } } });
const policy = (policyId: string, days: string, targets: string[], targetPositions: number[] = []) => ({
  policyId,
  content: doc(days),
  targets,
  targetPositions,
});

describe("buildPolicyChain", () => {
  it("lists each level's policies, root first, in the order the sync read for each target", () => {
    const chain = buildPolicyChain(
      ["r-1", "ou-1", "111122223333"],
      [policy("p-a", "35", ["111122223333", "r-1"], [1, 0]), policy("p-b", "90", ["ou-1", "111122223333"], [0, 0])],
    );
    expect(chain).toEqual({
      levels: [[doc("35")], [doc("90")], [doc("90"), doc("35")]],
      policyIds: [["p-a"], ["p-b"], ["p-b", "p-a"]],
      orderKnown: true,
    });
  });

  it("says when two policies share a target whose order was not read", () => {
    const chain = buildPolicyChain(
      ["r-1", "111122223333"],
      [policy("p-b", "35", ["111122223333"]), policy("p-a", "90", ["111122223333"])],
    );
    expect(chain.orderKnown).toBe(false);
    expect(chain.policyIds).toEqual([[], ["p-a", "p-b"]]);
    expect(buildPolicyChain(["r-1", "111122223333"], [policy("p-b", "35", ["111122223333"])]).orderKnown).toBe(true);
  });

  it("finds no effective policy when BACKUP_POLICY is not enabled on the root, whatever is attached", () => {
    const chain = buildPolicyChain(["r-1"], [policy("p-a", "35", ["r-1"], [0])]);
    expect(computeStoredEffectivePolicy(chain, false)).toMatchObject({
      ok: false,
      error: { code: "EffectivePolicyNotFoundException" },
    });
    expect(computeStoredEffectivePolicy(chain, true).ok).toBe(true);
  });
});

describe("compareEffectivePolicies", () => {
  const ours = computeEffectivePolicy([[doc("35")]]);

  it("compares parsed JSON: AWS's key order and spacing don't matter, values do", () => {
    expect(
      compareEffectivePolicies(
        ours,
        '{ "plans": { "p": { "rules": { "r": { "lifecycle": { "delete_after_days": "35" } } } } } }',
      ),
    ).toEqual({ agree: true });
    expect(
      compareEffectivePolicies(ours, '{"plans":{"p":{"rules":{"r":{"lifecycle":{"delete_after_days":"90"}}}}}}'),
    ).toEqual({ agree: false, difference: '$.plans.p.rules.r.lifecycle.delete_after_days: "35" ≠ "90"' });
    expect(
      compareEffectivePolicies(ours, '{"plans":{"p":{"rules":{"r":{"lifecycle":{"delete_after_days":"35"}},"s":{}}}}}'),
    ).toEqual({ agree: false, difference: "$.plans.p.rules.s: only in AWS's" });
  });

  it("no policy on either side agrees; on one side only it does not", () => {
    const none = computeEffectivePolicy([]);
    expect(compareEffectivePolicies(none, null)).toEqual({ agree: true });
    expect(compareEffectivePolicies(ours, null).agree).toBe(false);
    expect(compareEffectivePolicies(none, "{}").agree).toBe(false);
  });
});
