import { Column, StringTable } from "./columns";

/** Recovery point flags (bit field). */
export const RP_ENCRYPTED = 1;
export const RP_CONTINUOUS = 2;
export const RP_COPY = 4;
export const RP_DELETED = 8;
/** Its lifecycle deletes it once copied (Lifecycle.DeleteAfterEvent DELETE_AFTER_COPY). */
export const RP_DELETE_AFTER_COPY = 16;

/** Malware scan outcome of a recovery point (the `scan` column) and of a scan job. */
export const SCAN_NONE = 0;
export const SCAN_CLEAN = 1;
export const SCAN_THREATS = 2;
export const SCAN_FAILED = 3;
/** Index status of a recovery point (the `index` column), as IndexStatus names it. */
export const INDEX_STATUSES = [undefined, "ACTIVE", "FAILED", "PENDING"] as const;

/** Columnar recovery points; index = stable recovery point number. */
export class RecoveryPointTable {
  size = 0;
  readonly vault = new Column(Int32Array);
  readonly resource = new Column(Int32Array);
  /** Rule (global index) that created it; -1 for none. */
  readonly rule = new Column(Int32Array);
  readonly created = new Column(Float64Array);
  readonly completedAfter = new Column(Int32Array);
  /** -1 = never expires. */
  readonly deleteAfterDays = new Column(Int32Array);
  readonly coldAfterDays = new Column(Int32Array);
  readonly flags = new Column(Uint8Array);
  /** For copies: the source recovery point; -1 otherwise. */
  readonly source = new Column(Int32Array);
  readonly sizeMb = new Column(Float32Array);
  /** SCAN_*: what the malware scan of this point found (SCAN_NONE: never scanned). */
  readonly scan = new Column(Uint8Array);
  /** Seconds from completion until its scan finished. */
  readonly scanAfter = new Column(Int32Array);
  /** Position in INDEX_STATUSES (0: not indexed). */
  readonly index = new Column(Uint8Array);
  /** Seconds from creation until its copies completed and deleted it (DELETE_AFTER_COPY); -1: not so deleted. */
  readonly deletedAfterCopy = new Column(Int32Array);

  add(p: {
    vault: number;
    resource: number;
    rule: number;
    created: number;
    completedAfter: number;
    deleteAfterDays: number;
    coldAfterDays: number;
    flags: number;
    source: number;
    sizeMb: number;
  }): number {
    const i = this.size++;
    for (const c of [
      this.vault,
      this.resource,
      this.rule,
      this.created,
      this.completedAfter,
      this.deleteAfterDays,
      this.coldAfterDays,
      this.flags,
      this.source,
      this.sizeMb,
      this.scan,
      this.scanAfter,
      this.index,
      this.deletedAfterCopy,
    ])
      c.ensure(this.size);
    this.vault.data[i] = p.vault;
    this.resource.data[i] = p.resource;
    this.rule.data[i] = p.rule;
    this.created.data[i] = p.created;
    this.completedAfter.data[i] = p.completedAfter;
    this.deleteAfterDays.data[i] = p.deleteAfterDays;
    this.coldAfterDays.data[i] = p.coldAfterDays;
    this.flags.data[i] = p.flags;
    this.source.data[i] = p.source;
    this.sizeMb.data[i] = p.sizeMb;
    this.scan.data[i] = SCAN_NONE;
    this.scanAfter.data[i] = 0;
    this.index.data[i] = 0;
    this.deletedAfterCopy.data[i] = -1;
    return i;
  }

  alive(i: number): boolean {
    return ((this.flags.data[i] as number) & RP_DELETED) === 0;
  }

  /** Listed by the APIs: not deleted, and its backup (or copy) job has finished by `now`. */
  visible(i: number, now: number): boolean {
    return this.alive(i) && (this.created.data[i] as number) + (this.completedAfter.data[i] as number) <= now;
  }

  /** Epoch seconds when the lifecycle deletes it (after DeleteAfterDays or once copied), or Infinity. */
  deleteAt(i: number): number {
    const d = this.deleteAfterDays.data[i] as number;
    const created = this.created.data[i] as number;
    const copied = this.deletedAfterCopy.data[i] as number;
    return Math.min(d < 0 ? Infinity : created + d * 86400, copied < 0 ? Infinity : created + copied);
  }

  /** When its malware scan finished (epoch seconds); only meaningful when `scan` is set. */
  scannedAt(i: number): number {
    return (
      (this.created.data[i] as number) + (this.completedAfter.data[i] as number) + (this.scanAfter.data[i] as number)
    );
  }
}

export const JOB_STATES = [
  "CREATED",
  "PENDING",
  "RUNNING",
  "ABORTING",
  "ABORTED",
  "COMPLETED",
  "FAILED",
  "EXPIRED",
  "PARTIAL",
] as const;
export type JobState = (typeof JOB_STATES)[number];
export const JOB_STATE = Object.fromEntries(JOB_STATES.map((s, i) => [s, i])) as Record<JobState, number>;

/** Columnar backup jobs. Message and category are interned strings. */
export class BackupJobTable {
  size = 0;
  readonly resource = new Column(Int32Array);
  readonly rule = new Column(Int32Array);
  readonly vault = new Column(Int32Array);
  readonly recoveryPoint = new Column(Int32Array);
  readonly created = new Column(Float64Array);
  readonly duration = new Column(Int32Array);
  readonly state = new Column(Uint8Array);
  readonly message = new Column(Int32Array);
  readonly category = new Column(Int32Array);
  readonly strings: StringTable;
  constructor(strings: StringTable) {
    this.strings = strings;
  }

  add(j: {
    resource: number;
    rule: number;
    vault: number;
    recoveryPoint: number;
    created: number;
    duration: number;
    state: JobState;
    message: string;
    category: string;
  }): number {
    const i = this.size++;
    for (const c of [
      this.resource,
      this.rule,
      this.vault,
      this.recoveryPoint,
      this.created,
      this.duration,
      this.state,
      this.message,
      this.category,
    ])
      c.ensure(this.size);
    this.resource.data[i] = j.resource;
    this.rule.data[i] = j.rule;
    this.vault.data[i] = j.vault;
    this.recoveryPoint.data[i] = j.recoveryPoint;
    this.created.data[i] = j.created;
    this.duration.data[i] = j.duration;
    this.state.data[i] = JOB_STATE[j.state];
    this.message.data[i] = this.strings.intern(j.message);
    this.category.data[i] = this.strings.intern(j.category);
    return i;
  }
}

export const COPY_STATES = ["CREATED", "RUNNING", "COMPLETED", "FAILED", "PARTIAL"] as const;

/** Columnar copy jobs, listed in the source account and region. */
export class CopyJobTable {
  size = 0;
  readonly resource = new Column(Int32Array);
  readonly rule = new Column(Int32Array);
  readonly sourceVault = new Column(Int32Array);
  /** Source recovery point (-1 when it was not kept because it has since expired). */
  readonly source = new Column(Int32Array);
  readonly destination = new Column(Int32Array);
  /** Interned destination vault ARN (the vault may not exist). */
  readonly destinationVaultArn = new Column(Int32Array);
  readonly created = new Column(Float64Array);
  readonly duration = new Column(Int32Array);
  readonly state = new Column(Uint8Array);
  readonly message = new Column(Int32Array);
  /** Copy action lifecycle: -1 = never / none. */
  readonly deleteAfterDays = new Column(Int32Array);
  readonly coldAfterDays = new Column(Int32Array);
  readonly strings: StringTable;
  constructor(strings: StringTable) {
    this.strings = strings;
  }

  add(j: {
    resource: number;
    rule: number;
    sourceVault: number;
    source: number;
    destination: number;
    destinationVaultArn: string;
    created: number;
    duration: number;
    state: (typeof COPY_STATES)[number];
    message: string;
    deleteAfterDays: number;
    coldAfterDays: number;
  }): number {
    const i = this.size++;
    for (const c of [
      this.resource,
      this.rule,
      this.sourceVault,
      this.source,
      this.destination,
      this.destinationVaultArn,
      this.created,
      this.duration,
      this.state,
      this.message,
      this.deleteAfterDays,
      this.coldAfterDays,
    ])
      c.ensure(this.size);
    this.resource.data[i] = j.resource;
    this.rule.data[i] = j.rule;
    this.sourceVault.data[i] = j.sourceVault;
    this.source.data[i] = j.source;
    this.destination.data[i] = j.destination;
    this.destinationVaultArn.data[i] = this.strings.intern(j.destinationVaultArn);
    this.created.data[i] = j.created;
    this.duration.data[i] = j.duration;
    this.state.data[i] = COPY_STATES.indexOf(j.state);
    this.message.data[i] = this.strings.intern(j.message);
    this.deleteAfterDays.data[i] = j.deleteAfterDays;
    this.coldAfterDays.data[i] = j.coldAfterDays;
    return i;
  }
}

/** Columnar malware scan jobs, one per scanned recovery point, listed in the vault's account and region. */
export class ScanJobTable {
  size = 0;
  readonly resource = new Column(Int32Array);
  readonly rule = new Column(Int32Array);
  readonly vault = new Column(Int32Array);
  /** The scanned recovery point (-1 when it expired before the world was built: see backupJob). */
  readonly recoveryPoint = new Column(Int32Array);
  /** The backup job that made the point (-1 when outside the job window). */
  readonly backupJob = new Column(Int32Array);
  /** Base of an incremental scan (-1: none, a full scan). */
  readonly base = new Column(Int32Array);
  readonly created = new Column(Float64Array);
  readonly duration = new Column(Int32Array);
  /** SCAN_CLEAN, SCAN_THREATS or SCAN_FAILED. */
  readonly outcome = new Column(Uint8Array);

  add(j: {
    resource: number;
    rule: number;
    vault: number;
    recoveryPoint: number;
    backupJob: number;
    base: number;
    created: number;
    duration: number;
    outcome: number;
  }): number {
    const i = this.size++;
    for (const c of [
      this.resource,
      this.rule,
      this.vault,
      this.recoveryPoint,
      this.backupJob,
      this.base,
      this.created,
      this.duration,
      this.outcome,
    ])
      c.ensure(this.size);
    this.resource.data[i] = j.resource;
    this.rule.data[i] = j.rule;
    this.vault.data[i] = j.vault;
    this.recoveryPoint.data[i] = j.recoveryPoint;
    this.backupJob.data[i] = j.backupJob;
    this.base.data[i] = j.base;
    this.created.data[i] = j.created;
    this.duration.data[i] = j.duration;
    this.outcome.data[i] = j.outcome;
    return i;
  }
}

/** Restore jobs are few; plain objects suffice. */
export interface RestoreJob {
  index: number;
  unit: number;
  recoveryPoint: number;
  created: number;
  durationMinutes: number;
  status: "PENDING" | "RUNNING" | "COMPLETED" | "ABORTED" | "FAILED";
  message: string;
  restoreTestingPlan: number;
  iamRoleArn: string;
  /** What validation of a restore-testing restore reports (the resource's restore_validation). */
  validation: "successful" | "failed" | "timed_out" | undefined;
}
