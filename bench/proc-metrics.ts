// What the benches read about processes on Linux (from /proc): CPU seconds and resident memory
// per process, of PostgreSQL's server processes and of the machine as a whole.
import { readdirSync, readFileSync } from "node:fs";
import type { DbHandle } from "@/db";

/** CPU seconds (user+system) of a process and its children, from /proc (Linux). */
export function procCpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    return ticks / 100;
  } catch {
    return 0;
  }
}
export function procRssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
export function machineBusySeconds(): { busy: number; total: number } {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3]! + f[4]!;
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}
/** CPU seconds of every process named postgres (the postmaster's counts include exited backends). */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, "utf8").trim() === "postgres") total += procCpuSeconds(Number(d));
    } catch {
      /* exited */
    }
  }
  return total;
}

/** CPU seconds of every process, by pid with its command name. */
export function processCpu(): Map<number, { comm: string; cpu: number }> {
  const out = new Map<number, { comm: string; cpu: number }>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      out.set(Number(d), {
        comm:
          readFileSync(`/proc/${d}/cmdline`, "utf8").replace(/\0/g, " ").slice(0, 80) ||
          readFileSync(`/proc/${d}/comm`, "utf8").trim(),
        cpu: procCpuSeconds(Number(d)),
      });
    } catch {
      /* exited */
    }
  }
  return out;
}

/** The simulator runs under tsx: the node process doing the work is the child's child. */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const c of readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number))
      out.push(c, ...descendants(c));
  } catch {
    /* gone */
  }
  return out;
}

/** A tenant for the world the simulator reports at /_sim/world. */
export async function createTenant(db: DbHandle, name: string, world: Record<string, unknown>): Promise<string> {
  const w = world as {
    management_account_id: string;
    management_role_arn: string;
    external_id: string;
    member_role_name: string;
    regions: string[];
  };
  const res = await db.pool.query(
    `insert into tenants (name, slug, management_account_id, management_role_arn, external_id, member_role_name, regions) values ($1, $1, $2, $3, $4, $5, $6) returning id`,
    [name, w.management_account_id, w.management_role_arn, w.external_id, w.member_role_name, w.regions],
  );
  return res.rows[0]!.id as string;
}
