import { seesCurrentState } from "@/lib/auth/audit-grant";
import { requireTenantPage } from "@/lib/auth/session";
import { SectionTabs } from "../_components/section-tabs";

export default async function ComplianceLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ tenant: string }>;
}) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug, "tenant:read", { view: "history" });
  const base = `/t/${slug}/compliance`;
  // Exceptions and templates are managed on the current state, which an auditor held to an ended
  // period does not see; the frameworks and findings are shown as of the period.
  const current = seesCurrentState(tenant);
  return (
    <div>
      <SectionTabs
        label="Compliance"
        tabs={[
          { href: base, label: "Frameworks" },
          { href: `${base}/findings`, label: "Findings" },
          ...(current
            ? [
                { href: `${base}/exceptions`, label: "Exceptions" },
                { href: `${base}/templates`, label: "Templates" },
              ]
            : []),
        ]}
      />
      {children}
    </div>
  );
}
