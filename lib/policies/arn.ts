// Names and ARNs a backup policy carries, checked against the AWS Backup and IAM rules, with the
// $account and $region placeholders AWS Backup substitutes in each account and Region
// (syntax page: "$account" for same-account vaults and roles; the air-gapped vault uses both).
import { isPolicyRegion, partitionOf } from "./regions";

export interface ValueProblem {
  reason: string;
  message: string;
}

/** BackupVaultName in the Backup API model: ^[a-zA-Z0-9\-\_]{2,50}$. */
const VAULT_NAME = /^[a-zA-Z0-9\-_]{2,50}$/;
/** BackupPlanName, BackupRuleName, BackupSelectionName: "1 to 50 alphanumeric or '-_.' characters". */
const PLAN_ITEM_NAME = /^[a-zA-Z0-9\-_.]{1,50}$/;
/** IAM role names ([\w+=,.@-]{1,64}) under an optional path of printable ASCII (IAM API reference, CreateRole). */
const ROLE = /^arn:([a-z-]+):iam::([^:]*):role\/((?:[\u0021-\u007e]*\/)?)([^/]*)$/;
const VAULT_ARN = /^arn:([a-z-]+):backup:([^:]*):([^:]*):backup-vault:(.*)$/;
const PARTITIONS = new Set(["aws", "aws-us-gov", "aws-cn"]);

export function checkVaultName(name: string): ValueProblem | undefined {
  if (VAULT_NAME.test(name)) return undefined;
  return {
    reason: "INVALID_VAULT_NAME",
    message: `"${name}" is not a backup vault name: 2 to 50 letters, digits, hyphens or underscores.`,
  };
}

/** Plan, rule and selection names become BackupPlanName, RuleName and SelectionName in each account. */
export function checkPlanItemName(name: string, what: string): ValueProblem | undefined {
  if (PLAN_ITEM_NAME.test(name)) return undefined;
  return {
    reason: "INVALID_NAME",
    message: `${what} name "${name}" must be 1 to 50 letters, digits or '-_.' characters (AWS Backup's rule for plan, rule and selection names).`,
  };
}

function unknownPlaceholder(arn: string): ValueProblem | undefined {
  for (const m of arn.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)) {
    if (m[1] !== "account" && m[1] !== "region") {
      return {
        reason: "UNKNOWN_PLACEHOLDER",
        message: `"$${m[1]}" in ${arn} is not a placeholder AWS Backup replaces; only $account and $region are.`,
      };
    }
  }
  return undefined;
}

function checkAccount(account: string, arn: string, reason: string): ValueProblem | undefined {
  if (account === "$account" || /^\d{12}$/.test(account)) return undefined;
  return { reason, message: `The account in ${arn} must be a 12-digit account ID or $account, not "${account}".` };
}

function checkPartition(partition: string, arn: string, reason: string): ValueProblem | undefined {
  if (PARTITIONS.has(partition)) return undefined;
  return { reason, message: `${arn} names partition "${partition}"; AWS partitions are aws, aws-us-gov and aws-cn.` };
}

/** The IAM role AWS Backup assumes (iam_role_arn, scanner_role_arn): arn:aws:iam::$account:role/Name. */
export function checkRoleArn(arn: string): ValueProblem | undefined {
  const placeholder = unknownPlaceholder(arn);
  if (placeholder) return placeholder;
  const m = ROLE.exec(arn);
  const reason = "INVALID_ROLE_ARN";
  if (!m) return { reason, message: `${arn} is not an IAM role ARN like arn:aws:iam::$account:role/BackupRole.` };
  const [, partition, account, path, name] = m as unknown as [string, string, string, string, string];
  if (!/^[\w+=,.@-]{1,64}$/.test(name))
    return {
      reason,
      message: `The role name "${name}" in ${arn} must be 1 to 64 letters, digits or +=,.@_- characters.`,
    };
  if (path.length > 512) return { reason, message: `The role path in ${arn} is longer than 512 characters.` };
  return checkPartition(partition, arn, reason) ?? checkAccount(account, arn, reason);
}

/**
 * A backup vault ARN (copy_actions targets and keys, the air-gapped vault):
 * arn:PARTITION:backup:REGION:ACCOUNT:backup-vault:NAME. With `samePlace`, the Region and account must
 * be the placeholders, as the syntax page requires for target_logically_air_gapped_backup_vault_arn.
 */
export function checkVaultArn(arn: string, samePlace = false): ValueProblem | undefined {
  const placeholder = unknownPlaceholder(arn);
  if (placeholder) return placeholder;
  const reason = "INVALID_VAULT_ARN";
  const m = VAULT_ARN.exec(arn);
  if (!m)
    return {
      reason,
      message: `${arn} is not a backup vault ARN like arn:aws:backup:us-east-1:$account:backup-vault:MyVault.`,
    };
  const [, partition, region, account, name] = m as unknown as [string, string, string, string, string];
  const bad = checkPartition(partition, arn, reason) ?? checkAccount(account, arn, reason);
  if (bad) return bad;
  if (samePlace && (region !== "$region" || account !== "$account")) {
    return {
      reason,
      message: `A logically air-gapped vault ARN must use $region and $account (the vault is in the same account and Region as the backup), e.g. arn:aws:backup:$region:$account:backup-vault:${name}.`,
    };
  }
  if (region !== "$region") {
    if (!isPolicyRegion(region))
      return { reason: "INVALID_REGION", message: `${arn} names Region "${region}", which is not an AWS Region.` };
    if (partitionOf(region) !== partition)
      return {
        reason,
        message: `${arn}: Region ${region} belongs to partition ${partitionOf(region)}, not ${partition}.`,
      };
  }
  const vault = checkVaultName(name);
  return vault && { reason, message: `${arn}: ${vault.message}` };
}
