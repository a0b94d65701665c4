import { spawnSync } from "node:child_process";
import { chromiumPath } from "./browser-path";

// `npm run test:e2e`: the browser tests need Debian's chromium (playwright-core drives it;
// `npx playwright install` cannot download here). Without it, say so plainly instead of pretending.
const browser = chromiumPath();
if (!browser) {
  const message = [
    "",
    "BROWSER TESTS NOT RUN: no chromium found (looked at $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser).",
    "Install it with:  sudo apt-get update && sudo apt-get install -y chromium",
    "then run:         npm run test:e2e",
    "",
  ].join("\n");
  process.stderr.write(message);
  // CI must run them; on a laptop the rest of the suite still counts.
  process.exit(process.env.CI ? 1 : 0);
}
const result = spawnSync(
  process.execPath,
  ["node_modules/vitest/vitest.mjs", "run", "--project", "e2e", ...process.argv.slice(2)],
  {
    stdio: "inherit",
    env: { ...process.env, CHROMIUM_PATH: browser },
  },
);
process.exit(result.status ?? 1);
