"use server";

import { revalidatePath } from "next/cache";
import { actorOf, defineAction } from "@/lib/actions";
import {
  createUser,
  removeMembership,
  resetPassword,
  setMembership,
  setUserDisabled,
  setUserRole,
} from "@/lib/admin/users";
import {
  createUserInput,
  membershipInput,
  removeMembershipInput,
  resetPasswordInput,
  setDisabledInput,
  setRoleInput,
} from "@/lib/validation/users";

// Thin adapters: the wrapper checks session, capability and input; lib/admin does the work in one
// transaction with its audit row.

export const createUserAction = defineAction(
  { name: "users.create", capability: "user:manage", input: createUserInput },
  async (ctx, input) => {
    const result = await createUser(ctx.db, actorOf(ctx), input);
    revalidatePath("/settings/users");
    return { ...result, email: input.email };
  },
);

export const setUserRoleAction = defineAction(
  { name: "users.set_role", capability: "user:manage", input: setRoleInput },
  async (ctx, input) => {
    await setUserRole(ctx.db, actorOf(ctx), input);
    revalidatePath("/settings/users");
    return { role: input.role };
  },
);

export const setUserDisabledAction = defineAction(
  { name: "users.set_disabled", capability: "user:manage", input: setDisabledInput },
  async (ctx, input) => {
    await setUserDisabled(ctx.db, actorOf(ctx), input);
    revalidatePath("/settings/users");
    return { disabled: input.disabled };
  },
);

export const resetPasswordAction = defineAction(
  { name: "users.reset_password", capability: "user:manage", input: resetPasswordInput },
  async (ctx, input) => {
    return resetPassword(ctx.db, actorOf(ctx), input);
  },
);

export const setMembershipAction = defineAction(
  { name: "users.set_membership", capability: "user:manage", input: membershipInput },
  async (ctx, input) => {
    await setMembership(ctx.db, actorOf(ctx), input);
    revalidatePath("/settings/users");
    return {};
  },
);

export const removeMembershipAction = defineAction(
  { name: "users.remove_membership", capability: "user:manage", input: removeMembershipInput },
  async (ctx, input) => {
    await removeMembership(ctx.db, actorOf(ctx), input);
    revalidatePath("/settings/users");
    return {};
  },
);
