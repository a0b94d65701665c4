import { readFileSync } from "node:fs";
import { z } from "zod";
import { findTenantByNameOrSlug } from "@/db/queries/sync";
import { getStoredOrgPolicies } from "@/db/queries/org-policies";
import { mapLimit } from "@/lib/aws/backup.fetch";
import { AwsFactory } from "@/lib/aws/client-factory";
import { checkTenantRoles, CredentialChain } from "@/lib/aws/credentials";
import { classifyCallError, FailureError } from "@/lib/aws/errors";
import { describeEffectiveBackupPolicy } from "@/lib/aws/organizations.fetch";
import { awsSettingsFromEnv } from "@/lib/aws/settings";
import { computeEffectivePolicy } from "@/lib/policies/effective";
import {
  buildPolicyChain,
  compareEffectivePolicies,
  computeStoredEffectivePolicy,
} from "@/lib/policies/effective-check";
import { loadTenantForSync } from "@/lib/sync/context";
import { fail, openRuntime, parseArgs } from "./runtime";

// `npm run policy -- effective FILE`: the effective backup policy of the documents in FILE,
// {"levels": [[DOC, ...], ...]} (root first, each DOC the exact text of one attached policy, in
// attachment order), printed as DescribeEffectivePolicy's PolicyContent would hold it, or
// {"error": {code, reason, message, path}} (a document AWS would refuse, or no policy at all);
// exit 0 either way, 2 when FILE itself is unusable.
//
// `npm run policy -- check --tenant <name|slug>`: every account's effective policy computed from
// what the last sync stored, against AWS's DescribeEffectivePolicy (the tenant's management role,
// as the sync uses it): one JSON line per account with `agree`, then a summary line; exit 0 when
// every account agrees, 1 otherwise.

const USAGE = "usage: npm run policy -- effective FILE | npm run policy -- check --tenant <name or slug>";
const [command, ...rest] = process.argv.slice(2);
if (command === "effective") runEffective(rest[0]);
else if (command === "check") await runCheck(parseArgs(rest));
else fail(USAGE);

function runEffective(file: string | undefined): never {
  const unusable = (why: string): never => {
    process.stderr.write(`error: ${why}\n`);
    process.exit(2);
  };
  if (!file) return unusable(`no FILE given\n${USAGE}`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return unusable(`cannot read ${file}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return unusable(`${file} is not JSON: ${(e as Error).message}`);
  }
  const shape = z.object({ levels: z.array(z.array(z.string())) }).safeParse(raw);
  if (!shape.success) {
    const issue = shape.error.issues[0];
    const where = issue?.path.length ? ` (at ${issue.path.join(".")}: ${issue.message})` : "";
    return unusable(
      `${file} must be {"levels": [[DOC, ...], ...]}: the levels from the root down to the account, each a list of policy documents as JSON text (strings)${where}`,
    );
  }
  // A document CreatePolicy would refuse is never attached: its refusal is the answer.
  const r = computeEffectivePolicy(shape.data.levels, { validateDocuments: true });
  process.stdout.write(`${r.ok ? r.content : JSON.stringify({ error: r.error })}\n`);
  process.exit(0);
}

async function runCheck(args: Record<string, string | true>): Promise<never> {
  if (typeof args.tenant !== "string") fail(USAGE);
  const runtime = await openRuntime();
  const started = performance.now();
  const exit = async (code: number): Promise<never> => {
    await runtime.shutdown();
    process.exit(code);
  };
  try {
    const tenant = await findTenantByNameOrSlug(runtime.handle.db, args.tenant);
    if (!tenant) {
      process.stderr.write(`error: no organization named "${args.tenant}"\n`);
      return await exit(1);
    }
    const stored = await getStoredOrgPolicies(runtime.handle.db, { tenantId: tenant.id });
    if (!stored) {
      process.stderr.write(
        `error: ${tenant.name}'s organization has not been synced yet: run npm run sync -- --tenant ${tenant.slug}\n`,
      );
      return await exit(1);
    }
    const roles = await loadTenantForSync(runtime.handle.pool, tenant.id);
    if (!roles) throw new Error(`organization ${tenant.name} disappeared`);
    checkTenantRoles(roles);
    const factory = new AwsFactory(await awsSettingsFromEnv(runtime.env));
    const client = factory.organizations(new CredentialChain(factory, roles).managementProvider, tenant.id);
    const enabled = stored.enabledPolicyTypes.includes("BACKUP_POLICY");
    const lines = await mapLimit(stored.accounts, 8, async (a) => {
      const chain = buildPolicyChain([...a.ouPath, a.accountId], stored.policies);
      const ours = computeStoredEffectivePolicy(chain, enabled);
      const base = {
        account_id: a.accountId,
        name: a.name,
        policies: chain.policyIds.flat(),
        ...(chain.orderKnown
          ? {}
          : { note: "two or more policies on one target whose order was not read: sync again" }),
      };
      try {
        const aws = await describeEffectiveBackupPolicy(client, a.accountId);
        const c = compareEffectivePolicies(ours, aws?.content ?? null);
        if (c.agree) return { ...base, agree: true, effective: ours.ok ? "found" : "none" };
        return {
          ...base,
          agree: false,
          difference: c.difference,
          ours: ours.ok ? ours.content : { error: ours.error },
          aws: aws?.content ?? null,
        };
      } catch (error) {
        const message =
          error instanceof FailureError
            ? error.failure.message
            : classifyCallError(error, { operation: "DescribeEffectivePolicy" }).message;
        return { ...base, agree: false, error: message };
      }
    });
    factory.destroy();
    for (const line of lines) process.stdout.write(`${JSON.stringify(line)}\n`);
    const agreeing = lines.filter((l) => l.agree).length;
    const errors = lines.filter((l) => "error" in l).length;
    process.stdout.write(
      `${JSON.stringify({ tenant: tenant.name, accounts: lines.length, agree: agreeing, disagree: lines.length - agreeing - errors, errors, wall_s: Math.round(performance.now() - started) / 1000 })}\n`,
    );
    return await exit(agreeing === lines.length ? 0 : 1);
  } catch (error) {
    process.stderr.write(
      `error: ${error instanceof FailureError ? error.failure.message : error instanceof Error ? error.message : String(error)}\n`,
    );
    return await exit(1);
  }
}
