import { STSClient, AssumeRoleCommand } from "@aws-sdk/client-sts";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { BackupClient } from "@aws-sdk/client-backup";
import { ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import { KMSClient } from "@aws-sdk/client-kms";
import { IAMClient } from "@aws-sdk/client-iam";
import { RAMClient } from "@aws-sdk/client-ram";
import type { SimHandle } from "@/sim/server";

/** SDK clients pointed at a running simulator, as the product's sync will build them. */
export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function principalCreds(sim: SimHandle): Creds {
  const w = sim.summary();
  return { accessKeyId: w.principal.access_key_id, secretAccessKey: w.principal.secret_access_key };
}

// Fail fast in tests: the SDK's default three attempts would hide the simulator's first answer.
const base = (sim: SimHandle, credentials: Creds, region = "us-east-1") => ({
  endpoint: sim.url,
  region,
  credentials,
  maxAttempts: 1,
});

export const stsClient = (sim: SimHandle, c: Creds, region?: string) => new STSClient(base(sim, c, region));
export const orgClient = (sim: SimHandle, c: Creds) => new OrganizationsClient(base(sim, c));
export const backupClient = (sim: SimHandle, c: Creds, region?: string) => new BackupClient(base(sim, c, region));
export const taggingClient = (sim: SimHandle, c: Creds, region?: string) =>
  new ResourceGroupsTaggingAPIClient(base(sim, c, region));
export const kmsClient = (sim: SimHandle, c: Creds, region?: string) => new KMSClient(base(sim, c, region));
export const ramClient = (sim: SimHandle, c: Creds, region?: string) => new RAMClient(base(sim, c, region));
/** IAM is global: the SDK signs for us-east-1 whatever the Region. */
export const iamClient = (sim: SimHandle, c: Creds) => new IAMClient(base(sim, c, "us-east-1"));

export async function assume(sim: SimHandle, caller: Creds, roleArn: string, externalId?: string): Promise<Creds> {
  const out = await stsClient(sim, caller).send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "sim-test", ExternalId: externalId }),
  );
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

/** Principal → management role (ExternalId). */
export async function managementCreds(sim: SimHandle): Promise<Creds> {
  const w = sim.summary();
  return assume(sim, principalCreds(sim), w.management_role_arn, w.external_id);
}

/** Management role → member role in an account (role chaining). */
export async function memberCreds(sim: SimHandle, mgmt: Creds, accountId: string): Promise<Creds> {
  return assume(sim, mgmt, `arn:aws:iam::${accountId}:role/${sim.summary().member_role_name}`);
}
