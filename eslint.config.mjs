import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import prettier from "eslint-config-prettier/flat";

// Imports point one way: app → lib → db. sim/ stands in for AWS and shares nothing with lib/.
const restrict = (patterns, message) => ({
  "no-restricted-imports": ["error", { patterns: patterns.map((group) => ({ group: [group], message })) }],
});

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  // Layout belongs to Prettier (`npm run format`); eslint keeps only rules about meaning.
  prettier,
  globalIgnores([".next/**", ".data/**", "drizzle/**", "next-env.d.ts", "node_modules/**"]),
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["sim/**"],
    rules: restrict(
      ["@/lib/*", "@/db/*", "@/app/*", "../lib/*", "../../lib/*"],
      "sim/ must not share lib/'s assumptions",
    ),
  },
  {
    files: ["lib/**"],
    ignores: ["lib/cli/demo.ts"],
    rules: restrict(["@/sim/*", "@/app/*"], "lib/ never imports sim/ or app/"),
  },
  // The demo's composition root is the one file in lib/ that starts the simulator.
  { files: ["lib/cli/demo.ts"], rules: restrict(["@/app/*"], "lib/ never imports app/") },
  // db/ sits below lib/; the clock (and the env it reads) sits below both.
  { files: ["db/**"], rules: restrict(["@/sim/*", "@/app/*", "@/lib/!(clock|env)"], "db/ sits below lib/") },
  // One clock: the product's "now" comes from lib/clock.ts, which tests and benches pin.
  {
    files: ["app/**", "lib/**", "db/**"],
    ignores: ["lib/clock.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        {
          object: "Date",
          property: "now",
          message: "Use clock.nowMs() from lib/clock.ts (performance.now() for durations).",
        },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: "Use clock.now() from lib/clock.ts.",
        },
      ],
    },
  },
]);
