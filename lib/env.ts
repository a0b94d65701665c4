import { z } from "zod";

// The only reader of process.env. Everything else imports `env` (or `readEnv` in CLIs and tests).
const emptyAsUndefined = (v: unknown) => (v === "" ? undefined : v);
const optional = () => z.preprocess(emptyAsUndefined, z.string().optional());

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** PostgreSQL URL. Unset: the embedded PostgreSQL under DATA_DIR, started by the product's commands. */
  DATABASE_URL: optional(),
  DATA_DIR: z.string().default(".data"),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Signs session tokens. Required in production; the demo and dev commands generate one under DATA_DIR. */
  AUTH_SECRET: optional(),
  /** Generic OIDC provider for SSO: enabled when issuer, client ID and secret are all set. */
  OIDC_ISSUER: z.preprocess(emptyAsUndefined, z.url().optional()),
  OIDC_CLIENT_ID: optional(),
  OIDC_CLIENT_SECRET: optional(),
  OIDC_NAME: z.string().default("SSO"),
  /**
   * Set when browsers reach the app over HTTPS through a proxy that terminates TLS and forwards
   * plain HTTP: responses then carry Strict-Transport-Security, which otherwise goes only with
   * requests that arrived over HTTPS.
   */
  BEHIND_TLS_PROXY: z.preprocess((v) => v === "1" || v === "true", z.boolean()).default(false),
  /**
   * Keys the audit log's chain (HMAC-SHA256): base64 of at least 32 random bytes, the same on every
   * web and worker process. Unset: generated once under DATA_DIR (audit-hmac.key, mode 0600).
   */
  AUDIT_HMAC_KEY: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine((v) => Buffer.from(v, "base64").length >= 32, "AUDIT_HMAC_KEY must be base64 of at least 32 bytes")
      .optional(),
  ),
  /**
   * Signs the audit log's checkpoints (Ed25519): base64 of the PKCS#8 DER private key. Unset:
   * generated once under DATA_DIR (audit-signing.key, mode 0600).
   */
  AUDIT_SIGNING_KEY: optional(),
  /**
   * Signs evidence bundles (Ed25519): base64 of the PKCS#8 DER private key. Unset: a key ring under
   * DATA_DIR/evidence-keys, generated on first use and rotated with `npm run evidence:keys -- rotate`.
   */
  EVIDENCE_SIGNING_KEY: optional(),
  /** Where signed checkpoints of the audit log's head are written. Unset: DATA_DIR/audit-checkpoints. */
  AUDIT_CHECKPOINT_DIR: optional(),
  /** Minutes between the checkpoints each worker writes; 0: none (`npm run audit:verify -- --checkpoint` still writes one). */
  AUDIT_CHECKPOINT_MINUTES: z.coerce.number().min(0).max(10_080).default(60),
  /** How many reverse proxies in front of the app append to X-Forwarded-For (for per-address rate limits). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Points every AWS client at this endpoint (the simulator in demo and tests); unset means real AWS. */
  AWS_ENDPOINT_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  AWS_REGION: z.string().default("us-east-1"),
  /**
   * The product's own AWS identity as keys (the SDK's default chain reads them too). Normally
   * unset: an instance, task or IRSA role. With AWS_ENDPOINT_URL set and no keys, the sync asks
   * the simulator at that endpoint for its principal's keys.
   */
  AWS_ACCESS_KEY_ID: optional(),
  AWS_SECRET_ACCESS_KEY: optional(),
  AWS_SESSION_TOKEN: optional(),
  SIM_PORT: z.coerce.number().int().min(1).max(65535).default(4566),
  /** Units (account, region) one sync worker reads at once, and AWS requests it keeps in flight. */
  SYNC_UNIT_CONCURRENCY: z.coerce.number().int().min(1).max(2000).default(96),
  /** A resync reads each unit in full (deletions, policies, every plan) at least this often. */
  SYNC_FULL_PASS_HOURS: z.coerce.number().min(0).max(8760).default(24),
  SYNC_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(2000).default(128),
  /**
   * Longest a tenant's evaluation may compute (after its lock is held); past it the evaluation
   * stops, publishes nothing and is recorded as failed, so one tenant cannot hold the worker.
   */
  EVALUATION_TIME_BUDGET_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** Set by the demo command: every page says the organization is simulated. */
  DEMO_MODE: z.preprocess((v) => v === "1" || v === "true", z.boolean()).default(false),
  /**
   * Pins the product's clock (lib/clock.ts): it starts at this ISO 8601 instant and runs on from
   * there. Unset: the machine's wall clock. Tests and benches set it so nothing depends on the date.
   */
  CLOCK_AT: z.preprocess(
    emptyAsUndefined,
    z.coerce.date({ error: "CLOCK_AT must be an ISO 8601 time such as 2026-06-15T12:00:00Z" }).optional(),
  ),
  /**
   * Scheduled reports may be delivered to folders only under this absolute directory (a share the
   * server mounts). Unset: folder delivery is refused.
   */
  REPORT_FOLDER_ROOT: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine((v) => v.startsWith("/"), "REPORT_FOLDER_ROOT must be an absolute path")
      .optional(),
  ),
  /**
   * The SMTP server scheduled reports are mailed through: smtp://user:pass@host:587 (STARTTLS when
   * offered) or smtps://… (TLS). Unset: email delivery is refused. Holds a password: never logged.
   */
  SMTP_URL: z.preprocess(
    emptyAsUndefined,
    z.url({ protocol: /^smtps?$/, error: "SMTP_URL must be smtp:// or smtps://" }).optional(),
  ),
  /** The From address of scheduled report mail. */
  REPORT_MAIL_FROM: z.preprocess(emptyAsUndefined, z.email().optional()),
  /** Largest total attachment size a report mail carries; above it the mail says where to get the files instead. */
  REPORT_MAIL_MAX_BYTES: z.coerce.number().int().min(0).max(100_000_000).default(10_000_000),
  /**
   * The address users reach the app at (https://backup.example.com), for links in alerts and
   * digests. Unset: http://localhost:PORT.
   */
  APP_URL: z.preprocess(
    emptyAsUndefined,
    z.url({ protocol: /^https?$/, error: "APP_URL must be an http(s) URL" }).optional(),
  ),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** Web server processes sharing the port (one per core renders pages on every core). Unset: the number of cores. */
  WEB_CONCURRENCY: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(16).optional()),
});

export type Env = z.infer<typeof schema>;

export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${problems}`);
  }
  return parsed.data;
}

export const env: Env = readEnv();

export function databaseUrl(e: Env = env): string {
  return e.DATABASE_URL ?? embeddedDatabaseUrl(e);
}

export function embeddedDatabaseUrl(e: Env = env): string {
  return `postgres://postgres:postgres@127.0.0.1:${e.EMBEDDED_PG_PORT}/backup_governance`;
}

export function oidcConfigured(e: Env = env): boolean {
  return Boolean(e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET);
}
