import type { Server } from "node:http";
import Provider from "oidc-provider";

// A real OpenID Connect provider (the oidc-provider package) standing in for a customer's IdP in
// the SSO browser test. Its development login page accepts any login. A plain login is both the
// subject and a verified email; `subject|email|verified` (verified: true, false or missing) lets a
// test present the claims an impostor or a careless IdP would.
function claimsOf(login: string): Record<string, unknown> {
  const [sub, email, verified] = login.split("|");
  if (email === undefined) return { sub, email: sub, email_verified: true, name: sub };
  return {
    sub,
    email,
    name: sub,
    ...(verified === "missing" ? {} : { email_verified: verified === "true" }),
  };
}
export async function startFakeIdp(options: {
  port: number;
  redirectUri: string;
  clientId: string;
  clientSecret: string;
}): Promise<{ issuer: string; close(): Promise<void> }> {
  const issuer = `http://127.0.0.1:${options.port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: async () => claimsOf(sub),
    }),
    features: { devInteractions: { enabled: true } },
    // Put the email claim in the ID token, as Entra ID, Okta and Google do; Auth.js reads the
    // profile from the ID token.
    conformIdTokenClaims: false,
  });
  provider.proxy = false;
  for (const event of ["grant.error", "server_error", "authorization.error"]) {
    provider.on(event, (_ctx: unknown, error: Error & { error_description?: string }) =>
      console.error(`[test idp] ${event}: ${error.message} ${error.error_description ?? ""}`),
    );
  }
  const server: Server = await new Promise((resolve) => {
    const s = provider.listen(options.port, "127.0.0.1", () => resolve(s));
  });
  return { issuer, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
