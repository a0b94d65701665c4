// Shared by the per-resource controls: which resources are in scope, the ERROR for a stale
// unit, and what protects a resource (the selections AWS acts on, with plans that have rules).
import { z } from "zod";
import type { Resource } from "@/lib/inventory/types";
import type { ControlId, Evidence, Finding } from "@/lib/compliance/model/finding";
import { tagScopeSchema, type ScopeFilter } from "@/lib/compliance/model/scope";
import type { EvaluationContext } from "@/lib/compliance/engine/context";
import type { SelectionMatch } from "@/lib/compliance/matching/selection-matcher";
import { ev, judge, READ, subjects, unreadable, type Emit } from "./control";

/**
 * Calls `each` for every in-scope resource whose unit was read; the others get what `judge` says
 * (ERROR, or NOT_APPLICABLE for a skipped region) — never a silent pass.
 */
export function forEachResource(
  ctx: EvaluationContext,
  controlId: ControlId,
  scope: ScopeFilter,
  emit: Emit,
  each: (r: Resource) => void,
  extraFilter: (r: Resource) => boolean = () => true,
): void {
  for (const r of ctx.snapshot.resources) {
    if (
      !scope.account(r.accountId) ||
      !scope.region(r.region) ||
      !scope.resourceType(r.resourceType) ||
      !scope.tags(r.tags)
    )
      continue;
    if (!extraFilter(r)) continue;
    const unread = judge(controlId, subjects.resource(r), ctx.unitState(r.accountId, r.region));
    if (unread) {
      emit(unread);
      continue;
    }
    each(r);
  }
}

/** A required tag parameter naming the resources a control is about (BK-19, BK-21). */
export function tagParam(what: string, tag: { key: string; value: string }) {
  return z
    .object(tagScopeSchema.shape, { error: `${what} are named by a tag: key or key=value` })
    .strict()
    .default(tag);
}

/** Whether a resource carries the tag (any value when the tag names none): BK-01, BK-19, BK-21. */
export function hasTag(tags: Record<string, string>, tag: { key: string; value?: string }): boolean {
  return Object.hasOwn(tags, tag.key) && (tag.value === undefined || tags[tag.key] === tag.value);
}

export type Protection =
  | { kind: "protected"; matches: SelectionMatch[] }
  | { kind: "unknown"; reason: string; evidence: Evidence[] }
  | { kind: "unprotected"; reason: string; evidence: Evidence[] };

function describeMatch(m: SelectionMatch): string {
  return `plan ${m.plan.planName}${m.plan.orgManaged ? " (org-managed)" : ""} selection ${m.selection.selectionName}`;
}

export function resolveProtection(ctx: EvaluationContext, r: Resource): Protection {
  const sel = ctx.selectionsFor(r);
  const withRules = sel.effective.filter((m) => m.plan.rules.length > 0);
  if (withRules.length > 0) return { kind: "protected", matches: withRules };
  if (sel.optInUnknown.length > 0) {
    return {
      kind: "unknown",
      reason: `selected by ${describeMatch(sel.optInUnknown[0]!)}, but region settings (${r.resourceType} opt-in) were not read`,
      evidence: sel.optInUnknown.map((m) => ev.selection(m)),
    };
  }
  const evidence: Evidence[] = [];
  let reason = "not selected by any backup plan";
  if (sel.effective.length > 0) {
    const m = sel.effective[0]!;
    reason = `selected by ${describeMatch(m)}, but the plan has no rules`;
    evidence.push(ev.plan(m.plan), ev.selection(m));
  } else if (sel.blockedByOptIn.length > 0) {
    const m = sel.blockedByOptIn[0]!;
    reason = `selected by ${describeMatch(m)} via ${m.matchedBy}, but ${r.resourceType} is not opted in for ${r.region}, so AWS Backup skips it`;
    evidence.push(ev.selection(m), {
      kind: "region-setting",
      id: `${r.accountId}/${r.region}/${r.resourceType}`,
      details: { optedIn: false },
    });
  } else if (sel.nearMisses.length > 0) {
    const n = sel.nearMisses[0]!;
    reason = `not selected: plan ${n.plan.planName} selection ${n.selection.selectionName} ${n.why}`;
    evidence.push({
      kind: "selection",
      id: `${n.plan.planArn}#${n.selection.selectionId}`,
      details: { plan: n.plan.planName, selection: n.selection.selectionName, why: n.why },
    });
  }
  return { kind: "unprotected", reason, evidence };
}

/** Finding for a resource that is not protected (or whose protection cannot be known: not read). */
export function protectionProblem(
  controlId: ControlId,
  r: Resource,
  p: Exclude<Protection, { kind: "protected" }>,
  suffix: string,
): Finding {
  const reason = `${p.reason}${suffix}`;
  const evidence = [ev.resource(r), ...p.evidence];
  return judge(controlId, subjects.resource(r), p.kind === "unknown" ? unreadable(reason, evidence) : READ, () => ({
    status: "FAIL",
    reason,
    evidence,
  }));
}
