import { z } from "zod";
import { AWS_REGIONS } from "@/lib/aws/regions";
import { AUDIT_MANAGER_REPORTS } from "@/lib/reports/audit-manager/columns";

// What an Audit Manager report may be asked for: one of AWS's five templates, and optionally
// which accounts (12-digit IDs) and regions (codes of lib/aws/regions.ts, as a tenant's regions
// are) it covers. Absent or empty lists mean every account or region.

const MAX_LIST = 5_000;

export const auditManagerReportFields = z.object({
  template: z.enum(AUDIT_MANAGER_REPORTS, {
    error: `template must be one of ${AUDIT_MANAGER_REPORTS.join(", ")}`,
  }),
  format: z.enum(["csv", "json"], { error: "format must be csv or json" }),
  accountIds: z
    .array(z.string().regex(/^\d{12}$/, "an account ID is exactly 12 digits"), {
      error: "accountIds must be a list of account IDs",
    })
    .max(MAX_LIST, `at most ${MAX_LIST} accounts`)
    .optional(),
  regions: z
    .array(
      z.string().refine((r) => (AWS_REGIONS as readonly string[]).includes(r), {
        error: (issue) => `not an AWS region: ${String(issue.input).slice(0, 40)}`,
      }),
      { error: "regions must be a list of region codes" },
    )
    .max(AWS_REGIONS.length, "too many regions")
    .optional(),
});

/** `a,b, c` → ["a", "b", "c"]; absent or empty: undefined (every account or region). */
export function commaList(value: string | null | undefined): string[] | undefined {
  const items = value
    ?.split(",")
    .map((v) => v.trim())
    .filter(Boolean);
  return items?.length ? items : undefined;
}
