// BK-19 (break-glass restore ready): a resource tagged as critical has a recent recovery point
// in a logically air-gapped vault from which it can be restored when the organization's own
// accounts cannot be trusted: the vault is shared through AWS RAM with a recovery account
// outside the organization (RAM's `external`, or an account the tenant lists), or a
// multi-party approval team is associated with it (AWS Backup lets that team grant access to
// the vault even when the owning account is lost). A share with the organization, one of its
// OUs or one of its accounts stays inside the blast radius and does not count unless listed.
// Other resources are out of scope. Reasons name no time that moves with each new copy (see BK-09).
import { z } from "zod";
import type { BackupVault, VaultShare } from "@/lib/inventory/types";
import type { RecoveryPointRef } from "@/lib/compliance/facts/resource-facts";
import type { Evidence, Facts } from "@/lib/compliance/model/finding";
import type { EvaluationContext } from "@/lib/compliance/engine/context";
import {
  defineControl,
  ev,
  finding,
  formatTime,
  hoursAgo,
  judge,
  referenceFacts,
  subjects,
  toHours,
  unreadable,
} from "./control";
import { forEachResource, hasTag, tagParam } from "./resource-scope";
import { ageAtMost, ageFields } from "./bk-09-last-recovery-point";

// The age bounds are BK-11's (the Config rule's 2184 h / 91 d).
export const bk19Params = z
  .object({
    tag: tagParam("critical resources", { key: "criticality", value: "critical" }),
    ...ageFields,
    recoveryAccounts: z
      .array(z.string().regex(/^\d{12}$/, "account id must be 12 digits"))
      .max(50, "at most 50 recovery accounts")
      .default([]),
  })
  .strict()
  .superRefine(ageAtMost(2184, 91));

interface VaultReadiness {
  vault: BackupVault | undefined;
  name: string;
  /** Shares that reach a recovery account outside the blast radius. */
  outside: VaultShare[];
  mpaApprovalTeamArn: string | null;
}

function readinessOf(ctx: EvaluationContext, p: RecoveryPointRef, listed: ReadonlySet<string>): VaultReadiness {
  const vault = ctx.vaultByArn(p.backupVaultArn);
  return {
    vault,
    name: vault?.vaultName ?? p.backupVaultArn.slice(p.backupVaultArn.lastIndexOf(":") + 1),
    outside: (vault?.shares ?? []).filter((s) => s.external || listed.has(s.principal)),
    mpaApprovalTeamArn: vault?.mpaApprovalTeamArn ?? null,
  };
}

const ready = (v: VaultReadiness) => v.outside.length > 0 || v.mpaApprovalTeamArn !== null;

function whatHolds(v: VaultReadiness): string {
  const parts: string[] = [];
  if (v.outside.length > 0)
    parts.push(
      `shared through RAM with ${v.outside
        .map((s) => `${s.principal} (${s.external ? "outside the organization" : "a listed recovery account"})`)
        .join(", ")}`,
    );
  if (v.mpaApprovalTeamArn) parts.push(`guarded by multi-party approval team ${v.mpaApprovalTeamArn}`);
  return parts.join(" and ");
}

function whatIsMissing(v: VaultReadiness): string {
  if (!v.vault) return `vault ${v.name} is not in the inventory`;
  const inside = v.vault.shares.map((s) => s.principal);
  const shared = inside.length > 0 ? ` (shared only inside the organization, with ${inside.join(", ")})` : "";
  return `vault ${v.name} is neither shared through RAM with an account outside the organization${shared} nor guarded by a multi-party approval team`;
}

function vaultEvidence(v: VaultReadiness): Evidence[] {
  if (!v.vault) return [];
  return [
    ev.vault(v.vault, {
      sharedWith: v.vault.shares.map((s) => `${s.principal}${s.external ? " (external)" : ""}`),
      mpaApprovalTeamArn: v.vault.mpaApprovalTeamArn,
    }),
  ];
}

export const bk19 = defineControl({
  id: "BK-19",
  title: "Break-glass restore ready",
  subjectTypes: ["resource"],
  description:
    "A resource tagged as critical has a recovery point no older than the given age in a logically air-gapped vault that is shared through AWS RAM with a recovery account outside the organization, or guarded by a multi-party approval team.",
  remediation:
    "Copy the critical resource's recovery points to a logically air-gapped vault at least as often as the age (a copy action on the rule of its plan), then make that vault reachable when the organization's accounts are compromised: share it through AWS RAM with a recovery account in another organization, or associate a multi-party approval team with it (AssociateBackupVaultMpaApprovalTeam).",
  params: bk19Params,
  evaluate(ctx, params, scope, emit) {
    const limit = toHours(params.unit, params.value);
    const limitText = `${params.value} ${params.unit}`;
    const listed = new Set(params.recoveryAccounts);
    forEachResource(
      ctx,
      "BK-19",
      scope,
      emit,
      (r) => {
        const subject = subjects.resource(r);
        const points = [...(ctx.facts.resource(r.resourceArn)?.airGappedRecoveryPoints ?? [])].sort(
          (a, b) => b.creationDate.getTime() - a.creationDate.getTime(),
        );
        if (points.length === 0) {
          emit(
            finding("BK-19", subject, "FAIL", "no recovery point in a logically air-gapped vault", [ev.resource(r)]),
          );
          return;
        }
        const vaults = points.map((p) => readinessOf(ctx, p, listed));
        const recent = points.map((p) => hoursAgo(ctx.now, p.creationDate) <= limit);
        // A vault whose unit was not read completely may have lost its shares or team, or hold newer
        // points: it can neither carry a PASS nor leave a FAIL certain.
        // So may a recent point's vault whose RAM shares could not be read (and that no approval
        // team guards): the shares could make it ready.
        const facts: Facts[] = points.map((p, k) => {
          const v = vaults[k]!;
          const f = referenceFacts(ctx, p.accountId, p.region, `air-gapped vault ${v.name}`);
          if (!f.read) return unreadable(`air-gapped vault ${v.name} could not be checked: ${f.reason}`, f.evidence);
          if (recent[k] && v.vault?.sharesUnreadable && !v.mpaApprovalTeamArn)
            return unreadable(
              `whom air-gapped vault ${v.name} is shared with is unknown: ${v.vault.sharesUnreadable}`,
              vaultEvidence(v),
            );
          return f;
        });
        const i = points.findIndex((_, k) => recent[k] && ready(vaults[k]!) && facts[k]!.read);
        if (i >= 0) {
          const p = points[i]!;
          emit(
            finding(
              "BK-19",
              subject,
              "PASS",
              `air-gapped copy at most ${limitText} old in vault ${vaults[i]!.name}, ${whatHolds(vaults[i]!)}`,
              [ev.resource(r), ev.point(p), ...vaultEvidence(vaults[i]!)],
            ),
          );
          return;
        }
        // Sorted newest first: either the newest point is recent and its vault is not ready, or none is recent.
        const p = points[0]!;
        const v = vaults[0]!;
        const reason = recent[0]
          ? `air-gapped copy at most ${limitText} old, but ${whatIsMissing(v)}`
          : `newest air-gapped recovery point, made ${formatTime(p.creationDate)} in vault ${v.name}, is older than ${limitText}${ready(v) ? "" : `, and ${whatIsMissing(v)}`}`;
        emit(
          judge("BK-19", subject, facts, () => ({
            status: "FAIL",
            reason,
            evidence: [ev.resource(r), ev.point(p), ...vaultEvidence(v)],
          })),
        );
      },
      (r) => hasTag(r.tags, params.tag),
    );
  },
});
