// BK-03 (Audit Manager BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED): the vault access
// policy denies DeleteRecoveryPoint, UpdateRecoveryPointLifecycle and PutBackupVaultAccessPolicy
// to every principal except at most five exempt role ARNs named in the parameter.
import { z } from "zod";
import { analyseAccessPolicy } from "@/lib/compliance/vault/access-policy";
import type { Evidence } from "@/lib/compliance/model/finding";
import { defineControl, ev, finding, judge, subjects, unreadable } from "./control";

export const bk03Params = z
  .object({
    exemptPrincipalArns: z
      .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user|root)(\/.*)?$/, "must be an IAM principal ARN"))
      .max(5, "at most 5 exempt principals")
      .default([]),
  })
  .strict();

export const bk03 = defineControl({
  id: "BK-03",
  title: "Recovery points protected from manual deletion",
  subjectTypes: ["vault"],
  description:
    "The vault access policy denies backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle and backup:PutBackupVaultAccessPolicy to all principals but the listed exemptions.",
  remediation:
    "Stop manual deletion in the vault: add a vault access policy that denies backup:DeleteRecoveryPoint (and UpdateRecoveryPointLifecycle) to every principal except the allowed break-glass roles, or lock the vault with Vault Lock.",
  params: bk03Params,
  evaluate(ctx, params, scope, emit) {
    const allowed = new Set(params.exemptPrincipalArns);
    for (const vault of ctx.snapshot.vaults) {
      if (!scope.account(vault.accountId) || !scope.region(vault.region)) continue;
      const subject = subjects.vault(vault);
      const unread = judge("BK-03", subject, ctx.unitState(vault.accountId, vault.region));
      if (unread) {
        emit(unread);
        continue;
      }
      const a = analyseAccessPolicy(vault.accessPolicy, vault.vaultArn);
      if (!a.ok) {
        emit(judge("BK-03", subject, unreadable(`vault ${vault.vaultName}: ${a.error}`, [ev.vault(vault)]))!);
        continue;
      }
      const evidence: Evidence[] = [
        ev.vault(vault),
        ...a.statements.map((s): Evidence => ({
          kind: "policy-statement",
          id: `${vault.vaultArn}#${s.id}`,
          details: {
            effect: s.effect,
            actions: s.actions,
            notActions: s.notActions,
            principal: s.principal,
            exemptions: s.exemptions,
            conditional: s.conditional,
          },
        })),
      ];
      const undenied = a.coverage.filter((c) => !c.denied);
      if (undenied.length > 0) {
        const c = undenied[0]!;
        const names = undenied.map((u) => u.action).join(", ");
        emit(
          finding(
            "BK-03",
            subject,
            "FAIL",
            `vault ${vault.vaultName} does not deny ${names} to everyone: ${c.gap}`,
            evidence,
          ),
        );
        continue;
      }
      const extra = [...new Set(a.coverage.flatMap((c) => c.exemptions))].filter((x) => !allowed.has(x));
      if (extra.length > 0) {
        emit(
          finding(
            "BK-03",
            subject,
            "FAIL",
            `vault ${vault.vaultName} denies deletion but also exempts ${extra.join(", ")}, which is not an allowed exemption`,
            evidence,
          ),
        );
        continue;
      }
      const ex = [...new Set(a.coverage.flatMap((c) => c.exemptions))];
      emit(
        finding(
          "BK-03",
          subject,
          "PASS",
          `vault ${vault.vaultName} denies deletion, lifecycle change and policy change to everyone${ex.length ? ` except ${ex.join(", ")}` : ""}`,
          evidence,
        ),
      );
    }
  },
});
