import type { Metadata } from "next";
import { JobPage } from "../../_components/job-page";

export const metadata: Metadata = { title: "Backup job" };

export default async function BackupJobPage({ params }: { params: Promise<{ tenant: string; jobId: string }> }) {
  const { tenant, jobId } = await params;
  return <JobPage slug={tenant} kind="backup" rawId={jobId} />;
}
