import path from "node:path";
import { z } from "zod";
import type { ReportDestinationKind } from "@/db/schema/report-schedules";

// Where a schedule delivers, as stored in report_schedules.destination. Validated when a user
// saves a schedule and again before every delivery (the folder root may have changed since).

/**
 * S3's bucket naming rules for general purpose buckets: 3-63 characters of lower-case letters,
 * digits, dots and hyphens, starting and ending with a letter or digit, no "..", not an IPv4
 * address, none of the reserved prefixes and suffixes.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export function bucketNameProblem(name: string): string | null {
  if (name.length < 3 || name.length > 63) return "must be 3 to 63 characters long";
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name))
    return "may hold only lower-case letters, digits, dots and hyphens, and must start and end with a letter or digit";
  if (name.includes("..")) return "must not contain two dots in a row";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "must not be formatted as an IP address";
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return "must not start with xn--, sthree- or amzn-s3-demo-";
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) return "must not end with a reserved suffix";
  return null;
}

const region = z
  .string()
  .trim()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "Region must be an AWS Region such as eu-west-1.");

export const folderDestination = z.strictObject({
  path: z.string().trim().min(1, "Give the folder's absolute path.").max(1024),
});
export const s3Destination = z.strictObject({
  bucket: z
    .string()
    .trim()
    .superRefine((v, ctx) => {
      const problem = bucketNameProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: `Bucket name "${v}" ${problem}.` });
    }),
  /** Keys are prefix/tenant/date/file; no leading or trailing slash. */
  prefix: z
    .string()
    .trim()
    .max(512)
    .regex(/^[A-Za-z0-9!_.*'()/-]*$/, "Prefix may hold letters, digits, / and !_.*'()- only.")
    .transform((v) => v.replace(/^\/+|\/+$/g, ""))
    .default(""),
  region,
});
export const emailDestination = z.strictObject({
  recipients: z
    .array(z.email({ error: (i) => `"${String(i.input)}" is not an email address.` }))
    .min(1, "Give at least one recipient.")
    .max(20, "At most 20 recipients."),
});

export type FolderDestination = z.infer<typeof folderDestination>;
export type S3Destination = z.infer<typeof s3Destination>;
export type EmailDestination = z.infer<typeof emailDestination>;
export type Destination =
  | { kind: "folder"; config: FolderDestination }
  | { kind: "s3"; config: S3Destination }
  | { kind: "email"; config: EmailDestination };

export const DESTINATION_SCHEMAS = {
  folder: folderDestination,
  s3: s3Destination,
  email: emailDestination,
} as const satisfies Record<ReportDestinationKind, z.ZodType>;

/** A stored destination, checked again (a row written by an older version fails here, clearly). */
export function parseDestination(kind: ReportDestinationKind, config: unknown): Destination {
  const parsed = DESTINATION_SCHEMAS[kind].safeParse(config);
  if (!parsed.success) throw new Error(`the ${kind} destination is invalid: ${parsed.error.issues[0]?.message}`);
  return { kind, config: parsed.data } as Destination;
}

/**
 * The folder a delivery may write into, or why not: absolute, inside REPORT_FOLDER_ROOT, and no
 * ".." segment (refused even when it would resolve inside the root: nobody writes one by mistake).
 */
export function checkFolderPath(folder: string, root: string | undefined): string {
  if (!root) throw new Error("Folder delivery is not enabled: REPORT_FOLDER_ROOT is not set on the server.");
  if (!path.isAbsolute(folder)) throw new Error(`Folder "${folder}" must be an absolute path.`);
  if (folder.split(/[\\/]/).includes("..")) throw new Error(`Folder "${folder}" must not contain "..".`);
  const resolvedRoot = path.resolve(root);
  const resolved = path.resolve(folder);
  if (resolved !== resolvedRoot && !resolved.startsWith(resolvedRoot + path.sep))
    throw new Error(`Folder "${folder}" is outside the allowed root ${resolvedRoot}.`);
  return resolved;
}
