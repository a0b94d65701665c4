import { PageHeader } from "@/app/_components/ui/page-header";
import { SectionTabs } from "../_components/section-tabs";

export default async function JobsLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ tenant: string }>;
}) {
  const { tenant } = await params;
  const base = `/t/${tenant}/jobs`;
  return (
    <div>
      <PageHeader
        title="Jobs"
        description="Backup, copy, restore and malware scan jobs, failures first. History is kept beyond AWS's 30 days."
      />
      <SectionTabs
        label="Jobs"
        tabs={[
          { href: base, label: "Backup jobs" },
          { href: `${base}/copy`, label: "Copy jobs" },
          { href: `${base}/restore`, label: "Restores and restore tests" },
          { href: `${base}/scan`, label: "Malware scans" },
        ]}
      />
      {children}
    </div>
  );
}
