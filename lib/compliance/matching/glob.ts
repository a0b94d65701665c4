// `*` wildcards as AWS Backup uses them in selection ARNs, tag values (StringLike, ListOfTags)
// and IAM actions/ARNs: `*` is any run of characters, everything else is literal and
// case-sensitive. Compiled once; the common shapes avoid RegExp entirely.

export type GlobMatcher = (value: string) => boolean;

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
  const source = pattern
    .split("*")
    .map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
    .join(".*");
  const re = new RegExp(`^${source}$`, "s");
  return (v) => re.test(v);
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
