import { PageHeader } from "@/app/_components/ui/page-header";
import { SectionTabs } from "../_components/section-tabs";

export default async function BackupsLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ tenant: string }>;
}) {
  const { tenant } = await params;
  const base = `/t/${tenant}/backups`;
  return (
    <div>
      <PageHeader
        title="Backups"
        description="Backup plans with their rules, the vaults they write to, and every recovery point."
      />
      <SectionTabs
        label="Backups"
        tabs={[
          { href: base, label: "Plans" },
          { href: `${base}/vaults`, label: "Vaults" },
          { href: `${base}/recovery-points`, label: "Recovery points" },
        ]}
      />
      {children}
    </div>
  );
}
