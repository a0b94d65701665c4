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
import { BENCH_DATABASE, ensureBenchTenant, openBenchDatabase } from "./evaluate-world";

// npm run bench:pages [-- --requests 100 --concurrency 10]
// The `bench` world (≈1M recovery points, 200k resources) synced and evaluated in its own
// database (shared with bench:evaluate), the production build served by `next start`, and a
// second process sending concurrent requests: p50 and p95 server response time (to the last
// byte, every streamed widget included) per page, beside the same for a static page in the same
// run, and the server's CPU per request of each (requests one at a time, the median of five
// batches: other work on the machine hardly moves it); then the peak memory of the server while it streams a CSV
// export of every recovery point.
// Ends with one JSON line.
//
// `--db NAME` uses another bench database (a copy, so that two worktrees compare on the same
// data without one's migrations reaching the other's); `--pages a,b` measures only those pages;
// `--no-export` skips the export, `--export-only` skips the pages. The export is timed beside a
// baseline: PostgreSQL's own `COPY (select …) TO STDOUT` of the same rows, in CSV, through psql.

const args = parseArgs(process.argv.slice(2));
const REQUESTS = Number(args.requests ?? 100);
const CONCURRENCY = Number(args.concurrency ?? 10);
const out = (line: string) => process.stderr.write(`${line}\n`);

const ALL_PAGES = [
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
  "/organizations",
];
const PAGES =
  args["export-only"] === true
    ? []
    : typeof args.pages === "string"
      ? args.pages.split(",").filter(Boolean)
      : ALL_PAGES;
const EXPORT = args["no-export"] !== true;
const BASELINE = "/status";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A process and its descendants (Next may fork workers). */
function treePids(root: number): number[] {
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
  const out: number[] = [];
  const visit = (pid: number) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) visit(c);
  };
  visit(root);
  return out;
}

/** Resident memory of a process and its descendants, in MB. */
function treeRssMb(root: number): number {
  let kb = 0;
  for (const pid of treePids(root)) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // ended
    }
  }
  return Math.round(kb / 1024);
}

/** CPU time (user + system) of a process and its descendants so far, in ms (clock ticks of 10 ms). */
function treeCpuMs(root: number): number {
  let ticks = 0;
  for (const pid of treePids(root)) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // ended
    }
  }
  return ticks * 10;
}

/**
 * The server's CPU per request of each path, from requests sent one at a time: unlike latency
 * under load, it hardly moves when other work shares the machine's cores. The median of
 * `batches` batches, so that a cached widget's 5-minute refresh landing in one batch does not
 * count (it cost a page 20 ms more per request in some runs and not in others).
 */
async function serverCpuPerRequest(base: string, cookie: string, pid: number, paths: string[], batches = 5, n = 5) {
  const out: Record<string, number> = {};
  for (const p of paths) {
    const perRequest: number[] = [];
    for (let b = 0; b < batches; b++) {
      const t0 = treeCpuMs(pid);
      for (let i = 0; i < n; i++)
        await (await fetch(`${base}${p}`, { headers: { cookie }, redirect: "manual" })).arrayBuffer();
      perRequest.push((treeCpuMs(pid) - t0) / n);
    }
    out[p] = Math.round(perRequest.sort((a, b) => a - b)[Math.floor(batches / 2)]!);
  }
  return out;
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

const EXPORT_COLUMNS = [
  "account_id",
  "region",
  "recovery_point_arn",
  "backup_vault_name",
  "resource_arn",
  "resource_type",
  "creation_date",
  "status",
  "is_encrypted",
  "encryption_key_arn",
  "delete_after_days",
  "move_to_cold_storage_after_days",
  "delete_at",
  "delete_after_event",
  "scan_status",
  "scanned_at",
  "index_status",
  "storage_class",
  "backup_size_bytes",
  "backup_plan_id",
  "source_backup_vault_arn",
];

/** Newlines in a chunk, without a JavaScript loop over every byte. */
function newlines(chunk: Uint8Array): number {
  let n = 0;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  return n;
}

/**
 * The baseline: the same rows and columns, in the same order, as CSV from PostgreSQL's own
 * COPY TO STDOUT through psql, read to the end by this process.
 */
function copyBaseline(dbUrl: string, tenantId: string): Promise<{ rows: number; bytes: number; wall_s: number }> {
  const query = `copy (select ${EXPORT_COLUMNS.join(", ")} from recovery_points where tenant_id = '${tenantId}' order by creation_date desc, recovery_point_arn desc) to stdout with (format csv)`;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn("psql", [dbUrl, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", query], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let bytes = 0;
    let rows = 0;
    child.stdout!.on("data", (d: Buffer) => {
      bytes += d.byteLength;
      rows += newlines(d);
    });
    child.once("exit", (code) =>
      code === 0
        ? resolve({ rows, bytes, wall_s: Math.round((performance.now() - t0) / 100) / 10 })
        : reject(new Error(`psql exited with ${code}`)),
    );
  });
}

/** Streams every recovery point as CSV from the server, sampling its memory meanwhile. */
async function measureExport(base: string, cookie: string, pid: number, dbUrl: string, tenantId: string) {
  const baseline = await copyBaseline(dbUrl, tenantId);
  out(
    `export baseline (COPY TO STDOUT): ${baseline.rows} rows, ${(baseline.bytes / 1e6).toFixed(0)} MB in ${baseline.wall_s} s`,
  );
  const beforeMb = treeRssMb(pid);
  let peakMb = beforeMb;
  const sampler = setInterval(() => (peakMb = Math.max(peakMb, treeRssMb(pid))), 50);
  const t0 = performance.now();
  const res = await fetch(`${base}/t/bench/export/recovery-points?format=csv`, { headers: { cookie } });
  if (res.status !== 200) throw new Error(`export answered ${res.status}`);
  let bytes = 0;
  let lines = 0;
  let firstByteMs = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    if (bytes === 0) firstByteMs = Math.round(performance.now() - t0);
    bytes += chunk.byteLength;
    lines += newlines(chunk);
  }
  clearInterval(sampler);
  peakMb = Math.max(peakMb, treeRssMb(pid));
  const wallS = Math.round((performance.now() - t0) / 100) / 10;
  const rows = lines - 1 - 5; // header line and the five "# …" preamble lines
  out(
    `export: ${rows} rows, ${(bytes / 1e6).toFixed(0)} MB in ${wallS} s (${Math.round(rows / wallS)} rows/s, first byte ${firstByteMs} ms); server memory ${beforeMb} MB before, peak ${peakMb} MB during`,
  );
  return { rows, bytes, wallS, firstByteMs, beforeMb, peakMb, baseline };
}

async function main() {
  pinBenchClock();
  const runtime = await openRuntime({ migrate: false });
  const db = await openBenchDatabase(runtime.databaseUrl, typeof args.db === "string" ? args.db : BENCH_DATABASE);
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
    let results: Awaited<ReturnType<typeof runLoad>> = {};
    let cpu: Record<string, number> = {};
    if (PAGES.length) {
      out(
        `measuring ${PAGES.length} pages and the baseline, ${REQUESTS} requests each from ${CONCURRENCY} concurrent clients…`,
      );
      results = await runLoad(base, cookie, [BASELINE, ...PAGES]);
      for (const [p, r] of Object.entries(results))
        out(
          `  ${p.padEnd(48)} p50 ${String(r.p50_ms).padStart(7)} ms   p95 ${String(r.p95_ms).padStart(7)} ms   ${String(Math.round(r.bytes / 1024)).padStart(5)} KB   ${JSON.stringify(r.statuses)}`,
        );
      cpu = await serverCpuPerRequest(base, cookie, web.pid!, [BASELINE, ...PAGES]);
      out(`server CPU per request (ms, median of 5 batches of 5 one at a time): ${JSON.stringify(cpu)}`);
      const bad = Object.entries(results).filter(([, r]) => Object.keys(r.statuses).some((s) => s !== "200"));
      if (bad.length)
        throw new Error(`non-200 answers: ${bad.map(([p, r]) => `${p} ${JSON.stringify(r.statuses)}`).join("; ")}`);
    }
    const exported = EXPORT ? await measureExport(base, cookie, web.pid!, db.url, bench.tenantId) : null;

    const pages = Object.fromEntries(
      PAGES.map((p) => [p, { p50_ms: results[p]!.p50_ms, p95_ms: results[p]!.p95_ms, cpu_ms: cpu[p] }]),
    );
    process.stdout.write(
      `${JSON.stringify({
        bench: "pages",
        pages,
        baseline: PAGES.length
          ? { p50_ms: results[BASELINE]!.p50_ms, p95_ms: results[BASELINE]!.p95_ms, cpu_ms: cpu[BASELINE] }
          : null,
        ...(exported
          ? {
              export_peak_rss_mb: exported.peakMb,
              export_rss_before_mb: exported.beforeMb,
              export_rss_added_mb: exported.peakMb - exported.beforeMb,
              export_rows: exported.rows,
              export_bytes: exported.bytes,
              export_first_byte_ms: exported.firstByteMs,
              export_s: exported.wallS,
              export_rows_per_s: Math.round(exported.rows / exported.wallS),
              export_baseline: exported.baseline,
              export_vs_baseline: Math.round((exported.wallS / exported.baseline.wall_s) * 10) / 10,
            }
          : {}),
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
