import { z } from "zod";
import type { Env } from "@/lib/env";
import type { AwsSettings } from "./client-factory";

// AWS settings for the product's commands, from the environment. Without AWS_ENDPOINT_URL: real
// AWS and the SDK's default credential chain. With it (the simulator) and no keys in the
// environment, the simulator's own /_sim/world names the principal whose keys to use.

const simWorld = z.object({ principal: z.object({ access_key_id: z.string(), secret_access_key: z.string() }) });

export async function simulatorPrincipal(endpoint: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const res = await fetch(new URL("/_sim/world", endpoint), { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${endpoint}/_sim/world answered ${res.status}: is AWS_ENDPOINT_URL the simulator?`);
  const w = simWorld.parse(await res.json());
  return { accessKeyId: w.principal.access_key_id, secretAccessKey: w.principal.secret_access_key };
}

export async function awsSettingsFromEnv(env: Env, overrides: Partial<AwsSettings> = {}): Promise<AwsSettings> {
  const base: AwsSettings = {
    region: env.AWS_REGION,
    maxInFlight: env.SYNC_MAX_IN_FLIGHT,
    ...(env.AWS_ENDPOINT_URL ? { endpoint: env.AWS_ENDPOINT_URL } : {}),
  };
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    base.baseCredentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  } else if (env.AWS_ENDPOINT_URL) {
    base.baseCredentials = await simulatorPrincipal(env.AWS_ENDPOINT_URL);
  }
  return { ...base, ...overrides };
}
