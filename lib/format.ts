import { clock } from "@/lib/clock";
// Dates, durations, sizes and percentages as the UI shows them. Dates are UTC so that every
// viewer and every export agrees.

const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const date = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

export function formatDateTime(d: Date): string {
  return `${dateTime.format(d)} UTC`;
}

export function formatDate(d: Date): string {
  return date.format(d);
}

export function formatPercent(share: number | null, digits = 0): string {
  return share === null || Number.isNaN(share) ? "—" : `${(share * 100).toFixed(digits)}%`;
}

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return "—";
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 && unit > 0 ? 1 : 0)} ${units[unit]}`;
}

/** "3 h", "2 d 4 h", "45 min": for ages and intervals. */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest ? `${days} d ${rest} h` : `${days} d`;
}

/** YYYY-MM-DD of the UTC day `days` from now (form defaults). */
export function isoDateInDays(days: number, from = clock.now()): string {
  return new Date(from.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/** "3 h ago", "2 d 4 h ago". */
export function formatAgo(d: Date, now = clock.now()): string {
  return `${formatDuration(now.getTime() - d.getTime())} ago`;
}

/** The last part of an ARN or id ("vol-0abc" of "arn:aws:ec2:…:volume/vol-0abc"), for tables. */
export function shortArn(arn: string): string {
  return arn.split(/[:/]/).filter(Boolean).pop() ?? arn;
}
