import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

// Webhook signatures, in Stripe's form: header `X-Alert-Signature: t=<unix seconds>,v1=<hex>` where
// hex = HMAC-SHA256(secret, `${t}.${body}`) over the exact bytes of the request body. The time is
// signed too, so a receiver can refuse replays older than a few minutes. The secret is generated
// here (32 random bytes, "whsec_" + base64url) and shown once when the channel is made.

export const SIGNATURE_HEADER = "X-Alert-Signature";

export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

/** The header value for `body` sent at `atSeconds`. */
export function signAlertBody(secret: string, body: string, atSeconds: number): string {
  const mac = createHmac("sha256", secret).update(`${atSeconds}.${body}`).digest("hex");
  return `t=${atSeconds},v1=${mac}`;
}

/**
 * Whether `header` is a valid signature of `body` under `secret`, made within `toleranceSeconds`
 * of `nowSeconds` (default 300 s; pass Infinity to skip the age check). Constant-time compare.
 */
export function verifyAlertSignature(
  secret: string,
  body: string,
  header: string | null | undefined,
  o: { nowSeconds?: number; toleranceSeconds?: number } = {},
): boolean {
  if (!header) return false;
  const parts = new Map<string, string[]>();
  for (const kv of header.split(",")) {
    const i = kv.indexOf("=");
    if (i <= 0) continue;
    const k = kv.slice(0, i).trim();
    parts.set(k, [...(parts.get(k) ?? []), kv.slice(i + 1).trim()]);
  }
  const t = Number(parts.get("t")?.[0]);
  if (!Number.isInteger(t)) return false;
  const tolerance = o.toleranceSeconds ?? 300;
  // The wall clock, as the sender signs with (a receiver's clock, not the product's pinned one).
  // eslint-disable-next-line no-restricted-properties -- see lib/clock.ts: an outside party's clock
  const now = o.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > tolerance) return false;
  const want = Buffer.from(createHmac("sha256", secret).update(`${t}.${body}`).digest("hex"), "utf8");
  return (parts.get("v1") ?? []).some((v) => {
    const got = Buffer.from(v, "utf8");
    return got.length === want.length && timingSafeEqual(got, want);
  });
}
