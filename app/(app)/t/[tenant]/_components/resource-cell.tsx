import { shortArn } from "@/lib/format";

/** A table cell naming a resource: its short id (the whole ARN on hover), then what and where it is. */
export function ResourceCell({
  arn,
  detail,
  width = "max-w-xs",
  children,
}: {
  arn: string;
  detail: React.ReactNode;
  width?: string;
  children?: React.ReactNode;
}) {
  return (
    <div className={width}>
      <div className="truncate font-mono text-xs" title={arn}>
        {shortArn(arn)}
      </div>
      <div className="text-xs text-slate-500">{detail}</div>
      {children}
    </div>
  );
}
