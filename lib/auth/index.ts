import "server-only";
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { getDb } from "@/lib/db";
import { env, oidcConfigured } from "@/lib/env";
import { clientIpFrom } from "./client-ip";
import { closeSession, openSession, SESSION_HOURS, signInWithPassword, type SignInFailure } from "./sign-in";
import { findSsoUser, resolveSsoUser } from "./sso";

declare module "@auth/core/jwt" {
  interface JWT {
    sid?: string;
  }
}

/** Carries the reason to the sign-in form; the codes are safe to show (no secrets, no account hints before the password matched). */
export class SignInRefused extends CredentialsSignin {
  constructor(readonly failure: SignInFailure) {
    super(failure);
    this.code = failure;
  }
}

function requestMeta(source: Headers | undefined) {
  const h = source ?? new Headers();
  return { ip: clientIpFrom(h, env.TRUST_PROXY_HOPS), userAgent: h.get("user-agent") };
}

/** The SSO callback's own request (Auth.js's OIDC callbacks get no request object). */
async function callbackRequestMeta() {
  return requestMeta(await headers().catch(() => undefined));
}

/** Auth.js's messages can carry a request's input (a failed query's parameters); never log much of one. */
const LOG_LINE_MAX = 500;

const providers: NextAuthConfig["providers"] = [
  Credentials({
    id: "credentials",
    credentials: { email: {}, password: {} },
    // Reached from the sign-in form's action and directly at /api/auth/callback/credentials;
    // signInWithPassword bounds and validates the input either way.
    async authorize(credentials, request) {
      const email = typeof credentials?.email === "string" ? credentials.email : "";
      const password = typeof credentials?.password === "string" ? credentials.password : "";
      const result = await signInWithPassword(getDb(), { email, password, ...requestMeta(request?.headers) });
      if (!result.ok) throw new SignInRefused(result.failure);
      return { id: result.userId, sid: result.sessionId } as { id: string };
    },
  }),
];

if (oidcConfigured()) {
  providers.push({
    id: "oidc",
    name: env.OIDC_NAME,
    type: "oidc",
    issuer: env.OIDC_ISSUER,
    clientId: env.OIDC_CLIENT_ID,
    clientSecret: env.OIDC_CLIENT_SECRET,
    checks: ["pkce", "state", "nonce"],
  });
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  secret: env.AUTH_SECRET,
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_HOURS * 3600 },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers,
  // Auth.js logs refused credentials as errors with stack traces; they are expected and audited.
  logger: {
    error(error) {
      if (error instanceof CredentialsSignin || (error as { type?: string }).type === "CredentialsSignin") return;
      const cause = (error as { cause?: { err?: Error } & Error }).cause;
      const detail = cause?.err?.message ?? cause?.message;
      const line = `[auth] ${error.name}: ${error.message.split(". Read more")[0]}${detail ? ` (${detail})` : ""}`;
      console.error(line.length > LOG_LINE_MAX ? `${line.slice(0, LOG_LINE_MAX)}… (truncated)` : line);
    },
    warn() {},
  },
  callbacks: {
    // SSO users must already exist (an admin invites them), be enabled, and present the identity
    // they are bound to (lib/auth/sso.ts); SSO never creates accounts.
    async signIn({ account, profile }) {
      if (account?.provider !== "oidc") return true;
      const { ip } = await callbackRequestMeta();
      const result = await resolveSsoUser(
        getDb(),
        {
          issuer: env.OIDC_ISSUER!,
          subject: profile?.sub,
          email: profile?.email,
          emailVerified: profile?.email_verified,
        },
        ip,
      );
      return result.ok ? true : "/sign-in?error=sso_refused";
    },
    async jwt({ token, user, account, profile }) {
      // A new server-side session for every sign-in, so a token from before never carries over.
      if (account?.provider === "credentials" && user) token.sid = (user as { sid?: string }).sid;
      if (account?.provider === "oidc") {
        const userId = await findSsoUser(getDb(), env.OIDC_ISSUER!, profile?.sub);
        token.sid = userId ? await openSession(getDb(), userId, await callbackRequestMeta(), "oidc") : undefined;
      }
      return { sid: token.sid };
    },
    // What /api/auth/session shows the browser: only that a session exists and until when. The
    // session id stays in the encrypted token; the server reads it in getSession (lib/auth/session.ts).
    session({ session }) {
      return { expires: session.expires } as typeof session;
    },
  },
  events: {
    async signOut(message) {
      const sid = "token" in message ? message.token?.sid : undefined;
      if (sid) await closeSession(getDb(), sid, null);
    },
  },
});
