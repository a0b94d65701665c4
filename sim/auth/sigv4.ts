import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { SimRequest } from "../http/request";

/**
 * AWS Signature Version 4 verification, header form (what the SDK v3 and the AWS CLI send).
 * Canonical request per the SigV4 spec for non-S3 services: the path is URI-encoded once more
 * (double encoding) after removing dot segments; the query is decoded, re-encoded (RFC 3986)
 * and sorted; signed headers are lower-cased, trimmed and space-collapsed.
 */
export interface SigV4Auth {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
}

export type ParsedAuth = { ok: true; auth: SigV4Auth } | { ok: false; missing: boolean; reason: string };

export function parseAuthorization(req: SimRequest): ParsedAuth {
  const header = req.headers["authorization"];
  if (!header) return { ok: false, missing: true, reason: "Missing Authentication Token" };
  const m = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(header.trim());
  if (!m) return { ok: false, missing: false, reason: "Authorization header requires AWS4-HMAC-SHA256 signatures." };
  const fields = new Map<string, string>();
  for (const part of (m[1] as string).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get("Credential");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!credential || !signedHeaders || !signature) {
    const missing = ["Credential", "SignedHeaders", "Signature"].filter((k) => !fields.get(k));
    return {
      ok: false,
      missing: false,
      reason: `Authorization header requires '${missing[0]}' parameter. Authorization=${header.slice(0, 40)}`,
    };
  }
  const scope = credential.split("/");
  if (scope.length !== 5 || scope[4] !== "aws4_request")
    return { ok: false, missing: false, reason: `Credential should be scoped to a valid region. ` };
  const amzDate = req.headers["x-amz-date"] ?? toAmzDate(req.headers["date"]);
  if (!amzDate)
    return {
      ok: false,
      missing: false,
      reason: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    };
  const [accessKeyId, date, region, service] = scope as [string, string, string, string];
  return {
    ok: true,
    auth: { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(";"), signature, amzDate },
  };
}

function toAmzDate(httpDate: string | undefined): string | undefined {
  if (!httpDate) return undefined;
  const ms = Date.parse(httpDate);
  return Number.isNaN(ms)
    ? undefined
    : new Date(ms)
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d{3}/, "");
}

/** Seconds between the request's X-Amz-Date and now; AWS rejects more than 5 minutes either way (15 for some). */
export function requestAgeSeconds(amzDate: string, nowMs: number): number {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(amzDate);
  if (!m) return Infinity;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return (nowMs - t) / 1000;
}

const keyCache = new Map<string, Buffer>();
function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const k = `${secret}|${date}|${region}|${service}`;
  let key = keyCache.get(k);
  if (!key) {
    const kDate = createHmac("sha256", `AWS4${secret}`).update(date).digest();
    const kRegion = createHmac("sha256", kDate).update(region).digest();
    const kService = createHmac("sha256", kRegion).update(service).digest();
    key = createHmac("sha256", kService).update("aws4_request").digest();
    if (keyCache.size > 50_000) keyCache.clear();
    keyCache.set(k, key);
  }
  return key;
}

/**
 * `s3`: S3's canonical URI is the path exactly as sent (encoded once by the client, no dot-segment
 * removal), where every other service encodes it once more.
 */
export function verifySignature(req: SimRequest, auth: SigV4Auth, secret: string, s3 = false): boolean {
  if (!auth.signedHeaders.includes("host")) return false;
  const payloadHash = req.headers["x-amz-content-sha256"] ?? createHash("sha256").update(req.body).digest("hex");
  const headers = auth.signedHeaders.map((name) => `${name}:${canonicalHeaderValue(req, name)}\n`).join("");
  const query = canonicalQuery(req.rawQuery);
  const key = signingKey(secret, auth.date, auth.region, auth.service);
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const expected = Buffer.from(auth.signature, "hex");
  // The JS SDK drops empty path segments before encoding; botocore keeps them. Accept either.
  const paths = s3
    ? [req.rawPath || "/"]
    : new Set([canonicalPath(req.rawPath, true), canonicalPath(req.rawPath, false)]);
  for (const path of paths) {
    const canonical = [req.method, path, query, headers, auth.signedHeaders.join(";"), payloadHash].join("\n");
    const toSign = ["AWS4-HMAC-SHA256", auth.amzDate, scope, sha256(canonical)].join("\n");
    const actual = createHmac("sha256", key).update(toSign).digest();
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) return true;
  }
  return false;
}

function canonicalHeaderValue(req: SimRequest, name: string): string {
  const values: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if ((req.rawHeaders[i] as string).toLowerCase() === name)
      values.push((req.rawHeaders[i + 1] as string).trim().replace(/\s+/g, " "));
  }
  return values.join(",");
}

function canonicalPath(rawPath: string, dropEmpty: boolean): string {
  const out: string[] = [];
  for (const seg of rawPath.split("/").slice(1)) {
    if (seg === ".") continue;
    if (seg === "..") out.pop();
    else if (seg !== "" || !dropEmpty) out.push(seg);
  }
  const trailing = rawPath.endsWith("/") && out.length > 0 && dropEmpty ? "/" : "";
  const normalized = `/${out.join("/")}${trailing}`;
  return escapeUri(normalized).replace(/%2F/g, "/");
}

function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return "";
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? "" : part.slice(eq + 1);
    pairs.push([escapeUri(safeDecode(k)), escapeUri(safeDecode(v))]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** RFC 3986 encoding as AWS signers use it (encodeURIComponent plus !'()*). */
export function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}
