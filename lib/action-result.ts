// Client-safe types shared by server actions and the forms that call them.
import type { SafeError } from "./errors";

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: SafeError };
