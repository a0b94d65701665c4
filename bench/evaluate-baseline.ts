// The row-by-row baseline: the same control functions over the same data, read the way a
// straightforward implementation reads it: per unit its plans, vaults and settings, then per
// resource its own recovery points, jobs and restores, one query at a time, each resource
// evaluated on its own. Findings are counted and scored, not stored (which only flatters it).
// tsx bench/evaluate-baseline.ts --db <url> --tenant <id> [--units N]: N units (default 40) spread
// over the tenant, timed and scaled by units to the whole tenant. Prints one JSON line.
import { createDb } from "@/db";
import { parseArgs } from "@/lib/cli/runtime";
import { clock } from "@/lib/clock";
import { CONTROLS } from "@/lib/compliance/controls/registry";
import { evaluateSnapshot, type ControlRun } from "@/lib/compliance/engine/evaluate";
import type { TenantSnapshot } from "@/lib/compliance/engine/snapshot";
import { evaluationRuns } from "@/lib/compliance/evaluate-tenant";
import { loadSnapshot, type Queryable } from "@/lib/compliance/load/load-snapshot";
import { ScoreAccumulator } from "@/lib/compliance/scoring/score";
import { listEvaluationTemplates } from "@/lib/compliance/templates/template-store";
import type { BackupJob, CopyJob, RecoveryPoint, RestoreJob } from "@/lib/inventory/types";

const args = parseArgs(process.argv.slice(2));
const handle = createDb(String(args.db), { max: 2, applicationName: "bench-evaluate-baseline" });
const tenantId = String(args.tenant);
const sampleUnits = Number(args.units ?? 40);
const now = clock.now();
const since = new Date(now.getTime() - 7 * 86_400_000);

type Row = Record<string, unknown>;
const d = (v: unknown) => (v ?? null) as Date | null;

function point(r: Row): RecoveryPoint {
  return {
    accountId: r.account_id as string,
    region: r.region as string,
    recoveryPointArn: r.recovery_point_arn as string,
    backupVaultName: r.backup_vault_name as string,
    backupVaultArn: r.backup_vault_arn as string,
    resourceArn: r.resource_arn as string,
    resourceType: r.resource_type as string,
    creationDate: r.creation_date as Date,
    completionDate: d(r.completion_date),
    status: r.status as RecoveryPoint["status"],
    isEncrypted: r.is_encrypted as boolean,
    encryptionKeyArn: (r.encryption_key_arn ?? null) as string | null,
    lifecycle:
      r.opt_in_to_archive === null
        ? null
        : {
            moveToColdStorageAfterDays: r.move_to_cold_storage_after_days as number | null,
            deleteAfterDays: r.delete_after_days as number | null,
            optInToArchiveForSupportedResources: r.opt_in_to_archive as boolean,
          },
    moveToColdStorageAt: d(r.move_to_cold_storage_at),
    deleteAt: d(r.delete_at),
    backupPlanId: (r.backup_plan_id ?? null) as string | null,
    backupPlanArn: (r.backup_plan_arn ?? null) as string | null,
    backupRuleId: (r.backup_rule_id ?? null) as string | null,
    sourceBackupVaultArn: (r.source_backup_vault_arn ?? null) as string | null,
    storageClass: (r.storage_class ?? null) as RecoveryPoint["storageClass"],
    backupSizeBytes: (r.backup_size_bytes ?? null) as number | null,
    isParent: r.is_parent as boolean,
    parentRecoveryPointArn: (r.parent_recovery_point_arn ?? null) as string | null,
    deleteAfterEvent: (r.delete_after_event ?? null) as RecoveryPoint["deleteAfterEvent"],
    scanStatus: (r.scan_status ?? null) as RecoveryPoint["scanStatus"],
    scannedAt: d(r.scanned_at),
    indexStatus: (r.index_status ?? null) as RecoveryPoint["indexStatus"],
    vaultType: (r.vault_type ?? null) as RecoveryPoint["vaultType"],
  };
}
const backupJob = (r: Row): BackupJob => ({
  accountId: r.account_id as string,
  region: r.region as string,
  backupJobId: r.backup_job_id as string,
  state: r.state as BackupJob["state"],
  statusMessage: (r.status_message ?? null) as string | null,
  messageCategory: (r.message_category ?? null) as string | null,
  resourceArn: r.resource_arn as string,
  resourceType: r.resource_type as string,
  backupVaultName: r.backup_vault_name as string,
  recoveryPointArn: (r.recovery_point_arn ?? null) as string | null,
  backupPlanId: (r.backup_plan_id ?? null) as string | null,
  backupRuleId: (r.backup_rule_id ?? null) as string | null,
  creationDate: r.creation_date as Date,
  completionDate: d(r.completion_date),
  backupSizeBytes: null,
  isParent: r.is_parent as boolean,
  parentJobId: (r.parent_job_id ?? null) as string | null,
  iamRoleArn: null,
});
const copyJob = (r: Row): CopyJob => ({
  accountId: r.account_id as string,
  region: r.region as string,
  copyJobId: r.copy_job_id as string,
  state: r.state as CopyJob["state"],
  statusMessage: (r.status_message ?? null) as string | null,
  messageCategory: (r.message_category ?? null) as string | null,
  resourceArn: r.resource_arn as string,
  resourceType: r.resource_type as string,
  sourceBackupVaultArn: r.source_backup_vault_arn as string,
  sourceRecoveryPointArn: r.source_recovery_point_arn as string,
  destinationBackupVaultArn: r.destination_backup_vault_arn as string,
  destinationRecoveryPointArn: (r.destination_recovery_point_arn ?? null) as string | null,
  creationDate: r.creation_date as Date,
  completionDate: d(r.completion_date),
  backupSizeBytes: null,
  iamRoleArn: null,
});
const restoreJob = (r: Row): RestoreJob => ({
  accountId: r.account_id as string,
  region: r.region as string,
  restoreJobId: r.restore_job_id as string,
  status: r.status as RestoreJob["status"],
  statusMessage: (r.status_message ?? null) as string | null,
  recoveryPointArn: r.recovery_point_arn as string,
  sourceResourceArn: (r.source_resource_arn ?? null) as string | null,
  resourceType: r.resource_type as string,
  createdResourceArn: null,
  creationDate: r.creation_date as Date,
  completionDate: d(r.completion_date),
  restoreTestingPlanArn: (r.restore_testing_plan_arn ?? null) as string | null,
  validationStatus: (r.validation_status ?? null) as string | null,
  iamRoleArn: null,
});

async function main() {
  const client = await handle.pool.connect();
  const db: Queryable = client;
  await client.query("begin isolation level repeatable read read only");
  // The organization and the unit-level inventory come from the same loader as the real
  // evaluation (small); what the baseline does row by row is everything per resource.
  const { snapshot: full } = await loadSnapshot(db, tenantId);
  const templates = await listEvaluationTemplates(handle.db, { tenantId });
  const { runs, perTemplate } = evaluationRuns(templates);
  const perPoint = runs.filter((r) => CONTROLS[r.controlId].evaluateRecoveryPoint);
  const perResource = runs.filter(
    (r) =>
      CONTROLS[r.controlId].evaluate &&
      CONTROLS[r.controlId].subjectTypes.includes("resource") &&
      r.controlId !== "BK-13",
  );
  const perUnit = runs.filter(
    (r) => !perResource.includes(r) && r.controlId !== "BK-13" && CONTROLS[r.controlId].evaluate,
  );
  const perAccount = runs.filter((r) => r.controlId === "BK-13");
  const ouPath = new Map(full.accounts.map((a) => [a.accountId, a.ouPath]));
  const scoring = new ScoreAccumulator(
    perTemplate.map(({ t, requirementRuns }) => ({
      templateId: t.slug,
      requirements: t.template.requirements.map((r) => ({
        id: r.id,
        title: r.title,
        runKeys: requirementRuns.get(r.id) ?? [],
      })),
    })),
    (a) => ouPath.get(a) ?? [],
  );
  const sink = (k: string, f: Parameters<ScoreAccumulator["add"]>[1]) => scoring.add(k, f);
  const units = full.units
    .filter((_u, i) => i % Math.max(1, Math.floor(full.units.length / sampleUnits)) === 0)
    .slice(0, sampleUnits);
  const base: TenantSnapshot = {
    ...full,
    units: [],
    plans: [],
    vaults: [],
    resources: [],
    recoveryPoints: [],
    backupJobs: [],
    copyJobs: [],
    restoreJobs: [],
  };
  const evaluate = (snap: Partial<TenantSnapshot>, list: ControlRun[]) =>
    evaluateSnapshot({ ...base, ...snap }, { now }, list, sink);
  let resources = 0;
  let points = 0;
  let queries = 0;
  const q = async (text: string, values: unknown[]) => {
    queries++;
    return (await db.query(text, values)).rows as Row[];
  };
  const t0 = performance.now();
  for (const unit of units) {
    const key = [tenantId, unit.accountId, unit.region];
    // Per unit: its plans (with rules and selections), vaults, settings, resources.
    const planIds = (
      await q(`select plan_id from backup_plans where tenant_id = $1 and account_id = $2 and region = $3`, key)
    ).map((r) => r.plan_id as string);
    const plans = full.plans.filter(
      (p) => p.accountId === unit.accountId && p.region === unit.region && planIds.includes(p.planId),
    );
    await q(`select * from backup_rules where tenant_id = $1 and account_id = $2 and region = $3`, key);
    await q(`select * from backup_selections where tenant_id = $1 and account_id = $2 and region = $3`, key);
    await q(`select * from backup_vaults where tenant_id = $1 and account_id = $2 and region = $3`, key);
    await q(`select * from region_settings where tenant_id = $1 and account_id = $2 and region = $3`, key);
    const vaults = full.vaults.filter((v) => v.accountId === unit.accountId && v.region === unit.region);
    const unitResources = full.resources.filter((r) => r.accountId === unit.accountId && r.region === unit.region);
    await q(`select * from resources where tenant_id = $1 and account_id = $2 and region = $3`, key);
    evaluate({ units: [unit], plans, vaults, resources: unitResources }, perUnit);
    const restores: RestoreJob[] = [];
    const copyUnits = new Set<string>();
    for (const p of plans)
      for (const rule of p.rules)
        for (const c of rule.copyActions) {
          const arn = c.destinationBackupVaultArn.split(":");
          if (`${arn[4]}|${arn[3]}` !== `${unit.accountId}|${unit.region}`) copyUnits.add(`${arn[4]}|${arn[3]}`);
        }
    for (const r of unitResources) {
      resources++;
      // Per resource: its recovery points (in its unit, and copies in the units its plans copy
      // to: recovery points are keyed by unit), its jobs, its restores.
      const rps = (
        await q(
          `select * from recovery_points where tenant_id = $1 and account_id = $2 and region = $3 and resource_arn = $4`,
          [...key, r.resourceArn],
        )
      ).map(point);
      for (const [account, region] of [...copyUnits].map((u) => u.split("|"))) {
        rps.push(
          ...(
            await q(
              `select * from recovery_points where tenant_id = $1 and account_id = $2 and region = $3 and resource_arn = $4`,
              [tenantId, account, region, r.resourceArn],
            )
          ).map(point),
        );
      }
      const jobs = (
        await q(
          `select * from backup_jobs where tenant_id = $1 and account_id = $2 and region = $3 and resource_arn = $4 and creation_date >= $5`,
          [...key, r.resourceArn, since],
        )
      ).map(backupJob);
      const copies = (
        await q(
          `select * from copy_jobs where tenant_id = $1 and account_id = $2 and region = $3 and resource_arn = $4 and creation_date >= $5`,
          [...key, r.resourceArn, since],
        )
      ).map(copyJob);
      const restored = (
        await q(
          `select * from restore_jobs where tenant_id = $1 and account_id = $2 and region = $3 and source_resource_arn = $4`,
          [...key, r.resourceArn],
        )
      ).map(restoreJob);
      restores.push(...restored);
      points += rps.length;
      const destinations = full.vaults.filter((v) =>
        plans.some((p) =>
          p.rules.some((rule) => rule.copyActions.some((c) => c.destinationBackupVaultArn === v.vaultArn)),
        ),
      );
      evaluate(
        {
          units: [unit],
          plans,
          vaults: [...vaults, ...destinations],
          resources: [r],
          recoveryPoints: rps,
          backupJobs: jobs,
          copyJobs: copies,
          restoreJobs: restored,
        },
        [...perResource, ...perPoint],
      );
    }
    evaluate({ units: [unit], resources: unitResources, restoreJobs: restores }, perAccount);
  }
  const wall = (performance.now() - t0) / 1000;
  await client.query("commit");
  client.release();
  await handle.close();
  const scale = full.units.length / Math.max(1, units.length);
  process.stdout.write(
    `${JSON.stringify({ sample_units: units.length, units: full.units.length, sample_resources: resources, sample_points: points, queries, sample_wall_s: Math.round(wall * 100) / 100, scaled_wall_s: Math.round(wall * scale * 10) / 10, scores: scoring.result().map((s) => [s.templateId, s.score]) })}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`baseline failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
