// BK-08 (Audit Manager BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK), mode-aware: the
// resource's backups land in a locked vault (a rule's target vault, its air-gapped target, or a
// copy destination found in the inventory). Governance mode and compliance mode in grace time
// are removable, so "compliance mode required" fails them. When min/max are set, the vault's
// lock must enforce at least that minimum and at most that maximum. A target vault missing from
// a unit read completely does not exist: a FAIL (BK-15 names the same gap), not an ERROR.
import { z } from "zod";
import type { BackupVault, Resource } from "@/lib/inventory/types";
import type { Evidence, Facts } from "@/lib/compliance/model/finding";
import { parseArn } from "@/lib/compliance/matching/arn";
import { vaultLockState } from "@/lib/compliance/vault/vault-lock";
import { defineControl, ev, finding, judge, referenceFacts, subjects, unreadable } from "./control";
import { forEachResource, protectionProblem, resolveProtection } from "./resource-scope";

export const bk08Params = z
  .object({
    minRetentionDays: z
      .number()
      .int()
      .min(1, "minimum retention is at least 1 day")
      .max(36500)
      .nullable()
      .default(null),
    maxRetentionDays: z
      .number()
      .int()
      .min(1, "maximum retention is at least 1 day")
      .max(36500)
      .nullable()
      .default(null),
    complianceModeRequired: z.boolean().default(false),
  })
  .strict()
  .refine(
    (p) => p.minRetentionDays === null || p.maxRetentionDays === null || p.minRetentionDays <= p.maxRetentionDays,
    {
      path: ["maxRetentionDays"],
      message: "maximum retention must not be below the minimum",
    },
  );

type Params = z.output<typeof bk08Params>;

function judgeVault(v: BackupVault, now: Date, p: Params): { ok: boolean; why: string; evidence: Evidence } {
  const s = vaultLockState(v, now);
  const evidence: Evidence = {
    kind: "vault-lock",
    id: v.vaultArn,
    details: {
      vault: v.vaultName,
      mode: s.mode,
      locked: v.locked,
      minRetentionDays: s.minRetentionDays,
      maxRetentionDays: s.maxRetentionDays,
      lockDate: s.lockDate?.toISOString() ?? null,
    },
  };
  if (s.mode === "none") return { ok: false, why: `vault ${v.vaultName} has no Vault Lock`, evidence };
  if (p.complianceModeRequired && s.mode !== "compliance")
    return { ok: false, why: `vault ${v.vaultName} is in ${s.summary}; compliance mode required`, evidence };
  if (p.minRetentionDays !== null && (s.minRetentionDays === null || s.minRetentionDays < p.minRetentionDays)) {
    return {
      ok: false,
      why: `vault ${v.vaultName} lock enforces minimum ${s.minRetentionDays ?? "none"} days; ${p.minRetentionDays} required`,
      evidence,
    };
  }
  if (p.maxRetentionDays !== null && (s.maxRetentionDays === null || s.maxRetentionDays > p.maxRetentionDays)) {
    return {
      ok: false,
      why: `vault ${v.vaultName} lock enforces maximum ${s.maxRetentionDays ?? "none"} days; at most ${p.maxRetentionDays} allowed`,
      evidence,
    };
  }
  return { ok: true, why: `vault ${v.vaultName}: ${s.summary}`, evidence };
}

export const bk08 = defineControl({
  id: "BK-08",
  title: "Protected by Vault Lock (mode-aware)",
  subjectTypes: ["resource"],
  description:
    "The resource is backed up into a vault protected by Vault Lock, in compliance mode when required, with lock retention within the given bounds.",
  remediation:
    "Back the resource up into a vault with Vault Lock in compliance mode (PutBackupVaultLockConfiguration with the required minimum and maximum retention and a ChangeableForDays grace period), or retarget the plan's rule to such a vault.",
  params: bk08Params,
  evaluate(ctx, params, scope, emit) {
    forEachResource(ctx, "BK-08", scope, emit, (r: Resource) => {
      const p = resolveProtection(ctx, r);
      if (p.kind !== "protected") {
        emit(protectionProblem("BK-08", r, p, ", so no Vault Lock protects its backups"));
        return;
      }
      const evidence: Evidence[] = [ev.resource(r)];
      const reasons: string[] = [];
      const unread: Facts[] = [];
      const seen = new Set<string>();
      for (const m of p.matches) {
        for (const rule of m.plan.rules) {
          // The rule's own target is named in the resource's unit, read completely (forEachResource).
          const targets: Array<{
            key: string;
            vault: BackupVault | undefined;
            accountId: string;
            region: string;
            name: string;
          }> = [
            {
              key: `${r.accountId}|${r.region}|${rule.targetBackupVaultName}`,
              vault: ctx.vaultByName(r.accountId, r.region, rule.targetBackupVaultName),
              accountId: r.accountId,
              region: r.region,
              name: rule.targetBackupVaultName,
            },
          ];
          for (const arn of [
            rule.targetLogicallyAirGappedBackupVaultArn,
            ...rule.copyActions.map((c) => c.destinationBackupVaultArn),
          ]) {
            if (!arn) continue;
            const a = parseArn(arn);
            targets.push({
              key: arn,
              vault: ctx.vaultByArn(arn),
              accountId: a?.accountId ?? "",
              region: a?.region ?? "",
              name: arn,
            });
          }
          for (const t of targets) {
            const key = t.vault?.vaultArn ?? t.key;
            if (seen.has(key)) continue;
            seen.add(key);
            if (!t.vault) {
              // Not in the inventory: absent if its unit was read completely (a FAIL), unknown if not.
              const facts = referenceFacts(ctx, t.accountId, t.region, `vault ${t.name}`);
              if (facts.read)
                reasons.push(
                  `rule ${rule.ruleName} of plan ${m.plan.planName} targets vault ${t.name}, which does not exist in account ${t.accountId} in ${t.region}`,
                );
              else
                unread.push(
                  unreadable(
                    `target vault ${t.name} of rule ${rule.ruleName} could not be checked: ${facts.reason}`,
                    facts.evidence,
                  ),
                );
              continue;
            }
            const j = judgeVault(t.vault, ctx.now, params);
            evidence.push(j.evidence);
            if (j.ok) {
              emit(
                finding(
                  "BK-08",
                  subjects.resource(r),
                  "PASS",
                  `rule ${rule.ruleName} of plan ${m.plan.planName} backs up to ${j.why}`,
                  [...evidence, ev.rule(m.plan, rule)],
                ),
              );
              return;
            }
            reasons.push(j.why);
          }
        }
      }
      // No target passes; one that could not be read might have, so only a complete read fails.
      emit(
        judge("BK-08", subjects.resource(r), unread, () => ({
          status: "FAIL",
          reason: reasons[0] ?? "no target vault found",
          evidence,
        })),
      );
    });
  },
});
