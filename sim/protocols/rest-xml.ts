import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { parseAuthorization, requestAgeSeconds, safeDecode, verifySignature } from "../auth/sigv4";
import { SimError } from "../http/errors";
import type { SimRequest } from "../http/request";
import type { Runtime } from "../runtime";
import { createBucket, getObject, headBucket, putObject, type S3Call } from "../services/s3";

/**
 * S3 over its REST-XML protocol: the bucket from the path (path-style, what clients use against a
 * custom endpoint with forcePathStyle) or from the host's first label (virtual-hosted style,
 * `<bucket>.s3.<anything>` or `<bucket>.localhost`), the key from the rest of the path. Errors are
 * S3's own `<Error><Code/><Message/>…<RequestId/><HostId/></Error>`, without a body for HEAD.
 */

const SKEW_S = 15 * 60;
const UNSIGNED = new Set(["UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"]);

/** Whether the request is signed for S3 (the SigV4 credential scope names the service). */
export function isS3Request(req: SimRequest): boolean {
  const auth = req.headers.authorization;
  return typeof auth === "string" && /Credential=[^/,\s]+\/\d{8}\/[^/]+\/s3\/aws4_request/.test(auth);
}

function address(req: SimRequest): { bucket: string; key: string } {
  const host = (req.headers.host ?? "").replace(/:\d+$/, "");
  const virtual = /^(.+?)\.(?:s3[.-].*|localhost)$/.exec(host);
  const path = req.rawPath.replace(/^\//, "");
  if (virtual) return { bucket: virtual[1]!, key: safeDecode(path) };
  const slash = path.indexOf("/");
  if (slash < 0) return { bucket: safeDecode(path), key: "" };
  return { bucket: safeDecode(path.slice(0, slash)), key: safeDecode(path.slice(slash + 1)) };
}

function authenticate(rt: Runtime, req: SimRequest): S3Call {
  const parsed = parseAuthorization(req);
  if (!parsed.ok)
    throw parsed.missing
      ? new SimError("AccessDenied", "Access Denied", 403)
      : new SimError("AuthorizationHeaderMalformed", parsed.reason, 400);
  const a = parsed.auth;
  if (Math.abs(requestAgeSeconds(a.amzDate, Date.now())) > SKEW_S)
    throw new SimError(
      "RequestTimeTooSkewed",
      "The difference between the request time and the current time is too large.",
      403,
    );
  const cred = rt.identity.lookup(a.accessKeyId);
  if (!cred)
    throw new SimError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403);
  if (cred.sessionToken !== undefined && req.headers["x-amz-security-token"] !== cred.sessionToken)
    throw new SimError("InvalidToken", "The provided token is malformed or otherwise invalid.", 400);
  if (cred.expiresMs !== undefined && cred.expiresMs < Date.now())
    throw new SimError("ExpiredToken", "The provided token has expired.", 400);
  const claimed = req.headers["x-amz-content-sha256"];
  if (!claimed)
    throw new SimError("InvalidRequest", "Missing required header for this request: x-amz-content-sha256", 400);
  if (!verifySignature(req, a, cred.secret, true))
    throw new SimError(
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
      403,
    );
  if (!UNSIGNED.has(claimed) && !claimed.startsWith("STREAMING-")) {
    const actual = createHash("sha256").update(req.body).digest("hex");
    if (actual !== claimed)
      throw new SimError(
        "XAmzContentSHA256Mismatch",
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        400,
      );
  }
  return { accountId: cred.caller.accountId, region: a.region };
}

/** The payload of an aws-chunked body (SigV4 streaming, with or without trailers); chunk signatures are not checked. */
function decodeChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const eol = body.indexOf("\r\n", at);
    if (eol < 0) break;
    const size = parseInt(body.subarray(at, eol).toString("latin1").split(";")[0]!, 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function payload(req: SimRequest): Buffer {
  const chunked =
    (req.headers["content-encoding"] ?? "").includes("aws-chunked") ||
    (req.headers["x-amz-content-sha256"] ?? "").startsWith("STREAMING-");
  return chunked ? decodeChunked(req.body) : req.body;
}

type S3Reply = { status: number; headers?: Record<string, string>; body?: Buffer | string };

function route(
  rt: Runtime,
  req: SimRequest,
  call: S3Call,
  bucket: string,
  key: string,
): { op: string; run: () => S3Reply } {
  const store = rt.s3;
  // The JS SDK names the operation in `x-id`; any other parameter selects a subresource not served here.
  const plain = req.query.every(([k]) => k === "x-id");
  if (!bucket) return { op: "ListBuckets", run: () => notImplemented() };
  if (!key) {
    if (req.method === "PUT" && plain)
      return {
        op: "CreateBucket",
        run: () => {
          const lc = /<LocationConstraint>([^<]*)<\/LocationConstraint>/.exec(req.body.toString("utf8"))?.[1];
          const r = createBucket(store, call, bucket, lc);
          return { status: 200, headers: { Location: r.location } };
        },
      };
    if (req.method === "HEAD")
      return {
        op: "HeadBucket",
        run: () => ({ status: 200, headers: { "x-amz-bucket-region": headBucket(store, call, bucket).region } }),
      };
    return { op: "Unknown", run: () => notImplemented() };
  }
  if (req.method === "PUT" && plain && !req.headers["x-amz-copy-source"])
    return {
      op: "PutObject",
      run: () => {
        const r = putObject(store, call, bucket, key, payload(req), req.headers["content-type"]);
        const headers: Record<string, string> = { ETag: r.etag };
        for (const [h, v] of Object.entries(req.headers))
          if (h.startsWith("x-amz-checksum-") && h !== "x-amz-checksum-type") headers[h] = v;
        return { status: 200, headers };
      },
    };
  if (req.method === "GET" && plain)
    return {
      op: "GetObject",
      run: () => {
        const o = getObject(store, call, bucket, key);
        return {
          status: 200,
          headers: {
            ETag: o.etag,
            "Content-Type": o.contentType,
            "Last-Modified": o.lastModified.toUTCString(),
          },
          body: o.body,
        };
      },
    };
  return { op: "Unknown", run: () => notImplemented() };
}

function notImplemented(): never {
  throw new SimError("NotImplemented", "A header you provided implies functionality that is not implemented.", 501);
}

export async function dispatchS3(rt: Runtime, req: SimRequest, res: ServerResponse): Promise<void> {
  const requestId = randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase();
  const hostId = randomBytes(24).toString("base64");
  const { bucket, key } = address(req);
  let call: S3Call | undefined;
  let op = "Unknown";
  const outcome: { error?: string; throttled?: boolean } = {};
  let reply: S3Reply;
  try {
    call = authenticate(rt, req);
    const r = route(rt, req, call, bucket, key);
    op = r.op;
    const injected = rt.config.operation_faults[`s3:${op}`];
    if (injected === "access_denied") throw new SimError("AccessDenied", "Access Denied", 403);
    if (injected === "throttled") {
      outcome.throttled = true;
      throw new SimError("SlowDown", "Please reduce your request rate.", 503);
    }
    reply = r.run();
  } catch (e) {
    const err =
      e instanceof SimError
        ? e
        : (console.error("[sim] internal error:", e),
          new SimError("InternalError", "We encountered an internal error. Please try again.", 500));
    outcome.error = err.code;
    rt.stats.record(`s3:${op}`, call?.accountId, call?.region, outcome);
    const fields = Object.entries(err.fields)
      .map(([k, v]) => `<${k}>${xml(String(v))}</${k}>`)
      .join("");
    const body =
      req.method === "HEAD"
        ? ""
        : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${err.code}</Code><Message>${xml(err.message)}</Message>${fields}<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`;
    res.writeHead(err.status, {
      "x-amz-request-id": requestId,
      "x-amz-id-2": hostId,
      "Content-Type": "application/xml",
      "Content-Length": Buffer.byteLength(body),
    });
    res.end(body);
    return;
  }
  rt.stats.record(`s3:${op}`, call.accountId, call.region, outcome);
  const body = reply.body ?? "";
  res.writeHead(reply.status, {
    "x-amz-request-id": requestId,
    "x-amz-id-2": hostId,
    ...reply.headers,
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

function xml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
