// Shared logic of BK-06 (cross-region) and BK-07 (cross-account): a copy action of a rule in a
// plan that really selects the resource sends copies to another region / account. "Scheduled"
// is about the plan, as in Audit Manager; copies actually made are added as evidence.
import type { Resource } from "@/lib/inventory/types";
import type { ControlId, Evidence } from "@/lib/compliance/model/finding";
import type { ScopeFilter } from "@/lib/compliance/model/scope";
import type { EvaluationContext } from "@/lib/compliance/engine/context";
import { parseArn } from "@/lib/compliance/matching/arn";
import { ev, finding, subjects, type Emit } from "./control";
import { forEachResource, protectionProblem, resolveProtection } from "./resource-scope";

export interface CopyTarget {
  what: "region" | "account";
  /** Accepted destinations; empty = any other region/account. */
  accepted: readonly string[];
}

export function evaluateCopyScheduled(
  ctx: EvaluationContext,
  controlId: ControlId,
  target: CopyTarget,
  scope: ScopeFilter,
  emit: Emit,
): void {
  const accepted = new Set(target.accepted);
  forEachResource(ctx, controlId, scope, emit, (r: Resource) => {
    const p = resolveProtection(ctx, r);
    if (p.kind !== "protected") {
      emit(protectionProblem(controlId, r, p, `, so no cross-${target.what} copy is scheduled`));
      return;
    }
    const own = target.what === "region" ? r.region : r.accountId;
    const seen: string[] = [];
    const rejected: string[] = [];
    for (const m of p.matches) {
      for (const rule of m.plan.rules) {
        for (const copy of rule.copyActions) {
          const arn = parseArn(copy.destinationBackupVaultArn);
          const dest = arn ? (target.what === "region" ? arn.region : arn.accountId) : null;
          if (!dest) continue;
          seen.push(dest);
          if (dest === own) continue;
          if (accepted.size > 0 && !accepted.has(dest)) {
            rejected.push(dest);
            continue;
          }
          const evidence: Evidence[] = [
            ev.resource(r),
            ev.selection(m),
            ev.rule(m.plan, rule),
            {
              kind: "copy-action",
              id: `${m.plan.planArn}#${rule.ruleId}#${copy.destinationBackupVaultArn}`,
              details: {
                destination: copy.destinationBackupVaultArn,
                deleteAfterDays: copy.lifecycle?.deleteAfterDays ?? null,
              },
            },
          ];
          const made = ctx.facts
            .resource(r.resourceArn)
            ?.copies.find((c) => (target.what === "region" ? c.region : c.accountId) === dest);
          if (made) evidence.push(ev.point(made, { copy: true }));
          emit(
            finding(
              controlId,
              subjects.resource(r),
              "PASS",
              `rule ${rule.ruleName} of plan ${m.plan.planName} copies to ${target.what} ${dest}${made ? "" : " (no copy made yet)"}`,
              evidence,
            ),
          );
          return;
        }
      }
    }
    const evidence: Evidence[] = [ev.resource(r), ...p.matches.slice(0, 3).map((m) => ev.selection(m))];
    let reason: string;
    if (rejected.length > 0)
      reason = `copies go to ${target.what} ${[...new Set(rejected)].join(", ")}, not an accepted ${target.what} (${[...accepted].join(", ")})`;
    else if (seen.length > 0) reason = `copies stay in the same ${target.what} (${own})`;
    else
      reason = `no rule of plan ${p.matches.map((m) => m.plan.planName).join(", ")} copies to another ${target.what}`;
    emit(finding(controlId, subjects.resource(r), "FAIL", reason, evidence));
  });
}
