// npm run check:lockfile: the lockfile holds one copy of each @aws-sdk/* and @smithy/* package.
// The AWS SDK's clients share their core (signing, retries, the HTTP handler, middleware); two
// copies of a core package mean two sets of middleware and types that do not line up between
// clients, and a larger install. Exits 1 naming every package that has more than one version.
import { readFileSync } from "node:fs";

const SHARED = /^(@aws-sdk|@smithy)\//;

/** Packages from the lockfile's `packages` map that appear in more than one version: name → versions. */
export function duplicateSdkPackages(lock: { packages?: Record<string, { version?: string }> }): Map<string, string[]> {
  const versions = new Map<string, Set<string>>();
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    if (!path.includes("node_modules/") || !SHARED.test(name) || !entry.version) continue;
    let set = versions.get(name);
    if (!set) versions.set(name, (set = new Set()));
    set.add(entry.version);
  }
  return new Map([...versions].filter(([, v]) => v.size > 1).map(([name, v]) => [name, [...v].sort()]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2] ?? "package-lock.json";
  const dups = duplicateSdkPackages(
    JSON.parse(readFileSync(file, "utf8")) as { packages?: Record<string, { version?: string }> },
  );
  if (dups.size) {
    for (const [name, v] of dups) console.error(`${name}: ${v.join(", ")}`);
    console.error(
      `${file}: ${dups.size} AWS SDK packages in more than one version; bring the @aws-sdk/client-* packages to the same release.`,
    );
    process.exit(1);
  }
  console.log(`${file}: one copy of each @aws-sdk/* and @smithy/* package`);
}
