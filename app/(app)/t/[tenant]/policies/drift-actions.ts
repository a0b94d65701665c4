"use server";

import { revalidatePath } from "next/cache";
import { actorOf, defineAction, type ActionContext } from "@/lib/actions";
import { adoptPolicy, repushPolicy } from "@/lib/policies/drift-resolve";
import { driftActionInput } from "@/lib/validation/policy-drift";

// Re-push and adopt create a version (policy:draft, like any draft); approving and pushing it stay
// in actions.ts under policy:push. The content comes from the database, never from the form.

const refresh = (ctx: ActionContext) => revalidatePath(`/t/${ctx.tenant?.slug ?? ""}/policies`, "layout");

export const repushDriftedPolicyAction = defineAction(
  { name: "policies.drift.repush", capability: "policy:draft", input: driftActionInput },
  async (ctx, input) => {
    const ref = await repushPolicy(ctx.db, actorOf(ctx), input);
    refresh(ctx);
    return ref;
  },
);

export const adoptDriftedPolicyAction = defineAction(
  { name: "policies.drift.adopt", capability: "policy:draft", input: driftActionInput },
  async (ctx, input) => {
    const ref = await adoptPolicy(ctx.db, actorOf(ctx), input);
    refresh(ctx);
    return ref;
  },
);
