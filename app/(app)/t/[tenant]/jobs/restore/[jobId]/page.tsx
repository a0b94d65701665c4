import type { Metadata } from "next";
import { JobPage } from "../../_components/job-page";

export const metadata: Metadata = { title: "Restore job" };

export default async function RestoreJobPage({ params }: { params: Promise<{ tenant: string; jobId: string }> }) {
  const { tenant, jobId } = await params;
  return <JobPage slug={tenant} kind="restore" rawId={jobId} />;
}
