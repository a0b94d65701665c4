"use server";

import { revalidatePath } from "next/cache";
import { actorOf, defineAction } from "@/lib/actions";
import {
  createException,
  createExceptionInput,
  revokeException,
  revokeExceptionInput,
} from "@/lib/compliance/exceptions";

// Exceptions (accepting a failing finding with a reason, an owner and an expiry) for the compliance
// pages: the lib functions validate, check that the finding fails, and audit in one transaction.

export const createExceptionAction = defineAction(
  { name: "compliance.exception.create", capability: "exception:manage", input: createExceptionInput },
  async (ctx, input) => {
    const x = await createException(ctx.db, actorOf(ctx), input);
    revalidatePath(`/t/${ctx.tenant?.slug ?? ""}/compliance`, "layout");
    return { exceptionId: x.id, expiresAt: x.expiresAt.toISOString() };
  },
);

export const revokeExceptionAction = defineAction(
  { name: "compliance.exception.revoke", capability: "exception:manage", input: revokeExceptionInput },
  async (ctx, input) => {
    const x = await revokeException(ctx.db, actorOf(ctx), input);
    revalidatePath(`/t/${ctx.tenant?.slug ?? ""}/compliance`, "layout");
    return { exceptionId: x.id };
  },
);
