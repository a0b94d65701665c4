import http from "node:http";
import https from "node:https";
import { BackupClient } from "@aws-sdk/client-backup";
import { IAMClient } from "@aws-sdk/client-iam";
import { KMSClient } from "@aws-sdk/client-kms";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { RAMClient } from "@aws-sdk/client-ram";
import { S3Client } from "@aws-sdk/client-s3";
import { ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import { STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import {
  backupBuckets,
  DEFAULT_QUOTAS,
  iamBuckets,
  kmsBuckets,
  organizationsBuckets,
  ramBuckets,
  stsBuckets,
  taggingBuckets,
  type Quotas,
} from "./quotas";
import { RateGate, Semaphore, type BucketSpec } from "./rate-gate";
import { isThrottlingError } from "./errors";

// The only place AWS SDK clients are made. One client per (account, region, service): each SDK
// client has its own retry quota, so one throttled account cannot spend another's retries (AWS
// warns adaptive retry is unsafe when a client spans tenants). Every attempt, retries included,
// passes the global in-flight cap and the target's rate buckets at the moment it is sent.

export interface AwsSettings {
  /** AWS_ENDPOINT_URL: every service at one endpoint (the simulator); unset means real AWS. */
  endpoint?: string;
  /** Region for STS (regional endpoint) and the product's own calls. */
  region: string;
  /** The product's own identity; unset means the SDK's default credential chain. */
  baseCredentials?: AwsCredentialIdentity;
  quotas?: Partial<Quotas>;
  /** Requests in flight across all targets (sockets and buffered responses are bounded by it). */
  maxInFlight?: number;
  /** SDK attempts per call (standard retry mode: backoff with jitter, throttling base 500 ms). */
  maxAttempts?: number;
  requestTimeoutMs?: number;
}

/** Per-unit call accounting, filled by the middleware (attempts, not logical calls). */
export interface CallCounter {
  calls: number;
  throttled: number;
  errors: number;
}

export const newCounter = (): CallCounter => ({ calls: 0, throttled: 0, errors: 0 });

type Credentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

interface Stackable {
  middlewareStack: { add: (mw: never, options: { step: "finalizeRequest"; priority: "low"; name: string }) => void };
}

export class AwsFactory {
  readonly quotas: Quotas;
  readonly gate = new RateGate();
  readonly inFlight: Semaphore;
  readonly totals: CallCounter = newCounter();
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly unitClients = new Map<
    string,
    { backup?: BackupClient; tagging?: ResourceGroupsTaggingAPIClient; kms?: KMSClient; ram?: RAMClient }
  >();
  private readonly maxAttempts: number;

  constructor(readonly settings: AwsSettings) {
    this.quotas = { ...DEFAULT_QUOTAS, ...settings.quotas };
    const maxInFlight = settings.maxInFlight ?? 128;
    this.inFlight = new Semaphore(maxInFlight);
    // Sockets sized to the in-flight cap: beyond it the SDK would queue unboundedly (aws-sdk-js-v3 #7075).
    const agentOptions = { keepAlive: true, maxSockets: maxInFlight + 8, maxFreeSockets: maxInFlight };
    this.httpAgent = new http.Agent(agentOptions);
    this.httpsAgent = new https.Agent(agentOptions);
    this.maxAttempts = settings.maxAttempts ?? 6;
  }

  private common(region: string, credentials: Credentials | undefined, maxAttempts = this.maxAttempts) {
    return {
      region,
      ...(this.settings.endpoint ? { endpoint: this.settings.endpoint } : {}),
      ...(credentials ? { credentials } : {}),
      maxAttempts,
      retryMode: "standard",
      customUserAgent: "backup-governance-sync",
      requestHandler: {
        httpAgent: this.httpAgent,
        httpsAgent: this.httpsAgent,
        requestTimeout: this.settings.requestTimeoutMs ?? 30_000,
        connectionTimeout: 5_000,
      },
    } as const;
  }

  /** Adds the per-attempt gate: in-flight cap, rate buckets, counting, AIMD on throttling. */
  private instrument<C extends Stackable>(
    client: C,
    buckets: (operation: string) => BucketSpec[],
    counter: CallCounter | undefined,
  ): C {
    const mw =
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
        const specs = buckets(context.commandName?.replace(/Command$/, "") ?? "Unknown");
        // Rate first, then the in-flight cap: a request waiting for its target's quota must not
        // hold one of the shared slots meanwhile.
        await this.gate.acquire(specs);
        await this.inFlight.acquire();
        try {
          this.totals.calls++;
          if (counter) counter.calls++;
          try {
            const out = await next(args);
            this.gate.onSuccess(specs);
            return out;
          } catch (error) {
            if (isThrottlingError(error)) {
              this.totals.throttled++;
              if (counter) counter.throttled++;
              this.gate.onThrottled(specs);
            } else {
              this.totals.errors++;
              if (counter) counter.errors++;
            }
            throw error;
          }
        } finally {
          this.inFlight.release();
        }
      };
    client.middlewareStack.add(mw as never, { step: "finalizeRequest", priority: "low", name: "backupGovernanceGate" });
    return client;
  }

  /** STS as `callerKey` (the account whose quota the calls spend); credentials unset = default chain. */
  sts(credentials: Credentials | undefined, callerKey: string, counter?: CallCounter): STSClient {
    return this.instrument(
      new STSClient(this.common(this.settings.region, credentials)),
      () => stsBuckets(callerKey, this.quotas),
      counter,
    );
  }

  /**
   * Organizations is global (us-east-1 in the aws partition); the whole organization shares its rate.
   * `maxAttempts` lets a caller that reports failures to a person (a policy push) give up sooner.
   */
  organizations(
    credentials: Credentials,
    organizationKey: string,
    counter?: CallCounter,
    maxAttempts = Math.max(this.maxAttempts, 8),
  ): OrganizationsClient {
    return this.instrument(
      new OrganizationsClient(this.common("us-east-1", credentials, maxAttempts)),
      () => organizationsBuckets(organizationKey, this.quotas),
      counter,
    );
  }

  /** The Backup client of one (account, region), made once per unit and released with it. */
  backup(accountId: string, region: string, credentials: Credentials, counter?: CallCounter): BackupClient {
    const key = `${accountId}|${region}`;
    const entry = this.unitClients.get(key) ?? {};
    entry.backup ??= this.instrument(
      new BackupClient(this.common(region, credentials)),
      (op) => backupBuckets(key, op, this.quotas),
      counter,
    );
    this.unitClients.set(key, entry);
    return entry.backup;
  }

  tagging(
    accountId: string,
    region: string,
    credentials: Credentials,
    counter?: CallCounter,
  ): ResourceGroupsTaggingAPIClient {
    const key = `${accountId}|${region}`;
    const entry = this.unitClients.get(key) ?? {};
    entry.tagging ??= this.instrument(
      new ResourceGroupsTaggingAPIClient(this.common(region, credentials)),
      () => taggingBuckets(key, this.quotas),
      counter,
    );
    this.unitClients.set(key, entry);
    return entry.tagging;
  }

  /** KMS in one (account, region): the vault keys' managers (BK-16). */
  kms(accountId: string, region: string, credentials: Credentials, counter?: CallCounter): KMSClient {
    const key = `${accountId}|${region}`;
    const entry = this.unitClients.get(key) ?? {};
    entry.kms ??= this.instrument(
      new KMSClient(this.common(region, credentials)),
      (op) => kmsBuckets(key, op, this.quotas),
      counter,
    );
    this.unitClients.set(key, entry);
    return entry.kms;
  }

  /** AWS RAM in one (account, region): whom the unit's vaults are shared with. */
  ram(accountId: string, region: string, credentials: Credentials, counter?: CallCounter): RAMClient {
    const key = `${accountId}|${region}`;
    const entry = this.unitClients.get(key) ?? {};
    entry.ram ??= this.instrument(
      new RAMClient(this.common(region, credentials)),
      () => ramBuckets(key, this.quotas),
      counter,
    );
    this.unitClients.set(key, entry);
    return entry.ram;
  }

  /**
   * IAM of one account (global: us-east-1 in the aws partition), for the policy pre-flight's
   * GetRole. Made per call site, not kept: the pre-flight reads a few roles per preview.
   */
  iam(accountId: string, credentials: Credentials, counter?: CallCounter): IAMClient {
    return this.instrument(
      new IAMClient(this.common("us-east-1", credentials)),
      () => iamBuckets(accountId, this.quotas),
      counter,
    );
  }

  /**
   * S3 in one region, for scheduled report delivery: a few PutObjects a delivery, outside the
   * sync's rate buckets. Path-style at a custom endpoint: the simulator has no per-bucket host names.
   */
  s3(region: string, credentials: Credentials): S3Client {
    return new S3Client({
      ...this.common(region, credentials, 3),
      ...(this.settings.endpoint ? { forcePathStyle: true } : {}),
      customUserAgent: "backup-governance-reports",
    });
  }

  /** A unit is done: drop its clients (they hold no sockets; the agents are shared). */
  release(accountId: string, region: string): void {
    this.unitClients.delete(`${accountId}|${region}`);
    // Pruning walks every bucket: at most every 10 s, not after each of thousands of units.
    if (performance.now() - this.prunedAt > 10_000) {
      this.prunedAt = performance.now();
      this.gate.prune(60_000);
    }
  }
  private prunedAt = performance.now();

  destroy(): void {
    this.unitClients.clear();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
