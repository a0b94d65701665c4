"use server";

import { revalidatePath } from "next/cache";
import { actorOf, defineAction, type ActionContext } from "@/lib/actions";
import { createChannel, deleteChannel, testChannel, type AlertActor } from "@/lib/alerts/channels";
import { setDigestSubscription } from "@/lib/alerts/digest";
import { sendDepsFromEnv } from "@/lib/alerts/queue";
import { createRule, deleteRule, getRule, updateRule } from "@/lib/alerts/rules";
import { env } from "@/lib/env";
import { notFound } from "@/lib/errors";
import {
  alertChannelForm,
  alertDigestForm,
  alertItemRef,
  alertRuleEnabledForm,
  alertRuleForm,
} from "@/lib/validation/alert-forms";

// The Alerts page's changes. Channels and rules need "alert:manage" (admins and compliance
// officers); anyone who reads the organization may choose their own digest. lib/alerts checks
// the values, writes the audit log in the same transaction, and never returns a stored secret.

const alertActor = (ctx: ActionContext): AlertActor => ({ ...actorOf(ctx), role: ctx.user.role });
const refresh = (ctx: ActionContext) => revalidatePath(`/t/${ctx.tenant?.slug ?? ""}/alerts`);

export const createAlertChannelAction = defineAction(
  { name: "alerts.channel.create", capability: "alert:manage", input: alertChannelForm },
  async (ctx, input) => {
    const result = await createChannel(ctx.db, alertActor(ctx), input);
    refresh(ctx);
    return { id: result.id, kind: input.kind, secret: result.secret };
  },
);

export const deleteAlertChannelAction = defineAction(
  { name: "alerts.channel.delete", capability: "alert:manage", input: alertItemRef },
  async (ctx, input) => {
    await deleteChannel(ctx.db, alertActor(ctx), input);
    refresh(ctx);
    return { id: input.id };
  },
);

export const testAlertChannelAction = defineAction(
  { name: "alerts.channel.test", capability: "alert:manage", input: alertItemRef },
  async (ctx, input) => {
    const outcome = await testChannel(ctx.db, alertActor(ctx), input, sendDepsFromEnv(env));
    refresh(ctx);
    return outcome;
  },
);

export const createAlertRuleAction = defineAction(
  { name: "alerts.rule.create", capability: "alert:manage", input: alertRuleForm },
  async (ctx, input) => {
    const result = await createRule(ctx.db, alertActor(ctx), input);
    refresh(ctx);
    return result;
  },
);

export const setAlertRuleEnabledAction = defineAction(
  { name: "alerts.rule.enable", capability: "alert:manage", input: alertRuleEnabledForm },
  async (ctx, input) => {
    const rule = await getRule(ctx.db, { tenantId: input.tenantId, id: input.id });
    if (!rule) throw notFound("That rule");
    await updateRule(ctx.db, alertActor(ctx), {
      id: rule.id,
      tenantId: input.tenantId,
      name: rule.name,
      kind: rule.kind,
      params: rule.params,
      channelIds: rule.channelIds,
      mute: rule.mute,
      enabled: input.enabled,
    });
    refresh(ctx);
    return { id: rule.id, enabled: input.enabled };
  },
);

export const deleteAlertRuleAction = defineAction(
  { name: "alerts.rule.delete", capability: "alert:manage", input: alertItemRef },
  async (ctx, input) => {
    await deleteRule(ctx.db, alertActor(ctx), input);
    refresh(ctx);
    return { id: input.id };
  },
);

export const setAlertDigestAction = defineAction(
  { name: "alerts.digest.set", capability: "tenant:read", input: alertDigestForm },
  async (ctx, input) => {
    await setDigestSubscription(ctx.db, alertActor(ctx), input);
    refresh(ctx);
    return { frequency: input.frequency };
  },
);
