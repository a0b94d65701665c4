import * as O from "@aws-sdk/client-organizations";
import * as B from "@aws-sdk/client-backup";
import * as T from "@aws-sdk/client-resource-groups-tagging-api";
import * as K from "@aws-sdk/client-kms";
import * as R from "@aws-sdk/client-ram";
import type { SimHandle } from "@/sim/server";
import {
  backupClient,
  kmsClient,
  managementCreds,
  memberCreds,
  orgClient,
  ramClient,
  taggingClient,
} from "./sim-clients";

/**
 * A straightforward, sequential complete inventory making exactly the call set sim/README.md
 * defines ("Lower bound"): the reference the simulator's min_calls must equal.
 */
export async function referenceInventory(sim: SimHandle): Promise<Map<string, Record<string, number>>> {
  const mgmt = await managementCreds(sim);
  const org = orgClient(sim, mgmt);
  await org.send(new O.DescribeOrganizationCommand({}));
  const roots = (await org.send(new O.ListRootsCommand({ MaxResults: 20 }))).Roots ?? [];
  const parents = roots.map((r) => r.Id!);
  const accounts: O.Account[] = [];
  for (let i = 0; i < parents.length; i++) {
    for await (const p of O.paginateListOrganizationalUnitsForParent(
      { client: org, pageSize: 20 },
      { ParentId: parents[i]! },
    ))
      parents.push(...(p.OrganizationalUnits ?? []).map((o) => o.Id!));
    for await (const p of O.paginateListAccountsForParent({ client: org, pageSize: 20 }, { ParentId: parents[i]! }))
      accounts.push(...(p.Accounts ?? []));
  }
  for await (const _ of O.paginateListDelegatedAdministrators({ client: org, pageSize: 20 }, {}));
  const policiesOn = new Map<string, number>();
  for await (const p of O.paginateListPolicies({ client: org, pageSize: 20 }, { Filter: "BACKUP_POLICY" })) {
    for (const pol of p.Policies ?? []) {
      await org.send(new O.DescribePolicyCommand({ PolicyId: pol.Id! }));
      for await (const t of O.paginateListTargetsForPolicy({ client: org, pageSize: 20 }, { PolicyId: pol.Id! }))
        for (const x of t.Targets ?? []) policiesOn.set(x.TargetId!, (policiesOn.get(x.TargetId!) ?? 0) + 1);
    }
  }
  for (const [target, n] of policiesOn)
    if (n > 1)
      for await (const _ of O.paginateListPoliciesForTarget(
        { client: org, pageSize: 20 },
        { TargetId: target, Filter: "BACKUP_POLICY" },
      ));
  const active = accounts.filter((a) => a.State === "ACTIVE");
  for (const a of active)
    await org
      .send(new O.DescribeEffectivePolicyCommand({ PolicyType: "BACKUP_POLICY", TargetId: a.Id! }))
      .catch(expectName("EffectivePolicyNotFoundException"));

  const counts = new Map<string, Record<string, number>>();
  for (const a of active) {
    const creds = await memberCreds(sim, mgmt, a.Id!).catch(expectName("AccessDenied"));
    if (!creds) continue;
    // A member role denied a list (member_role_denied_actions) is refused it; the other reads go on.
    const { member_role_denied_actions: denied, disabled_regions: disabledRegions } = sim
      .summary()
      .accounts.find((x) => x.account_id === a.Id)!;
    const unlessDenied = (action: string) => (e: Error) => {
      if (!denied.includes(action) || e.name !== "AccessDeniedException") throw e;
    };
    for (const [ri, region] of sim.summary().regions.entries()) {
      const b = backupClient(sim, creds, region);
      if (disabledRegions.includes(region)) {
        // A region the account has not enabled refuses the session's token; a sync stops at the first call.
        await b.send(new B.DescribeRegionSettingsCommand({})).catch(expectName("UnrecognizedClientException"));
        continue;
      }
      if (ri === 0) await b.send(new B.DescribeGlobalSettingsCommand({}));
      const c: Record<string, number> = {
        plans: 0,
        selections: 0,
        vaults: 0,
        recovery_points: 0,
        backup_jobs: 0,
        copy_jobs: 0,
        restore_jobs: 0,
        protected_resources: 0,
        resources: 0,
        scan_jobs: 0,
        air_gapped_vaults: 0,
        shared_vaults: 0,
        share_principals: 0,
      };
      await (async () => {
        for await (const p of B.paginateListBackupPlans({ client: b, pageSize: 1000 }, {})) {
          for (const plan of p.BackupPlansList ?? []) {
            c.plans!++;
            await b.send(new B.GetBackupPlanCommand({ BackupPlanId: plan.BackupPlanId! }));
            for await (const v of B.paginateListBackupPlanVersions(
              { client: b, pageSize: 1000 },
              { BackupPlanId: plan.BackupPlanId! },
            )) {
              for (const ver of v.BackupPlanVersionsList ?? [])
                if (ver.VersionId !== plan.VersionId)
                  await b.send(
                    new B.GetBackupPlanCommand({ BackupPlanId: plan.BackupPlanId!, VersionId: ver.VersionId }),
                  );
            }
            for await (const s of B.paginateListBackupSelections(
              { client: b, pageSize: 1000 },
              { BackupPlanId: plan.BackupPlanId! },
            )) {
              for (const sel of s.BackupSelectionsList ?? []) {
                c.selections!++;
                await b.send(
                  new B.GetBackupSelectionCommand({ BackupPlanId: plan.BackupPlanId!, SelectionId: sel.SelectionId! }),
                );
              }
            }
          }
        }
      })().catch(unlessDenied("backup:ListBackupPlans"));
      const keys = new Set<string>();
      await (async () => {
        for await (const p of B.paginateListBackupVaults({ client: b, pageSize: 1000 }, {})) {
          for (const v of p.BackupVaultList ?? []) {
            if (v.EncryptionKeyArn && v.EncryptionKeyType !== "AWS_OWNED_KMS_KEY") keys.add(v.EncryptionKeyArn);
            c.vaults!++;
            // Only an air-gapped vault can have a multi-party approval team; only the description names it.
            if (v.VaultType === "LOGICALLY_AIR_GAPPED_BACKUP_VAULT") {
              c.air_gapped_vaults!++;
              await b.send(new B.DescribeBackupVaultCommand({ BackupVaultName: v.BackupVaultName! }));
            }
            await b
              .send(new B.GetBackupVaultAccessPolicyCommand({ BackupVaultName: v.BackupVaultName! }))
              .catch(expectName("ResourceNotFoundException"));
            await b
              .send(new B.GetBackupVaultNotificationsCommand({ BackupVaultName: v.BackupVaultName! }))
              .catch(expectName("ResourceNotFoundException"));
            for await (const r of B.paginateListRecoveryPointsByBackupVault(
              { client: b, pageSize: 1000 },
              { BackupVaultName: v.BackupVaultName! },
            ))
              c.recovery_points! += r.RecoveryPoints?.length ?? 0;
          }
        }
      })().catch(unlessDenied("backup:ListBackupVaults"));
      await keyManagers(kmsClient(sim, creds, region), a.Id!, region, keys);
      for await (const p of B.paginateListProtectedResources({ client: b, pageSize: 1000 }, {}))
        c.protected_resources! += p.Results?.length ?? 0;
      for await (const p of B.paginateListBackupJobs({ client: b, pageSize: 1000 }, {}))
        c.backup_jobs! += p.BackupJobs?.length ?? 0;
      for await (const p of B.paginateListCopyJobs({ client: b, pageSize: 1000 }, {}))
        c.copy_jobs! += p.CopyJobs?.length ?? 0;
      for await (const p of B.paginateListRestoreJobs({ client: b, pageSize: 1000 }, {}))
        c.restore_jobs! += p.RestoreJobs?.length ?? 0;
      for await (const p of B.paginateListScanJobs({ client: b, pageSize: 1000 }, {}))
        c.scan_jobs! += p.ScanJobs?.length ?? 0;
      for await (const _ of B.paginateListRestoreTestingPlans({ client: b, pageSize: 1000 }, {}));
      await b.send(new B.DescribeRegionSettingsCommand({}));
      for await (const p of T.paginateGetResources({ client: taggingClient(sim, creds, region), pageSize: 100 }, {}))
        c.resources! += p.ResourceTagMappingList?.length ?? 0;
      // Which vaults the unit shares through RAM, and (where it shares any) with whom.
      const ram = ramClient(sim, creds, region);
      const shared = { resourceOwner: "SELF", resourceType: "backup:BackupVault" } as const;
      for await (const p of R.paginateListResources({ client: ram, pageSize: 500 }, shared))
        c.shared_vaults! += p.resources?.length ?? 0;
      if (c.shared_vaults)
        for await (const p of R.paginateListPrincipals({ client: ram, pageSize: 500 }, shared))
          c.share_principals! += p.principals?.length ?? 0;
      counts.set(`${a.Id}/${region}`, c);
    }
  }
  return counts;
}

/**
 * Who manages each vault key: the unit's own keys by ListAliases pages (100 aliases) while two or
 * more are still unnamed, then DescribeKey for the rest and for keys of other accounts.
 */
async function keyManagers(kms: K.KMSClient, accountId: string, region: string, keys: Set<string>): Promise<void> {
  const own = [...keys].filter((k) => k.startsWith(`arn:aws:kms:${region}:${accountId}:key/`));
  let open = own.map((k) => k.slice(k.lastIndexOf("/") + 1));
  if (open.length >= 2) {
    for await (const p of K.paginateListAliases({ client: kms, pageSize: 100 }, {})) {
      const named = new Set((p.Aliases ?? []).map((a) => a.TargetKeyId));
      open = open.filter((id) => !named.has(id));
      if (open.length < 2) break;
    }
  }
  const describe = [
    ...own.filter((k) => open.includes(k.slice(k.lastIndexOf("/") + 1))),
    ...[...keys].filter((k) => !own.includes(k)),
  ];
  for (const k of describe)
    await kms.send(new K.DescribeKeyCommand({ KeyId: k })).catch(expectName("AccessDeniedException"));
}

function expectName(name: string) {
  return (e: Error): undefined => {
    if (e.name !== name) throw e;
    return undefined;
  };
}
