import { FilterBar } from "@/app/_components/filter-bar";
import { DEFAULT_DAYS, RESTORE_DEFAULT_DAYS } from "@/lib/dashboard/tables/jobs";
import { isoDateInDays } from "@/lib/format";
import { RESOURCE_TYPES } from "@/lib/inventory/types";

/**
 * The filters every job tab shares (states differ per job kind). Without dates a tab shows its
 * default window, and the date fields say so rather than sit empty.
 */
export function JobFilterBar({
  pathname,
  values,
  states,
  extra,
}: {
  pathname: string;
  values: Record<string, string | undefined>;
  states: string[];
  extra?: "problems" | "tests";
}) {
  // Only the restore tab offers "restore tests only", and its window is longer.
  const defaultDays = extra === "tests" ? RESTORE_DEFAULT_DAYS : DEFAULT_DAYS;
  return (
    <FilterBar
      label="Filter jobs"
      pathname={pathname}
      fields={[
        { kind: "text", name: "account", label: "Account", placeholder: "123456789012", value: values.account },
        { kind: "text", name: "region", label: "Region", placeholder: "us-east-1", value: values.region },
        {
          kind: "select",
          name: "state",
          label: "State",
          value: values.state,
          options: states.map((s) => ({
            value: s,
            label: s === "COMPLETED_WITH_ISSUES" ? "completed with issues" : s.toLowerCase(),
          })),
        },
        {
          kind: "select",
          name: "resourceType",
          label: "Resource type",
          value: values.resourceType,
          options: RESOURCE_TYPES.map((t) => ({ value: t, label: t })),
        },
        { kind: "text", name: "resource", label: "Resource ARN contains", value: values.resource },
        ...(extra === "problems"
          ? [
              {
                kind: "select" as const,
                name: "problems",
                label: "Show",
                value: values.problems,
                options: [{ value: "only", label: "Problems only" }],
              },
            ]
          : []),
        ...(extra === "tests"
          ? [
              {
                kind: "select" as const,
                name: "tests",
                label: "Show",
                value: values.tests,
                options: [{ value: "only", label: "Restore tests only" }],
              },
            ]
          : []),
        { kind: "date", name: "from", label: "From", value: values.from ?? isoDateInDays(-defaultDays) },
        { kind: "date", name: "to", label: "To", value: values.to ?? isoDateInDays(0) },
      ]}
    />
  );
}

export function jobStateTone(state: string, problem: boolean): "green" | "red" | "amber" | "gray" {
  if (problem) return state === "COMPLETED" ? "amber" : "red";
  return state === "COMPLETED" ? "green" : "gray";
}
