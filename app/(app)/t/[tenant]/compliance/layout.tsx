import { SectionTabs } from "../_components/section-tabs";

export default async function ComplianceLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ tenant: string }>;
}) {
  const { tenant } = await params;
  const base = `/t/${tenant}/compliance`;
  return (
    <div>
      <SectionTabs
        label="Compliance"
        tabs={[
          { href: base, label: "Frameworks" },
          { href: `${base}/findings`, label: "Findings" },
          { href: `${base}/exceptions`, label: "Exceptions" },
          { href: `${base}/templates`, label: "Templates" },
        ]}
      />
      {children}
    </div>
  );
}
