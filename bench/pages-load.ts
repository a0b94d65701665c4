// The load side of bench:pages, in a process of its own (so the client's work never counts as the
// server's): first a warm-up of every path (so the first page measured does not pay alone for the
// server's JIT compiling the code all pages share, nor a path for its first computation), then,
// per path, `requests` GETs from `concurrency` parallel clients, each timed to the last byte of
// the response (every streamed widget included). Prints one JSON line: per path, p50/p95/max in
// milliseconds and the status codes seen.

interface Job {
  base: string;
  cookie: string;
  paths: string[];
  concurrency: number;
  requests: number;
  warmup: number;
}

const job = JSON.parse(process.argv[2] ?? "{}") as Job;

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, i)]! * 10) / 10;
}

async function timedGet(url: string): Promise<{ ms: number; status: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { cookie: job.cookie }, redirect: "manual" });
  const body = await res.arrayBuffer();
  return { ms: performance.now() - t0, status: res.status, bytes: body.byteLength };
}

async function warmUp(path: string) {
  // As many at once as the measurement sends, so every server process sees the path.
  for (let i = 0; i < job.warmup; i++)
    await Promise.all(Array.from({ length: job.concurrency }, () => timedGet(`${job.base}${path}`)));
}

async function measure(path: string) {
  const url = `${job.base}${path}`;
  const times: number[] = [];
  const statuses = new Map<number, number>();
  let bytes = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < job.requests) {
        next++;
        const r = await timedGet(url);
        times.push(r.ms);
        bytes = r.bytes;
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    }),
  );
  times.sort((a, b) => a - b);
  return {
    p50_ms: percentile(times, 50),
    p95_ms: percentile(times, 95),
    max_ms: percentile(times, 100),
    statuses: Object.fromEntries(statuses),
    bytes,
  };
}

const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
for (const path of job.paths) await warmUp(path);
for (const path of job.paths) results[path] = await measure(path);
process.stdout.write(`${JSON.stringify(results)}\n`);
export {};
