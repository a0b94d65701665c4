import http from "node:http";
import https from "node:https";
import type { AlertChannelRow } from "@/db/schema";
import { smtpFailureReason, smtpTransport, type SmtpSettings } from "@/lib/reports/schedules/deliver-email";
import { SIGNATURE_HEADER, signAlertBody } from "./signature";
import { checkAlertUrl, pinnedLookup, UnsafeUrlError, type Resolver } from "./url-guard";

// Sending one message (one alert, or a batch of them) to one channel. What reaches the delivery
// log is an outcome: the HTTP status and one line of error, naming the host at most — never the
// URL (a Slack webhook's path is its secret), the HMAC secret or SMTP credentials. Redirects are
// not followed (a 3xx is a failure): following one would reach an address the guard never checked.

export interface AlertMessage {
  id: string;
  kind: string;
  title: string;
  summary: string;
  link: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

export interface SendContext {
  tenant: { id: string; slug: string; name: string };
  /** Set on a channel test: the message says it is one. */
  test?: boolean;
}

export interface SendDeps {
  smtp: Pick<SmtpSettings, "url" | "from">;
  /** Per request (connect, send, response); default 10 s. */
  timeoutMs?: number;
  resolve?: Resolver;
}

export interface SendOutcome {
  ok: boolean;
  responseStatus: number | null;
  error: string | null;
}

const ok = (responseStatus: number | null): SendOutcome => ({ ok: true, responseStatus, error: null });
const failure = (error: string, responseStatus: number | null = null): SendOutcome => ({
  ok: false,
  responseStatus,
  error: error.split("\n")[0]!.slice(0, 500),
});

/** The JSON a webhook receives (and the feed serves per line): versioned, stable field names. */
export function webhookBody(events: readonly AlertMessage[], ctx: SendContext): string {
  return JSON.stringify({
    version: 1,
    test: ctx.test ?? false,
    tenant: ctx.tenant,
    events: events.map(eventJson),
  });
}

export const eventJson = (e: AlertMessage) => ({
  id: e.id,
  kind: e.kind,
  title: e.title,
  summary: e.summary,
  link: e.link,
  occurredAt: e.occurredAt.toISOString(),
  payload: e.payload,
});

const SLACK_LIST = 10;
const escapeSlack = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A Slack incoming-webhook payload: `text` for notifications, `blocks` for the message. */
export function slackBody(events: readonly AlertMessage[], ctx: SendContext): string {
  const head =
    events.length === 1
      ? `${ctx.test ? "[test] " : ""}${events[0]!.title}`
      : `${ctx.test ? "[test] " : ""}${events.length} alerts for ${ctx.tenant.name}`;
  const blocks: unknown[] = [{ type: "header", text: { type: "plain_text", text: head.slice(0, 150) } }];
  for (const e of events.slice(0, SLACK_LIST))
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: `*<${e.link}|${escapeSlack(e.title)}>*\n${escapeSlack(e.summary)}`.slice(0, 3000),
      },
    });
  if (events.length > SLACK_LIST)
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `…and ${events.length - SLACK_LIST} more in the app's delivery log.` }],
    });
  return JSON.stringify({ text: `${head}${events.length === 1 ? ` ${events[0]!.link}` : ""}`, blocks });
}

function postJson(
  url: URL,
  body: string,
  headers: Record<string, string>,
  lookup: ReturnType<typeof pinnedLookup>,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === "https:" ? https : http;
    const req = mod.request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers },
        lookup: lookup as never,
        timeout: timeoutMs,
      },
      (res) => {
        // Only the status matters; the body is read (and dropped) so the socket is freed.
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        // Cut off by the timeout mid-body: the status already says how it went.
        res.on("close", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })),
      timeoutMs,
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.on("close", () => clearTimeout(timer));
    req.end(body);
  });
}

function networkError(e: unknown, host: string, timeoutMs: number): string {
  const code = (e as { code?: string }).code;
  if (code === "ETIMEDOUT") return `No answer from ${host} within ${timeoutMs / 1000} s.`;
  if (code === "ECONNREFUSED") return `${host} refused the connection: nothing is listening there.`;
  if (code === "ECONNRESET") return `${host} closed the connection before answering.`;
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return `${host} cannot be reached from this server.`;
  if (code?.startsWith("ERR_TLS") || code?.includes("CERT")) return `TLS with ${host} failed (${code}).`;
  return `Sending to ${host} failed${code ? ` (${code})` : ""}.`;
}

async function sendHttp(
  channel: AlertChannelRow,
  body: string,
  headers: (body: string) => Record<string, string>,
  deps: SendDeps,
): Promise<SendOutcome> {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  let checked;
  try {
    checked = await checkAlertUrl(channel.target, {
      allowPrivateAddress: channel.allowPrivateAddress,
      resolve: deps.resolve,
    });
  } catch (e) {
    return failure(e instanceof UnsafeUrlError ? e.message : "The URL could not be checked.");
  }
  const host = checked.url.host;
  try {
    const status = await postJson(checked.url, body, headers(body), pinnedLookup(checked), timeoutMs);
    if (status >= 200 && status < 300) return ok(status);
    return failure(`${host} answered HTTP ${status}.`, status);
  } catch (e) {
    return failure(networkError(e, host, timeoutMs));
  }
}

async function sendEmail(
  channel: AlertChannelRow,
  events: readonly AlertMessage[],
  ctx: SendContext,
  deps: SendDeps,
): Promise<SendOutcome> {
  if (!deps.smtp.url) return failure("Email alerts are not enabled: SMTP_URL is not set on the server.");
  if (!deps.smtp.from) return failure("Email alerts are not enabled: REPORT_MAIL_FROM is not set on the server.");
  const recipients = channel.target.split(",").filter(Boolean);
  const prefix = ctx.test ? "[test] " : "";
  const subject =
    events.length === 1
      ? `${prefix}[${ctx.tenant.name}] ${events[0]!.title}`
      : `${prefix}[${ctx.tenant.name}] ${events.length} alerts`;
  const text = events.map((e) => `${e.title}\n${e.summary}\n${e.link}\n`).join("\n");
  const transport = smtpTransport(deps.smtp.url, deps.timeoutMs ?? 10_000);
  try {
    await transport.sendMail({ from: deps.smtp.from, to: recipients, subject: subject.slice(0, 250), text });
    return ok(null);
  } catch (e) {
    return failure(`Mail to ${recipients.join(", ")} failed: ${smtpFailureReason(e)}`);
  } finally {
    transport.close();
  }
}

/** Sends the events to the channel as one message. Never throws: the outcome says what happened. */
export async function sendToChannel(
  channel: AlertChannelRow,
  events: readonly AlertMessage[],
  ctx: SendContext,
  deps: SendDeps,
): Promise<SendOutcome> {
  switch (channel.kind) {
    case "webhook":
      return sendHttp(
        channel,
        webhookBody(events, ctx),
        (body) => ({
          // The wall clock, not the product's (lib/clock.ts): receivers check it against theirs.
          // eslint-disable-next-line no-restricted-properties -- see above
          [SIGNATURE_HEADER]: signAlertBody(channel.secret ?? "", body, Math.floor(Date.now() / 1000)),
          "user-agent": "backup-governance-alerts/1",
        }),
        deps,
      );
    case "slack":
      return sendHttp(channel, slackBody(events, ctx), () => ({ "user-agent": "backup-governance-alerts/1" }), deps);
    case "email":
      return sendEmail(channel, events, ctx, deps);
    case "feed":
      return ok(null); // pull: the events are in the feed already
  }
}
