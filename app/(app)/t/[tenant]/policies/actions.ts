"use server";

import { revalidatePath } from "next/cache";
import { actorOf, defineAction, type ActionContext } from "@/lib/actions";
import { pushVersion } from "@/lib/policies/push";
import { getPushDeps } from "@/lib/policies/push-deps";
import {
  approveVersion,
  createPolicy,
  draftVersion,
  rejectVersion,
  rollbackPolicy,
  setRequiredApprovals,
  submitVersion,
} from "@/lib/policies/workflow";
import {
  approveInput,
  createPolicyInput,
  draftVersionInput,
  rejectInput,
  requiredApprovalsInput,
  rollbackInput,
  versionInput,
} from "@/lib/validation/policies";

// Thin adapters: the wrapper checks session, capability in this tenant and the input's shape;
// lib/policies checks the document, the workflow's rules (never the author's own approval) and
// writes each step with its audit row. policy:draft writes and submits; policy:push decides,
// pushes and rolls back; the approval count is an admin's tenant setting.

const refresh = (ctx: ActionContext) => revalidatePath(`/t/${ctx.tenant?.slug ?? ""}/policies`, "layout");

export const createPolicyAction = defineAction(
  { name: "policies.create", capability: "policy:draft", input: createPolicyInput },
  async (ctx, input) => {
    const ref = await createPolicy(ctx.db, actorOf(ctx), input);
    refresh(ctx);
    return ref;
  },
);

export const draftVersionAction = defineAction(
  { name: "policies.draft", capability: "policy:draft", input: draftVersionInput },
  async (ctx, input) => {
    const ref = await draftVersion(ctx.db, actorOf(ctx), input);
    refresh(ctx);
    return ref;
  },
);

export const submitVersionAction = defineAction(
  { name: "policies.submit", capability: "policy:draft", input: versionInput },
  async (ctx, input) => {
    const ref = await submitVersion(ctx.db, actorOf(ctx), input);
    refresh(ctx);
    return ref;
  },
);

export const approveVersionAction = defineAction(
  { name: "policies.approve", capability: "policy:push", input: approveInput },
  async (ctx, input) => {
    const ref = await approveVersion(ctx.db, actorOf(ctx), input);
    refresh(ctx);
    return ref;
  },
);

export const rejectVersionAction = defineAction(
  { name: "policies.reject", capability: "policy:push", input: rejectInput },
  async (ctx, input) => {
    const ref = await rejectVersion(ctx.db, actorOf(ctx), input);
    refresh(ctx);
    return ref;
  },
);

export const pushVersionAction = defineAction(
  { name: "policies.push", capability: "policy:push", input: versionInput },
  async (ctx, input) => {
    try {
      const outcome = await pushVersion(ctx.db, getPushDeps, actorOf(ctx), input);
      return {
        pushId: outcome.pushId,
        version: outcome.version,
        awsPolicyId: outcome.awsPolicyId,
        attached: outcome.attached,
        detached: outcome.detached,
      };
    } finally {
      // A failed push is recorded too: the page shows it either way.
      refresh(ctx);
    }
  },
);

export const rollbackPolicyAction = defineAction(
  { name: "policies.rollback", capability: "policy:push", input: rollbackInput },
  async (ctx, input) => {
    const ref = await rollbackPolicy(ctx.db, actorOf(ctx), input);
    refresh(ctx);
    return ref;
  },
);

export const setRequiredApprovalsAction = defineAction(
  { name: "policies.settings.required_approvals", capability: "tenant:manage", input: requiredApprovalsInput },
  async (ctx, input) => {
    const result = await setRequiredApprovals(ctx.db, actorOf(ctx), input);
    refresh(ctx);
    return result;
  },
);
