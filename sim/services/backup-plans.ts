import { SimError } from "../http/errors";
import { bool, int, str } from "../http/input";
import { at } from "../http/timestamp";
import type { PlanRt, PlanVersionRt, RuleRt, SimState } from "../engine/model";
import { currentVersion } from "../engine/plans";
import { page, type Operation } from "./context";
import { DEFAULT_PAGE, lifecycle, planOf, shapes, unitOf } from "./backup-shapes";

/** Backup plans, versions and selections (restJson1). */
const label = (wire: string) => ({ shape: str(), required: true, loc: "label" as const, wire });
const q = (wire: string, shape = str()) => ({ shape, loc: "query" as const, wire });
const paging = { NextToken: q("nextToken", shapes.nextToken), MaxResults: q("maxResults", shapes.maxResults) };

function planListMember(plan: PlanRt, version: PlanVersionRt) {
  return {
    BackupPlanArn: plan.arn,
    BackupPlanId: plan.id,
    CreationDate: at(version.created),
    ...(plan.deleted !== undefined ? { DeletionDate: at(plan.deleted) } : {}),
    VersionId: version.versionId,
    BackupPlanName: plan.name,
    CreatorRequestId: plan.creatorRequestId,
    LastExecutionDate: at(plan.lastExecution),
    ...(version.advancedBackupSettings.length ? { AdvancedBackupSettings: advanced(version) } : {}),
  };
}

const advanced = (v: PlanVersionRt) =>
  v.advancedBackupSettings.map((a) => ({ ResourceType: a.resourceType, BackupOptions: a.backupOptions }));

function ruleShape(rule: RuleRt) {
  return {
    RuleName: rule.name,
    TargetBackupVaultName: rule.targetVault,
    ScheduleExpression: rule.scheduleExpression,
    StartWindowMinutes: rule.startWindowMinutes,
    CompletionWindowMinutes: rule.completionWindowMinutes,
    Lifecycle: lifecycle(rule.lifecycle.deleteAfterDays, rule.lifecycle.coldAfterDays),
    ...(Object.keys(rule.recoveryPointTags).length ? { RecoveryPointTags: rule.recoveryPointTags } : {}),
    RuleId: rule.ruleId,
    ...(rule.copyActions.length
      ? {
          CopyActions: rule.copyActions.map((c) => ({
            Lifecycle: c.lifecycle ? lifecycle(c.lifecycle.deleteAfterDays, c.lifecycle.coldAfterDays) : undefined,
            DestinationBackupVaultArn: c.destinationVaultArn,
          })),
        }
      : {}),
    ...(rule.continuous ? { EnableContinuousBackup: true } : {}),
    ScheduleExpressionTimezone: rule.timezone ?? "Etc/UTC",
    ...(rule.indexActions.length
      ? { IndexActions: rule.indexActions.map((a) => ({ ResourceTypes: a.resourceTypes })) }
      : {}),
    ...(rule.scanActions.length
      ? { ScanActions: rule.scanActions.map((a) => ({ MalwareScanner: a.malwareScanner, ScanMode: a.scanMode })) }
      : {}),
  };
}

const scanSettings = (v: PlanVersionRt) =>
  v.scanSettings.map((s) => ({
    MalwareScanner: s.malwareScanner,
    ResourceTypes: s.resourceTypes,
    ScannerRoleArn: s.scannerRoleArn,
  }));

function scheduledRuns(state: SimState, version: PlanVersionRt, plan: PlanRt, n: number) {
  const runs: { ExecutionTime: ReturnType<typeof at>; RuleId: string; RuleExecutionType: string; t: number }[] = [];
  for (const ri of version.rules) {
    const rule = state.rules[ri] as RuleRt;
    for (const t of rule.schedule?.fires(state.now, state.now + 400 * 86400, plan.created).slice(0, n) ?? []) {
      runs.push({
        ExecutionTime: at(t),
        RuleId: rule.ruleId,
        RuleExecutionType: rule.continuous ? "CONTINUOUS_AND_SNAPSHOTS" : "SNAPSHOTS",
        t,
      });
    }
  }
  return runs
    .sort((a, b) => a.t - b.t)
    .slice(0, n)
    .map(({ t: _t, ...r }) => r);
}

export const backupPlanOperations: Operation[] = [
  {
    service: "backup",
    name: "ListBackupPlans",
    klass: "list",
    http: { method: "GET", uri: "/backup/plans" },
    input: { ...paging, IncludeDeleted: q("includeDeleted", bool) },
    run(ctx, i) {
      const plans = unitOf(ctx)
        .plans.map((p) => ctx.state.plans[p] as PlanRt)
        .filter((p) => p.created <= ctx.state.now && (i.IncludeDeleted === true || p.deleted === undefined));
      const p = page(
        ctx,
        "backup",
        ["ListBackupPlans", i.IncludeDeleted],
        i.NextToken,
        (i.MaxResults as number) ?? DEFAULT_PAGE,
        plans.length,
        (k) => planListMember(plans[k]!, currentVersion(plans[k]!)),
      );
      return { NextToken: p.next, BackupPlansList: p.items };
    },
  },
  {
    service: "backup",
    name: "GetBackupPlan",
    klass: "get",
    http: { method: "GET", uri: "/backup/plans/{BackupPlanId}" },
    input: {
      BackupPlanId: label("backupPlanId"),
      VersionId: q("versionId"),
      MaxScheduledRunsPreview: q("MaxScheduledRunsPreview", int(0, 10)),
    },
    run(ctx, i) {
      const plan = planOf(ctx, i.BackupPlanId as string);
      const version =
        i.VersionId === undefined ? currentVersion(plan) : plan.versions.find((v) => v.versionId === i.VersionId);
      if (!version)
        throw new SimError("ResourceNotFoundException", "Failed reading Backup plan with provided version", 400, {
          Code: "ERROR_3005",
          Type: "User",
          Context: "",
        });
      const n = (i.MaxScheduledRunsPreview as number | undefined) ?? 0;
      return {
        BackupPlan: {
          BackupPlanName: plan.name,
          Rules: version.rules.map((r) => ruleShape(ctx.state.rules[r] as RuleRt)),
          ...(version.advancedBackupSettings.length ? { AdvancedBackupSettings: advanced(version) } : {}),
          ...(version.scanSettings.length ? { ScanSettings: scanSettings(version) } : {}),
        },
        BackupPlanId: plan.id,
        BackupPlanArn: plan.arn,
        VersionId: version.versionId,
        CreatorRequestId: plan.creatorRequestId,
        CreationDate: at(version.created),
        ...(plan.deleted !== undefined ? { DeletionDate: at(plan.deleted) } : {}),
        LastExecutionDate: at(plan.lastExecution),
        ...(version.advancedBackupSettings.length ? { AdvancedBackupSettings: advanced(version) } : {}),
        ...(n > 0 && plan.deleted === undefined
          ? { ScheduledRunsPreview: scheduledRuns(ctx.state, version, plan, n) }
          : {}),
      };
    },
  },
  {
    service: "backup",
    name: "ListBackupPlanVersions",
    klass: "list",
    http: { method: "GET", uri: "/backup/plans/{BackupPlanId}/versions" },
    input: { BackupPlanId: label("backupPlanId"), ...paging },
    run(ctx, i) {
      const plan = planOf(ctx, i.BackupPlanId as string);
      const versions = [...plan.versions].reverse();
      const p = page(
        ctx,
        "backup",
        ["ListBackupPlanVersions", plan.id],
        i.NextToken,
        (i.MaxResults as number) ?? DEFAULT_PAGE,
        versions.length,
        (k) => planListMember(plan, versions[k]!),
      );
      return { NextToken: p.next, BackupPlanVersionsList: p.items };
    },
  },
  {
    service: "backup",
    name: "ListBackupSelections",
    klass: "list",
    http: { method: "GET", uri: "/backup/plans/{BackupPlanId}/selections" },
    input: { BackupPlanId: label("backupPlanId"), ...paging },
    run(ctx, i) {
      const plan = planOf(ctx, i.BackupPlanId as string);
      const p = page(
        ctx,
        "backup",
        ["ListBackupSelections", plan.id],
        i.NextToken,
        (i.MaxResults as number) ?? DEFAULT_PAGE,
        plan.selections.length,
        (k) => {
          const s = plan.selections[k]!;
          return {
            SelectionId: s.id,
            SelectionName: s.name,
            BackupPlanId: plan.id,
            CreationDate: at(s.created),
            CreatorRequestId: s.creatorRequestId,
            IamRoleArn: s.iamRoleArn,
          };
        },
      );
      return { NextToken: p.next, BackupSelectionsList: p.items };
    },
  },
  {
    service: "backup",
    name: "GetBackupSelection",
    klass: "get",
    http: { method: "GET", uri: "/backup/plans/{BackupPlanId}/selections/{SelectionId}" },
    input: { BackupPlanId: label("backupPlanId"), SelectionId: label("selectionId") },
    run(ctx, i) {
      const plan = planOf(ctx, i.BackupPlanId as string);
      const s = plan.selections.find((x) => x.id === i.SelectionId);
      if (!s)
        throw new SimError(
          "ResourceNotFoundException",
          `Selection ${String(i.SelectionId)} not found for plan ${plan.id}`,
          400,
          { Code: "ERROR_3011", Type: "User", Context: "" },
        );
      const kv = (list: { key: string; value: string }[]) =>
        list.map((c) => ({ ConditionKey: c.key, ConditionValue: c.value }));
      return {
        BackupSelection: {
          SelectionName: s.name,
          IamRoleArn: s.iamRoleArn,
          Resources: s.resources,
          ListOfTags: s.listOfTags.map((t) => ({
            ConditionType: "STRINGEQUALS",
            ConditionKey: t.key,
            ConditionValue: t.value,
          })),
          NotResources: s.notResources,
          Conditions: {
            StringEquals: kv(s.conditions.stringEquals),
            StringNotEquals: kv(s.conditions.stringNotEquals),
            StringLike: kv(s.conditions.stringLike),
            StringNotLike: kv(s.conditions.stringNotLike),
          },
        },
        SelectionId: s.id,
        BackupPlanId: plan.id,
        CreationDate: at(s.created),
        CreatorRequestId: s.creatorRequestId,
      };
    },
  },
];
