import { readFile } from "node:fs/promises";
import type { AwsFactory } from "@/lib/aws/client-factory";
import type { TenantRoles } from "@/lib/aws/credentials";
import { putObjects } from "@/lib/aws/s3.put";
import type { S3Destination } from "./destination";
import { contentTypeOf, type DeliveryFile, type DeliveryTarget } from "./deliver";

/** The object key of a delivered file: prefix/tenant/day/file (no prefix: tenant/day/file). */
export function s3Key(prefix: string, tenantSlug: string, slot: Date, file: string): string {
  return [prefix, tenantSlug, slot.toISOString().slice(0, 10), file].filter(Boolean).join("/");
}

/** PutObject of every file as the tenant's management role (lib/aws/s3.put.ts). */
export async function deliverToS3(
  config: S3Destination,
  aws: { factory: AwsFactory; roles: TenantRoles },
  target: DeliveryTarget,
  files: readonly DeliveryFile[],
): Promise<string> {
  const objects = await Promise.all(
    files.map(async (f) => ({
      key: s3Key(config.prefix, target.tenantSlug, target.slot, f.name),
      body: await readFile(f.path),
      contentType: contentTypeOf(f.name),
    })),
  );
  await putObjects(aws.factory, aws.roles, { bucket: config.bucket, region: config.region }, objects);
  return `s3://${config.bucket}/${s3Key(config.prefix, target.tenantSlug, target.slot, "")}`;
}
