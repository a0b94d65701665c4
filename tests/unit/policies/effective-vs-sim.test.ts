import { describe, expect, it } from "vitest";
import { mergePolicyChain } from "@/lib/policies/effective";
import { mergePolicies } from "@/sim/org/policy-merge";
import { canonical, generateChain } from "./chain-generator";

// Our merge (lib/policies/effective.ts) and the simulator's (sim/org/policy-merge.ts) were written
// apart from the same documentation; this runs both on the same generated chains and reports every
// chain where they disagree, with its seed.

const CHAINS = 3000;

describe("our effective policy against the simulator's", () => {
  it(`agrees on ${CHAINS} generated chains`, () => {
    const disagreements: string[] = [];
    for (let seed = 1; seed <= CHAINS; seed++) {
      const levels = generateChain(seed);
      const ours = mergePolicyChain(levels);
      const sim = mergePolicies(levels);
      const a = ours.ok ? canonical(ours.policy) : ours.error.code;
      const b = sim === undefined ? "EffectivePolicyNotFoundException" : canonical(sim);
      if (a !== b) disagreements.push(`seed ${seed}\n  chain: ${JSON.stringify(levels)}\n  ours:  ${a}\n  sim:   ${b}`);
    }
    expect(disagreements.slice(0, 3).join("\n"), `${disagreements.length} of ${CHAINS} chains disagree`).toBe("");
  });
});
