import Link from "next/link";
import { jobHref, type JobKind } from "@/lib/dashboard/links";

/** A job wherever a row names one: the first characters of its AWS id, linked to its page. */
export function JobCell({ slug, kind, jobId }: { slug: string; kind: JobKind; jobId: string }) {
  return (
    <Link
      href={jobHref(slug, kind, jobId)}
      className="font-mono text-xs text-brand-700 hover:underline"
      title={jobId}
      data-link="job"
    >
      {jobId.slice(0, 8)}
    </Link>
  );
}
