import type { Metadata } from "next";
import { JobPage } from "../../_components/job-page";

export const metadata: Metadata = { title: "Copy job" };

export default async function CopyJobPage({ params }: { params: Promise<{ tenant: string; jobId: string }> }) {
  const { tenant, jobId } = await params;
  return <JobPage slug={tenant} kind="copy" rawId={jobId} />;
}
