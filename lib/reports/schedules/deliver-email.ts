import nodemailer from "nodemailer";
import { periodLabel } from "@/lib/reports/period";
import type { EmailDestination } from "./destination";
import { contentTypeOf, type DeliveryFile, type DeliveryTarget } from "./deliver";

export interface SmtpSettings {
  /** SMTP_URL: smtp://user:pass@host:port or smtps://…; holds a password, so never in a message. */
  url: string | undefined;
  from: string | undefined;
  /** Above this many bytes of files, the mail carries a note instead of the attachments. */
  maxAttachmentBytes: number;
  /** How long to wait for the server (connecting, greeting, each command). */
  timeoutMs?: number;
}

/** A transport for SMTP_URL with every wait bounded (alerts mail through it too). */
export function smtpTransport(url: string, timeoutMs = 30_000) {
  const timeout = timeoutMs;
  return nodemailer.createTransport(url, {
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
}

/**
 * Why sending failed, safe to show: the server's own reply (e.g. "550 mailbox unavailable");
 * nodemailer's message may name the URL it was given, which holds the password, so it is not used.
 */
export function smtpFailureReason(e: unknown): string {
  const err = e as { code?: string; response?: string };
  const why = err.response ?? (err.code ? `${err.code}` : "the SMTP server refused the message");
  return why.split("\n")[0]!.slice(0, 300);
}

/** Mails the files (or, when they are too large together, a note saying so) to the recipients. */
export async function deliverByEmail(
  config: EmailDestination,
  smtp: SmtpSettings,
  target: DeliveryTarget,
  files: readonly DeliveryFile[],
): Promise<string> {
  if (!smtp.url) throw new Error("Email delivery is not enabled: SMTP_URL is not set on the server.");
  if (!smtp.from) throw new Error("Email delivery is not enabled: REPORT_MAIL_FROM is not set on the server.");
  const total = files.reduce((n, f) => n + f.bytes, 0);
  const attach = total <= smtp.maxAttachmentBytes;
  const names = files.map((f) => `  ${f.name} (${f.bytes.toLocaleString("en")} bytes)`).join("\n");
  const text = [
    `${target.scheduleName}: ${target.tenantName}, ${periodLabel(target.period)}.`,
    "",
    attach
      ? `Attached:\n${names}`
      : `The files (${total.toLocaleString("en")} bytes together) are larger than this server mails ` +
        `(${smtp.maxAttachmentBytes.toLocaleString("en")} bytes), so they are not attached:\n${names}\n\n` +
        `Download them from the organization's Reports page, or deliver this schedule to a folder or S3.`,
  ].join("\n");
  const transport = smtpTransport(smtp.url, smtp.timeoutMs);
  try {
    await transport.sendMail({
      from: smtp.from,
      to: config.recipients,
      subject: `${target.scheduleName}: ${target.tenantName}, ${periodLabel(target.period)}`,
      text,
      attachments: attach
        ? files.map((f) => ({ filename: f.name, path: f.path, contentType: contentTypeOf(f.name) }))
        : [],
    });
  } catch (e) {
    throw new Error(`SMTP delivery to ${config.recipients.join(", ")} failed: ${smtpFailureReason(e)}`);
  } finally {
    transport.close();
  }
  return `${config.recipients.length} recipient(s)${attach ? "" : " (files too large: note only)"}`;
}
