// Everything a preview reads, in one REPEATABLE READ transaction so that a unit or an
// organization read published by a concurrent sync is seen whole or not at all: the tenant's
// published snapshot (what the controls evaluate), the Organizations policies with their place on
// each target, and the facts the controls need from recovery points and jobs, for the accounts the
// change reaches only (a preview of one OU must not read a million points of the others).
import type pg from "pg";
import type { Db } from "@/db";
import { evaluationRuns } from "@/lib/compliance/evaluate-tenant";
import type { ControlRun } from "@/lib/compliance/engine/evaluate";
import type { StreamedSnapshot } from "@/lib/compliance/engine/evaluate-stream";
import { FactsAccumulator, type SnapshotFacts } from "@/lib/compliance/facts/resource-facts";
import { addJobFactsFromSql } from "@/lib/compliance/load/job-facts";
import { loadSnapshot, type SnapshotMeta } from "@/lib/compliance/load/load-snapshot";
import { streamRecoveryPoints } from "@/lib/compliance/load/recovery-point-cursor";
import { activeExceptionKeys } from "@/lib/compliance/read/exceptions-at";
import { CONTROLS } from "@/lib/compliance/controls/registry";
import { listEvaluationTemplates, type StoredTemplate } from "@/lib/compliance/templates/template-store";
import type { OrgModel } from "./preview-chains";

export interface PreviewData {
  snapshot: StreamedSnapshot;
  meta: SnapshotMeta;
  /** Null when the organization was never read (or its last read failed). */
  org: OrgModel | null;
  tenantRegions: string[];
  facts: SnapshotFacts;
  excepted: Set<string>;
  runs: ControlRun[];
  templates: Array<{ t: StoredTemplate; requirementRuns: Map<string, string[]> }>;
}

const DAY_MS = 86_400_000;
const poolOf = (db: Db) => (db as Db & { $client: pg.Pool }).$client;

async function readOrg(client: pg.PoolClient, tenantId: string, snapshot: StreamedSnapshot): Promise<OrgModel | null> {
  if (snapshot.orgBackupPolicies === null) return null;
  const org = await client.query(`select root_id, enabled_policy_types from org_organizations where tenant_id = $1`, [
    tenantId,
  ]);
  const row = org.rows[0] as { root_id: string | null; enabled_policy_types: string[] } | undefined;
  if (!row) return null;
  const policies = await client.query(
    `select policy_id, name, content, targets, target_positions from org_policies where tenant_id = $1 order by policy_id`,
    [tenantId],
  );
  return {
    rootId: row.root_id,
    backupPoliciesEnabled: row.enabled_policy_types.includes("BACKUP_POLICY"),
    units: snapshot.orgUnits.map((u) => ({ id: u.id, name: u.name, path: u.path })),
    accounts: snapshot.accounts.map((a) => ({
      accountId: a.accountId,
      name: a.name,
      state: a.state,
      ouPath: a.ouPath,
    })),
    policies: (
      policies.rows as Array<{
        policy_id: string;
        name: string;
        content: string;
        targets: string[];
        target_positions: number[];
      }>
    ).map((p) => ({
      policyId: p.policy_id,
      name: p.name,
      content: p.content,
      targets: p.targets,
      targetPositions: p.target_positions,
    })),
  };
}

/**
 * Reads the preview's inputs at `now`. `reach` names the accounts the change reaches, from the
 * organization as stored (null when it was never read); facts are gathered for those only.
 * `recoveryPoints: false` skips the recovery points (the largest read): the pre-flight needs the
 * inventory and the jobs' role failures, only the compliance impact needs the points.
 */
export async function loadPreviewData(
  db: Db,
  tenantId: string,
  now: Date,
  reach: (org: OrgModel | null) => readonly string[],
  options: { recoveryPoints?: boolean } = {},
): Promise<PreviewData & { reached: Set<string> }> {
  const stored = await listEvaluationTemplates(db, { tenantId });
  const { runs, perTemplate } = evaluationRuns(stored);
  const [tenant] = (await poolOf(db).query(`select regions from tenants where id = $1`, [tenantId])).rows as Array<{
    regions: string[];
  }>;
  let lookback = 7;
  for (const r of runs) lookback = Math.max(lookback, CONTROLS[r.controlId].jobLookbackDays?.(r.params) ?? 0);
  const jobsSince = new Date(now.getTime() - lookback * DAY_MS);

  const client = await poolOf(db).connect();
  try {
    await client.query("begin isolation level repeatable read read only");
    const { snapshot, meta } = await loadSnapshot(client, tenantId);
    const org = await readOrg(client, tenantId, snapshot);
    const reached = new Set(reach(org));
    const acc = new FactsAccumulator(snapshot, jobsSince);
    if (reached.size > 0) {
      if (options.recoveryPoints !== false)
        for await (const chunk of streamRecoveryPoints(client, tenantId)) {
          for (const rp of chunk) if (reached.has(rp.accountId)) acc.addRecoveryPoint(rp);
        }
      await addJobFactsFromSql(client, tenantId, jobsSince, acc);
    }
    const excepted = await activeExceptionKeys(client, { tenantId, at: now });
    await client.query("commit");
    return {
      snapshot,
      meta,
      org,
      tenantRegions: tenant?.regions ?? [],
      facts: acc.finish(),
      excepted,
      runs,
      templates: perTemplate,
      reached,
    };
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
