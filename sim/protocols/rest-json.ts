import type { ServerResponse } from "node:http";
import { safeDecode } from "../auth/sigv4";
import type { SimError } from "../http/errors";
import type { SimRequest } from "../http/request";
import type { Operation } from "../services/context";
import { parseJsonBody } from "./aws-json";

/**
 * restJson1 (AWS Backup, AWS RAM). Routes on method + path (one trailing slash tolerated: botocore
 * sends it, the JS SDK does not), with each path segment decoded on its own so encoded '/' and ':'
 * inside labels (recovery point ARNs, org plan IDs) survive. Members bound to nothing else travel
 * in a JSON body (RAM's POSTs). Errors carry X-Amzn-ErrorType, because Backup error bodies have a
 * `Code` member that SDKs would otherwise take as the name.
 */
export interface RestMatch {
  op: Operation;
  labels: Record<string, string>;
}

export function matchRoute(ops: readonly Operation[], req: SimRequest): RestMatch | "wrong-method" | undefined {
  const segs = req.rawPath.split("/").slice(1);
  if (segs.length > 1 && segs[segs.length - 1] === "") segs.pop();
  const decoded = segs.map(safeDecode);
  let wrongMethod = false;
  for (const op of ops) {
    if (!op.http) continue;
    const tpl = op.http.uri.split("/").slice(1);
    if (tpl.length !== decoded.length) continue;
    const labels: Record<string, string> = {};
    let ok = true;
    for (let k = 0; k < tpl.length && ok; k++) {
      const t = tpl[k] as string;
      const v = decoded[k] as string;
      if (t.startsWith("{") && t.endsWith("}")) {
        if (v === "") ok = false;
        else labels[t.slice(1, -1)] = v;
      } else ok = t === v;
    }
    if (!ok) continue;
    if (op.http.method !== req.method) {
      wrongMethod = true;
      continue;
    }
    return { op, labels };
  }
  return wrongMethod ? "wrong-method" : undefined;
}

/** Raw input values of a REST call by member name: labels and query values as strings, body members as parsed. */
export function restInput(op: Operation, req: SimRequest, labels: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const bodyMembers = Object.entries(op.input).filter(([, m]) => m.loc === undefined || m.loc === "body");
  const body = bodyMembers.length ? parseJsonBody(req) : {};
  for (const [name, m] of Object.entries(op.input)) {
    if (m.loc === "label") out[name] = labels[name];
    else if (m.loc === "query") {
      const hit = req.query.find(([k]) => k === m.wire);
      if (hit) out[name] = hit[1];
    } else out[name] = body[name];
  }
  return out;
}

/** Whether the operation's input is all labels and query strings (whose scalars arrive as text). */
export function restInputFromStrings(op: Operation): boolean {
  return Object.values(op.input).every((m) => m.loc === "label" || m.loc === "query");
}

export function writeRestJson(
  res: ServerResponse,
  body: unknown,
  requestId: string,
  extra: Record<string, string>,
): void {
  const text = JSON.stringify(body ?? {});
  res.writeHead(200, {
    "Content-Type": "application/json",
    "x-amzn-RequestId": requestId,
    "Content-Length": Buffer.byteLength(text),
    ...extra,
  });
  res.end(text);
}

/** `messageKey`: the modeled member, "Message" (Backup) or "message" (every RAM error shape). */
export function writeRestError(
  res: ServerResponse,
  err: SimError,
  requestId: string,
  extra: Record<string, string>,
  messageKey: "Message" | "message" = "Message",
): void {
  const text = JSON.stringify({ [messageKey]: err.message, ...err.fields });
  res.writeHead(err.status, {
    "Content-Type": "application/json",
    "X-Amzn-ErrorType": err.code,
    "x-amzn-RequestId": requestId,
    "Content-Length": Buffer.byteLength(text),
    ...err.headers,
    ...extra,
  });
  res.end(text);
}
