"use server";

import { z } from "zod";
import { definePublicAction } from "@/lib/actions";
import { signOut } from "@/lib/auth";
import { getClientIp, getSession } from "@/lib/auth/session";
import { closeSession } from "@/lib/auth/sign-in";
import { getDb } from "@/lib/db";

/** Ends the server-side session (audited with the caller's address), then clears the cookie. */
export const signOutAction = definePublicAction({ name: "auth.sign_out", input: z.unknown() }, async () => {
  const session = await getSession();
  if (session) await closeSession(getDb(), session.sessionId, await getClientIp());
  await signOut({ redirectTo: "/sign-in" });
});
