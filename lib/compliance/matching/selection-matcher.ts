// Which backup plans select a resource, decided as AWS Backup decides it.
//
// Semantics (AWS docs, settled here):
// - Resources: OR across ARNs/patterns; `*` is any run of characters.
//   https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html
// - ListOfTags: OR across entries; Conditions: AND across all of StringEquals, StringNotEquals,
//   StringLike, StringNotLike, keys written "aws:ResourceTag/<key>", case-sensitive.
//   https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Conditions.html
// - Resources with Conditions combine with AND; Resources with ListOfTags combine with OR
//   (AWS knowledge-center "backup-assign-resources", examples 1 and 2; the CLI reference of
//   create-backup-selection: "Resources and conditions are additive ... OR").
//   https://repost.aws/knowledge-center/backup-assign-resources
// - Neither Resources nor ListOfTags: every supported, opted-in resource (then Conditions filter).
// - NotResources removes matches whatever selected them.
// - Opt-in: a selection naming the resource type's ARN pattern (arn:aws:ec2:*:*:instance/*, or an
//   explicit ARN) backs up regardless of the type's opt-in; a service-level pattern
//   (arn:aws:ec2:*, "*") or a tag selection needs the type opted in; Aurora and FSx share their
//   ARN shape with another type, so they always need their opt-in.
//   https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources-json.html
// Decision where the docs are silent: Conditions also apply to ListOfTags matches (IAM-like: a
// condition block constrains the whole statement), and StringNotEquals/StringNotLike hold when
// the tag is absent (IAM's rule for negated operators).
import type { BackupPlan, BackupSelection, RegionSettings, Resource, ResourceType } from "@/lib/inventory/types";
import { RESOURCE_TYPES } from "@/lib/inventory/types";
import { compileGlob, literalPrefix, type GlobMatcher } from "./glob";
import { RESOURCE_TYPE_ARN } from "./arn";

const TAG_KEY_PREFIX = "aws:ResourceTag/";

export type SelectionPath = "resources" | "list-of-tags" | "all-resources";

export interface SelectionMatch {
  plan: BackupPlan;
  selection: BackupSelection;
  path: SelectionPath;
  /** The ARN pattern or "key=value" tag entry that selected the resource. */
  matchedBy: string;
  /** True when AWS backs the resource up only if its type is opted in. */
  optInRequired: boolean;
}

export interface SelectionNearMiss {
  plan: BackupPlan;
  selection: BackupSelection;
  why: string;
}

export interface ResourceSelectionResult {
  /** Selections that select the resource and that AWS acts on (opt-in satisfied or not needed). */
  effective: SelectionMatch[];
  /** Selections that select it but whose type is not opted in: AWS skips it silently. */
  blockedByOptIn: SelectionMatch[];
  /** Selections that select it, need opt-in, and region settings were not read. */
  optInUnknown: SelectionMatch[];
  /** Selections that would have matched but for NotResources or a condition. */
  nearMisses: SelectionNearMiss[];
}

interface CompiledPattern {
  pattern: string;
  match: GlobMatcher;
  /** Types whose resources the pattern could match (prefiltering, never decisive). */
  types: ReadonlySet<ResourceType>;
}

interface CompiledCondition {
  op: "StringEquals" | "StringNotEquals" | "StringLike" | "StringNotLike";
  tagKey: string;
  value: string;
  match: GlobMatcher;
}

export interface CompiledSelection {
  plan: BackupPlan;
  selection: BackupSelection;
  resources: CompiledPattern[];
  notResources: CompiledPattern[];
  listOfTags: Array<{ tagKey: string; value: string; match: GlobMatcher }>;
  conditions: CompiledCondition[];
  candidateTypes: ReadonlySet<ResourceType>;
}

const ALL_TYPES: ReadonlySet<ResourceType> = new Set(RESOURCE_TYPES);

function stripTagPrefix(key: string): string {
  return key.startsWith(TAG_KEY_PREFIX) ? key.slice(TAG_KEY_PREFIX.length) : key;
}

function splitArnPattern(pattern: string): { service: string; resource: string } | null {
  const parts = pattern.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return null;
  return { service: parts[2]!, resource: parts.slice(5).join(":") };
}

/** Resource types a pattern can possibly match, from its literal service and resource prefix. */
export function typesForPattern(pattern: string): ReadonlySet<ResourceType> {
  const p = splitArnPattern(pattern);
  if (!p || p.service.includes("*")) return ALL_TYPES;
  const lit = literalPrefix(p.resource);
  const out = new Set<ResourceType>();
  for (const t of RESOURCE_TYPES) {
    const shape = RESOURCE_TYPE_ARN[t];
    if (shape.service !== p.service) continue;
    if (shape.resourcePrefixes.some((rp) => rp.startsWith(lit) || lit.startsWith(rp))) out.add(t);
  }
  return out;
}

/** Whether a pattern names the type itself (so AWS ignores that type's opt-in). */
export function patternNamesType(pattern: string, type: ResourceType): boolean {
  const shape = RESOURCE_TYPE_ARN[type];
  if (shape.shared) return false;
  const p = splitArnPattern(pattern);
  if (!p || p.service !== shape.service) return false;
  const lit = literalPrefix(p.resource);
  return shape.resourcePrefixes.some((rp) => rp === "" || lit.startsWith(rp));
}

function compilePattern(pattern: string): CompiledPattern {
  return { pattern, match: compileGlob(pattern), types: typesForPattern(pattern) };
}

export function compileSelection(plan: BackupPlan, selection: BackupSelection): CompiledSelection {
  const resources = selection.resources.map(compilePattern);
  const listOfTags = selection.listOfTags.map((c) => ({
    tagKey: stripTagPrefix(c.key),
    value: c.value,
    match: compileGlob(c.value),
  }));
  const conditions = selection.conditions.map((c) => ({
    op: c.op,
    tagKey: stripTagPrefix(c.key),
    value: c.value,
    // StringEquals/NotEquals compare exactly; only the Like operators expand `*`.
    match: c.op === "StringLike" || c.op === "StringNotLike" ? compileGlob(c.value) : (v: string) => v === c.value,
  }));
  let candidateTypes: ReadonlySet<ResourceType>;
  if (listOfTags.length > 0 || resources.length === 0) candidateTypes = ALL_TYPES;
  else candidateTypes = new Set(resources.flatMap((r) => [...r.types]));
  return {
    plan,
    selection,
    resources,
    notResources: selection.notResources.map(compilePattern),
    listOfTags,
    conditions,
    candidateTypes,
  };
}

function tagValue(tags: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(tags, key) ? tags[key] : undefined;
}

function conditionHolds(c: CompiledCondition, tags: Record<string, string>): boolean {
  const v = tagValue(tags, c.tagKey);
  switch (c.op) {
    case "StringEquals":
    case "StringLike":
      return v !== undefined && c.match(v);
    case "StringNotEquals":
    case "StringNotLike":
      return v === undefined || !c.match(v);
  }
}

export type SelectionOutcome =
  | { kind: "selected"; match: Omit<SelectionMatch, "plan" | "selection"> }
  | { kind: "near-miss"; why: string }
  | { kind: "no" };

/** Evaluate one compiled selection against one resource of the plan's own account and region. */
export function evaluateSelection(cs: CompiledSelection, resource: Resource): SelectionOutcome {
  let path: SelectionPath | null = null;
  let matchedBy = "";
  let optInRequired = true;
  for (const r of cs.resources) {
    if (r.match(resource.resourceArn)) {
      const explicit = patternNamesType(r.pattern, resource.resourceType);
      // Keep the first match, unless a later one does not depend on opt-in.
      if (path === null || (explicit && optInRequired)) {
        path = "resources";
        matchedBy = r.pattern;
        optInRequired = !explicit;
      }
      if (!optInRequired) break;
    }
  }
  if (path === null) {
    for (const t of cs.listOfTags) {
      const v = tagValue(resource.tags, t.tagKey);
      if (v !== undefined && t.match(v)) {
        path = "list-of-tags";
        matchedBy = `${t.tagKey}=${t.value}`;
        optInRequired = true;
        break;
      }
    }
  }
  if (path === null && cs.resources.length === 0 && cs.listOfTags.length === 0) {
    path = "all-resources";
    matchedBy = "*";
    optInRequired = true;
  }
  if (path === null) return { kind: "no" };
  for (const n of cs.notResources) {
    if (n.match(resource.resourceArn)) return { kind: "near-miss", why: `excluded by NotResources ${n.pattern}` };
  }
  for (const c of cs.conditions) {
    if (!conditionHolds(c, resource.tags)) {
      return {
        kind: "near-miss",
        why: `matched ${matchedBy} but condition ${c.op} aws:ResourceTag/${c.tagKey}=${c.value} does not hold`,
      };
    }
  }
  return { kind: "selected", match: { path, matchedBy, optInRequired } };
}

/** Selections compiled once per snapshot, grouped by (account, region) and resource type. */
export class SelectionIndex {
  private readonly byUnitType = new Map<string, CompiledSelection[]>();

  constructor(plans: readonly BackupPlan[]) {
    for (const plan of plans) {
      for (const sel of plan.selections) {
        const cs = compileSelection(plan, sel);
        for (const t of cs.candidateTypes) {
          const key = `${plan.accountId}|${plan.region}|${t}`;
          let list = this.byUnitType.get(key);
          if (!list) this.byUnitType.set(key, (list = []));
          list.push(cs);
        }
      }
    }
  }

  candidates(accountId: string, region: string, type: ResourceType): readonly CompiledSelection[] {
    return this.byUnitType.get(`${accountId}|${region}|${type}`) ?? [];
  }

  /** Every selection that selects the resource, split by whether AWS will act on it. */
  matchResource(resource: Resource, regionSettings: RegionSettings | null): ResourceSelectionResult {
    const out: ResourceSelectionResult = { effective: [], blockedByOptIn: [], optInUnknown: [], nearMisses: [] };
    for (const cs of this.candidates(resource.accountId, resource.region, resource.resourceType)) {
      const o = evaluateSelection(cs, resource);
      if (o.kind === "no") continue;
      if (o.kind === "near-miss") {
        out.nearMisses.push({ plan: cs.plan, selection: cs.selection, why: o.why });
        continue;
      }
      const m: SelectionMatch = { plan: cs.plan, selection: cs.selection, ...o.match };
      if (!m.optInRequired) out.effective.push(m);
      else if (regionSettings === null) out.optInUnknown.push(m);
      else if (regionSettings.resourceTypeOptIn[resource.resourceType] === true) out.effective.push(m);
      else out.blockedByOptIn.push(m);
    }
    return out;
  }
}
