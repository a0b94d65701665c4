// BK-16: the vault is encrypted with a customer-managed KMS key. When AWS does not report the key
// type, an alias/aws/... key is AWS-managed; any other bare key ARN cannot be told apart
// without KMS (which we do not read), so that is an ERROR, not a guess.
import { z } from "zod";
import { defineControl, ev, finding, subjects } from "./control";

export const bk16Params = z.object({}).strict();

export const bk16 = defineControl({
  id: "BK-16",
  title: "Vault encrypted with a customer-managed KMS key",
  subjectTypes: ["vault"],
  description: "The vault's encryption key is a customer-managed KMS key, not an AWS-managed or AWS-owned key.",
  params: bk16Params,
  evaluate(ctx, _params, scope, emit) {
    for (const v of ctx.snapshot.vaults) {
      if (!scope.account(v.accountId) || !scope.region(v.region)) continue;
      const subject = subjects.vault(v);
      const state = ctx.unitState(v.accountId, v.region);
      if (!state.usable) {
        emit(finding("BK-16", subject, state.skipped ? "NOT_APPLICABLE" : "ERROR", state.reason, [state.evidence]));
        continue;
      }
      const evidence = [ev.vault(v, { encryptionKeyArn: v.encryptionKeyArn, encryptionKeyType: v.encryptionKeyType })];
      let type = v.encryptionKeyType;
      if (!type && v.encryptionKeyArn && /:alias\/aws\//.test(v.encryptionKeyArn)) type = "AWS_MANAGED_KMS_KEY";
      if (type === "CUSTOMER_MANAGED_KMS_KEY") emit(finding("BK-16", subject, "PASS", `vault ${v.vaultName} uses customer-managed key ${v.encryptionKeyArn ?? ""}`.trim(), evidence));
      else if (type === "AWS_MANAGED_KMS_KEY") emit(finding("BK-16", subject, "FAIL", `vault ${v.vaultName} uses the AWS-managed key ${v.encryptionKeyArn ?? "aws/backup"}`, evidence));
      else if (type === "AWS_OWNED_KMS_KEY") emit(finding("BK-16", subject, "FAIL", `vault ${v.vaultName} uses an AWS-owned key`, evidence));
      else if (!v.encryptionKeyArn) emit(finding("BK-16", subject, "FAIL", `vault ${v.vaultName} reports no encryption key`, evidence));
      else emit(finding("BK-16", subject, "ERROR", `cannot tell whether key ${v.encryptionKeyArn} of vault ${v.vaultName} is customer-managed (key type not reported)`, evidence));
    }
  },
});
