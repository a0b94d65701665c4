import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The commands (lib/cli) run under tsx, outside Next, where `import "server-only"` throws at load:
// `npm run demo` died that way once a module it pushes policies through imported a screen's read.
// The suite aliases server-only to a stub, so only a look at the imports themselves catches it.

const root = path.resolve(import.meta.dirname, "../..");

function resolve(spec: string, from: string): string | null {
  const base = spec.startsWith("@/")
    ? path.join(root, spec.slice(2))
    : spec.startsWith(".")
      ? path.resolve(path.dirname(from), spec)
      : null;
  if (!base) return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")])
    if (existsSync(candidate) && candidate.match(/\.tsx?$/)) return candidate;
  return null;
}

/** The chain of value imports from `entry` to a module that imports server-only, if any. */
function serverOnlyChain(entry: string): string[] | null {
  const seen = new Set<string>();
  const visit = (file: string, chain: string[]): string[] | null => {
    if (seen.has(file)) return null;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    if (/^import "server-only";/m.test(source)) return [...chain, file];
    // Type-only imports vanish at run time; dynamic imports load only when called and are checked where they are used.
    for (const m of source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)";/gms)) {
      const next = resolve(m[1]!, file);
      const found = next && visit(next, [...chain, file]);
      if (found) return found;
    }
    return null;
  };
  return visit(entry, []);
}

describe("the commands", () => {
  const entries = readdirSync(path.join(root, "lib/cli")).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));

  it.each(entries)("lib/cli/%s loads no server-only module", (file) => {
    const chain = serverOnlyChain(path.join(root, "lib/cli", file));
    expect(chain?.map((f) => path.relative(root, f)).join(" → ") ?? null).toBeNull();
  });

  it("would see one", () => {
    expect(serverOnlyChain(path.join(root, "lib/policies/read.ts"))).not.toBeNull();
  });
});
