import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { encode } from "@auth/core/jwt";
import { hashPassword } from "@/lib/auth/password";
import { ensureBuild, startNext } from "@/lib/cli/next-server";
import { openRuntime, parseArgs } from "@/lib/cli/runtime";
import { pinBenchClock } from "./sim-child";
import { ensureBenchTenant, openBenchDatabase } from "./evaluate-world";

// npm run bench:pages [-- --requests 100 --concurrency 10]
// The `bench` world (≈1M recovery points, 200k resources) synced and evaluated in its own
// database (shared with bench:evaluate), the production build served by `next start`, and a
// second process sending concurrent requests: p50 and p95 server response time (to the last
// byte, every streamed widget included) per page, beside the same for a static page in the same
// run; then the peak memory of the server while it streams a CSV export of every recovery point.
// Ends with one JSON line.

const args = parseArgs(process.argv.slice(2));
const REQUESTS = Number(args.requests ?? 100);
const CONCURRENCY = Number(args.concurrency ?? 10);
const out = (line: string) => process.stderr.write(`${line}\n`);

const PAGES = [
  "/t/bench/overview",
  "/t/bench/compliance",
  "/t/bench/compliance/iso-27001-2022",
  "/t/bench/compliance/findings",
  "/t/bench/compliance/findings?status=FAIL",
  "/t/bench/accounts",
  "/t/bench/resources",
  "/t/bench/backups",
  "/t/bench/backups/vaults",
  "/t/bench/backups/recovery-points",
  "/t/bench/backups/recovery-points?encrypted=no",
  "/t/bench/jobs",
  "/t/bench/jobs/copy",
  "/t/bench/jobs/restore",
  "/t/bench/sync",
  "/clients",
];
const BASELINE = "/status";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Resident memory of a process and its descendants (Next may fork workers), in MB. */
function treeRssMb(root: number): number {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${name}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // the process ended while we looked
    }
  }
  let kb = 0;
  const visit = (pid: number) => {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      return;
    }
    for (const c of children.get(pid) ?? []) visit(c);
  };
  visit(root);
  return Math.round(kb / 1024);
}

function runLoad(
  base: string,
  cookie: string,
  paths: string[],
): Promise<
  Record<string, { p50_ms: number; p95_ms: number; max_ms: number; statuses: Record<string, number>; bytes: number }>
> {
  return new Promise((resolve, reject) => {
    const job = JSON.stringify({ base, cookie, paths, concurrency: CONCURRENCY, requests: REQUESTS, warmup: 5 });
    const child = spawn(path.resolve("node_modules/.bin/tsx"), ["bench/pages-load.ts", job], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => (buf += d.toString()));
    child.once("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(buf.trim().split("\n").pop()!))
        : reject(new Error(`load generator exited with ${code}`)),
    );
  });
}

async function main() {
  pinBenchClock();
  const runtime = await openRuntime({ migrate: false });
  const db = await openBenchDatabase(runtime.databaseUrl);
  const bench = await ensureBenchTenant(db, { resync: false, log: out });
  const evaluated = await db.pool.query(
    `select count(*)::int as n from compliance_evaluations where tenant_id = $1 and status = 'succeeded'`,
    [bench.tenantId],
  );
  if (evaluated.rows[0].n === 0) {
    out("evaluating the bench tenant once (no evaluation stored yet)…");
    await new Promise<void>((resolve, reject) => {
      const c = spawn(
        path.resolve("node_modules/.bin/tsx"),
        ["bench/evaluate-run.ts", "--db", db.url, "--tenant", bench.tenantId],
        { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NODE_OPTIONS: "--max-semi-space-size=32" } },
      );
      c.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`evaluation exited with ${code}`))));
    });
  }
  const counts = await db.pool.query(
    `select (select count(*) from recovery_points where tenant_id = $1)::int as rps, (select count(*) from resources where tenant_id = $1)::int as resources, (select count(*) from backup_jobs where tenant_id = $1)::int as jobs`,
    [bench.tenantId],
  );
  out(`bench tenant: ${JSON.stringify(counts.rows[0])}`);

  // A signed-in admin, as the browser would be after signing in: a session row and its cookie.
  const secret = randomBytes(32).toString("base64url");
  const user = await db.pool.query(
    `insert into users (email, name, role, password_hash) values ('bench-admin@bench.example', 'Bench Admin', 'admin', $1)
     on conflict (email) do update set disabled = false returning id`,
    [await hashPassword(randomBytes(16).toString("hex"))],
  );
  const session = await db.pool.query(
    `insert into sessions (user_id, expires_at) values ($1, now() + interval '1 day') returning id`,
    [user.rows[0].id],
  );
  const cookieName = "authjs.session-token";
  const token = await encode({ token: { sid: session.rows[0].id }, secret, salt: cookieName, maxAge: 86_400 });
  const cookie = `${cookieName}=${token}`;

  const env = { ...process.env, DATABASE_URL: db.url, AUTH_SECRET: secret, NODE_ENV: "production" as const };
  await ensureBuild({ env });
  const port = await freePort();
  const web = await startNext({ mode: "start", port, env });
  const base = `http://127.0.0.1:${port}`;
  try {
    const check = await fetch(`${base}/t/bench/overview`, { headers: { cookie }, redirect: "manual" });
    if (check.status !== 200) throw new Error(`signed-in request answered ${check.status}`);
    if (args.keep === true) {
      // For looking at the pages by hand: the server stays up until Ctrl+C.
      out(`serving ${base} — cookie: ${cookie}`);
      await new Promise(() => undefined);
    }
    out(
      `measuring ${PAGES.length} pages and the baseline, ${REQUESTS} requests each from ${CONCURRENCY} concurrent clients…`,
    );
    const results = await runLoad(base, cookie, [BASELINE, ...PAGES]);
    for (const [p, r] of Object.entries(results))
      out(
        `  ${p.padEnd(48)} p50 ${String(r.p50_ms).padStart(7)} ms   p95 ${String(r.p95_ms).padStart(7)} ms   ${String(Math.round(r.bytes / 1024)).padStart(5)} KB   ${JSON.stringify(r.statuses)}`,
      );
    const bad = Object.entries(results).filter(([, r]) => Object.keys(r.statuses).some((s) => s !== "200"));
    if (bad.length)
      throw new Error(`non-200 answers: ${bad.map(([p, r]) => `${p} ${JSON.stringify(r.statuses)}`).join("; ")}`);

    // Export memory: stream every recovery point as CSV and sample the server's memory meanwhile.
    const before = treeRssMb(web.pid!);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, treeRssMb(web.pid!))), 50);
    const t0 = performance.now();
    const res = await fetch(`${base}/t/bench/export/recovery-points?format=csv`, { headers: { cookie } });
    let bytes = 0;
    let lines = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      for (const b of chunk) if (b === 10) lines++;
    }
    clearInterval(sampler);
    peak = Math.max(peak, treeRssMb(web.pid!));
    const exportS = (performance.now() - t0) / 1000;
    const rows = lines - 1 - 5; // header line and the five "# …" preamble lines
    out(
      `export: ${rows} rows, ${(bytes / 1e6).toFixed(0)} MB in ${exportS.toFixed(1)} s; server memory ${before} MB before, peak ${peak} MB during`,
    );

    const pages = Object.fromEntries(PAGES.map((p) => [p, { p50_ms: results[p]!.p50_ms, p95_ms: results[p]!.p95_ms }]));
    process.stdout.write(
      `${JSON.stringify({
        bench: "pages",
        pages,
        baseline: { p50_ms: results[BASELINE]!.p50_ms, p95_ms: results[BASELINE]!.p95_ms },
        export_peak_rss_mb: peak,
        export_rss_before_mb: before,
        export_rows: rows,
        export_s: Math.round(exportS * 10) / 10,
        concurrency: CONCURRENCY,
        requests_per_page: REQUESTS,
        recovery_points: counts.rows[0].rps,
        resources: counts.rows[0].resources,
      })}\n`,
    );
  } finally {
    web.kill("SIGTERM");
    await db.pool.query(`delete from sessions where id = $1`, [session.rows[0].id]);
    await db.close();
    await runtime.shutdown();
  }
}

await main();
