import { createHmac, randomBytes } from "node:crypto";

/**
 * Opaque, tamper-proof pagination tokens. A token is bound to the operation, the calling account
 * and region, and the request's filters, so a token from another call (or forged) is rejected
 * as AWS rejects it. Tagging tokens also expire after 15 minutes (PaginationTokenExpiredException).
 */
export class Pager {
  private readonly key: Buffer;
  constructor(secret?: Buffer) {
    this.key = secret ?? randomBytes(32);
  }

  encode(scope: string, position: number): string {
    const body = Buffer.from(JSON.stringify({ p: position, t: Date.now(), s: this.mac(scope).slice(0, 12) })).toString(
      "base64url",
    );
    return `${body}.${this.mac(body).slice(0, 32)}`;
  }

  /** The position encoded in a token for this scope, or why it is unusable. */
  decode(
    token: string,
    scope: string,
    maxAgeMs?: number,
  ): { ok: true; position: number } | { ok: false; reason: "invalid" | "foreign" | "expired" } {
    const dot = token.lastIndexOf(".");
    if (dot <= 0) return { ok: false, reason: "invalid" };
    const body = token.slice(0, dot);
    if (this.mac(body).slice(0, 32) !== token.slice(dot + 1)) return { ok: false, reason: "invalid" };
    let parsed: { p?: unknown; t?: unknown; s?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as typeof parsed;
    } catch {
      return { ok: false, reason: "invalid" };
    }
    if (parsed.s !== this.mac(scope).slice(0, 12)) return { ok: false, reason: "foreign" };
    if (typeof parsed.p !== "number" || typeof parsed.t !== "number") return { ok: false, reason: "invalid" };
    if (maxAgeMs !== undefined && Date.now() - parsed.t > maxAgeMs) return { ok: false, reason: "expired" };
    return { ok: true, position: parsed.p };
  }

  private mac(s: string): string {
    return createHmac("sha256", this.key).update(s).digest("base64url");
  }
}
