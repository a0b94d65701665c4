import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getSession } from "@/lib/auth/session";
import { SIGN_IN_MESSAGES, type SignInFailure } from "@/lib/auth/sign-in";
import { env, oidcConfigured } from "@/lib/env";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  sso_refused: "Your single sign-on identity is not enabled here. Ask an administrator to invite you.",
  Configuration: "Sign-in is not configured correctly on the server.",
  AccessDenied: "Access denied.",
};

/** Auth.js's own endpoints send a refused sign-in back here with the reason as `code`. */
function messageOf(error: string | undefined, code: string | undefined): string | null {
  if (!error) return null;
  if (error === "CredentialsSignin" && code && Object.hasOwn(SIGN_IN_MESSAGES, code))
    return SIGN_IN_MESSAGES[code as SignInFailure];
  return ERRORS[error] ?? "Sign-in failed. Try again.";
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string; code?: string }>;
}) {
  if (await getSession()) redirect("/");
  const { error, code } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-b from-slate-100 to-slate-50 px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <div
            className="mx-auto mb-3 flex h-10 w-10 items-center justify-center rounded-lg bg-brand-600 text-lg font-bold text-white"
            aria-hidden
          >
            B
          </div>
          <h1 className="text-xl font-semibold text-slate-900">Backup Governance</h1>
          <p className="mt-1 text-sm text-slate-600">AWS Backup compliance across your organizations</p>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <SignInForm sso={oidcConfigured() ? env.OIDC_NAME : null} initialError={messageOf(error, code)} />
        </div>
        {env.DEMO_MODE && (
          <p className="mt-4 text-center text-xs text-slate-500">
            Demo mode: the sign-ins for each role were printed by `npm run demo`.
          </p>
        )}
      </div>
    </main>
  );
}
