import Link from "next/link";
import { resourceHref } from "@/lib/dashboard/links";
import { shortArn } from "@/lib/format";

/**
 * A table cell naming a resource: its short id (the whole ARN on hover) linked to its page, then
 * what and where it is.
 */
export function ResourceCell({
  slug,
  arn,
  detail,
  width = "max-w-xs",
  linked = true,
  children,
}: {
  slug: string;
  /** False when the ARN is not a resource of the inventory (a restore without its source). */
  linked?: boolean;
  arn: string;
  detail: React.ReactNode;
  width?: string;
  children?: React.ReactNode;
}) {
  return (
    <div className={width}>
      {linked ? (
        <Link
          href={resourceHref(slug, arn)}
          className="block truncate font-mono text-xs text-brand-700 hover:underline"
          title={arn}
          data-link="resource"
        >
          {shortArn(arn)}
        </Link>
      ) : (
        <div className="truncate font-mono text-xs" title={arn}>
          {shortArn(arn)}
        </div>
      )}
      <div className="text-xs text-slate-500">{detail}</div>
      {children}
    </div>
  );
}
