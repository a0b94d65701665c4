// The input of an evaluation: one tenant's published snapshot in the domain types of
// lib/inventory/types.ts, plus freshness and what the Organizations read returned.
import type { SnapshotFacts } from "@/lib/compliance/facts/resource-facts";
import type { ManagedPolicyIntent } from "@/lib/policies/drift-diff";
import type {
  Account,
  BackupJob,
  BackupPlan,
  BackupVault,
  CopyJob,
  EffectiveBackupPolicy,
  GlobalSettings,
  OrgBackupPolicy,
  OrgUnit,
  RecoveryPoint,
  RegionSettings,
  Resource,
  RestoreJob,
  RestoreTestingPlan,
  UnitFreshness,
} from "@/lib/inventory/types";

export interface TenantSnapshot {
  orgUnits: readonly OrgUnit[];
  accounts: readonly Account[];
  /** One entry per (account, region) the sync covers; the universe of BK-15/BK-17 subjects. */
  units: readonly UnitFreshness[];
  plans: readonly BackupPlan[];
  vaults: readonly BackupVault[];
  resources: readonly Resource[];
  /** Iterated once per evaluation (streamed in production); never indexed whole. */
  recoveryPoints: Iterable<RecoveryPoint>;
  backupJobs: readonly BackupJob[];
  copyJobs: readonly CopyJob[];
  restoreJobs: readonly RestoreJob[];
  restoreTestingPlans: readonly RestoreTestingPlan[];
  regionSettings: readonly RegionSettings[];
  globalSettings: readonly GlobalSettings[];
  /** null when the Organizations policies could not be read (BK-17 then reports ERROR). */
  orgBackupPolicies: readonly OrgBackupPolicy[] | null;
  /** Accounts without an effective policy are simply absent; null = not read. */
  effectiveBackupPolicies: readonly EffectiveBackupPolicy[] | null;
  /**
   * The backup policies the product manages, as last pushed, for BK-17's drift check against
   * `orgBackupPolicies` (matched by AWS policy id). Absent or empty: the product manages none.
   */
  managedBackupPolicies?: readonly ManagedPolicyIntent[];
}

export interface EvaluationOptions {
  now: Date;
  /**
   * Pre-aggregated facts (e.g. from SQL). When given, recovery points and jobs are not scanned
   * for facts; `jobsSince` must reach back as far as the longest job look-back of the runs.
   */
  facts?: SnapshotFacts;
  /** A unit whose published data is older than this is stale (ERROR). Default 48 h. */
  maxDataAgeHours?: number;
}
