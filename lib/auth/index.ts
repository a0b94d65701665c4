import "server-only";
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { eq } from "drizzle-orm";
import { users } from "@/db/schema";
import { getDb } from "@/lib/db";
import { env, oidcConfigured } from "@/lib/env";
import { recordAudit } from "@/db/audit";
import { clientIpFrom } from "./client-ip";
import { closeSession, openSession, SESSION_HOURS, signInWithPassword, type SignInFailure } from "./sign-in";

declare module "next-auth" {
  interface Session {
    sid?: string;
  }
}
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

function requestMeta(request: Request | undefined) {
  const headers = request?.headers ?? new Headers();
  return { ip: clientIpFrom(headers, env.TRUST_PROXY_HOPS), userAgent: headers.get("user-agent") };
}

const providers: NextAuthConfig["providers"] = [
  Credentials({
    id: "credentials",
    credentials: { email: {}, password: {} },
    async authorize(credentials, request) {
      const email = typeof credentials?.email === "string" ? credentials.email : "";
      const password = typeof credentials?.password === "string" ? credentials.password : "";
      const result = await signInWithPassword(getDb(), { email, password, ...requestMeta(request) });
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
      console.error(`[auth] ${error.name}: ${error.message.split(". Read more")[0]}${detail ? ` (${detail})` : ""}`);
    },
    warn() {},
  },
  callbacks: {
    // SSO users must already exist (an admin invites them) and be enabled; SSO never creates accounts.
    async signIn({ account, profile, user }) {
      if (account?.provider !== "oidc") return true;
      const email = (profile?.email ?? user?.email ?? "").toLowerCase();
      const db = getDb();
      const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1);
      if (row && !row.disabled && profile?.email_verified !== false) return true;
      await db.transaction((tx) =>
        recordAudit(tx, {
          actorEmail: email,
          action: "auth.sign_in",
          outcome: "denied",
          details: { method: "oidc", reason: row ? "disabled" : "unknown_user" },
        }),
      );
      return "/sign-in?error=sso_refused";
    },
    async jwt({ token, user, account, profile }) {
      // A new server-side session for every sign-in, so a token from before never carries over.
      if (account?.provider === "credentials" && user) token.sid = (user as { sid?: string }).sid;
      if (account?.provider === "oidc") {
        const email = (profile?.email ?? "").toLowerCase();
        const [row] = await getDb().select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
        if (row) token.sid = await openSession(getDb(), row.id, { ip: "unknown", userAgent: null }, "oidc");
      }
      return { sid: token.sid };
    },
    session({ session, token }) {
      return { expires: session.expires, sid: token.sid } as typeof session;
    },
  },
  events: {
    async signOut(message) {
      const sid = "token" in message ? message.token?.sid : undefined;
      if (sid) await closeSession(getDb(), sid, null);
    },
  },
});
