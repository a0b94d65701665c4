import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { SimConfig, SimConfigPatch } from "./config";
import { dispatch } from "./dispatch";
import { createState } from "./engine/create";
import { advanceDays, DEFAULT_DAY_RATES, type DayChanges, type DayRates } from "./engine/day";
import { lowerBound } from "./engine/lower-bound";
import { runPlans } from "./engine/run";
import { worldSummary } from "./engine/summary";
import { readRequest } from "./http/request";
import { Runtime } from "./runtime";
import { benchWorld } from "./world/bench";
import { demoWorld } from "./world/demo";
import type { World } from "./world/schema";

export interface StartOptions {
  world: "demo" | "bench" | string | World;
  port?: number;
  host?: string;
  seed?: number;
  /** Partial config; `rates` may name only some rates. */
  config?: SimConfigPatch;
  /**
   * The world's "now" (epoch seconds): the world is generated up to it, and the same seed and
   * `now` give the same world. No default, so that nothing builds a world from the date it runs on.
   */
  now: number;
}

export type WorldSummary = ReturnType<typeof worldSummary>;
export type SimStats = ReturnType<Runtime["stats"]["toJSON"]> & { lower_bound: ReturnType<typeof lowerBound> };

export interface SimHandle {
  url: string;
  port: number;
  summary(): WorldSummary;
  stats(): SimStats;
  resetStats(): void;
  configure(partial: SimConfigPatch): SimConfig;
  advance(hours: number): { now: string };
  /** Simulated days: the clock moves a day at a time and people delete, untag, edit (sim/engine/day.ts). */
  advanceDays(days: number, rates?: Partial<DayRates>): DayChanges;
  stop(): Promise<void>;
  /** The live runtime (world state, identities, config), for tests and the demo composition root. */
  runtime: Runtime;
}

/** Resolves the `world` option: a preset name, a JSON file path, or a world object. */
export function loadWorld(world: StartOptions["world"], seed?: number): World {
  if (typeof world !== "string") return seed === undefined ? world : { ...world, seed };
  if (world === "demo") return demoWorld(seed ?? 1);
  if (world === "bench") return benchWorld({ seed: seed ?? 1 });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(world, "utf8"));
  } catch (e) {
    throw new Error(`cannot read world file ${world}: ${(e as Error).message}`);
  }
  return seed === undefined ? (json as World) : ({ ...(json as object), seed } as World);
}

export async function startSimulator(options: StartOptions): Promise<SimHandle> {
  const state = createState(loadWorld(options.world, options.seed), { now: options.now });
  const rt = new Runtime(state, options.config);
  const server = createServer({ keepAlive: true }, (req, res) => void onRequest(rt, req, res));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = options.host && options.host !== "0.0.0.0" ? options.host : "127.0.0.1";
  const handle: SimHandle = {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`,
    port: address.port,
    summary: () => worldSummary(rt.state, rt.identity, rt.config),
    stats: () => ({ ...rt.stats.toJSON(), lower_bound: lowerBound(rt.state, rt.identity, rt.config) }),
    resetStats: () => resetStats(rt),
    configure: (partial) => rt.configure(partial),
    advance: (hours) => advance(rt, hours),
    advanceDays: (days, rates) => advanceDays(rt.state, days, { ...DEFAULT_DAY_RATES, ...rates }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    runtime: rt,
  };
  return handle;
}

function resetStats(rt: Runtime): void {
  rt.stats.reset();
  rt.throttle.reset();
}

function advance(rt: Runtime, hours: number): { now: string } {
  const from = rt.state.now;
  runPlans(rt.state, from, from + Math.round(hours * 3600), false);
  return { now: new Date(rt.state.now * 1000).toISOString() };
}

const advanceSchema = z.union([
  z.strictObject({
    hours: z
      .number()
      .positive()
      .max(24 * 366),
  }),
  z.strictObject({ days: z.number().int().positive().max(366) }),
]);

async function onRequest(rt: Runtime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const sim = await readRequest(req);
    if (sim === "too-large") return sendJson(res, 413, { error: "request body too large" });
    if (sim.rawPath.startsWith("/_sim/")) return admin(rt, sim.method, sim.rawPath, sim.body, res);
    await dispatch(rt, sim, res);
  } catch (e) {
    console.error("[sim] request failed:", e);
    if (!res.headersSent) sendJson(res, 500, { error: "internal simulator error" });
    else res.destroy();
  }
}

/** The admin endpoints (no AWS signing): world summary, stats, config, clock. */
function admin(rt: Runtime, method: string, path: string, body: Buffer, res: ServerResponse): void {
  const route = `${method} ${path.replace(/\/$/, "")}`;
  const parse = () => (body.length ? (JSON.parse(body.toString("utf8")) as unknown) : {});
  try {
    switch (route) {
      case "GET /_sim/world":
        return sendJson(res, 200, worldSummary(rt.state, rt.identity, rt.config));
      case "GET /_sim/stats":
        return sendJson(res, 200, { ...rt.stats.toJSON(), lower_bound: lowerBound(rt.state, rt.identity, rt.config) });
      case "POST /_sim/stats/reset":
        resetStats(rt);
        return sendJson(res, 200, { ok: true });
      case "GET /_sim/config":
        return sendJson(res, 200, rt.config);
      case "POST /_sim/config":
        return sendJson(res, 200, rt.configure(parse()));
      case "POST /_sim/advance": {
        const a = advanceSchema.parse(parse());
        return sendJson(res, 200, "days" in a ? advanceDays(rt.state, a.days) : advance(rt, a.hours));
      }
      default:
        return sendJson(res, 404, { error: `no admin endpoint ${route}` });
    }
  } catch (e) {
    const message = e instanceof z.ZodError ? z.prettifyError(e) : (e as Error).message;
    sendJson(res, 400, { error: message });
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
