import "server-only";
import { AwsFactory } from "@/lib/aws/client-factory";
import { awsSettingsFromEnv } from "@/lib/aws/settings";
import { env } from "@/lib/env";
import type { PushDeps } from "./push";

// The web tier's AWS clients for pushes: one factory per server process (its sockets and rate
// buckets are shared by every push), from the environment (AWS_ENDPOINT_URL: the simulator).
const holder = globalThis as unknown as { __bgPushDeps?: Promise<PushDeps> };

export function getPushDeps(): Promise<PushDeps> {
  holder.__bgPushDeps ??= awsSettingsFromEnv(env, { maxInFlight: 16 })
    .then((settings) => ({ factory: new AwsFactory(settings) }))
    .catch((error: unknown) => {
      // Not cached: the next push asks again (the simulator may not have been up yet).
      holder.__bgPushDeps = undefined;
      throw error;
    });
  return holder.__bgPushDeps;
}
