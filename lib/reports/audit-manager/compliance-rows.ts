import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import type { ControlId, FindingStatus, SubjectType } from "@/lib/compliance/model/finding";
import { getEvaluationRuns, resolveEvaluation, type EvaluationRef } from "@/lib/compliance/read/evaluations";
import { listPanelsAt, readPanelAt, type PanelAt } from "@/lib/compliance/read/panels";
import type { CONTROL_COMPLIANCE_COLUMNS, RESOURCE_COMPLIANCE_COLUMNS, ReportRow } from "./columns";

// Rows of the two compliance reports, from the evaluation in force at the report's instant: one
// framework per template the evaluation scored, one row per (account, region, framework, control)
// or per finding, as AWS writes them per account and region. Panels are read one at a time.
//
// AWS's statuses are AWS Config's (https://docs.aws.amazon.com/config/latest/APIReference/API_EvaluationResult.html,
// API_Compliance.html): a resource is COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE; a control is
// NON_COMPLIANT when any resource is, COMPLIANT when some are and none is not, otherwise
// INSUFFICIENT_DATA. Ours map as: PASS → COMPLIANT; FAIL → NON_COMPLIANT, and so does a FAIL with
// an accepted exception (AWS has no exceptions: the resource still does not comply);
// NOT_APPLICABLE → NOT_APPLICABLE; ERROR ("could not be read") → INSUFFICIENT_DATA, which also
// makes a control with no failure but an unread subject INSUFFICIENT_DATA rather than COMPLIANT.

/** Audit Manager's ControlName of the controls that are its own (PRODUCT.md, features.md 1.2). */
export const AWS_CONTROL_NAMES: Partial<Record<ControlId, string>> = {
  "BK-01": "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN",
  "BK-02": "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
  "BK-03": "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED",
  "BK-04": "BACKUP_RECOVERY_POINT_ENCRYPTED",
  "BK-05": "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK",
  "BK-06": "BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION",
  "BK-07": "BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT",
  "BK-08": "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK",
  "BK-09": "BACKUP_LAST_RECOVERY_POINT_CREATED",
  "BK-10": "RESTORE_TIME_FOR_RESOURCES_MEET_TARGET",
  "BK-11": "RESOURCES_IN_LOGICALLY_AIR_GAPPED_VAULT",
};
export const controlNameOf = (id: ControlId): string => AWS_CONTROL_NAMES[id] ?? id;

export const RESOURCE_STATUS: Record<FindingStatus, string> = {
  PASS: "COMPLIANT",
  FAIL: "NON_COMPLIANT",
  NOT_APPLICABLE: "NOT_APPLICABLE",
  ERROR: "INSUFFICIENT_DATA",
};

export function controlStatus(c: { compliant: number; nonCompliant: number; error: number }): string {
  if (c.nonCompliant > 0) return "NON_COMPLIANT";
  if (c.error > 0 || c.compliant === 0) return "INSUFFICIENT_DATA";
  return "COMPLIANT";
}

// AWS writes AWS Config resource types. Backup resource types with a Config type we are sure of
// are translated; any other keeps AWS Backup's name.
const CONFIG_TYPES: Record<string, string> = {
  EC2: "AWS::EC2::Instance",
  EBS: "AWS::EC2::Volume",
  EFS: "AWS::EFS::FileSystem",
  RDS: "AWS::RDS::DBInstance",
  Aurora: "AWS::RDS::DBCluster",
  DynamoDB: "AWS::DynamoDB::Table",
  S3: "AWS::S3::Bucket",
  Redshift: "AWS::Redshift::Cluster",
  CloudFormation: "AWS::CloudFormation::Stack",
};
const SUBJECT_CONFIG_TYPES: Record<Exclude<SubjectType, "resource">, string> = {
  plan: "AWS::Backup::BackupPlan",
  "plan-rule": "AWS::Backup::BackupPlan",
  vault: "AWS::Backup::BackupVault",
  "recovery-point": "AWS::Backup::RecoveryPoint",
  "account-region": "AWS::::Account",
  "account-resource-type": "AWS::::Account",
};
export function resourceTypeOf(subjectType: SubjectType, resourceType: string | null): string | null {
  if (subjectType !== "resource") return SUBJECT_CONFIG_TYPES[subjectType];
  return resourceType ? (CONFIG_TYPES[resourceType] ?? resourceType) : null;
}

export interface ComplianceReportQuery {
  tenantId: string;
  asOf: Date;
  accountIds?: string[];
  regions?: string[];
}

interface Framework {
  name: string;
  description: string;
  /** Run id → its control, parameters and scope. */
  runs: Map<number, { controlId: ControlId; params: unknown; scope: unknown }>;
}

interface Context {
  evaluation: EvaluationRef;
  frameworks: Framework[];
}

/** Accounts whose panels are listed at once: a tenant's thousands of accounts never all in memory. */
const ACCOUNTS_AT_ONCE = 50;

async function contextOf(db: Db, q: ComplianceReportQuery): Promise<Context | null> {
  const evaluation = await resolveEvaluation(db, { tenantId: q.tenantId, asOf: q.asOf });
  if (!evaluation) return null;
  const { runs, requirements } = await getEvaluationRuns(db, { tenantId: q.tenantId, evaluation });
  const byId = new Map(runs.map((r) => [r.id, r]));
  const ids = evaluation.templates.map((t) => t.templateId);
  const described = ids.length
    ? (
        await db.execute<{ id: string; description: string | null }>(
          sql`select id, definition->>'description' as description from compliance_templates where id = any(${sql.param(ids)}::uuid[])`,
        )
      ).rows
    : [];
  const descriptionOf = new Map(described.map((r) => [r.id, r.description ?? ""]));
  const frameworks = evaluation.templates.map((t): Framework => {
    const own = new Map<number, { controlId: ControlId; params: unknown; scope: unknown }>();
    for (const req of requirements[t.slug] ?? [])
      for (const id of req.runIds) {
        const run = byId.get(id);
        if (run) own.set(id, { controlId: run.controlId, params: run.params, scope: run.scope });
      }
    return { name: t.name, description: descriptionOf.get(t.templateId) ?? "", runs: own };
  });
  return { evaluation, frameworks };
}

/** The evaluation's panels of the asked accounts and regions, in listPanelsAt's order, a few accounts at a time. */
async function* panelsOf(db: Db, q: ComplianceReportQuery, evaluationId: number): AsyncGenerator<PanelAt[]> {
  const accounts =
    q.accountIds && q.accountIds.length
      ? [...q.accountIds].sort()
      : (
          await db.execute<{ account_id: string }>(
            sql`select distinct account_id from compliance_panels where tenant_id = ${q.tenantId} order by account_id`,
          )
        ).rows.map((r) => r.account_id);
  for (let i = 0; i < accounts.length; i += ACCOUNTS_AT_ONCE) {
    const panels = await listPanelsAt(db, {
      tenantId: q.tenantId,
      evaluationId,
      accountIds: accounts.slice(i, i + ACCOUNTS_AT_ONCE),
      regions: q.regions,
    });
    if (panels.length) yield panels;
  }
}

/** Panels in runs of one (account, region), in listPanelsAt's (account, region, …) order. */
function* byAccountRegion(panels: PanelAt[]): Generator<PanelAt[]> {
  let group: PanelAt[] = [];
  for (const p of panels) {
    const first = group[0];
    if (first && (first.accountId !== p.accountId || first.region !== p.region)) {
      yield group;
      group = [];
    }
    group.push(p);
  }
  if (group.length) yield group;
}

export async function* controlComplianceRows(
  db: Db,
  q: ComplianceReportQuery,
): AsyncGenerator<Array<ReportRow<typeof CONTROL_COMPLIANCE_COLUMNS>>> {
  const ctx = await contextOf(db, q);
  if (!ctx) return;
  const lastEvaluationTime = ctx.evaluation.evaluatedAt.toISOString();
  for await (const panels of panelsOf(db, q, ctx.evaluation.id))
    for (const group of byAccountRegion(panels)) {
      const out: Array<ReportRow<typeof CONTROL_COMPLIANCE_COLUMNS>> = [];
      for (const fw of ctx.frameworks) {
        const perControl = new Map<
          ControlId,
          { compliant: number; nonCompliant: number; error: number; params: unknown; scope: unknown }
        >();
        for (const panel of group)
          for (const [run, counts] of Object.entries(panel.counts)) {
            const r = fw.runs.get(Number(run));
            if (!r) continue;
            const c = perControl.get(r.controlId) ?? {
              compliant: 0,
              nonCompliant: 0,
              error: 0,
              params: r.params,
              scope: r.scope,
            };
            c.compliant += counts[0]!;
            c.nonCompliant += counts[1]!;
            c.error += counts[3]!;
            perControl.set(r.controlId, c);
          }
        for (const [controlId, c] of [...perControl].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
          out.push({
            accountId: group[0]!.accountId,
            region: group[0]!.region,
            frameworkName: fw.name,
            frameworkDescription: fw.description,
            controlName: controlNameOf(controlId),
            controlComplianceStatus: controlStatus(c),
            lastEvaluationTime,
            numResourcesCompliant: c.compliant,
            numResourcesNonCompliant: c.nonCompliant,
            controlFrequency: null,
            controlScope: JSON.stringify(c.scope ?? {}),
            controlParameters: JSON.stringify(c.params ?? {}),
          });
      }
      if (out.length) yield out;
    }
}

export async function* resourceComplianceRows(
  db: Db,
  q: ComplianceReportQuery,
): AsyncGenerator<Array<ReportRow<typeof RESOURCE_COMPLIANCE_COLUMNS>>> {
  const ctx = await contextOf(db, q);
  if (!ctx) return;
  const lastEvaluationTime = ctx.evaluation.evaluatedAt.toISOString();
  for await (const panels of panelsOf(db, q, ctx.evaluation.id))
    for (const panel of panels) {
      const entries = await readPanelAt(db, {
        tenantId: q.tenantId,
        panelId: panel.id,
        evaluationId: ctx.evaluation.id,
      });
      const out: Array<ReportRow<typeof RESOURCE_COMPLIANCE_COLUMNS>> = [];
      for (const fw of ctx.frameworks)
        for (const e of entries) {
          const r = fw.runs.get(e.runId);
          if (!r) continue;
          out.push({
            accountId: panel.accountId,
            region: panel.region,
            frameworkName: fw.name,
            frameworkDescription: fw.description,
            controlName: controlNameOf(r.controlId),
            resourceId: e.key,
            resourceType: resourceTypeOf(panel.subjectType, e.resourceType),
            resourceComplianceStatus: RESOURCE_STATUS[e.status],
            lastEvaluationTime,
          });
        }
      if (out.length) yield out;
    }
}
