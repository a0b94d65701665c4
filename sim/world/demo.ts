import { createRng, hashString } from "./rng";
import type { World } from "./schema";
import { demoUnits, type DemoAccounts } from "./demo-units";
import { addDemoHygiene } from "./demo-hygiene";
import { addDemoResilience } from "./demo-resilience";
import { addDemoMisconfigured } from "./demo-misconfigured";

/**
 * The `demo` preset: fifteen accounts in nested OUs, two regions, a few thousand recovery points,
 * and a deliberate mix so that every control BK-01..BK-17 has passing and failing subjects
 * (sim/README.md lists which part of the world exercises which control).
 */
export function demoWorld(seed = 1): World {
  const rng = createRng(hashString("demo", seed));
  const acct = () => String(rng.int(1, 9)) + String(rng.int(0, 99999999999)).padStart(11, "0");
  const ids: DemoAccounts = {
    management: acct(),
    logArchive: acct(),
    audit: acct(),
    central: acct(),
    payments: acct(),
    web: acct(),
    data: acct(),
    dev: acct(),
    staging: acct(),
    sandbox1: acct(),
    sandbox2: acct(),
    legacy: acct(),
  };
  const orgId = `o-${rng.hex(10)}`;
  const root = `r-${rng.hex(4)}`;
  const ou = (name: string) => ({ id: `ou-${root.slice(2)}-${rng.hex(8)}`, name });
  const security = ou("Security");
  const workloads = ou("Workloads");
  const prod = ou("Prod");
  const nonprod = ou("NonProd");
  const sandbox = ou("Sandbox");
  const regions = ["us-east-1", "eu-west-1"];
  const email = (name: string) => `aws+${name}@example.com`;
  const account = (id: string, name: string, parent: string, extra: Record<string, unknown> = {}) => ({
    id,
    name,
    email: email(name.toLowerCase().replace(/\s+/g, "-")),
    parent_id: parent,
    ...extra,
  });

  const centralVault = `arn:aws:backup:$region:${ids.central}:backup-vault:central-vault`;
  // An isolated recovery account outside the organization, which Backup Central shares a vault with.
  const externalAccount = "999988887777";
  if (Object.values(ids).includes(externalAccount)) throw new Error("demo: the external account is a member");
  const orgArn = (kind: string) => `arn:aws:organizations::${ids.management}:${kind}`;
  const world: World = {
    seed,
    regions,
    history_days: 400,
    organization: {
      id: orgId,
      root_id: root,
      management_account_id: ids.management,
      enabled_policy_types: ["BACKUP_POLICY"],
    },
    principal: {
      user_name: "backup-governance",
      access_key_id: `AKIA${rng.hex(16).toUpperCase()}`,
      secret_access_key: base64ish(rng.hex(60)),
    },
    management_role: { name: "BackupGovernanceManagementRole", external_id: `bg-${rng.hex(24)}` },
    member_role_name: "BackupGovernanceMemberRole",
    organizational_units: [
      { ...security, parent_id: root },
      { ...workloads, parent_id: root },
      { ...prod, parent_id: workloads.id },
      { ...nonprod, parent_id: workloads.id },
      { ...sandbox, parent_id: root },
    ],
    accounts: [
      account(ids.management, "Management", root, { joined_method: "CREATED", joined: "-900d" }),
      account(ids.logArchive, "Log Archive", security.id),
      account(ids.audit, "Audit", security.id, { delegated_admin_services: ["backup.amazonaws.com"] }),
      // No AWS Backup service role (no plan here uses one yet): a policy reaching this account fails its pre-flight.
      account(ids.central, "Backup Central", security.id, { iam_roles: [] }),
      account(ids.payments, "Prod Payments", prod.id, {
        iam_roles: ["service-role/AWSBackupDefaultServiceRole", "BackupAdmin"],
      }),
      account(ids.web, "Prod Web", prod.id),
      account(ids.data, "Prod Data", prod.id),
      account(ids.dev, "Dev App", nonprod.id, { joined_method: "INVITED" }),
      account(ids.staging, "Staging", nonprod.id),
      account(ids.sandbox1, "Sandbox One", sandbox.id, { member_role: "missing" }),
      account(ids.sandbox2, "Sandbox Two", sandbox.id, { member_role: "untrusted" }),
      account(ids.legacy, "Legacy", root, { state: "SUSPENDED", joined_method: "INVITED" }),
    ],
    policies: [
      {
        id: `p-${rng.hex(8)}`,
        name: "org-baseline",
        description: "Daily backups of tagged resources in every workload account",
        targets: [workloads.id],
        created: "-200d",
        content: {
          plans: {
            "org-daily": {
              regions: { "@@assign": regions, "@@operators_allowed_for_child_policies": ["@@append", "@@remove"] },
              rules: {
                daily: {
                  schedule_expression: { "@@assign": "cron(0 3 ? * * *)" },
                  start_backup_window_minutes: { "@@assign": "60" },
                  complete_backup_window_minutes: { "@@assign": "1440" },
                  target_backup_vault_name: {
                    "@@assign": "org-vault",
                    "@@operators_allowed_for_child_policies": ["@@none"],
                  },
                  lifecycle: { delete_after_days: { "@@assign": "35" } },
                },
              },
              selections: {
                tags: {
                  "org-tagged": {
                    iam_role_arn: { "@@assign": "arn:aws:iam::$account:role/service-role/AWSBackupDefaultServiceRole" },
                    tag_key: { "@@assign": "backup" },
                    tag_value: { "@@assign": ["org", "daily"] },
                  },
                },
              },
            },
          },
        },
      },
      {
        id: `p-${rng.hex(8)}`,
        name: "prod-overrides",
        description: "Prod keeps 90 days and copies to the central account",
        targets: [prod.id],
        created: "-150d",
        content: {
          plans: {
            "org-daily": {
              rules: {
                daily: {
                  // Ignored: the parent locks the vault with @@none.
                  target_backup_vault_name: { "@@assign": "prod-vault" },
                  lifecycle: { delete_after_days: { "@@assign": "90" } },
                  copy_actions: {
                    [centralVault]: {
                      target_backup_vault_arn: { "@@assign": centralVault },
                      lifecycle: { delete_after_days: { "@@assign": "365" } },
                    },
                  },
                },
              },
              selections: { tags: { "org-tagged": { tag_value: { "@@append": ["critical"] } } } },
            },
          },
        },
      },
      {
        id: `p-${rng.hex(8)}`,
        name: "prod-data-us-only",
        description: "Prod Data keeps its org plan in us-east-1 only",
        targets: [ids.data],
        created: "-120d",
        content: { plans: { "org-daily": { regions: { "@@remove": ["eu-west-1"] } } } },
      },
    ],
    ...demoUnits(ids, regions, rng, {
      arn: orgArn(`organization/${orgId}`),
      ouArn: (ou) => orgArn(`ou/${orgId}/${ou}`),
      workloadsOu: workloads.id,
      externalAccount,
    }),
    behaviour: {
      failure_rate: 0.03,
      abort_rate: 0.01,
      expire_rate: 0.01,
      issues_rate: 0.02,
      copy_failure_rate: 0.02,
      adhoc_restore_rate: 0.3,
    },
  };
  addDemoResilience(world, ids, regions, rng);
  addDemoHygiene(world, ids);
  addDemoMisconfigured(world, sandbox.id, regions[1]!);
  return world;
}

function base64ish(hex: string): string {
  return Buffer.from(hex, "hex")
    .toString("base64")
    .replace(/[^A-Za-z0-9]/g, "x")
    .slice(0, 40)
    .padEnd(40, "Q");
}
