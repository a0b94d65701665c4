import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { AwsFactory } from "./client-factory";
import { CredentialChain, type TenantRoles } from "./credentials";
import { errorName, FailureError } from "./errors";

// Report delivery to S3: PutObject as the tenant's management role (the identity the sync reads
// the organization with), so the bucket's owner grants the product exactly what it grants the
// sync's role. Errors become one sentence naming the bucket and what to do, never credentials.

export interface S3Object {
  key: string;
  body: Buffer;
  contentType: string;
}

const REMEDY: Record<string, string> = {
  NoSuchBucket: "the bucket does not exist (create it, or correct the name)",
  AccessDenied: "access denied (let the organization's management role s3:PutObject into the bucket)",
  AllAccessDisabled: "access to the bucket is disabled",
  PermanentRedirect: "the bucket is in another Region (correct the schedule's Region)",
  AuthorizationHeaderMalformed: "the bucket is in another Region (correct the schedule's Region)",
  InvalidBucketName: "the bucket name is not valid",
};

function describe(bucket: string, error: unknown): string {
  if (error instanceof FailureError) return error.failure.message;
  const name = errorName(error);
  const known = REMEDY[name];
  if (known) return `S3 bucket "${bucket}": ${known} (${name})`;
  const message = (error as { message?: string } | undefined)?.message ?? String(error);
  return `S3 bucket "${bucket}": ${name}: ${message.split("\n")[0]!.slice(0, 200)}`;
}

/** Puts the objects into the bucket, in order; throws an Error whose message says which failed and why. */
export async function putObjects(
  factory: AwsFactory,
  roles: TenantRoles,
  target: { bucket: string; region: string },
  objects: readonly S3Object[],
): Promise<void> {
  const chain = new CredentialChain(factory, roles);
  const client = factory.s3(target.region, chain.managementProvider);
  // Not destroyed after: the client's handler shares the factory's agents, which destroy() would close.
  for (const o of objects) {
    try {
      await client.send(
        new PutObjectCommand({ Bucket: target.bucket, Key: o.key, Body: o.body, ContentType: o.contentType }),
      );
    } catch (error) {
      throw new Error(describe(target.bucket, error));
    }
  }
}
