// Auth.js's own endpoints (sign-in callbacks, CSRF token, session). They are the one set of routes
// not made by defineRoute, and the security test names them as such.
// Note: Next's NextURL rewrites 127.0.0.1 to "localhost", so an OIDC redirect URI on a loopback
// address must be registered as http://localhost:<port>/api/auth/callback/oidc.
import { handlers } from "@/lib/auth";

export const { GET, POST } = handlers;
