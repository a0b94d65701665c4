import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Alert } from "@/app/_components/ui/alert";
import { requireTenantPage } from "@/lib/auth/session";

// Sections that later releases fill with their own pages (a static segment wins over this one).
const SECTIONS: Record<string, { title: string; description: string; empty: string }> = {
  overview: {
    title: "Overview",
    description: "Compliance scores, unprotected resources and the health of backups across the organization.",
    empty: "Run the first sync of this organization to see its backup posture.",
  },
  compliance: {
    title: "Compliance",
    description:
      "ISO/IEC 27001:2022, SOC 2 and GDPR, requirement by requirement, with the evidence behind every finding.",
    empty: "Findings appear after the organization has been synced and evaluated.",
  },
  accounts: {
    title: "Accounts",
    description: "The organization's OUs and accounts, their scores and how fresh their data is.",
    empty: "Accounts appear after the first sync.",
  },
  resources: {
    title: "Resources",
    description: "Every resource that ought to be protected, which plan protects it and its newest recovery point.",
    empty: "Resources appear after the first sync.",
  },
  backups: {
    title: "Backups",
    description: "Backup plans, vaults and recovery points.",
    empty: "Backup plans and vaults appear after the first sync.",
  },
  jobs: {
    title: "Jobs",
    description: "Backup, copy and restore jobs, failures first, and restore test results.",
    empty: "Jobs appear after the first sync.",
  },
  policies: {
    title: "Policies",
    description:
      "Organizations backup policies: draft, preview the effective policy and its compliance impact, then push.",
    empty: "Backup policy management is not available in this release.",
  },
  reports: {
    title: "Reports",
    description: "Framework reports in PDF and signed evidence bundles for auditors.",
    empty: "Reports are not available in this release; every table can already be exported where it is shown.",
  },
};

export async function generateMetadata({ params }: { params: Promise<{ section: string }> }): Promise<Metadata> {
  const { section } = await params;
  return { title: SECTIONS[section]?.title ?? "Not found" };
}

export default async function TenantSection({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string; section: string }>;
  searchParams: Promise<{ denied?: string }>;
}) {
  const { tenant: slug, section } = await params;
  const meta = SECTIONS[section];
  if (!meta) notFound();
  const { tenant } = await requireTenantPage(slug);
  const { denied } = await searchParams;
  return (
    <div className="space-y-4">
      <PageHeader title={meta.title} description={meta.description} />
      {denied && (
        <Alert tone="warning">
          Your role in {tenant.name} does not include that ({denied}).
        </Alert>
      )}
      <EmptyState title={`${tenant.name}: nothing to show yet`}>{meta.empty}</EmptyState>
    </div>
  );
}
