// A small organization written straight into the inventory tables (as a sync would publish it),
// for evaluations whose findings a test counts by hand:
//
//   root ─ Prod ─ Apps ─ Apps One (111100000001): 3 volumes, a plan selecting 2; points 2 h and 3 d old
//        │      └ Prod Data (111100000002): 2 tables, a plan selecting 1; a point 5 h old
//        └ Dev ─ Dev One (111100000003): 1 instance, no plan
//              └ Never Read (111100000004): its unit never published
import type { Db } from "@/db";
import {
  backupPlans,
  backupRules,
  backupSelections,
  backupVaults,
  orgAccounts,
  orgUnits,
  recoveryPoints,
  resources,
  syncUnits,
} from "@/db/schema";

export const WORLD = {
  root: "r-res1",
  prod: "ou-res1-prod0001",
  apps: "ou-res1-apps0001",
  dev: "ou-res1-devl0001",
  appsOne: "111100000001",
  prodData: "111100000002",
  devOne: "111100000003",
  neverRead: "111100000004",
  region: "us-east-1",
} as const;

const HOUR = 3_600_000;

export async function writeResilienceWorld(db: Db, tenantId: string, now: Date): Promise<void> {
  const w = WORLD;
  const ago = (hours: number) => new Date(now.getTime() - hours * HOUR);
  await db.insert(orgUnits).values([
    { tenantId, ouId: w.root, name: "Root", parentId: null, path: [w.root] },
    { tenantId, ouId: w.prod, name: "Prod", parentId: w.root, path: [w.root, w.prod] },
    { tenantId, ouId: w.apps, name: "Apps", parentId: w.prod, path: [w.root, w.prod, w.apps] },
    { tenantId, ouId: w.dev, name: "Dev", parentId: w.root, path: [w.root, w.dev] },
  ]);
  const account = (accountId: string, name: string, ouPath: string[]) => ({
    tenantId,
    accountId,
    name,
    email: `${accountId}@example.com`,
    state: "ACTIVE",
    parentId: ouPath.at(-1)!,
    ouPath,
  });
  await db
    .insert(orgAccounts)
    .values([
      account(w.appsOne, "Apps One", [w.root, w.prod, w.apps]),
      account(w.prodData, "Prod Data", [w.root, w.prod]),
      account(w.devOne, "Dev One", [w.root, w.dev]),
      account(w.neverRead, "Never Read", [w.root, w.dev]),
    ]);
  await db.insert(syncUnits).values([
    { tenantId, kind: "org", accountId: "111100000000", region: "global", status: "ok", publishedAt: ago(1) },
    ...[w.appsOne, w.prodData, w.devOne].map((accountId) => ({
      tenantId,
      kind: "region" as const,
      accountId,
      region: w.region,
      status: "ok" as const,
      publishedAt: ago(1),
    })),
    {
      tenantId,
      kind: "region",
      accountId: w.neverRead,
      region: w.region,
      status: "failed",
      error: "cannot assume the member role",
      errorAt: ago(1),
    },
  ]);
  const arn = (accountId: string, service: string, id: string) => `arn:aws:${service}:${w.region}:${accountId}:${id}`;
  const volume = (n: number) => arn(w.appsOne, "ec2", `volume/vol-a${n}`);
  const table = (n: number) => arn(w.prodData, "dynamodb", `table/t${n}`);
  await db.insert(resources).values([
    ...[1, 2, 3].map((n) => ({
      tenantId,
      accountId: w.appsOne,
      region: w.region,
      resourceArn: volume(n),
      resourceType: "EBS",
      tags: {},
    })),
    ...[1, 2].map((n) => ({
      tenantId,
      accountId: w.prodData,
      region: w.region,
      resourceArn: table(n),
      resourceType: "DynamoDB",
      tags: {},
    })),
    {
      tenantId,
      accountId: w.devOne,
      region: w.region,
      resourceArn: arn(w.devOne, "ec2", "instance/i-1"),
      resourceType: "EC2",
      tags: {},
    },
  ]);
  const vaultArn = (accountId: string) => arn(accountId, "backup", "backup-vault:Default");
  await db.insert(backupVaults).values(
    [w.appsOne, w.prodData, w.devOne].map((accountId) => ({
      tenantId,
      accountId,
      region: w.region,
      vaultName: "Default",
      vaultArn: vaultArn(accountId),
      vaultType: "BACKUP_VAULT",
      numberOfRecoveryPoints: 0,
      locked: false,
      notificationEvents: [],
    })),
  );
  const plan = async (accountId: string, selected: string[]) => {
    const planId = `plan-${accountId}`;
    const common = { tenantId, accountId, region: w.region, planId };
    await db.insert(backupPlans).values({
      ...common,
      planArn: arn(accountId, "backup", `backup-plan:${planId}`),
      planName: "daily",
      versionId: "v1",
      orgManaged: false,
      advancedBackupSettings: [],
    });
    await db.insert(backupRules).values({
      ...common,
      versionId: "v1",
      ruleId: "rule-1",
      position: 0,
      ruleName: "daily",
      targetBackupVaultName: "Default",
      scheduleExpression: "cron(0 5 ? * * *)",
      lifecycle: { moveToColdStorageAfterDays: null, deleteAfterDays: 35, optInToArchiveForSupportedResources: false },
      copyActions: [],
      enableContinuousBackup: false,
      recoveryPointTags: {},
    });
    await db.insert(backupSelections).values({
      ...common,
      selectionId: "sel-1",
      selectionName: "chosen",
      iamRoleArn: `arn:aws:iam::${accountId}:role/service-role/AWSBackupDefaultServiceRole`,
      resources: selected,
      notResources: [],
      listOfTags: [],
      conditions: [],
    });
  };
  await plan(w.appsOne, [volume(1), volume(2)]);
  await plan(w.prodData, [table(1)]);
  const point = (accountId: string, resourceArn: string, resourceType: string, hoursAgo: number) => ({
    tenantId,
    accountId,
    region: w.region,
    recoveryPointArn: `${vaultArn(accountId)}:rp-${resourceArn.split("/").at(-1)}-${hoursAgo}`,
    backupVaultName: "Default",
    backupVaultArn: vaultArn(accountId),
    resourceArn,
    resourceType,
    creationDate: ago(hoursAgo),
    completionDate: ago(hoursAgo - 0.5),
    status: "COMPLETED",
    isEncrypted: true,
    isParent: false,
    deleteAfterDays: 35,
    optInToArchive: false,
  });
  await db
    .insert(recoveryPoints)
    .values([
      point(w.appsOne, volume(1), "EBS", 2),
      point(w.appsOne, volume(2), "EBS", 72),
      point(w.prodData, table(1), "DynamoDB", 5),
    ]);
}
