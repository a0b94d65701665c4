"use client";

import { ActionForm } from "@/app/_components/form/action-form";
import { TextField } from "@/app/_components/form/field";
import { SubmitButton } from "@/app/_components/form/submit-button";
import { Alert } from "@/app/_components/ui/alert";
import { buttonClass } from "@/app/_components/ui/button";
import { signInWithPasswordAction, signInWithSsoAction } from "./actions";

export function SignInForm({ sso, initialError }: { sso: string | null; initialError: string | null }) {
  return (
    <div className="space-y-4">
      {initialError && <Alert tone="error">{initialError}</Alert>}
      <ActionForm action={signInWithPasswordAction}>
        <TextField name="email" label="Email" type="email" autoComplete="username" required autoFocus />
        <TextField name="password" label="Password" type="password" autoComplete="current-password" required />
        <div className="pt-1">
          <SubmitButton pendingLabel="Signing in…">Sign in</SubmitButton>
        </div>
      </ActionForm>
      {sso && (
        <form action={async () => void (await signInWithSsoAction({}))} className="border-t border-slate-100 pt-4">
          <button type="submit" className={`${buttonClass("secondary")} w-full`}>
            Sign in with {sso}
          </button>
        </form>
      )}
    </div>
  );
}
