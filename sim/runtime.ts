import { IdentityStore } from "./auth/identity";
import { DEFAULT_CONFIG, mergeConfig, type SimConfig, type SimConfigPatch } from "./config";
import type { SimState } from "./engine/model";
import { Pager } from "./http/paging";
import type { ServiceId } from "./http/errors";
import { materialiseOrgPlans } from "./org/materialize";
import { backupJobOperations } from "./services/backup-jobs";
import { backupPlanOperations } from "./services/backup-plans";
import { backupSettingsOperations } from "./services/backup-settings";
import { backupVaultOperations } from "./services/backup-vaults";
import { backupRecoveryPointOperations } from "./services/backup-recovery-points";
import { backupScanOperations } from "./services/backup-scans";
import { ramOperations } from "./services/ram";
import type { Operation } from "./services/context";
import { organizationsPolicyOperations } from "./services/organizations-policy";
import { organizationsDelegationOperations } from "./services/organizations-delegation";
import { organizationsReadOperations } from "./services/organizations-read";
import { stsOperations } from "./services/sts";
import { iamOperations } from "./services/iam";
import { kmsOperations } from "./services/kms";
import { taggingOperations } from "./services/tagging";
import { S3Store } from "./services/s3";
import { Stats } from "./stats";
import { Throttle } from "./throttle";

const ALL_OPERATIONS: Operation[] = [
  ...stsOperations,
  ...iamOperations,
  ...organizationsReadOperations,
  ...organizationsPolicyOperations,
  ...organizationsDelegationOperations,
  ...backupPlanOperations,
  ...backupVaultOperations,
  ...backupRecoveryPointOperations,
  ...backupJobOperations,
  ...backupScanOperations,
  ...backupSettingsOperations,
  ...taggingOperations,
  ...kmsOperations,
  ...ramOperations,
];

/** Everything a running simulator holds: the world, identities, knobs, counters. */
export class Runtime {
  readonly identity: IdentityStore;
  readonly throttle = new Throttle();
  readonly stats = new Stats();
  readonly pager = new Pager();
  /** S3 buckets and objects (report delivery); tests inspect them here. */
  readonly s3 = new S3Store();
  config: SimConfig;
  readonly operations: Record<ServiceId, Map<string, Operation>>;
  /** restJson1 operations by service, routed on method and path. */
  readonly restRoutes: Record<"backup" | "ram", Operation[]>;

  constructor(
    readonly state: SimState,
    config: SimConfigPatch = {},
  ) {
    this.identity = new IdentityStore(state);
    this.config = mergeConfig(DEFAULT_CONFIG, config);
    this.operations = {
      backup: new Map(),
      organizations: new Map(),
      sts: new Map(),
      tagging: new Map(),
      kms: new Map(),
      iam: new Map(),
      ram: new Map(),
    };
    for (const op of ALL_OPERATIONS) this.operations[op.service].set(op.name, op);
    this.restRoutes = {
      backup: ALL_OPERATIONS.filter((op) => op.http && op.service === "backup"),
      ram: ALL_OPERATIONS.filter((op) => op.http && op.service === "ram"),
    };
  }

  configure(patch: unknown): SimConfig {
    this.config = mergeConfig(this.config, patch);
    return this.config;
  }

  /** Organizations policies changed: AWS Backup re-materialises org-managed plans. */
  onPolicyChange(): void {
    materialiseOrgPlans(this.state, this.state.now);
  }
}

export { ALL_OPERATIONS };
