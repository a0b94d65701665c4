import type { Rng } from "./rng";
import type { World } from "./schema";
import type { ResourceType } from "./resource-types";

export interface DemoAccounts {
  management: string;
  logArchive: string;
  audit: string;
  central: string;
  payments: string;
  web: string;
  data: string;
  dev: string;
  staging: string;
  sandbox1: string;
  sandbox2: string;
  legacy: string;
}
/** The organization's ARNs the demo shares air-gapped vaults with. */
export interface DemoOrg {
  arn: string;
  ouArn: (ouId: string) => string;
  workloadsOu: string;
  /** An account outside the organization: an isolated recovery account. */
  externalAccount: string;
}
type Parts = Pick<
  World,
  "resources" | "vaults" | "plans" | "restore_testing_plans" | "region_settings" | "report_plans" | "frameworks"
>;
type Resource = NonNullable<World["resources"]>[number];
type Vault = NonNullable<World["vaults"]>[number];
type Plan = NonNullable<World["plans"]>[number];

const DELETE_ACTIONS = [
  "backup:DeleteRecoveryPoint",
  "backup:UpdateRecoveryPointLifecycle",
  "backup:PutBackupVaultAccessPolicy",
];
const denyPolicy = (actions: string[], exempt?: string) => ({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "deny-recovery-point-deletion",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: actions,
      Resource: "*",
      ...(exempt ? { Condition: { ArnNotLike: { "aws:PrincipalArn": [exempt] } } } : {}),
    },
  ],
});
const role = (account: string) => `arn:aws:iam::${account}:role/service-role/AWSBackupDefaultServiceRole`;
/** The role GuardDuty scans recovery points with (a plan's ScanSettings name it). */
export const scannerRole = (account: string) => `arn:aws:iam::${account}:role/service-role/AWSBackupMalwareScanRole`;
const noConditions = { string_equals: [], string_not_equals: [], string_like: [], string_not_like: [] };

/** Per account and region contents of the demo world; comments name the controls each part exercises. */
export function demoUnits(ids: DemoAccounts, regions: string[], rng: Rng, org: DemoOrg): Parts {
  const resources: Resource[] = [];
  const vaults: Vault[] = [];
  const plans: Plan[] = [];
  const idOf = (type: ResourceType, name: string, account: string, region: string) =>
    type === "EC2"
      ? `i-${rng.hex(17)}`
      : type === "EBS"
        ? `vol-${rng.hex(17)}`
        : type === "EFS"
          ? `fs-${rng.hex(8)}`
          : type === "FSx"
            ? `fs-${rng.hex(17)}`
            : type === "S3"
              ? `${name}-${account.slice(-4)}-${region}`
              : name;
  const add = (
    account: string,
    region: string,
    type: ResourceType,
    name: string,
    tags: Record<string, string>,
    extra: Partial<Resource> = {},
  ) => {
    const r: Resource = {
      account_id: account,
      region,
      type,
      id: idOf(type, name, account, region),
      name,
      tags: { Name: name, ...tags },
      size_gb: rng.int(8, 500),
      ...extra,
    };
    resources.push(r);
    return r;
  };
  const arnOf = (r: Resource) =>
    ({
      EC2: `arn:aws:ec2:${r.region}:${r.account_id}:instance/${r.id}`,
      EBS: `arn:aws:ec2:${r.region}:${r.account_id}:volume/${r.id}`,
      RDS: `arn:aws:rds:${r.region}:${r.account_id}:db:${r.id}`,
      Aurora: `arn:aws:rds:${r.region}:${r.account_id}:cluster:${r.id}`,
      DynamoDB: `arn:aws:dynamodb:${r.region}:${r.account_id}:table/${r.id}`,
      EFS: `arn:aws:elasticfilesystem:${r.region}:${r.account_id}:file-system/${r.id}`,
      FSx: `arn:aws:fsx:${r.region}:${r.account_id}:file-system/${r.id}`,
      S3: `arn:aws:s3:::${r.id}`,
    })[r.type];
  const vault = (account: string, region: string, name: string, extra: Partial<Vault> = {}) =>
    vaults.push({ account_id: account, region, name, ...extra });

  for (const region of regions) {
    const east = region === "us-east-1";
    // Every reachable account has a Default vault (AWS-managed key, no lock, no policy): BK-03/08/16 fail.
    for (const a of [
      ids.management,
      ids.logArchive,
      ids.audit,
      ids.central,
      ids.payments,
      ids.web,
      ids.data,
      ids.dev,
      ids.staging,
      ids.sandbox1,
      ids.sandbox2,
    ])
      vault(a, region, "Default");

    // Management: weekly plan selecting one instance by ARN, 14 days (BK-02/05 fail, BK-09 stale), no org policy (BK-17 fail).
    // Its weekly scans come out clean in us-east-1 and fail in eu-west-1.
    const bastion = add(
      ids.management,
      region,
      "EC2",
      `bastion-${region}`,
      { env: "shared" },
      { scan_outcome: east ? "clean" : "failed" },
    );
    add(ids.management, region, "S3", "mgmt-billing", { env: "shared" }); // selected by nothing: BK-01 fail
    plans.push({
      account_id: ids.management,
      region,
      name: "mgmt-weekly",
      created: "-300d",
      versions: [
        {
          scan_settings: [{ resource_types: ["EC2"], scanner_role_arn: scannerRole(ids.management) }],
          rules: [
            {
              name: "weekly",
              target_vault: "Default",
              schedule: "cron(0 4 ? * SUN *)",
              lifecycle: { delete_after_days: 14 },
              scan_actions: [{ scan_mode: "FULL_SCAN" }],
            },
          ],
        },
      ],
      selections: [{ name: "bastion", iam_role_arn: role(ids.management), resources: [arnOf(bastion)] }],
    });

    // Log Archive: buckets by resource-type wildcard, last day of each month (L), 3650 days (> 2555: BK-12 fail), cold storage; unencrypted buckets (BK-04 fail).
    // Its buckets' points are scanned: the CloudTrail bucket's scans fail, the Config bucket's are clean.
    add(
      ids.logArchive,
      region,
      "S3",
      "org-cloudtrail",
      { env: "shared", "data-class": "logs" },
      { encrypted: false, scan_outcome: "failed" },
    );
    add(ids.logArchive, region, "S3", "org-config", { env: "shared", "data-class": "logs" });
    add(ids.logArchive, region, "EFS", "log-shipper", { env: "shared" }, { encrypted: false });
    // A vault on a key the security team keeps in Audit, whose key policy lets Log Archive use it
    // but not describe it: who manages it cannot be read (BK-16 ERROR, with KMS's reason).
    vault(ids.logArchive, region, "archive-vault", {
      encryption: "customer-managed",
      key: { account_id: ids.audit, alias: "log-archive", describable: false },
    });
    plans.push({
      account_id: ids.logArchive,
      region,
      name: "logs-monthly",
      created: "-390d",
      versions: [
        {
          scan_settings: [{ resource_types: ["S3"], scanner_role_arn: scannerRole(ids.logArchive) }],
          rules: [
            {
              name: "monthly",
              target_vault: "Default",
              schedule: "cron(0 2 L * ? *)",
              lifecycle: { move_to_cold_storage_after_days: 90, delete_after_days: 3650 },
              scan_actions: [{ scan_mode: "FULL_SCAN" }],
            },
          ],
        },
      ],
      selections: [{ name: "all-buckets", iam_role_arn: role(ids.logArchive), resources: ["arn:aws:s3:::*"] }],
    });

    // Audit: never-expiring plan on every second Saturday (#) via StringLike conditions (BK-12 fail), vault denying deletion with one exempt role (BK-03 pass).
    // Critical, copied monthly to an air-gapped vault that is neither shared nor behind multi-party approval.
    add(ids.audit, region, "DynamoDB", "audit-findings", {
      env: "prod",
      owner: "security-team",
      criticality: "critical",
    });
    add(ids.audit, region, "EBS", "audit-scratch", { env: "dev", owner: "security-team" });
    // Its key has no alias: after ListAliases names aws/backup, DescribeKey tells the rest (BK-16 pass).
    vault(ids.audit, region, "audit-vault", {
      encryption: "customer-managed",
      key: { alias: null },
      access_policy: denyPolicy(DELETE_ACTIONS, `arn:aws:iam::${ids.audit}:role/BackupAdmin`),
    });
    plans.push({
      account_id: ids.audit,
      region,
      name: "audit-forever",
      created: "-200d",
      versions: [
        {
          rules: [
            {
              name: "monthly-keep",
              target_vault: "audit-vault",
              schedule: "cron(0 1 ? * SAT#2 *)",
              copy_actions: east
                ? [
                    {
                      destination_vault_arn: `arn:aws:backup:${region}:${ids.audit}:backup-vault:audit-airgap`,
                      lifecycle: { delete_after_days: 365 },
                    },
                  ]
                : [],
            },
          ],
        },
      ],
      selections: [
        {
          name: "security-owned",
          iam_role_arn: role(ids.audit),
          resources: ["*"],
          conditions: {
            ...noConditions,
            string_like: [{ key: "aws:ResourceTag/owner", value: "security-*" }],
            string_not_like: [{ key: "aws:ResourceTag/env", value: "dev*" }],
          },
        },
      ],
    });

    // Backup Central: cross-account copy target with a compliance Vault Lock past its lock date (BK-08 pass) and deny-all policy (BK-03 pass).
    vault(ids.central, region, "central-vault", {
      encryption: "customer-managed",
      lock: { mode: "compliance", min_retention_days: 7, max_retention_days: 3650, lock_date: "-60d" },
      access_policy: denyPolicy(DELETE_ACTIONS),
      notifications: {
        sns_topic_arn: `arn:aws:sns:${region}:${ids.central}:backup-events`,
        events: ["BACKUP_JOB_FAILED", "COPY_JOB_FAILED", "RECOVERY_POINT_MODIFIED"],
      },
    });
    // Its air-gapped vaults: in us-east-1 shared (AWS RAM) with an isolated recovery account outside
    // the organization and guarded by a multi-party approval team; in eu-west-1 shared only inside
    // the organization (the Workloads OU and Audit).
    vault(ids.central, region, "airgap-vault", {
      type: "LOGICALLY_AIR_GAPPED_BACKUP_VAULT",
      encryption: "aws-owned",
      lock: { mode: "compliance", min_retention_days: 7, max_retention_days: 3650, lock_date: east ? "-90d" : "-30d" },
      ...(east
        ? {
            shared_with: [{ principal: org.externalAccount }],
            mpa_approval_team_arn: `arn:aws:mpa::${ids.management}:approval-team/${Buffer.from(ids.central).toString("hex").slice(0, 16)}`,
          }
        : { shared_with: [{ principal: org.ouArn(org.workloadsOu) }, { principal: ids.audit }], created: "-45d" }),
    });
    add(ids.central, region, "EBS", "central-tools", { env: "shared" });

    // Workload accounts hold the org policy's vault (org-vault), except Staging in eu-west-1 (BK-15: target vault missing).
    for (const a of [ids.payments, ids.web, ids.data, ids.dev, ids.staging]) {
      if (a === ids.staging && !east) continue;
      const prodAccount = a === ids.payments || a === ids.web || a === ids.data;
      vault(
        a,
        region,
        "org-vault",
        prodAccount ? { encryption: "customer-managed", access_policy: denyPolicy(DELETE_ACTIONS) } : {},
      );
    }

    // Prod Payments: hourly plan with continuous backup for gold/platinum tiers (ListOfTags OR), copy cross-region,
    // governance Vault Lock 7..365 on prod-vault; restore testing for RDS and DynamoDB.
    const other = regions.find((r) => r !== region) as string;
    vault(ids.payments, region, "prod-vault", {
      encryption: "customer-managed",
      lock: { mode: "governance", min_retention_days: 7, max_retention_days: 365 },
      access_policy: denyPolicy(DELETE_ACTIONS),
    });
    add(
      ids.payments,
      region,
      "RDS",
      `payments-db-${region}`,
      { env: "prod", tier: "gold", backup: "org", criticality: "critical" },
      { restore_minutes: 45, restore_validation: "successful" },
    );
    add(
      ids.payments,
      region,
      "Aurora",
      `ledger-cluster-${region}`,
      { env: "prod", tier: "platinum" },
      { restore_minutes: 900 },
    );
    add(ids.payments, region, "DynamoDB", "payment-events", {
      env: "prod",
      tier: "gold",
      backup: "critical",
      criticality: "critical",
    });
    add(ids.payments, region, "EBS", `payments-worker-${region}`, {
      env: "prod",
      backup: "daily",
      "data-classification": "personal",
    });
    add(ids.payments, region, "EC2", `payments-batch-${region}`, { env: "prod" }); // unprotected
    plans.push({
      account_id: ids.payments,
      region,
      name: "payments-hourly",
      created: "-250d",
      versions: [
        {
          created: "-250d",
          rules: [
            {
              name: "hourly",
              target_vault: "prod-vault",
              schedule: "cron(0 * ? * * *)",
              start_window_minutes: 60,
              lifecycle: { delete_after_days: 3 },
            },
          ],
        },
        {
          created: "-100d",
          rules: [
            {
              name: "hourly",
              target_vault: "prod-vault",
              schedule: "cron(0 * ? * * *)",
              start_window_minutes: 60,
              continuous: true,
              lifecycle: { delete_after_days: 7 },
              copy_actions: [
                {
                  destination_vault_arn: `arn:aws:backup:${other}:${ids.payments}:backup-vault:prod-vault`,
                  lifecycle: { delete_after_days: 7 },
                },
              ],
            },
          ],
        },
      ],
      selections: [
        {
          name: "gold-and-platinum",
          iam_role_arn: role(ids.payments),
          list_of_tags: [
            { key: "tier", value: "gold" },
            { key: "tier", value: "platinum" },
          ],
        },
      ],
    });

    // Prod Web: org plan only; an instance whose backups complete with issues (BK-14), an unencrypted volume (BK-04).
    add(ids.web, region, "EC2", `web-${region}-1`, { env: "prod", backup: "org" }, { backup_outcome: "issues" });
    add(ids.web, region, "EC2", `web-${region}-2`, { env: "prod", backup: "org" });
    add(ids.web, region, "EBS", `web-cache-${region}`, { env: "prod", backup: "daily" }, { encrypted: false });
    add(ids.web, region, "S3", "web-assets", { env: "prod" }); // unprotected

    // Prod Data: rate() and monthly rules by Conditions (AND) with NotResources, copies of both rules
    // to the air-gapped vault (BK-11 passes for these resources only), FSx not opted in in eu-west-1 (BK-15).
    const table = add(ids.data, region, "DynamoDB", "customer-profiles", {
      env: "prod",
      "data-class": "pii",
      criticality: "critical",
    });
    const excluded = add(ids.data, region, "DynamoDB", "scratch-table", { env: "prod", "data-class": "pii" });
    // Indexed (ACTIVE in us-east-1, FAILED in eu-west-1) and scanned: in us-east-1 its newest points carry malware.
    add(
      ids.data,
      region,
      "S3",
      "data-lake",
      { env: "prod", "data-class": "pii", backup: "org", "data-classification": "personal" },
      { scan_outcome: east ? "infected" : "clean", index_outcome: east ? "active" : "failed" },
    );
    add(ids.data, region, "EFS", "shared-home", { env: "prod", "data-class": "internal" }, { encrypted: false });
    add(
      ids.data,
      region,
      "FSx",
      `analytics-fsx-${region}`,
      { env: "prod", "data-class": "pii" },
      east ? { backup_outcome: "fail_recent" } : {},
    );
    void table;
    plans.push({
      account_id: ids.data,
      region,
      name: "data-protection",
      created: "-380d",
      versions: [
        {
          // The bucket's points are indexed and scanned: incrementally twice a day, in full monthly.
          scan_settings: [{ resource_types: ["S3"], scanner_role_arn: scannerRole(ids.data) }],
          rules: [
            {
              name: "twice-daily",
              target_vault: "org-vault",
              schedule: "rate(12 hours)",
              lifecycle: { delete_after_days: 14 },
              copy_actions: [
                {
                  destination_vault_arn: `arn:aws:backup:us-east-1:${ids.central}:backup-vault:airgap-vault`,
                  lifecycle: { delete_after_days: 14 },
                },
              ],
              scan_actions: [{ scan_mode: "INCREMENTAL_SCAN" }],
              index_actions: [{ resource_types: ["S3"] }],
            },
            {
              name: "monthly-archive",
              target_vault: "org-vault",
              schedule: "cron(0 5 1 * ? *)",
              timezone: "Europe/Berlin",
              lifecycle: { move_to_cold_storage_after_days: 30, delete_after_days: 365 },
              copy_actions: [
                {
                  destination_vault_arn: `arn:aws:backup:us-east-1:${ids.central}:backup-vault:airgap-vault`,
                  lifecycle: { delete_after_days: 365 },
                },
              ],
              scan_actions: [{ scan_mode: "FULL_SCAN" }],
              index_actions: [{ resource_types: ["S3"] }],
            },
          ],
        },
      ],
      selections: [
        {
          name: "pii-prod",
          iam_role_arn: role(ids.data),
          resources: ["*"],
          not_resources: [arnOf(excluded)],
          conditions: {
            ...noConditions,
            string_equals: [{ key: "aws:ResourceTag/data-class", value: "pii" }],
            string_not_equals: [{ key: "aws:ResourceTag/env", value: "dev" }],
          },
        },
      ],
    });

    // Dev: weekday plan, 7 days (BK-05 fail), failing and aborted jobs; a plan selected but not yet run.
    add(ids.dev, region, "EC2", `dev-app-${region}`, { env: "dev", backup: "dev" }, { backup_outcome: "fail" });
    add(ids.dev, region, "EBS", `dev-data-${region}`, { env: "dev", backup: "dev" }, { backup_outcome: "abort" });
    add(ids.dev, region, "RDS", `dev-db-${region}`, { env: "dev", backup: "dev" });
    add(ids.dev, region, "EBS", `dev-new-${region}`, { env: "dev", backup: "new" });
    add(ids.dev, region, "EC2", `dev-tools-${region}`, { env: "dev", backup: "org" });
    plans.push({
      account_id: ids.dev,
      region,
      name: "dev-weekdays",
      created: "-120d",
      versions: [
        {
          rules: [
            {
              name: "weekdays",
              target_vault: "Default",
              schedule: "cron(30 1 ? * MON-FRI *)",
              lifecycle: { delete_after_days: 7 },
            },
          ],
        },
      ],
      selections: [
        {
          name: "dev-tagged",
          iam_role_arn: role(ids.dev),
          resources: ["arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:*:*:volume/*", "arn:aws:rds:*:*:db:*"],
          conditions: { ...noConditions, string_equals: [{ key: "aws:ResourceTag/backup", value: "dev" }] },
        },
      ],
    });
    plans.push({
      account_id: ids.dev,
      region,
      name: "dev-new",
      created: "-30m",
      versions: [
        {
          rules: [
            { name: "weekly", target_vault: "Default", schedule: "rate(7 days)", lifecycle: { delete_after_days: 35 } },
          ],
        },
      ],
      selections: [{ name: "new", iam_role_arn: role(ids.dev), list_of_tags: [{ key: "backup", value: "new" }] }],
    });

    // Staging: twice-daily (step 6/12) 14-day plan; a vault denying only some deletion actions (BK-03 fail); expired jobs.
    add(
      ids.staging,
      region,
      "EC2",
      `staging-app-${region}`,
      { env: "staging", backup: "org" },
      { backup_outcome: "expire" },
    );
    add(
      ids.staging,
      region,
      "Aurora",
      `staging-db-${region}`,
      { env: "staging", backup: "staging" },
      { restore_minutes: 900 },
    ); // slow restores: BK-10 fail
    vault(ids.staging, region, "staging-vault", { access_policy: denyPolicy(["backup:DeleteRecoveryPoint"]) });
    plans.push({
      account_id: ids.staging,
      region,
      name: "staging-2x",
      created: "-90d",
      versions: [
        {
          rules: [
            {
              name: "twice",
              target_vault: "staging-vault",
              schedule: "cron(0 6/12 ? * * *)",
              lifecycle: { delete_after_days: 14 },
            },
          ],
        },
      ],
      selections: [
        { name: "staging", iam_role_arn: role(ids.staging), list_of_tags: [{ key: "backup", value: "staging" }] },
      ],
    });

    // Sandboxes: unreachable (role missing / not trusting the management role); their contents stay unseen.
    add(ids.sandbox1, region, "EC2", `sandbox-one-${region}`, { env: "sandbox" });
    add(ids.sandbox2, region, "EBS", `sandbox-two-${region}`, { env: "sandbox" });
  }
  return {
    resources,
    vaults,
    plans,
    restore_testing_plans: [
      {
        account_id: ids.payments,
        region: "us-east-1",
        name: "weekly_restore_test",
        schedule: "cron(0 2 ? * MON *)",
        created: "-120d",
        resource_types: ["RDS", "DynamoDB"],
      },
      {
        account_id: ids.staging,
        region: "us-east-1",
        name: "staging_restore_test",
        schedule: "rate(7 days)",
        created: "-60d",
        resource_types: ["Aurora"],
      },
    ],
    region_settings: [{ account_id: ids.data, region: "eu-west-1", not_opted_in: ["FSx"] }],
    report_plans: [
      { account_id: ids.audit, region: "us-east-1", name: "daily_jobs_report", template: "BACKUP_JOB_REPORT" },
    ],
    frameworks: [{ account_id: ids.audit, region: "us-east-1", name: "baseline_framework", controls: 11 }],
  };
}
