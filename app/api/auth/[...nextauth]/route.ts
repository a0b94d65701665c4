// Auth.js's own endpoints (sign-in callbacks, CSRF token, session). They are the one set of routes
// not made by defineRoute, and the security test names them as such.
import { handlers } from "@/lib/auth";

export const { GET, POST } = handlers;
