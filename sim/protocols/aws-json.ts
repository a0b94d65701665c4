import type { ServerResponse } from "node:http";
import { SimError } from "../http/errors";
import type { SimRequest } from "../http/request";

/**
 * awsJson1_1 (Organizations, Tagging, KMS): POST / with X-Amz-Target "<prefix>.<Operation>".
 * Errors put the shape name in the body's __type, which is all botocore (the AWS CLI) reads.
 */
export const TARGET_PREFIX = {
  organizations: "AWSOrganizationsV20161128",
  tagging: "ResourceGroupsTaggingAPI_20170126",
  kms: "TrentService",
} as const;

export function parseTarget(target: string): {
  service: "organizations" | "tagging" | "kms" | undefined;
  operation: string;
} {
  const dot = target.lastIndexOf(".");
  const prefix = dot < 0 ? target : target.slice(0, dot);
  const operation = dot < 0 ? "" : target.slice(dot + 1);
  const service =
    prefix === TARGET_PREFIX.organizations
      ? "organizations"
      : prefix === TARGET_PREFIX.tagging
        ? "tagging"
        : prefix === TARGET_PREFIX.kms
          ? "kms"
          : undefined;
  return { service, operation };
}

export function parseJsonBody(req: SimRequest): Record<string, unknown> {
  const text = req.body.toString("utf8");
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SimError("SerializationException", "Start of structure or map found where not expected.", 400);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new SimError("SerializationException", "Start of structure or map found where not expected.", 400);
  return value as Record<string, unknown>;
}

export function writeAwsJson(
  res: ServerResponse,
  body: unknown,
  requestId: string,
  extra: Record<string, string>,
): void {
  const text = JSON.stringify(body ?? {});
  res.writeHead(200, {
    "Content-Type": "application/x-amz-json-1.1",
    "x-amzn-RequestId": requestId,
    "Content-Length": Buffer.byteLength(text),
    ...extra,
  });
  res.end(text);
}

/** `messageKey`: the modeled member, "Message" (Organizations, Tagging) or "message" (every KMS error shape). */
export function writeAwsJsonError(
  res: ServerResponse,
  err: SimError,
  requestId: string,
  extra: Record<string, string>,
  messageKey: "Message" | "message" = "Message",
): void {
  const text = JSON.stringify({ __type: err.code, [messageKey]: err.message, ...err.fields });
  res.writeHead(err.status, {
    "Content-Type": "application/x-amz-json-1.1",
    "x-amzn-RequestId": requestId,
    "Content-Length": Buffer.byteLength(text),
    ...err.headers,
    ...extra,
  });
  res.end(text);
}
