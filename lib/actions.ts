import "server-only";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import type { Db } from "@/db";
import type { SessionUser, TenantAccess } from "@/lib/auth/access";
import { auditDenial, authorize } from "@/lib/auth/authorize";
import { isTenantCapability, type Capability } from "@/lib/auth/permissions";
import { getClientIp, getSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { AppError, forbidden, invalid, toSafeError, unauthenticated } from "@/lib/errors";
import { fieldErrorsOf } from "@/lib/validation/common";

// Every "use server" export is made by defineAction: authorize (session → capability → tenant,
// lib/auth/authorize.ts) → zod → run → typed result. Server actions are public POST endpoints, so nothing here trusts the page
// that rendered the form. tests/integration/security enumerates every action and proves it.

export type { ActionResult } from "./action-result";
import type { ActionResult } from "./action-result";

export interface ActionContext {
  user: SessionUser;
  /** Set for tenant-scoped actions: the tenant named by the input's tenantId, already checked. */
  tenant: TenantAccess | null;
  ip: string;
  db: Db;
}

export interface ActionSpec<S extends z.ZodType> {
  /** Stable name for logs and the audit trail, e.g. "users.create". */
  name: string;
  capability: Capability;
  input: S;
}

export type DefinedAction<T> = ((inputOrState: unknown, formData?: FormData) => Promise<ActionResult<T>>) & {
  meta: { name: string; capability: Capability; scope: "tenant" | "global" };
};

/** FormData → plain object; repeated keys become arrays (multi-selects, checkboxes). */
export function formToObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    if (key.startsWith("$ACTION")) continue; // Next's own fields
    if (typeof value !== "string") continue; // no file uploads through actions
    const existing = out[key];
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

const tenantIdOf = z.object({ tenantId: z.uuid() });

/** What an action was called with: a form (as useActionState or a form action passes it) or a plain object. */
function rawInput(inputOrState: unknown, formData?: FormData): unknown {
  if (formData instanceof FormData) return formToObject(formData);
  return inputOrState instanceof FormData ? formToObject(inputOrState) : inputOrState;
}

export function defineAction<S extends z.ZodType, T>(
  spec: ActionSpec<S>,
  run: (ctx: ActionContext, input: z.output<S>) => Promise<T>,
): DefinedAction<T> {
  const scope = isTenantCapability(spec.capability) ? "tenant" : "global";
  const action = async (inputOrState: unknown, formData?: FormData): Promise<ActionResult<T>> => {
    const raw = rawInput(inputOrState, formData);
    let granted: { user: SessionUser; tenant: TenantAccess | null; ip: string } | null = null;
    try {
      const db = getDb();
      const ip = await getClientIp();
      const ids = scope === "tenant" ? tenantIdOf.safeParse(raw) : null;
      const decision = await authorize(
        db,
        await getSession(),
        spec.capability,
        ids?.success ? { id: ids.data.tenantId } : null,
        { kind: "action", name: spec.name, ip },
      );
      if (!decision.ok) {
        if (decision.reason === "unauthenticated") throw unauthenticated();
        throw decision.reason === "no_tenant" ? forbidden("You do not have access to that organization.") : forbidden();
      }
      granted = { user: decision.user, tenant: decision.tenant, ip };
      const parsed = spec.input.safeParse(raw);
      if (!parsed.success) throw invalid("Some fields need attention.", fieldErrorsOf(parsed.error));
      return { ok: true, data: await run({ user: decision.user, tenant: decision.tenant, ip, db }, parsed.data) };
    } catch (error) {
      unstable_rethrow(error); // redirect() and notFound() are control flow, not failures
      // A refusal the action decides itself (after authorize) is audited the same way.
      if (granted && error instanceof AppError && error.code === "FORBIDDEN")
        await auditDenial(
          getDb(),
          granted.user,
          spec.capability,
          granted.tenant ? { id: granted.tenant.tenantId } : null,
          granted.tenant,
          "rule",
          { kind: "action", name: spec.name, ip: granted.ip },
        );
      if (!(error instanceof AppError))
        console.error(`[action ${spec.name}]`, error instanceof Error ? error.message : error);
      return { ok: false, error: toSafeError(error) };
    }
  };
  return Object.assign(action, { meta: { name: spec.name, capability: spec.capability, scope } as const });
}

/**
 * The only actions that run without a session: signing in and out. They are listed by name in the
 * security test, so a new public action cannot appear unnoticed.
 */
export function definePublicAction<S extends z.ZodType, T>(
  spec: { name: string; input: S },
  run: (input: z.output<S>) => Promise<T>,
): ((inputOrState: unknown, formData?: FormData) => Promise<ActionResult<T>>) & {
  meta: { name: string; scope: "public" };
} {
  const action = async (inputOrState: unknown, formData?: FormData): Promise<ActionResult<T>> => {
    const raw = rawInput(inputOrState, formData);
    try {
      const parsed = spec.input.safeParse(raw);
      if (!parsed.success) throw invalid("Some fields need attention.", fieldErrorsOf(parsed.error));
      return { ok: true, data: await run(parsed.data) };
    } catch (error) {
      unstable_rethrow(error);
      if (!(error instanceof AppError))
        console.error(`[action ${spec.name}]`, error instanceof Error ? error.message : error);
      return { ok: false, error: toSafeError(error) };
    }
  };
  return Object.assign(action, { meta: { name: spec.name, scope: "public" } as const });
}

/** The actor recorded in the audit log for an action. */
export function actorOf(ctx: ActionContext) {
  return { userId: ctx.user.userId, email: ctx.user.email, ip: ctx.ip };
}
