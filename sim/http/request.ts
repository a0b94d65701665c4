import type { IncomingMessage } from "node:http";
import { safeDecode } from "../auth/sigv4";

/** A fully read HTTP request, as every protocol handler sees it. */
export interface SimRequest {
  method: string;
  /** Path as sent (percent-encoded), without the query. */
  rawPath: string;
  rawQuery: string;
  /** Decoded query pairs, in order. */
  query: [string, string][];
  /** Lower-cased names; repeated headers joined with ",". */
  headers: Record<string, string>;
  rawHeaders: string[];
  body: Buffer;
}

/** AWS rejects bodies far smaller than this; the cap only protects the simulator. */
const MAX_BODY = 2 * 1024 * 1024;

export async function readRequest(req: IncomingMessage): Promise<SimRequest | "too-large"> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return "too-large";
    chunks.push(chunk as Buffer);
  }
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? "" : url.slice(q + 1);
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] as string).toLowerCase();
    const value = req.rawHeaders[i + 1] as string;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  return {
    method: req.method ?? "GET",
    rawPath,
    rawQuery,
    query: parseQuery(rawQuery),
    headers,
    rawHeaders: req.rawHeaders,
    body: Buffer.concat(chunks),
  };
}

export function parseQuery(raw: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of raw.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    out.push(eq < 0 ? [safeDecode(part), ""] : [safeDecode(part.slice(0, eq)), safeDecode(part.slice(eq + 1))]);
  }
  return out;
}

/** Form bodies (awsQuery): '+' means space there, unlike in SigV4 query canonicalisation. */
export function parseForm(body: string): [string, string][] {
  return parseQuery(body.replace(/\+/g, "%20"));
}
