/**
 * Which resources a backup selection assigns, following AWS Backup's documented rules:
 * Resources and Conditions combine with AND, Resources and ListOfTags with OR, NotResources
 * removes, and a selection with none of the three assigns every supported resource.
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html and the
 * re:Post article "backup-assign-resources", examples 1-2.)
 */
export interface SelectionRules {
  resources: string[];
  notResources: string[];
  listOfTags: { key: string; value: string }[];
  conditions: {
    stringEquals: { key: string; value: string }[];
    stringNotEquals: { key: string; value: string }[];
    stringLike: { key: string; value: string }[];
    stringNotLike: { key: string; value: string }[];
  };
}

export interface Selectable {
  arn: string;
  tags: Record<string, string>;
}

const patternCache = new Map<string, RegExp>();

/** ARN and tag-value wildcards: * matches any run of characters, ? exactly one. */
export function wildcard(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    re = new RegExp(`^${body}$`, "s");
    if (patternCache.size > 10_000) patternCache.clear();
    patternCache.set(pattern, re);
  }
  return re;
}

function tagOf(key: string, resource: Selectable): string | undefined {
  // Conditions use "aws:ResourceTag/<key>"; ListOfTags historically takes the bare key.
  const k = key.startsWith("aws:ResourceTag/") ? key.slice("aws:ResourceTag/".length) : key;
  return Object.hasOwn(resource.tags, k) ? resource.tags[k] : undefined;
}

export function selects(rules: SelectionRules, resource: Selectable): boolean {
  if (rules.notResources.some((p) => wildcard(p).test(resource.arn))) return false;
  const c = rules.conditions;
  const hasConditions =
    c.stringEquals.length + c.stringNotEquals.length + c.stringLike.length + c.stringNotLike.length > 0;
  const byTags = rules.listOfTags.some((t) => tagOf(t.key, resource) === t.value);
  if (byTags) return true;
  if (rules.resources.length === 0 && !hasConditions) return rules.listOfTags.length === 0;
  const byResources = rules.resources.length === 0 || rules.resources.some((p) => wildcard(p).test(resource.arn));
  return byResources && matchesConditions(c, resource);
}

function matchesConditions(c: SelectionRules["conditions"], resource: Selectable): boolean {
  // IAM-style semantics: the negated operators hold when the tag is absent.
  for (const { key, value } of c.stringEquals) if (tagOf(key, resource) !== value) return false;
  for (const { key, value } of c.stringNotEquals) if (tagOf(key, resource) === value) return false;
  for (const { key, value } of c.stringLike) {
    const v = tagOf(key, resource);
    if (v === undefined || !wildcard(value).test(v)) return false;
  }
  for (const { key, value } of c.stringNotLike) {
    const v = tagOf(key, resource);
    if (v !== undefined && wildcard(value).test(v)) return false;
  }
  return true;
}
