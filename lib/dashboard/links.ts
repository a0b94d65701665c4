// Addresses of the pages a table row can name. A resource's ARN holds slashes and colons, so its
// page is addressed by the ARN in base64url (one path segment, no escaping by proxies); job ids
// are AWS's own and safe in a path.

export type JobKind = "backup" | "copy" | "restore";
export const JOB_KINDS: readonly JobKind[] = ["backup", "copy", "restore"];

export function encodeResourceId(arn: string): string {
  return Buffer.from(arn, "utf8").toString("base64url");
}

/** The ARN a resource id stands for, or null when the id is not one this product made. */
export function decodeResourceId(id: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,2800}$/.test(id)) return null;
  const arn = Buffer.from(id, "base64url").toString("utf8");
  return arn.startsWith("arn:") && encodeResourceId(arn) === id ? arn : null;
}

export const resourceHref = (slug: string, arn: string) => `/t/${slug}/resources/${encodeResourceId(arn)}`;

export const jobHref = (slug: string, kind: JobKind, jobId: string) =>
  `/t/${slug}/jobs/${kind}/${encodeURIComponent(jobId)}`;

export const accountHref = (slug: string, accountId: string) => `/t/${slug}/accounts/${accountId}`;

export interface FindingRef {
  controlId: string;
  subjectType: string;
  subjectId: string;
  accountId: string;
  region: string | null;
}

export const findingHref = (slug: string, f: FindingRef, asOf?: string) =>
  `/t/${slug}/compliance/findings/detail?${new URLSearchParams({
    control: f.controlId,
    subjectType: f.subjectType,
    subject: f.subjectId,
    account: f.accountId,
    region: f.region ?? "",
    ...(asOf ? { asOf } : {}),
  })}`;

export const controlHref = (slug: string, framework: string, controlId: string, asOf?: string) =>
  `/t/${slug}/compliance/${framework}/${controlId}${asOf ? `?${new URLSearchParams({ asOf })}` : ""}`;
