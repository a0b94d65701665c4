// BK-16: the vault is encrypted with a customer-managed KMS key. Who manages a key is KMS's
// answer (KeyManager), read by the sync with DescribeKey or from the account's aliases
// (alias/aws/… names only AWS-managed keys). AWS-owned keys are AWS Backup's own statement
// (EncryptionKeyType): they live outside the customer's accounts, where KMS cannot describe them.
// ERROR only where KMS could not tell (a key in another account whose policy does not admit the
// role, or a role without kms:DescribeKey); a key KMS says does not exist is a FAIL.
import { z } from "zod";
import type { BackupVault } from "@/lib/inventory/types";
import type { Evidence, Facts } from "@/lib/compliance/model/finding";
import { defineControl, ev, judge, READ, subjects, unreadable, type Verdict } from "./control";

export const bk16Params = z.object({}).strict();

const AWS_ALIAS_ARN = /:alias\/aws\//;

function evidenceOf(v: BackupVault): Evidence[] {
  const out: Evidence[] = [
    ev.vault(v, { encryptionKeyArn: v.encryptionKeyArn, encryptionKeyType: v.encryptionKeyType }),
  ];
  const k = v.keyManager;
  if (k && v.encryptionKeyArn)
    out.push({
      kind: "kms-key",
      id: v.encryptionKeyArn,
      details: {
        keyManager: k.manager,
        readBy: k.outcome === "aliased" ? "kms:ListAliases" : "kms:DescribeKey",
        outcome: k.outcome,
        detail: k.detail,
      },
    });
  return out;
}

/** What KMS could not tell, if anything: the one fact BK-16 may lack besides its unit. */
function keyFacts(v: BackupVault, evidence: Evidence[]): Facts {
  const k = v.keyManager;
  if (k?.outcome === "unreadable")
    return unreadable(
      `KMS could not describe key ${v.encryptionKeyArn} of vault ${v.vaultName}: ${k.detail}`,
      evidence,
    );
  if (
    k ||
    !v.encryptionKeyArn ||
    v.encryptionKeyType === "AWS_OWNED_KMS_KEY" ||
    v.encryptionKeyType === "CUSTOMER_MANAGED_KMS_KEY" ||
    AWS_ALIAS_ARN.test(v.encryptionKeyArn)
  )
    return READ;
  return unreadable(
    `the manager of key ${v.encryptionKeyArn} of vault ${v.vaultName} was not read from KMS (synced before the product read KMS): sync again`,
    evidence,
  );
}

function verdictOf(v: BackupVault, evidence: Evidence[]): Verdict {
  const fail = (reason: string): Verdict => ({ status: "FAIL", reason, evidence });
  const key = v.encryptionKeyArn;
  if (v.encryptionKeyType === "AWS_OWNED_KMS_KEY") return fail(`vault ${v.vaultName} uses an AWS-owned key`);
  if (!key) return fail(`vault ${v.vaultName} reports no encryption key`);
  const k = v.keyManager;
  if (k?.outcome === "not-found") return fail(`vault ${v.vaultName} uses key ${key}, which KMS says does not exist`);
  if (k?.manager === "CUSTOMER")
    return { status: "PASS", reason: `vault ${v.vaultName} uses customer-managed key ${key}`, evidence };
  if (k?.manager === "AWS" || AWS_ALIAS_ARN.test(key) || v.encryptionKeyType === "AWS_MANAGED_KMS_KEY")
    return fail(
      `vault ${v.vaultName} uses the AWS-managed key ${key}${k?.outcome === "aliased" ? ` (${k.detail})` : ""}`,
    );
  // Read before the product asked KMS: AWS Backup's own report of a customer-managed key.
  return { status: "PASS", reason: `vault ${v.vaultName} uses customer-managed key ${key}`, evidence };
}

export const bk16 = defineControl({
  id: "BK-16",
  title: "Vault encrypted with a customer-managed KMS key",
  subjectTypes: ["vault"],
  description:
    "The vault's encryption key is a customer-managed KMS key (KMS's KeyManager), not an AWS-managed or AWS-owned key.",
  remediation:
    "Vault encryption is fixed when a vault is created: create a new vault with a customer-managed KMS key, point the plans' rules and copy actions at it, and let the old vault's points expire.",
  params: bk16Params,
  evaluate(ctx, _params, scope, emit) {
    for (const v of ctx.snapshot.vaults) {
      if (!scope.account(v.accountId) || !scope.region(v.region)) continue;
      const evidence = evidenceOf(v);
      emit(
        judge("BK-16", subjects.vault(v), [ctx.unitState(v.accountId, v.region), keyFacts(v, evidence)], () =>
          verdictOf(v, evidence),
        ),
      );
    }
  },
});
