// Pushing an approved version to AWS Organizations from the tenant's management account, or from
// another account as the management account's delegation policy allows (explainDelegation): enable
// BACKUP_POLICY in the root if needed, create or update the policy (tagged managed-by =
// backup-governance), attach it to the version's targets and detach it from the others. Every AWS
// call is recorded with its request ID; a failure keeps what AWS said and leaves a state that
// pushing again completes (lib/policies/push-apply.ts reads before it writes).
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { tenants } from "@/db/schema";
import type { AwsFactory } from "@/lib/aws/client-factory";
import { AwsCallError, connectOrganizationsForPush } from "@/lib/aws/organizations.push";
import { toRefusal } from "@/lib/aws/organizations.push.adapter";
import { delegationMissing, FailureError, needsDelegation } from "@/lib/aws/errors";
import { AppError, conflict, notFound } from "@/lib/errors";
import { getVersionPreflight } from "./preview";
import { verifyRoles } from "./preview-roles";
import type { CheckKind } from "./preview-preflight";
import { parseInput, versionInput, type VersionInput } from "@/lib/validation/policies";
import { applyVersion, type ApplyResult } from "./push-apply";
import { failPush, finishPush, savePolicyId, startPush, stepRecorder, type PushFailure } from "./push-record";
import type { Actor } from "./store";

export interface PushDeps {
  factory: AwsFactory;
  /** SDK attempts per Organizations call (throttling and 5xx are retried with backoff); default 8. */
  maxAttempts?: number;
  /** Waiting for EnablePolicyType to complete in the background; default 15 tries 2 s apart. */
  enableWait?: { tries: number; delayMs: number };
}

/** The dependencies, or how to get them: asked for only once the version is known to be pushable. */
export type PushDepsSource = PushDeps | (() => Promise<PushDeps>);

export interface PushOutcome extends ApplyResult {
  pushId: string;
  versionId: string;
  version: number;
  /** Every AWS call of the push, in order, with the request ID AWS gave it. */
  calls: Array<{ operation: string; target: string | null; requestId: string | null; outcome: string }>;
}

/** A push AWS refused: recorded (push id) with what AWS answered, and shown as a safe message. */
export class PushFailedError extends AppError {
  constructor(
    readonly pushId: string,
    readonly failure: PushFailure,
  ) {
    const where = `${failure.operation}${failure.target ? ` on ${failure.target}` : ""}`;
    const reason = failure.reason ? ` (${failure.reason})` : "";
    super(
      failure.code === "TooManyRequestsException" || failure.code === "Throttling" ? "RATE_LIMITED" : "CONFLICT",
      `AWS refused ${where}: ${failure.code}${reason}: ${failure.message} The push stopped there and can be run again to finish.`,
    );
    this.name = "PushFailedError";
  }
}

// Two-key advisory lock space of pushes, keyed by tenant: pushes of one organization share its root's
// policy type and each target's 10-policy quota, so they run one at a time.
const PUSH_LOCK_CLASS = 7_270_017;

export async function pushVersion(
  db: Db,
  source: PushDepsSource,
  actor: Actor,
  raw: VersionInput,
): Promise<PushOutcome> {
  const input = parseInput(versionInput, raw);
  await refuseFailingPreflight(db, source, input);
  // The transaction only holds the lock (released with it, even if this process dies); the push's
  // own writes commit on other connections as they happen.
  return db.transaction(async (lockTx) => {
    const locked = await lockTx.execute<{ locked: boolean }>(
      sql`select pg_try_advisory_xact_lock(${PUSH_LOCK_CLASS}, hashtext(${input.tenantId})) as locked`,
    );
    if (!locked.rows[0]?.locked)
      throw conflict("Another policy push to this organization is running. Wait for it to finish, then push again.");
    const started = await startPush(db, actor, input);
    const steps = stepRecorder(db, { tenantId: input.tenantId, pushId: started.pushId });
    let roles: Awaited<ReturnType<typeof loadRoles>> | undefined;
    try {
      const deps = typeof source === "function" ? await source() : source;
      roles = await loadRoles(db, input.tenantId);
      const api = connectOrganizationsForPush(deps.factory, roles, input.tenantId, steps.call, deps.maxAttempts);
      const result = await applyVersion(
        api,
        {
          policy: { id: started.policy.id, name: started.policy.name, awsPolicyId: started.policy.awsPolicyId },
          version: started.version,
        },
        {
          onPolicyId: (awsPolicyId, awsPolicyArn) =>
            savePolicyId(db, { tenantId: input.tenantId, policyId: started.policy.id, awsPolicyId, awsPolicyArn }),
          skip: steps.skip,
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          enableWait: deps.enableWait ?? { tries: 15, delayMs: 2_000 },
        },
      );
      await finishPush(db, actor, started, { ...result, calls: steps.calls });
      return {
        ...result,
        pushId: started.pushId,
        versionId: started.version.id,
        version: started.version.version,
        calls: steps.calls,
      };
    } catch (error) {
      const failure = explainDelegation(failureOf(error), roles);
      await failPush(db, actor, started, failure, { calls: steps.calls });
      if (failure.code === INTERNAL) throw error;
      throw new PushFailedError(started.pushId, failure);
    }
  });
}

const INTERNAL = "InternalError";

const VAULT_CHECKS: ReadonlySet<CheckKind> = new Set(["vault", "air-gapped-vault", "copy-vault"]);

/**
 * AWS attaches a policy whose vault or IAM role is missing in a target account (or whose role does
 * not trust AWS Backup), and every backup there then fails ("the vault must already exist in every
 * target account and Region"; "the IAM role must exist in every target account", backup policy
 * syntax page). The push refuses it before any Organizations call or push record: first from the
 * preview's pre-flight over the last inventory (vaults; no AWS asked), then from IAM GetRole in
 * each target account (roles), with the push's own AWS access. A vault the inventory could not see
 * (a unit not read) and a role IAM could not be asked about do not block.
 */
async function refuseFailingPreflight(db: Db, source: PushDepsSource, input: VersionInput): Promise<void> {
  const preview = await getVersionPreflight(db, input);
  // Only what this version names can stop it: a vault or role that another policy in the same
  // chain names and that is missing already fails today, and this push neither causes nor mends it.
  const named = namedBy(preview.content);
  const failing = (kinds: (k: CheckKind) => boolean) =>
    preview.accounts.flatMap((a) =>
      a.preflight.flatMap((u) =>
        u.checks
          .filter((c) => c.status === "fail" && kinds(c.kind) && named(a.accountId, u.region).has(c.subject))
          .map((c) => `${a.name} (${a.accountId}) ${u.region}: ${c.message}`),
      ),
    );
  const refuse = (what: string, list: string[], tail: string) => {
    const more = list.length > 3 ? ` (and ${list.length - 3} more)` : "";
    return conflict(
      `Not pushed: the policy names ${what} where it would apply. ${list.slice(0, 3).join(" ")}${more} ${tail}`,
    );
  };
  const vaults = failing((k) => VAULT_CHECKS.has(k));
  if (vaults.length) throw refuse("a vault that does not exist", vaults, "Nothing was sent to AWS.");
  // verifyRoles reads each role with IAM and settles the preview's role checks in place.
  await verifyRoles(
    db,
    input.tenantId,
    preview.accounts,
    typeof source === "function" ? async () => ({ factory: (await source()).factory }) : source,
  );
  const roles = failing((k) => k === "iam-role");
  if (roles.length)
    throw refuse(
      "an IAM role that does not exist or does not trust AWS Backup",
      roles,
      "Only IAM was read; nothing was sent to AWS Organizations.",
    );
}

/** Every string a policy document holds (keys and values), with $account and $region as in one account and Region. */
function namedBy(content: string): (accountId: string, region: string) => Set<string> {
  const strings = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === "string") strings.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        strings.add(k);
        walk(x);
      }
    }
  };
  walk(JSON.parse(content));
  const byUnit = new Map<string, Set<string>>();
  return (accountId, region) => {
    const key = `${accountId}|${region}`;
    let set = byUnit.get(key);
    if (!set)
      byUnit.set(
        key,
        (set = new Set([...strings].map((x) => x.replaceAll("$account", accountId).replaceAll("$region", region)))),
      );
    return set;
  };
}

function failureOf(error: unknown): PushFailure {
  if (error instanceof AwsCallError) return { ...error.refusal, operation: error.operation, target: error.target };
  // The tenant's role settings are unusable (checked before any call): what to correct, not a stack.
  if (error instanceof FailureError) return { ...toRefusal(error), operation: "AssumeRole", target: null };
  return {
    code: INTERNAL,
    reason: null,
    message:
      "The push stopped on an internal error; nothing more was sent to AWS. Push again, and report it if it persists.",
    requestId: null,
    transient: false,
    operation: "Push",
    target: null,
  };
}

/**
 * Organizations refuses a push role outside the management account every policy call its
 * delegation policy does not allow, with a bare AccessDeniedException: say so, and what to deploy.
 * STS's refusal to assume the role (AccessDenied, without the suffix) is another matter.
 */
function explainDelegation(failure: PushFailure, roles: Awaited<ReturnType<typeof loadRoles>> | undefined) {
  if (!roles || failure.code !== "AccessDeniedException") return failure;
  const roleArn = roles.policyPushRoleArn ?? roles.managementRoleArn;
  if (!needsDelegation(roleArn, roles.managementAccountId)) return failure;
  const why = delegationMissing(roleArn, roles.managementAccountId, failure.operation);
  return { ...failure, message: `${failure.message} ${why.message}. ${why.remedy}` };
}

async function loadRoles(db: Db, tenantId: string) {
  const [t] = await db
    .select({
      managementAccountId: tenants.managementAccountId,
      managementRoleArn: tenants.managementRoleArn,
      policyPushRoleArn: tenants.policyPushRoleArn,
      externalId: tenants.externalId,
      memberRoleName: tenants.memberRoleName,
    })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  if (!t) throw notFound("That organization");
  return t;
}
