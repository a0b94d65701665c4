// `*` wildcards as AWS Backup uses them in selection ARNs, tag values (StringLike, ListOfTags)
// and IAM actions/ARNs: `*` is any run of characters (including none), everything else is literal
// and case-sensitive; there is no `?` and no escape. Tag values and patterns come from the tenant's
// AWS data, so matching must never backtrack: the matcher below is the classic two-pointer glob
// (remember the last `*` and where it started matching, on a mismatch let it swallow one more
// character), which runs in O(pattern × value) at worst and linear time for the common shapes.

export type GlobMatcher = (value: string) => boolean;

/** True when `value` matches `pattern` as a whole. */
export function matchGlob(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let resume = 0;
  while (v < value.length) {
    if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      resume = v;
    } else if (p < pattern.length && pattern[p] === value[v]) {
      p++;
      v++;
    } else if (star >= 0) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}

export function compileGlob(pattern: string): GlobMatcher {
  const stars = pattern.split("*").length - 1;
  if (stars === 0) return (v) => v === pattern;
  if (pattern === "*") return () => true;
  if (stars === 1 && pattern.endsWith("*")) {
    const prefix = pattern.slice(0, -1);
    return (v) => v.startsWith(prefix);
  }
  if (stars === 1 && pattern.startsWith("*")) {
    const suffix = pattern.slice(1);
    return (v) => v.endsWith(suffix);
  }
  return (v) => matchGlob(pattern, v);
}

/** The literal text before the first `*` (the whole pattern when it has none). */
export function literalPrefix(pattern: string): string {
  const i = pattern.indexOf("*");
  return i < 0 ? pattern : pattern.slice(0, i);
}

/** Case-insensitive variant for IAM action names (backup:deleterecoverypoint is the same action). */
export function compileGlobIgnoreCase(pattern: string): GlobMatcher {
  const m = compileGlob(pattern.toLowerCase());
  return (v) => m(v.toLowerCase());
}
