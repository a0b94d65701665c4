import type { DelegationStatement } from "../org/delegation";
import type { Schedule } from "./schedule";
import type { SelectionRules } from "./selection";
import type { IntList, StringTable } from "./columns";
import type { BackupJobTable, CopyJobTable, RecoveryPointTable, RestoreJob, ScanJobTable } from "./tables";
import type { ResourceType } from "../world/resource-types";
import type { AccountDef, WorldDef } from "../world/schema";

/** The live world: what the APIs serve and what the clock changes. */
export interface SimState {
  def: WorldDef;
  seed: number;
  /** Simulated clock, epoch seconds. */
  now: number;
  /** The clock when the world was built (fixed; relative world times resolve against it). */
  epoch: number;
  /** Continuous recovery point per (resource, plan, rule). */
  continuous: Map<string, number>;
  /** Recovery points whose job was still running at the end of the last run (not yet counted). */
  pendingRps: number[];
  regions: string[];
  org: OrgState;
  units: Unit[];
  unitByKey: Map<string, Unit>;
  resources: ResourceRt[];
  vaults: VaultRt[];
  vaultByArn: Map<string, number>;
  /** KMS per "account/region": the keys and aliases vaults use. */
  kms: Map<string, KmsUnit>;
  plans: PlanRt[];
  rules: RuleRt[];
  restoreTestingPlans: RestoreTestingPlanRt[];
  rps: RecoveryPointTable;
  backupJobs: BackupJobTable;
  copyJobs: CopyJobTable;
  restoreJobs: RestoreJob[];
  scanJobs: ScanJobTable;
  /** The last recovery point scanned per "resource|rule": the base of the next incremental scan. */
  lastScanned: Map<string, number>;
  strings: StringTable;
  /** Bumped on every change, so cached derived views (protected resources) know to refresh. */
  version: number;
}

export interface Unit {
  index: number;
  accountId: string;
  region: string;
  resources: number[];
  vaults: number[];
  vaultByName: Map<string, number>;
  plans: number[];
  restoreTestingPlans: number[];
  backupJobs: IntList;
  copyJobs: IntList;
  restoreJobs: IntList;
  scanJobs: IntList;
  notOptedIn: Set<string>;
  reportPlans: { name: string; template: string; created: number }[];
  frameworks: { name: string; controls: number; created: number }[];
}

export interface ResourceRt {
  index: number;
  unit: number;
  type: ResourceType;
  id: string;
  arn: string;
  name: string | undefined;
  tags: Record<string, string>;
  encrypted: boolean;
  sizeGb: number;
  created: number;
  deleted: number | undefined;
  outcome: string;
  restoreMinutes: number | undefined;
  scanOutcome: "clean" | "infected" | "failed";
  indexOutcome: "active" | "failed" | "pending";
  restoreValidation: "successful" | "failed" | "timed_out" | undefined;
}

/** Whether the resource exists at time t (seconds): created, and not yet deleted. */
export function resourceExists(res: ResourceRt, t: number): boolean {
  return res.created <= t && (res.deleted === undefined || t < res.deleted);
}

export interface VaultRt {
  index: number;
  unit: number;
  name: string;
  arn: string;
  type: "BACKUP_VAULT" | "LOGICALLY_AIR_GAPPED_BACKUP_VAULT";
  encryptionKeyArn: string;
  /** Who holds the key: AWS (owned, outside the customer's accounts), AWS-managed (aws/backup) or the customer. */
  encryption: "aws-owned" | "aws-managed" | "customer-managed";
  lock: { mode: "governance" | "compliance"; min?: number; max?: number; lockDate?: number } | null;
  accessPolicy: string | null;
  notifications: { snsTopicArn: string; events: string[] } | null;
  created: number;
  creatorRequestId: string | undefined;
  /** Recovery points stored here, ascending by index. */
  recoveryPoints: IntList;
  liveCount: number;
  /** Multi-party approval team (logically air-gapped vaults only). */
  mpaApprovalTeamArn: string | undefined;
  /** Its AWS RAM resource share, or null when the vault is not shared. */
  share: VaultShare | null;
}

/** One RAM resource share per shared vault, with its principals. */
export interface VaultShare {
  arn: string;
  created: number;
  principals: { id: string; external: boolean }[];
}

export interface KmsKey {
  id: string;
  arn: string;
  accountId: string;
  region: string;
  manager: "AWS" | "CUSTOMER";
  description: string;
  created: number;
  /** Accounts (besides the owner) whose principals the key policy lets call kms:DescribeKey. */
  describableBy: Set<string>;
}

export interface KmsUnit {
  keys: Map<string, KmsKey>;
  /** Aliases by name ("alias/…"); AWS's predefined ones have no key until first used. */
  aliases: Map<string, { targetKeyId: string | undefined; created: number }>;
}

export interface PlanRt {
  index: number;
  unit: number;
  id: string;
  arn: string;
  name: string;
  created: number;
  deleted: number | undefined;
  /** Org-managed plans carry the name of the policy plan they were materialised from. */
  orgPlanName: string | undefined;
  creatorRequestId: string | undefined;
  versions: PlanVersionRt[];
  selections: SelectionRt[];
  lastExecution: number | undefined;
}

export interface PlanVersionRt {
  versionId: string;
  created: number;
  rules: number[];
  advancedBackupSettings: { resourceType: string; backupOptions: Record<string, string> }[];
  scanSettings: { malwareScanner: string; resourceTypes: string[]; scannerRoleArn: string }[];
  /** Canonical JSON of the version's content (org plans compare it to decide on a new version). */
  fingerprint: string;
}

export interface RuleRt {
  index: number;
  plan: number;
  version: number;
  ruleId: string;
  name: string;
  targetVault: string;
  scheduleExpression: string;
  timezone: string | undefined;
  schedule: Schedule | null;
  startWindowMinutes: number;
  completionWindowMinutes: number;
  lifecycle: { coldAfterDays: number; deleteAfterDays: number; archive: boolean | undefined };
  copyActions: { destinationVaultArn: string; lifecycle: { coldAfterDays: number; deleteAfterDays: number } | null }[];
  continuous: boolean;
  recoveryPointTags: Record<string, string>;
  scanActions: { malwareScanner: string; scanMode: "FULL_SCAN" | "INCREMENTAL_SCAN" }[];
  /** Which resource types' recovery points this rule indexes. */
  indexActions: { resourceTypes: string[] }[];
  deleteSourceAfterCopy: boolean;
}

export interface SelectionRt extends SelectionRules {
  id: string;
  name: string;
  iamRoleArn: string;
  created: number;
  creatorRequestId: string | undefined;
}

export interface RestoreTestingPlanRt {
  index: number;
  unit: number;
  name: string;
  arn: string;
  scheduleExpression: string;
  timezone: string | undefined;
  schedule: Schedule | null;
  startWindowHours: number;
  created: number;
  resourceTypes: string[];
  lastExecution: number | undefined;
}

export interface OrgState {
  id: string;
  arn: string;
  rootId: string;
  rootArn: string;
  managementAccountId: string;
  featureSet: "ALL" | "CONSOLIDATED_BILLING";
  enabledPolicyTypes: Set<string>;
  accounts: Map<string, AccountDef & { joinedAt: number }>;
  /** Account order as defined (listing order). */
  accountOrder: string[];
  ous: Map<string, { id: string; arn: string; name: string; parentId: string; tags: Record<string, string> }>;
  ouOrder: string[];
  policies: Map<string, PolicyRt>;
  /** targetId → attached policy IDs, in attachment order. */
  attachments: Map<string, string[]>;
  /** When each account's effective backup policy last changed. */
  effectiveUpdated: Map<string, number>;
  /** Each account's last effective policy text, to notice changes. */
  effectiveText: Map<string, string>;
  /** The resource-based delegation policy (PutResourcePolicy), when the organization has one. */
  resourcePolicy: ResourcePolicyRt | null;
}

export interface ResourcePolicyRt {
  id: string;
  arn: string;
  content: string;
  statements: DelegationStatement[];
  tags: { Key: string; Value: string }[];
}

export interface PolicyRt {
  id: string;
  arn: string;
  name: string;
  description: string;
  type: string;
  content: string;
  created: number;
  tags: { Key: string; Value: string }[];
}
