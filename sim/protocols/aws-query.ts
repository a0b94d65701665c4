import type { ServerResponse } from "node:http";
import { Timestamp } from "../http/timestamp";
import { parseForm, type SimRequest } from "../http/request";

/**
 * awsQuery (STS, IAM): form-encoded POST with Action and Version; XML responses in the service's
 * namespace (https://sts.amazonaws.com/doc/2011-06-15/, https://iam.amazonaws.com/doc/2010-05-08/),
 * <Op>Result wrappers, ErrorResponse errors. Lists arrive as Name.member.N(.Field).
 */
export const QUERY_SERVICES = {
  sts: { version: "2011-06-15", ns: "https://sts.amazonaws.com/doc/2011-06-15/" },
  iam: { version: "2010-05-08", ns: "https://iam.amazonaws.com/doc/2010-05-08/" },
} as const;
export type QueryService = keyof typeof QUERY_SERVICES;

export function parseQueryBody(req: SimRequest): {
  action?: string;
  version?: string;
  params: Record<string, unknown>;
} {
  const pairs = parseForm(req.body.toString("utf8"));
  const params: Record<string, unknown> = {};
  let action: string | undefined;
  let version: string | undefined;
  for (const [k, v] of pairs) {
    if (k === "Action") action = v;
    else if (k === "Version") version = v;
    else setPath(params, k.split("."), v);
  }
  return { action, version, params: compact(params) as Record<string, unknown> };
}

function setPath(target: Record<string, unknown>, path: string[], value: string) {
  let cur: Record<string, unknown> = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string;
    if (typeof cur[key] !== "object" || cur[key] === null) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1] as string] = value;
}

/** Turns {member: {1: a, 2: b}} into [a, b]. */
function compact(v: unknown): unknown {
  if (typeof v !== "object" || v === null) return v;
  const o = v as Record<string, unknown>;
  if (Object.keys(o).length === 1 && typeof o.member === "object" && o.member !== null) {
    const m = o.member as Record<string, unknown>;
    return Object.keys(m)
      .filter((k) => /^\d+$/.test(k))
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => compact(m[k]));
  }
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, compact(x)]));
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function toXml(name: string, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (value instanceof Timestamp) return `<${name}>${value.toISOString()}</${name}>`;
  if (Array.isArray(value)) return `<${name}>${value.map((v) => toXml("member", v)).join("")}</${name}>`;
  if (typeof value === "object")
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => toXml(k, v))
      .join("")}</${name}>`;
  return `<${name}>${esc(String(value))}</${name}>`;
}

export function writeQuery(
  res: ServerResponse,
  service: QueryService,
  action: string,
  result: unknown,
  requestId: string,
  extra: Record<string, string>,
): void {
  const NS = QUERY_SERVICES[service].ns;
  const inner = Object.entries((result ?? {}) as Record<string, unknown>)
    .map(([k, v]) => toXml(k, v))
    .join("");
  const xml = `<${action}Response xmlns="${NS}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
  res.writeHead(200, {
    "Content-Type": "text/xml",
    "x-amzn-RequestId": requestId,
    "Content-Length": Buffer.byteLength(xml),
    ...extra,
  });
  res.end(xml);
}

export function writeQueryError(
  res: ServerResponse,
  service: QueryService,
  err: { code: string; message: string; status: number; fault: string; headers: Record<string, string> },
  requestId: string,
  extra: Record<string, string>,
): void {
  const NS = QUERY_SERVICES[service].ns;
  const xml = `<ErrorResponse xmlns="${NS}"><Error><Type>${err.fault}</Type><Code>${esc(err.code)}</Code><Message>${esc(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  res.writeHead(err.status, {
    "Content-Type": "text/xml",
    "x-amzn-RequestId": requestId,
    "Content-Length": Buffer.byteLength(xml),
    ...err.headers,
    ...extra,
  });
  res.end(xml);
}
