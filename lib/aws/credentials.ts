import { AssumeRoleCommand, type STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import type { AwsFactory, CallCounter } from "./client-factory";
import { assumeDenied, classifyCallError, FailureError } from "./errors";

// The credential chain: the product's own identity → the tenant's management role (with the
// tenant's ExternalId) → the member role in each account. Sessions are cached per account and
// renewed before they expire; a member session is role chaining, which AWS caps at one hour.

export interface TenantRoles {
  managementAccountId: string;
  managementRoleArn: string;
  /** The policy push's own role (assumed with the same ExternalId); null or absent: the push uses the read role. */
  policyPushRoleArn?: string | null;
  externalId: string;
  memberRoleName: string;
  /** Per-account member role names that override the tenant's. */
  memberRoleOverrides?: Record<string, string>;
}

const ROLE_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const ROLE_NAME = /^(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const SESSION_SECONDS = 3600;
/** Renew this long before expiry, plus up to half again at random so renewals do not stampede. */
const RENEW_BEFORE_MS = 5 * 60_000;
const SESSION_NAME = "backup-governance-sync";

export function isRoleArn(value: string): boolean {
  return ROLE_ARN.test(value);
}

/** Refuses a configuration that cannot work before any call is made. */
export function checkTenantRoles(t: TenantRoles): void {
  const bad = (message: string, remedy: string) =>
    new FailureError({ kind: "bad_config", message, remedy, transient: false });
  if (!/^\d{12}$/.test(t.managementAccountId))
    throw bad(
      `management account ID "${t.managementAccountId}" is not a 12-digit AWS account ID`,
      "Correct the organization's management account ID in Settings → Organizations.",
    );
  if (!ROLE_ARN.test(t.managementRoleArn)) {
    throw bad(
      `management role ARN "${t.managementRoleArn}" is malformed: expected arn:aws:iam::<12-digit account>:role/<name>`,
      "Correct the role ARN in Settings → Organizations (copy it from the IAM console).",
    );
  }
  if (t.policyPushRoleArn && !ROLE_ARN.test(t.policyPushRoleArn))
    throw bad(
      `policy push role ARN "${t.policyPushRoleArn}" is malformed: expected arn:aws:iam::<12-digit account>:role/<name>`,
      "Correct or clear the policy push role ARN in Settings → Organizations (copy it from the IAM console).",
    );
  if (!/^[\w+=,.@:/-]{2,1224}$/.test(t.externalId))
    throw bad(
      "the organization's ExternalId is not a valid ExternalId (2 to 1,224 characters)",
      "Rotate the ExternalId in Settings → Organizations and update the trust policy.",
    );
  for (const name of [t.memberRoleName, ...Object.values(t.memberRoleOverrides ?? {})]) {
    if (!ROLE_NAME.test(name))
      throw bad(
        `member role name "${name}" is not an IAM role name`,
        "Correct the member role name in Settings → Organizations.",
      );
  }
}

interface Session {
  creds: AwsCredentialIdentity;
  renewAt: number;
}

export class CredentialChain {
  private management: Promise<Session> | null = null;
  private managementSession: Session | null = null;
  private readonly members = new Map<
    string,
    { session: Session | null; pending: Promise<Session> | null; refused?: FailureError }
  >();

  constructor(
    private readonly factory: AwsFactory,
    readonly roles: TenantRoles,
    private readonly counter?: CallCounter,
  ) {}

  memberRoleArn(accountId: string): string {
    const partition = this.roles.managementRoleArn.split(":")[1] ?? "aws";
    return `arn:${partition}:iam::${accountId}:role/${this.roles.memberRoleOverrides?.[accountId] ?? this.roles.memberRoleName}`;
  }

  /** The management role session (renewed when close to expiry). */
  async managementCredentials(): Promise<AwsCredentialIdentity> {
    const s = this.managementSession;
    if (s && wallClockMs() < s.renewAt) return s.creds;
    this.management ??= this.assumeManagement().finally(() => (this.management = null));
    return (await this.management).creds;
  }

  readonly managementProvider: AwsCredentialIdentityProvider = () => this.managementCredentials();

  /**
   * The member role session of an account; concurrent callers share one AssumeRole, whose call
   * is counted in the counter of the caller that made it.
   */
  async memberCredentials(accountId: string, counter?: CallCounter): Promise<AwsCredentialIdentity> {
    let entry = this.members.get(accountId);
    if (!entry) this.members.set(accountId, (entry = { session: null, pending: null }));
    if (entry.session && wallClockMs() < entry.session.renewAt) return entry.session.creds;
    // A refusal holds for the chain's life (one run): the account's other regions do not ask again.
    if (entry.refused) throw entry.refused;
    const e = entry;
    e.pending ??= this.assumeMember(accountId, counter)
      .then((s) => (e.session = s))
      .catch((error: unknown) => {
        if (error instanceof FailureError && !error.failure.transient) e.refused = error;
        throw error;
      })
      .finally(() => (e.pending = null));
    return (await e.pending).creds;
  }

  memberProvider(accountId: string): AwsCredentialIdentityProvider {
    return () => this.memberCredentials(accountId);
  }

  /** Forget an account's session (its unit is done). */
  forget(accountId: string): void {
    this.members.delete(accountId);
  }

  private async assumeManagement(): Promise<Session> {
    checkTenantRoles(this.roles);
    const sts = this.factory.sts(this.factory.settings.baseCredentials, "product", this.counter);
    const session = await this.assume(sts, this.roles.managementRoleArn, this.roles.externalId);
    this.managementSession = session;
    return session;
  }

  private async assumeMember(accountId: string, counter: CallCounter | undefined): Promise<Session> {
    // Charged to the management account's STS quota, whichever account is assumed. A client per
    // call keeps the attempt count with the unit that asked (clients are cheap; sockets are shared).
    const sts = this.factory.sts(this.managementProvider, this.roles.managementAccountId, counter);
    return this.assume(sts, this.memberRoleArn(accountId), undefined);
  }

  private async assume(sts: STSClient, roleArn: string, externalId: string | undefined): Promise<Session> {
    // A member role (no ExternalId) is assumed from the management role, which its trust must name.
    const denied = assumeDenied(roleArn, externalId ? undefined : this.roles.managementRoleArn);
    let out;
    try {
      out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: SESSION_NAME,
          DurationSeconds: SESSION_SECONDS,
          ...(externalId ? { ExternalId: externalId } : {}),
        }),
      );
    } catch (error) {
      const f = classifyCallError(error, { operation: "AssumeRole", roleArn });
      // AWS answers a missing role, an untrusting one and a wrong ExternalId alike.
      if (f.kind === "assume_denied" || f.kind === "access_denied" || f.kind === "internal")
        throw new FailureError(denied);
      throw new FailureError(f);
    }
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new FailureError(denied);
    // AWS's Expiration is on the real wall clock, as is the SDK's signing: compared with that,
    // never with the product's clock (lib/clock.ts), which tests pin to another date.
    const expiresAt = c.Expiration?.getTime() ?? wallClockMs() + SESSION_SECONDS * 1000;
    const renewAt = expiresAt - RENEW_BEFORE_MS - Math.random() * (RENEW_BEFORE_MS / 2);
    return {
      creds: {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: new Date(expiresAt),
      },
      renewAt,
    };
  }
}

/** The machine's wall clock, the one AWS's credential expiry is on. */
function wallClockMs(): number {
  // eslint-disable-next-line no-restricted-properties -- see lib/clock.ts: AWS's clock, not the product's
  return Date.now();
}
