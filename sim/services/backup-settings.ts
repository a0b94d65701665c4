import { int, str } from "../http/input";
import { at } from "../http/timestamp";
import { REGION_SETTING_TYPES, MANAGEMENT_PREFERENCE_TYPES } from "../world/resource-types";
import { hex } from "../world/ids";
import { page, type Operation } from "./context";
import { DEFAULT_PAGE, shapes, unitOf } from "./backup-shapes";

/** Restore testing plans, audit report plans and frameworks, global and region settings (restJson1). */
const q = (wire: string, shape = str()) => ({ shape, loc: "query" as const, wire });
// These three operations name their query parameters in PascalCase, unlike the rest of Backup.
const upperPaging = { MaxResults: q("MaxResults", int(1, 1000)), NextToken: q("NextToken", shapes.nextToken) };

export const backupSettingsOperations: Operation[] = [
  {
    service: "backup",
    name: "ListRestoreTestingPlans",
    klass: "list",
    http: { method: "GET", uri: "/restore-testing/plans" },
    input: upperPaging,
    run(ctx, i) {
      const plans = unitOf(ctx).restoreTestingPlans.map((k) => ctx.state.restoreTestingPlans[k]!);
      const p = page(
        ctx,
        "backup",
        ["ListRestoreTestingPlans"],
        i.NextToken,
        (i.MaxResults as number) ?? DEFAULT_PAGE,
        plans.length,
        (k) => {
          const r = plans[k]!;
          return {
            CreationTime: at(r.created),
            LastExecutionTime: at(r.lastExecution),
            LastUpdateTime: at(r.created),
            RestoreTestingPlanArn: r.arn,
            RestoreTestingPlanName: r.name,
            ScheduleExpression: r.scheduleExpression,
            ScheduleExpressionTimezone: r.timezone ?? "Etc/UTC",
            StartWindowHours: r.startWindowHours,
          };
        },
      );
      return { NextToken: p.next, RestoreTestingPlans: p.items };
    },
  },
  {
    service: "backup",
    name: "ListReportPlans",
    klass: "list",
    http: { method: "GET", uri: "/audit/report-plans" },
    input: upperPaging,
    run(ctx, i) {
      const unit = unitOf(ctx);
      const plans = unit.reportPlans;
      const p = page(
        ctx,
        "backup",
        ["ListReportPlans"],
        i.NextToken,
        (i.MaxResults as number) ?? 1000,
        plans.length,
        (k) => {
          const r = plans[k]!;
          return {
            ReportPlanArn: `arn:aws:backup:${unit.region}:${unit.accountId}:report-plan:${r.name}-${hex(ctx.state.seed, 12, "report", unit.accountId, r.name)}`,
            ReportPlanName: r.name,
            ReportSetting: { ReportTemplate: r.template },
            ReportDeliveryChannel: { S3BucketName: `backup-reports-${unit.accountId}`, Formats: ["CSV"] },
            DeploymentStatus: "COMPLETED",
            CreationTime: at(r.created),
          };
        },
      );
      return { ReportPlans: p.items, NextToken: p.next };
    },
  },
  {
    service: "backup",
    name: "ListFrameworks",
    klass: "list",
    http: { method: "GET", uri: "/audit/frameworks" },
    input: upperPaging,
    run(ctx, i) {
      const unit = unitOf(ctx);
      const list = unit.frameworks;
      const p = page(
        ctx,
        "backup",
        ["ListFrameworks"],
        i.NextToken,
        (i.MaxResults as number) ?? 1000,
        list.length,
        (k) => {
          const f = list[k]!;
          return {
            FrameworkName: f.name,
            FrameworkArn: `arn:aws:backup:${unit.region}:${unit.accountId}:framework:${f.name}-${hex(ctx.state.seed, 36, "framework", unit.accountId, f.name)}`,
            NumberOfControls: f.controls,
            CreationTime: at(f.created),
            DeploymentStatus: "COMPLETED",
          };
        },
      );
      return { Frameworks: p.items, NextToken: p.next };
    },
  },
  {
    service: "backup",
    name: "DescribeGlobalSettings",
    klass: "get",
    http: { method: "GET", uri: "/global-settings" },
    input: {},
    run(ctx) {
      const a = ctx.state.org.accounts.get(ctx.caller.accountId);
      return {
        GlobalSettings: {
          isCrossAccountBackupEnabled: "true",
          isMpaEnabled: "false",
          isDelegatedAdministratorEnabled: String((a?.delegated_admin_services.length ?? 0) > 0),
        },
        LastUpdateTime: at(ctx.state.epoch - 30 * 86400),
      };
    },
  },
  {
    service: "backup",
    name: "DescribeRegionSettings",
    klass: "get",
    http: { method: "GET", uri: "/account-settings" },
    input: {},
    run(ctx) {
      const unit = unitOf(ctx);
      return {
        ResourceTypeOptInPreference: Object.fromEntries(REGION_SETTING_TYPES.map((t) => [t, !unit.notOptedIn.has(t)])),
        ResourceTypeManagementPreference: Object.fromEntries(MANAGEMENT_PREFERENCE_TYPES.map((t) => [t, true])),
      };
    },
  },
];
