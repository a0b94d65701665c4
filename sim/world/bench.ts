import { createRng, hashString, type Rng } from "./rng";
import type { World } from "./schema";
import { RESOURCE_TYPES, type ResourceType } from "./resource-types";

export interface BenchSizes {
  seed?: number;
  accounts?: number;
  regions?: string[];
  resourcesPerUnit?: number;
}

type Resource = NonNullable<World["resources"]>[number];
type Vault = NonNullable<World["vaults"]>[number];
type Plan = NonNullable<World["plans"]>[number];

/**
 * The `bench` preset (and any size of it): an organization of `accounts` accounts under
 * 25 nested OUs, `resourcesPerUnit` resources in every account and region, three vaults and
 * three plans per unit (weekly 35 days, malware-scanned; monthly 365 days with cold storage,
 * indexed; and an org-managed weekly plan from a root backup policy). Every account whose index
 * is 7 modulo 50 is a recovery account: it also has an air-gapped vault its critical resources
 * are copied to daily (sources deleted once copied) and a restore testing plan. Defaults:
 * 1,000 accounts × 2 regions × 100 resources ≈ 200,000 resources and ≈ 1,000,000 recovery points.
 */
export function benchWorld(sizes: BenchSizes = {}): World {
  const seed = sizes.seed ?? 1;
  const nAccounts = sizes.accounts ?? 1000;
  const regions = sizes.regions ?? ["us-east-1", "eu-west-1"];
  const perUnit = sizes.resourcesPerUnit ?? 100;
  const rng = createRng(hashString("bench", seed));
  const root = `r-${rng.hex(4)}`;
  const ous: { id: string; name: string; parent_id: string }[] = [];
  const leaves: string[] = [];
  for (let b = 1; b <= 5; b++) {
    const bu = { id: `ou-${root.slice(2)}-${rng.hex(8)}`, name: `BU-${b}`, parent_id: root };
    ous.push(bu);
    for (let t = 1; t <= 4; t++) {
      const team = { id: `ou-${root.slice(2)}-${rng.hex(8)}`, name: `BU-${b}-Team-${t}`, parent_id: bu.id };
      ous.push(team);
      leaves.push(team.id);
    }
  }
  const ids = new Set<string>();
  const accounts: NonNullable<World["accounts"]> = [];
  for (let i = 0; i < nAccounts; i++) {
    let id: string;
    do id = String(rng.int(100000000000, 999999999999));
    while (ids.has(id));
    ids.add(id);
    const special =
      i === 0 ? "mgmt" : i % 97 === 0 ? "suspended" : i % 89 === 0 ? "missing" : i % 149 === 0 ? "untrusted" : "";
    accounts.push({
      id,
      name: i === 0 ? "Management" : `workload-${String(i).padStart(4, "0")}`,
      email: `aws+bench-${i}@example.com`,
      parent_id: i === 0 ? root : (leaves[i % leaves.length] as string),
      state: special === "suspended" ? "SUSPENDED" : "ACTIVE",
      member_role: special === "missing" ? "missing" : special === "untrusted" ? "untrusted" : "ok",
      joined: `-${rng.int(30, 1500)}d`,
    });
  }
  const resources: Resource[] = [];
  const vaults: Vault[] = [];
  const plans: Plan[] = [];
  const restoreTestingPlans: NonNullable<World["restore_testing_plans"]> = [];
  const isRecovery = (i: number) => i % 50 === 7;
  accounts.forEach((a, i) => {
    if (a.state === "SUSPENDED") return;
    for (const region of regions)
      addUnit(
        rng,
        a.id,
        region,
        perUnit,
        i % 5 === 0 ? regions.find((r) => r !== region) : undefined,
        isRecovery(i),
        resources,
        vaults,
        plans,
      );
  });
  // Drawn where it always was, so that the rest of the world keeps its random numbers.
  const orgId = `o-${rng.hex(10)}`;
  const management = accounts[0]!.id;
  accounts.forEach((a, i) => {
    if (a.state === "SUSPENDED" || !isRecovery(i)) return;
    const recovery = recoveryKind(i, a, orgId, management);
    for (const region of regions) addRecovery(a.id, region, recovery, vaults, plans, restoreTestingPlans);
  });
  return {
    seed,
    regions,
    history_days: 400,
    organization: { id: orgId, root_id: root, management_account_id: management },
    principal: {
      user_name: "backup-governance",
      access_key_id: `AKIA${rng.hex(16).toUpperCase()}`,
      secret_access_key: rng.hex(40),
    },
    management_role: { name: "BackupGovernanceManagementRole", external_id: `bench-${rng.hex(16)}` },
    member_role_name: "BackupGovernanceMemberRole",
    organizational_units: ous,
    accounts,
    policies: [
      {
        id: `p-${rng.hex(8)}`,
        name: "bench-baseline",
        targets: [root],
        created: "-200d",
        content: {
          plans: {
            "org-weekly": {
              regions: { "@@assign": regions },
              rules: {
                weekly: {
                  schedule_expression: { "@@assign": "cron(0 3 ? * SUN *)" },
                  target_backup_vault_name: { "@@assign": "org-vault" },
                  lifecycle: { delete_after_days: { "@@assign": "14" } },
                },
              },
              selections: {
                tags: {
                  org: {
                    iam_role_arn: { "@@assign": "arn:aws:iam::$account:role/service-role/AWSBackupDefaultServiceRole" },
                    tag_key: { "@@assign": "backup" },
                    tag_value: { "@@assign": ["org"] },
                  },
                },
              },
            },
          },
        },
      },
    ],
    resources,
    vaults,
    plans,
    restore_testing_plans: restoreTestingPlans,
    behaviour: {
      failure_rate: 0.02,
      abort_rate: 0.005,
      expire_rate: 0.005,
      issues_rate: 0.01,
      copy_failure_rate: 0.01,
      adhoc_restore_rate: 0.02,
    },
  };
}

function addUnit(
  rng: Rng,
  account: string,
  region: string,
  perUnit: number,
  copyTo: string | undefined,
  recovery: boolean,
  resources: Resource[],
  vaults: Vault[],
  plans: Plan[],
) {
  const role = `arn:aws:iam::${account}:role/service-role/AWSBackupDefaultServiceRole`;
  vaults.push({ account_id: account, region, name: "Default" });
  vaults.push({ account_id: account, region, name: "org-vault" });
  vaults.push({
    account_id: account,
    region,
    name: "prod-vault",
    encryption: "customer-managed",
    lock: { mode: "governance", min_retention_days: 7, max_retention_days: 400 },
  });
  for (let k = 0; k < perUnit; k++) {
    const type = RESOURCE_TYPES[rng.int(0, RESOURCE_TYPES.length - 1)] as ResourceType;
    const u = rng.next();
    const backup = u < 0.45 ? "weekly" : u < 0.65 ? "monthly" : u < 0.9 ? "org" : undefined;
    const name = `${type.toLowerCase()}-${k}`;
    const id =
      type === "EC2"
        ? `i-${rng.hex(17)}`
        : type === "EBS"
          ? `vol-${rng.hex(17)}`
          : type === "EFS" || type === "FSx"
            ? `fs-${rng.hex(17)}`
            : type === "S3"
              ? `b-${account}-${region}-${k}`
              : name;
    // Cyber-resilience traits by position, so they draw no random numbers: one resource in ten
    // is critical, one S3 bucket or EBS volume in four holds personal data; a few resources'
    // scans find malware or fail, a few indexes fail; restores in recovery accounts validate.
    const personal = (type === "S3" || type === "EBS") && k % 4 === 1;
    resources.push({
      account_id: account,
      region,
      type,
      id,
      tags: {
        Name: name,
        env: k % 3 === 0 ? "prod" : "dev",
        ...(backup ? { backup } : {}),
        ...(k % 10 === 3 ? { criticality: "critical" } : {}),
        ...(personal ? { "data-classification": "personal" } : {}),
      },
      size_gb: rng.int(8, 800),
      encrypted: rng.chance(0.95),
      ...(k % 37 === 5
        ? { scan_outcome: "infected" as const }
        : k % 41 === 7
          ? { scan_outcome: "failed" as const }
          : {}),
      ...(k % 13 === 4 ? { index_outcome: "failed" as const } : {}),
      ...(recovery ? { restore_validation: k % 3 === 0 ? ("failed" as const) : ("successful" as const) } : {}),
    });
  }
  plans.push({
    account_id: account,
    region,
    name: "weekly",
    created: "-380d",
    versions: [
      {
        scan_settings: [
          {
            resource_types: ["EBS", "EC2", "S3"],
            scanner_role_arn: `arn:aws:iam::${account}:role/service-role/AWSBackupMalwareScanRole`,
          },
        ],
        rules: [
          {
            name: "weekly",
            target_vault: "Default",
            schedule: "cron(0 2 ? * SAT *)",
            lifecycle: { delete_after_days: 35 },
            scan_actions: [{ scan_mode: "INCREMENTAL_SCAN" }],
          },
        ],
      },
    ],
    selections: [{ name: "weekly", iam_role_arn: role, list_of_tags: [{ key: "backup", value: "weekly" }] }],
  });
  plans.push({
    account_id: account,
    region,
    name: "monthly",
    created: "-380d",
    versions: [
      {
        rules: [
          {
            name: "monthly",
            target_vault: "prod-vault",
            schedule: "cron(0 4 1 * ? *)",
            lifecycle: { move_to_cold_storage_after_days: 30, delete_after_days: 365 },
            index_actions: [{ resource_types: ["EBS", "S3"] }],
            copy_actions: copyTo
              ? [
                  {
                    destination_vault_arn: `arn:aws:backup:${copyTo}:${account}:backup-vault:prod-vault`,
                    lifecycle: { delete_after_days: 90 },
                  },
                ]
              : [],
          },
        ],
      },
    ],
    selections: [
      {
        name: "monthly",
        iam_role_arn: role,
        resources: ["*"],
        conditions: {
          string_equals: [{ key: "aws:ResourceTag/backup", value: "monthly" }],
          string_not_equals: [],
          string_like: [],
          string_not_like: [],
        },
      },
    ],
  });
}

/**
 * How a recovery account's air-gapped vaults are guarded, in turn: shared (AWS RAM) with an
 * account outside the organization and behind a multi-party approval team; shared with the
 * account's own business-unit OU only; not shared, its copies asking less than the vault's 7-day
 * minimum (so they fail and their sources stay, DELETE_AFTER_COPY); behind an approval team only.
 */
interface Recovery {
  shared_with: { principal: string }[];
  mpa_approval_team_arn?: string;
  copyDays: number;
}

function recoveryKind(
  i: number,
  account: NonNullable<World["accounts"]>[number],
  orgId: string,
  mgmt: string,
): Recovery {
  const team = `arn:aws:mpa::${mgmt}:approval-team/bench${String(i).padStart(4, "0")}`;
  const bu = `arn:aws:organizations::${mgmt}:ou/${orgId}/${account.parent_id}`;
  switch (((i - 7) / 50) % 4) {
    case 0:
      return { shared_with: [{ principal: "999988887777" }], mpa_approval_team_arn: team, copyDays: 35 };
    case 1:
      return { shared_with: [{ principal: bu }], copyDays: 35 };
    case 2:
      return { shared_with: [], copyDays: 3 };
    default:
      return { shared_with: [], mpa_approval_team_arn: team, copyDays: 35 };
  }
}

function addRecovery(
  account: string,
  region: string,
  recovery: Recovery,
  vaults: Vault[],
  plans: Plan[],
  restoreTestingPlans: NonNullable<World["restore_testing_plans"]>,
) {
  vaults.push({
    account_id: account,
    region,
    name: "airgap-vault",
    type: "LOGICALLY_AIR_GAPPED_BACKUP_VAULT",
    encryption: "aws-owned",
    lock: { mode: "compliance", min_retention_days: 7, max_retention_days: 3650, lock_date: "-300d" },
    shared_with: recovery.shared_with,
    ...(recovery.mpa_approval_team_arn ? { mpa_approval_team_arn: recovery.mpa_approval_team_arn } : {}),
  });
  plans.push({
    account_id: account,
    region,
    name: "critical-airgap",
    created: "-200d",
    versions: [
      {
        rules: [
          {
            name: "daily-airgap",
            target_vault: "org-vault",
            schedule: "cron(0 1 ? * * *)",
            lifecycle: { delete_after_days: 7 },
            copy_actions: [
              {
                destination_vault_arn: `arn:aws:backup:${region}:${account}:backup-vault:airgap-vault`,
                lifecycle: { delete_after_days: recovery.copyDays },
              },
            ],
            delete_source_after_copy: true,
          },
        ],
      },
    ],
    selections: [
      {
        name: "critical",
        iam_role_arn: `arn:aws:iam::${account}:role/service-role/AWSBackupDefaultServiceRole`,
        list_of_tags: [{ key: "criticality", value: "critical" }],
      },
    ],
  });
  restoreTestingPlans.push({
    account_id: account,
    region,
    name: "weekly_restore_test",
    schedule: "cron(0 3 ? * MON *)",
    created: "-200d",
    resource_types: ["EBS", "EC2"],
  });
}
