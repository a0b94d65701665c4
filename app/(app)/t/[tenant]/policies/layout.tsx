import { SectionTabs } from "../_components/section-tabs";

export default async function PoliciesLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ tenant: string }>;
}) {
  const { tenant } = await params;
  const base = `/t/${tenant}/policies`;
  return (
    <div>
      <SectionTabs
        label="Policies"
        tabs={[
          { href: base, label: "Backup policies" },
          { href: `${base}/drift`, label: "Drift" },
        ]}
      />
      {children}
    </div>
  );
}
