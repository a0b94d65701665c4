import path from "node:path";
import { findTenantByNameOrSlug } from "@/db/queries/sync";
import { shownScorePercent } from "@/lib/compliance/scoring/score-text";
import { parsePeriod, type ReportPeriod } from "@/lib/reports/period";
import { writeReportSet } from "@/lib/reports/report-set";
import { commaList } from "@/lib/validation/audit-manager-report";
import { fail, openRuntime, parseArgs } from "./runtime";

// `npm run report -- --tenant NAME --framework ID --from DATE --to DATE --out DIR
//  [--accounts 111122223333,…] [--regions eu-west-1,…]`: writes one framework's report set (the PDF,
// the HTML, the five AWS Backup Audit Manager CSVs and the signed evidence bundle) into DIR, for
// pipelines and for checking, and prints ONE JSON line naming the files, with the framework's score
// as the report shows it (a percentage, rounded down to 0.1). Progress and errors go to stderr; the
// exit status is non-zero on any error.

const USAGE =
  "usage: npm run report -- --tenant <name or slug> --framework <template slug> --from YYYY-MM-DD --to YYYY-MM-DD --out DIR [--accounts ID,…] [--regions CODE,…]";

const args = parseArgs(process.argv.slice(2));
for (const key of ["tenant", "framework", "from", "to", "out"])
  if (typeof args[key] !== "string") fail(`--${key} is required\n${USAGE}`);
let period: ReportPeriod;
try {
  period = parsePeriod(args.from as string, args.to as string);
} catch (e) {
  fail(`${(e as Error).message}\n${USAGE}`);
}
const list = (value: string | true | undefined) => commaList(typeof value === "string" ? value : undefined);

const runtime = await openRuntime();
let status = 0;
try {
  const tenant = await findTenantByNameOrSlug(runtime.handle.db, args.tenant as string);
  if (!tenant) throw new Error(`no organization named "${String(args.tenant)}"`);
  const set = await writeReportSet(
    runtime.handle.db,
    {
      tenantId: tenant.id,
      tenantName: tenant.name,
      templateSlug: args.framework as string,
      period,
      generatedBy: "npm run report",
      accountIds: list(args.accounts),
      regions: list(args.regions),
    },
    path.resolve(args.out as string),
  );
  process.stdout.write(
    `${JSON.stringify({
      tenant: tenant.name,
      framework: args.framework,
      from: args.from,
      to: args.to,
      pdf: set.pdf,
      html: set.html,
      csv: set.csv,
      bundle: set.bundle,
      score: shownScorePercent(set.score),
    })}\n`,
  );
} catch (e) {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  status = 1;
} finally {
  await runtime.shutdown();
}
process.exit(status);
