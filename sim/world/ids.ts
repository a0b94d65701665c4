import { hashInts, hashString, hexFrom, uuidFrom } from "./rng";
import type { ResourceType } from "./resource-types";

/**
 * Identifiers of things that exist in large numbers (recovery points, jobs) encode their table
 * index, masked by the seed, so they can be resolved back without a million-entry map.
 */
const KIND = {
  rp: 0x52500001,
  backupJob: 0x424a0002,
  copyJob: 0x434a0003,
  restoreJob: 0x524a0004,
  scanJob: 0x534a0005,
} as const;
type Kind = keyof typeof KIND;

function mask(seed: number, kind: Kind): number {
  return hashInts(seed, KIND[kind]);
}

function token(seed: number, kind: Kind, index: number): string {
  return ((index ^ mask(seed, kind)) >>> 0).toString(16).padStart(8, "0");
}

function untoken(seed: number, kind: Kind, hex: string): number {
  return (parseInt(hex, 16) ^ mask(seed, kind)) >>> 0;
}

/** A UUID whose first group carries the masked index. */
function indexedUuid(seed: number, kind: Kind, index: number): string {
  const rest = uuidFrom(seed, KIND[kind], index);
  return `${token(seed, kind, index)}${rest.slice(8)}`;
}

type JobKind = "backupJob" | "copyJob" | "restoreJob" | "scanJob";

export function jobId(seed: number, kind: JobKind, index: number): string {
  const id = indexedUuid(seed, kind, index);
  // Restore job IDs are upper case in AWS's examples; backup, copy and scan job IDs lower case.
  return kind === "restoreJob" ? id.toUpperCase() : id;
}

/** The job index an ID names, or undefined when it names none (checked by regenerating the ID). */
export function jobIndexOf(seed: number, kind: JobKind, id: string): number | undefined {
  if (!/^[0-9a-fA-F]{8}-/.test(id)) return undefined;
  const index = untoken(seed, kind, id.slice(0, 8).toLowerCase());
  return index < 0x40000000 && jobId(seed, kind, index) === id ? index : undefined;
}

export function recoveryPointArn(
  seed: number,
  index: number,
  type: ResourceType,
  account: string,
  region: string,
  continuous: boolean,
): string {
  const t = token(seed, "rp", index);
  const h = hexFrom(9, seed, KIND.rp, index);
  if (continuous)
    return `arn:aws:backup:${region}:${account}:recovery-point:continuous:${indexedUuid(seed, "rp", index)}`;
  switch (type) {
    case "EBS":
      return `arn:aws:ec2:${region}::snapshot/snap-${t}${h}`;
    case "EC2":
      return `arn:aws:ec2:${region}::image/ami-${t}${h}`;
    case "RDS":
      return `arn:aws:rds:${region}:${account}:snapshot:awsbackup:job-${indexedUuid(seed, "rp", index)}`;
    case "Aurora":
      return `arn:aws:rds:${region}:${account}:cluster-snapshot:awsbackup:job-${indexedUuid(seed, "rp", index)}`;
    case "FSx":
      return `arn:aws:fsx:${region}:${account}:backup/backup-${t}${h}`;
    default:
      return `arn:aws:backup:${region}:${account}:recovery-point:${indexedUuid(seed, "rp", index)}`;
  }
}

/** The recovery point index an ARN claims to be (caller must confirm by regenerating the ARN). */
export function recoveryPointIndexOf(seed: number, arn: string): number | undefined {
  const m = /(?:snap-|ami-|backup-|job-|recovery-point:(?:continuous:)?)([0-9a-f]{8})/.exec(arn);
  return m ? untoken(seed, "rp", m[1] as string) : undefined;
}

/** Stable UUID for a named thing (plans, rules, selections). */
export function stableUuid(seed: number, ...names: (string | number)[]): string {
  return uuidFrom(seed, ...names.map((n) => (typeof n === "number" ? n : hashString(n))));
}

/** AWS Backup plan version IDs are base64 of a UUID string (48 characters). */
export function versionId(seed: number, ...names: (string | number)[]): string {
  return Buffer.from(stableUuid(seed, "version", ...names)).toString("base64");
}

export function kmsKeyArn(seed: number, account: string, region: string, name: string): string {
  return `arn:aws:kms:${region}:${account}:key/${stableUuid(seed, "kms", account, region, name)}`;
}

export function hex(seed: number, length: number, ...names: (string | number)[]): string {
  return hexFrom(length, seed, ...names.map((n) => (typeof n === "number" ? n : hashString(n))));
}
