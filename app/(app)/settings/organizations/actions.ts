"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { actorOf, defineAction } from "@/lib/actions";
import { runConnectionTest } from "@/lib/onboarding/connection-test-store";
import { getPushDeps } from "@/lib/policies/push-deps";
import {
  createTenant,
  deleteTenant,
  removeMemberRoleOverride,
  rotateExternalId,
  setMemberRoleOverride,
  updateTenant,
} from "@/lib/admin/tenants";
import {
  createTenantInput,
  deleteTenantInput,
  removeMemberRoleOverrideInput,
  rotateExternalIdInput,
  setMemberRoleOverrideInput,
  updateTenantInput,
} from "@/lib/validation/tenants";

export const createTenantAction = defineAction(
  { name: "tenants.create", capability: "tenant:manage", input: createTenantInput },
  async (ctx, input) => {
    const { tenantId } = await createTenant(ctx.db, actorOf(ctx), input);
    revalidatePath("/", "layout");
    redirect(`/settings/organizations/${tenantId}/setup`);
  },
);

export const updateTenantAction = defineAction(
  { name: "tenants.update", capability: "tenant:manage", input: updateTenantInput },
  async (ctx, input) => {
    await updateTenant(ctx.db, actorOf(ctx), input);
    revalidatePath("/", "layout");
    return {};
  },
);

export const rotateExternalIdAction = defineAction(
  { name: "tenants.rotate_external_id", capability: "tenant:manage", input: rotateExternalIdInput },
  async (ctx, input) => {
    const result = await rotateExternalId(ctx.db, actorOf(ctx), input);
    revalidatePath(`/settings/organizations/${input.tenantId}`);
    return result;
  },
);

export const deleteTenantAction = defineAction(
  { name: "tenants.delete", capability: "tenant:manage", input: deleteTenantInput },
  async (ctx, input) => {
    await deleteTenant(ctx.db, actorOf(ctx), input);
    revalidatePath("/", "layout");
    redirect("/settings/organizations");
  },
);

export const setMemberRoleOverrideAction = defineAction(
  { name: "tenants.member_role.set", capability: "tenant:manage", input: setMemberRoleOverrideInput },
  async (ctx, input) => {
    await setMemberRoleOverride(ctx.db, actorOf(ctx), input);
    revalidatePath(`/settings/organizations/${input.tenantId}`);
    return {};
  },
);

export const removeMemberRoleOverrideAction = defineAction(
  { name: "tenants.member_role.remove", capability: "tenant:manage", input: removeMemberRoleOverrideInput },
  async (ctx, input) => {
    await removeMemberRoleOverride(ctx.db, actorOf(ctx), input);
    revalidatePath(`/settings/organizations/${input.tenantId}`);
    return {};
  },
);

const testConnectionInput = z.object({ tenantId: z.uuid({ error: "Organization is not a valid id." }) });

/**
 * "Test connection": an administrator's (tenant:manage), as the settings it checks are. Operators
 * (sync:run) get it as part of a tenant's first sync (lib/onboarding/connection-test-store.ts),
 * not as an action of its own: what it says is fixed in these settings, which they cannot change.
 */
export const testConnectionAction = defineAction(
  { name: "tenants.connection_test", capability: "tenant:manage", input: testConnectionInput },
  async (ctx, input) => {
    const { factory } = await getPushDeps();
    const test = await runConnectionTest(ctx.db, actorOf(ctx), input.tenantId, factory.settings);
    // The organization's page and its setup guide both show the latest test.
    revalidatePath(`/settings/organizations/${input.tenantId}`, "layout");
    return { verdict: test.verdict };
  },
);
