import type pg from "pg";
import { AwsFactory, newCounter, type AwsSettings } from "@/lib/aws/client-factory";
import { CredentialChain } from "@/lib/aws/credentials";
import {
  describeEffectiveBackupPolicy,
  describeOrganization,
  listBackupPolicies,
  listDelegatedAdministrators,
  walkOrganization,
} from "@/lib/aws/organizations.fetch";
import { ensureJobPartitions, loadTenantForSync } from "@/lib/sync/context";
import { publishOrganization } from "@/lib/sync/org-publish";
import { withTransaction } from "@/lib/sync/transaction";
import { publishUnit } from "@/lib/sync/unit-publish";
import { readUnit } from "@/lib/sync/unit-read";

// The benchmark's baseline: the same SDK, the same fetchers and the same storage code, but one
// unit at a time and one call at a time (what a straightforward loop over accounts and regions
// does). Run on a sample of units spread over the organization and scaled to all of them.

export interface BaselineResult {
  orgS: number;
  sampleS: number;
  sampleUnits: number;
  totalUnits: number;
  scaledWallS: number;
}

export async function runBaseline(o: {
  pool: pg.Pool;
  aws: AwsSettings;
  tenantId: string;
  sample: number;
  log: (m: string) => void;
}): Promise<BaselineResult> {
  const factory = new AwsFactory({ ...o.aws, maxInFlight: 1 });
  const tenant = (await loadTenantForSync(o.pool, o.tenantId))!;
  const counter = newCounter();
  const chain = new CredentialChain(factory, tenant, counter);
  const t0 = performance.now();
  const client = factory.organizations(chain.managementProvider, tenant.tenantId, counter);
  const organization = await describeOrganization(client, tenant.managementAccountId);
  const tree = await walkOrganization(client, organization);
  const delegated = await listDelegatedAdministrators(client);
  const policies = await listBackupPolicies(client, 1);
  await withTransaction(o.pool, (tx) =>
    publishOrganization(tx, tenant.tenantId, { tree, delegated, policies, effective: [] }),
  );
  const orgS = (performance.now() - t0) / 1000;

  const units = tree.accounts
    .filter((a) => a.state === "ACTIVE")
    .flatMap((a) => tenant.regions.map((region) => ({ accountId: a.accountId, region })));
  const step = Math.max(1, Math.floor(units.length / o.sample));
  const sample = units.filter((_, i) => i % step === 0).slice(0, o.sample);
  const t1 = performance.now();
  let failed = 0;
  for (const u of sample) {
    // The account's effective policy, once per account (asked in its first region's turn).
    if (u.region === tenant.regions[0]) await describeEffectiveBackupPolicy(client, u.accountId);
    try {
      const attempt = await o.pool.query(`select nextval('sync_attempt_seq')::text as id`);
      const read = await readUnit(
        {
          tenantId: tenant.tenantId,
          accountId: u.accountId,
          region: u.region,
          readGlobalSettings: u.region === tenant.regions[0],
          attemptId: attempt.rows[0]!.id as string,
          fullPass: true,
          recoveryPointsAfter: new Map(),
          jobsAfter: { backup: null, copy: null, restore: null, scan: null },
          spillAt: 2000,
          sequential: true,
        },
        { factory, chain, pool: o.pool, counter },
      );
      await ensureJobPartitions(o.pool, read.jobMonths.min, read.jobMonths.max);
      await withTransaction(o.pool, (tx) => publishUnit(tx, [tenant.tenantId, u.accountId, u.region], read));
    } catch {
      failed++;
    }
  }
  const sampleS = (performance.now() - t1) / 1000;
  o.log(
    `baseline sample: ${sample.length} units (${failed} could not be read, as in the full run), ${counter.calls} calls`,
  );
  factory.destroy();
  return {
    orgS,
    sampleS,
    sampleUnits: sample.length,
    totalUnits: units.length,
    scaledWallS: orgS + (sampleS * units.length) / sample.length,
  };
}
