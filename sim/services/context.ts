import type { Caller, IdentityStore } from "../auth/identity";
import type { SimState } from "../engine/model";
import type { Member } from "../http/input";
import type { Pager } from "../http/paging";
import { SimError, type ServiceId } from "../http/errors";
import type { SimConfig } from "../config";

/** What an operation handler gets for one call. */
export interface OpContext {
  state: SimState;
  identity: IdentityStore;
  caller: Caller;
  region: string;
  requestId: string;
  pager: Pager;
  config: SimConfig;
  /** Called after a change to Organizations policies (re-materialises org-managed plans). */
  onPolicyChange(): void;
}

export interface Operation {
  service: ServiceId;
  name: string;
  /** Throttling class: Backup rates differ for List vs Get/Describe calls. */
  klass: "list" | "get" | "write";
  /** restJson1 binding (Backup, RAM), as the Smithy model writes it. */
  http?: { method: "GET" | "POST" | "PUT" | "DELETE"; uri: string };
  input: Record<string, Member>;
  run(ctx: OpContext, input: Record<string, unknown>): unknown;
}

/** Rejects a pagination token the way each service does. */
export function badToken(service: ServiceId, reason: "invalid" | "foreign" | "expired"): SimError {
  switch (service) {
    case "organizations":
      return new SimError(
        "InvalidInputException",
        "You specified an invalid value for nextToken. You must get the value from the response to a previous call to the API.",
        400,
        { Reason: "INVALID_NEXT_TOKEN" },
      );
    case "kms":
      return new SimError("InvalidMarkerException", "Invalid marker", 400);
    case "ram":
      return new SimError("InvalidNextTokenException", "The specified value for NextToken is not valid.", 400);
    case "tagging":
      return reason === "expired"
        ? new SimError("PaginationTokenExpiredException", "The pagination token has expired.", 400)
        : new SimError("InvalidParameterException", "The specified PaginationToken is not valid.", 400);
    default:
      return new SimError("InvalidParameterValueException", "Invalid NextToken.", 400, { Type: "User" });
  }
}

/**
 * One page of `total` positions starting at the token's position. `take(pos)` returns the item
 * at a position, or undefined to skip it (filters). Scans at most a bounded number of positions
 * per call, so a selective filter over a huge list returns short pages with a token, as AWS does.
 */
export function page<T>(
  ctx: OpContext,
  service: ServiceId,
  scope: unknown[],
  token: unknown,
  max: number,
  total: number,
  take: (pos: number) => T | undefined,
  maxAgeMs?: number,
  start = 0,
): { items: T[]; next: string | undefined } {
  const key = `${ctx.caller.accountId}|${ctx.region}|${JSON.stringify(scope)}`;
  let pos = start;
  if (typeof token === "string" && token !== "") {
    const d = ctx.pager.decode(token, key, maxAgeMs);
    if (!d.ok) throw badToken(service, d.reason);
    pos = d.position;
  }
  if (
    service === "organizations" &&
    pos < total &&
    ctx.config.empty_page_rate > 0 &&
    Math.random() < ctx.config.empty_page_rate
  ) {
    return { items: [], next: ctx.pager.encode(key, pos) };
  }
  const items: T[] = [];
  const scanLimit = pos + Math.max(max * 50, 10_000);
  while (pos < total && items.length < max && pos < scanLimit) {
    const item = take(pos++);
    if (item !== undefined) items.push(item);
  }
  return { items, next: pos < total ? ctx.pager.encode(key, pos) : undefined };
}
