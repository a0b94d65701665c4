"use server";

import { redirect } from "next/navigation";
import { signIn, SignInRefused } from "@/lib/auth";
import { SIGN_IN_MESSAGES } from "@/lib/auth/sign-in";
import { definePublicAction } from "@/lib/actions";
import { invalid, rateLimited } from "@/lib/errors";
import { signInInput } from "@/lib/validation/users";

export const signInWithPasswordAction = definePublicAction(
  { name: "auth.sign_in", input: signInInput },
  async ({ email, password }) => {
    try {
      await signIn("credentials", { email, password, redirect: false });
    } catch (error) {
      const failure = error instanceof SignInRefused ? error.failure : (error as { code?: string })?.code;
      if (failure === "rate_limited_account" || failure === "rate_limited_address" || failure === "busy")
        throw rateLimited(SIGN_IN_MESSAGES[failure]);
      if (failure === "disabled" || failure === "invalid" || failure === "invalid_input")
        throw invalid(SIGN_IN_MESSAGES[failure]);
      throw error;
    }
    redirect("/");
  },
);

export const signInWithSsoAction = definePublicAction(
  { name: "auth.sign_in_sso", input: signInInput.pick({}) },
  async () => {
    await signIn("oidc", { redirectTo: "/" });
  },
);
