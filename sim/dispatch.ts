import type { ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { parseAuthorization, requestAgeSeconds, verifySignature } from "./auth/sigv4";
import type { Caller } from "./auth/identity";
import { commonErrors, SimError, type ServiceId } from "./http/errors";
import { summarize, validateMembers, type Violation } from "./http/input";
import type { SimRequest } from "./http/request";
import { parseJsonBody, parseTarget, writeAwsJson, writeAwsJsonError } from "./protocols/aws-json";
import { parseQueryBody, QUERY_SERVICES, writeQuery, writeQueryError } from "./protocols/aws-query";
import { matchRoute, restInput, restInputFromStrings, writeRestError, writeRestJson } from "./protocols/rest-json";
import { dispatchS3, isS3Request } from "./protocols/rest-xml";
import type { OpContext, Operation } from "./services/context";
import { regionDisabled } from "./engine/summary";
import type { Runtime } from "./runtime";

/** Signing names per service, as the SigV4 credential scope must carry them. */
const SIGNING_NAME: Record<ServiceId, string> = {
  backup: "backup",
  organizations: "organizations",
  sts: "sts",
  tagging: "tagging",
  kms: "kms",
  iam: "iam",
  ram: "ram",
};
const SKEW_S = 15 * 60;

/** One AWS API request: identify the service, authenticate, fault/throttle, validate, run, serialize. */
export async function dispatch(rt: Runtime, req: SimRequest, res: ServerResponse): Promise<void> {
  // S3 speaks REST-XML with its own errors and addressing; its requests are known by their signing scope.
  if (isS3Request(req)) return dispatchS3(rt, req, res);
  const requestId = randomUUID();
  const target = req.headers["x-amz-target"];
  const contentType = req.headers["content-type"] ?? "";
  const query =
    req.method === "POST" &&
    (contentType.includes("x-www-form-urlencoded") || req.body.subarray(0, 7).toString() === "Action=");
  const service: ServiceId =
    target !== undefined
      ? (parseTarget(target).service ?? "organizations")
      : query
        ? queryService(req)
        : restService(req);
  let opName = target !== undefined ? parseTarget(target).operation || "Unknown" : "Unknown";
  let caller: Caller | undefined;
  let region: string | undefined;
  const outcome: { throttled?: boolean; error?: string; fault?: boolean } = {};
  let body: unknown;
  let action = "";
  try {
    const auth = authenticate(rt, req, service);
    caller = auth.caller;
    region = auth.region;
    if (regionDisabled(rt.state, rt.config, caller.accountId, region)) {
      // Refused before the operation runs, but counted under its name (the lower bound names it).
      try {
        opName = resolve(rt, req, service, target).op.name;
      } catch {
        // an unknown operation stays "Unknown"; the token is refused all the same
      }
      throw commonErrors.invalidToken(service);
    }
    const { op, raw, fromStrings } = resolve(rt, req, service, target);
    opName = op.name;
    action = op.name;
    if (rt.config.error_rate > 0 && Math.random() < rt.config.error_rate) {
      outcome.fault = true;
      throw commonErrors.internal(service);
    }
    const injected = rt.config.operation_faults[`${service}:${op.name}`];
    if (injected === "throttled") {
      outcome.throttled = true;
      throw commonErrors.throttled(service);
    }
    if (injected === "access_denied")
      throw commonErrors.accessDenied(service, "You don't have permissions to access this resource.");
    const denied = memberRoleDenial(rt, service, op, caller);
    if (denied) throw denied;
    if (
      rt.config.throttling &&
      !rt.throttle.tryTake(bucketsFor(rt, service, op, caller, region), rt.config.burst_seconds)
    ) {
      outcome.throttled = true;
      throw commonErrors.throttled(service);
    }
    const violations: Violation[] = [];
    const input = validateMembers(op.input, raw, "", fromStrings, violations);
    if (violations.length) throw validationError(service, violations);
    const ctx: OpContext = {
      state: rt.state,
      identity: rt.identity,
      caller,
      region,
      requestId,
      pager: rt.pager,
      config: rt.config,
      onPolicyChange: () => rt.onPolicyChange(),
    };
    body = op.run(ctx, input);
  } catch (e) {
    const err = e instanceof SimError ? e : internalBug(service, e);
    outcome.error = err.code;
    await delay(rt);
    rt.stats.record(`${service}:${opName}`, caller?.accountId, region, outcome);
    return writeError(res, service, err, requestId);
  }
  await delay(rt);
  rt.stats.record(`${service}:${opName}`, caller?.accountId, region, outcome);
  if (service === "sts" || service === "iam") writeQuery(res, service, action, body, requestId, {});
  else if (service === "backup" || service === "ram") writeRestJson(res, body, requestId, {});
  else writeAwsJson(res, body, requestId, {});
}

/**
 * A member role session calling an action its account's role policy does not allow
 * (`member_role_denied_actions`): AWS's implicit deny, worded as IAM words it. Checked before
 * input validation, as IAM authorizes before the service looks at the request.
 */
function memberRoleDenial(rt: Runtime, service: ServiceId, op: Operation, caller: Caller): SimError | undefined {
  if (caller.kind !== "assumed-role" || caller.roleArn !== rt.identity.memberRoleArn(caller.accountId)) return;
  const action = `${SIGNING_NAME[service]}:${op.name}`;
  if (!rt.state.org.accounts.get(caller.accountId)?.member_role_denied_actions.includes(action)) return;
  return commonErrors.accessDenied(
    service,
    `User: ${caller.arn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
  );
}

/** The credential scope's service ("…/us-east-1/iam/aws4_request"), when the request is signed. */
function scopeService(req: SimRequest): string | undefined {
  const auth = req.headers.authorization;
  const m =
    typeof auth === "string" ? /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([a-z0-9-]+)\/aws4_request/.exec(auth) : null;
  return m?.[1];
}

/** Backup and RAM both speak restJson1 at the one endpoint; RAM's requests are signed for "ram". */
function restService(req: SimRequest): "backup" | "ram" {
  return scopeService(req) === "ram" ? "ram" : "backup";
}

/**
 * STS and IAM both speak awsQuery at the one endpoint: the SigV4 credential scope names the
 * service (".../us-east-1/iam/aws4_request"); an unsigned or unscoped request is taken for STS.
 */
function queryService(req: SimRequest): "sts" | "iam" {
  return scopeService(req) === "iam" ? "iam" : "sts";
}

function authenticate(rt: Runtime, req: SimRequest, service: ServiceId): { caller: Caller; region: string } {
  const parsed = parseAuthorization(req);
  if (!parsed.ok)
    throw parsed.missing ? commonErrors.missingAuth(service) : commonErrors.incompleteSignature(service, parsed.reason);
  const a = parsed.auth;
  if (a.service !== SIGNING_NAME[service])
    throw commonErrors.signatureMismatch(
      service,
      `Credential should be scoped to correct service: '${SIGNING_NAME[service]}'. `,
    );
  const age = requestAgeSeconds(a.amzDate, Date.now());
  if (Math.abs(age) > SKEW_S) {
    const when = age > 0 ? "is now earlier than" : "is still later than";
    throw commonErrors.signatureMismatch(
      service,
      `Signature expired: ${a.amzDate} ${when} the server time allows (${SKEW_S / 60} min.)`,
    );
  }
  const cred = rt.identity.lookup(a.accessKeyId);
  if (!cred) throw commonErrors.invalidToken(service);
  if (cred.sessionToken !== undefined && req.headers["x-amz-security-token"] !== cred.sessionToken)
    throw commonErrors.invalidToken(service);
  if (cred.expiresMs !== undefined && cred.expiresMs < Date.now()) throw commonErrors.expiredToken(service);
  if (!verifySignature(req, a, cred.secret)) throw commonErrors.signatureMismatch(service);
  return { caller: cred.caller, region: a.region };
}

function resolve(
  rt: Runtime,
  req: SimRequest,
  service: ServiceId,
  target: string | undefined,
): { op: Operation; raw: Record<string, unknown>; fromStrings: boolean } {
  if (service === "sts" || service === "iam") {
    const q = parseQueryBody(req);
    if (!q.action) throw new SimError("MissingAction", "Missing Action", 400);
    const op = rt.operations[service].get(q.action);
    if (!op || q.version !== QUERY_SERVICES[service].version)
      throw new SimError(
        "InvalidAction",
        `Could not find operation ${q.action} for version ${q.version ?? "NO_VERSION_SPECIFIED"}`,
        400,
      );
    return { op, raw: q.params, fromStrings: true };
  }
  if (service === "backup" || service === "ram") {
    const m = matchRoute(rt.restRoutes[service], req);
    if (!m || m === "wrong-method")
      throw new SimError(
        "UnknownOperationException",
        "The requested operation is not supported or does not exist.",
        404,
      );
    return { op: m.op, raw: restInput(m.op, req, m.labels), fromStrings: restInputFromStrings(m.op) };
  }
  const parsed = parseTarget(target ?? "");
  const op = parsed.service ? rt.operations[parsed.service].get(parsed.operation) : undefined;
  if (!op || req.method !== "POST")
    throw new SimError(
      "UnknownOperationException",
      "The action or operation requested is invalid. Verify that the action is typed correctly.",
      400,
    );
  return { op, raw: parseJsonBody(req), fromStrings: false };
}

function bucketsFor(rt: Runtime, service: ServiceId, op: Operation, caller: Caller, region: string) {
  const r = rt.config.rates;
  const unit = `${caller.accountId}|${region}`;
  switch (service) {
    case "backup":
      return [
        { key: `${unit}|backup|${op.name}`, rate: op.klass === "list" ? r.backup_list : r.backup_get },
        { key: `${unit}|backup`, rate: r.backup_all },
      ];
    case "organizations":
      return [{ key: `organizations|${rt.state.org.id}`, rate: r.organizations }];
    case "sts":
      return [{ key: `sts|${caller.accountId}`, rate: r.sts }];
    case "iam":
      // IAM is global: one bucket per account for its reads.
      return [{ key: `iam|${caller.accountId}`, rate: r.iam }];
    case "tagging":
      return [{ key: `${unit}|tagging`, rate: r.tagging }];
    case "ram":
      return [{ key: `${unit}|ram`, rate: r.ram }];
    case "kms":
      // Per operation, per account and Region, charged to the caller even for another account's key.
      return [
        { key: `${unit}|kms|${op.name}`, rate: op.name === "ListAliases" ? r.kms_list_aliases : r.kms_describe_key },
      ];
  }
}

function validationError(service: ServiceId, v: Violation[]): SimError {
  const message = summarize(v);
  const first = v[0] as Violation;
  switch (service) {
    case "backup":
      return first.kind === "missing"
        ? new SimError("MissingParameterValueException", message, 400, { Type: "User" })
        : new SimError("InvalidParameterValueException", message, 400, { Type: "User" });
    case "organizations":
      return first.kind === "type"
        ? new SimError("SerializationException", message, 400)
        : new SimError("InvalidInputException", message, 400, { Reason: first.reason });
    case "tagging":
      return first.kind === "type"
        ? new SimError("SerializationException", message, 400)
        : new SimError("InvalidParameterException", message, 400);
    case "ram":
      // RAM models a missing member as MissingRequiredParameterException, a bad value as InvalidParameterException.
      return first.kind === "missing"
        ? new SimError("MissingRequiredParameterException", message, 400)
        : new SimError("InvalidParameterException", message, 400);
    case "kms":
      // terraform-provider-aws#12891: "ValidationException: … status code: 400".
      return first.kind === "type"
        ? new SimError("SerializationException", message, 400)
        : new SimError("ValidationException", message, 400);
    case "sts":
    case "iam":
      return new SimError("ValidationError", message, 400);
  }
}

function internalBug(service: ServiceId, e: unknown): SimError {
  // A handler bug: report it loudly, but answer like AWS (500) and keep serving.
  console.error("[sim] internal error:", e);
  return commonErrors.internal(service);
}

function writeError(res: ServerResponse, service: ServiceId, err: SimError, requestId: string): void {
  if (service === "sts" || service === "iam") writeQueryError(res, service, err, requestId, {});
  else if (service === "backup") writeRestError(res, err, requestId, {});
  else if (service === "ram") writeRestError(res, err, requestId, {}, "message");
  else writeAwsJsonError(res, err, requestId, {}, service === "kms" ? "message" : "Message");
}

async function delay(rt: Runtime): Promise<void> {
  const ms = rt.config.latency_ms + Math.random() * rt.config.jitter_ms;
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}
