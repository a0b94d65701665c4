import { randomBytes } from "node:crypto";
import type { SimState } from "../engine/model";
import { hex } from "../world/ids";

/** Who is calling: resolved from the access key of a verified request. */
export interface Caller {
  accessKeyId: string;
  accountId: string;
  /** Caller ARN (IAM user, or STS assumed-role session). */
  arn: string;
  userId: string;
  kind: "user" | "assumed-role";
  /** For assumed roles: the IAM role ARN. */
  roleArn?: string;
}

interface Credential {
  secret: string;
  sessionToken?: string;
  /** Wall-clock expiry (ms); credentials expire in real time, whatever the simulated clock says. */
  expiresMs?: number;
  caller: Caller;
}

export interface Role {
  arn: string;
  accountId: string;
  name: string;
  /** Principal ARNs the trust policy admits ("arn:aws:iam::<acct>:root" admits the whole account). */
  trusted: string[];
  externalId?: string;
  maxSessionSeconds: number;
}

/** Access keys and roles of the world (the principal, the management role, member roles). */
export class IdentityStore {
  private readonly keys = new Map<string, Credential>();
  private readonly roles = new Map<string, Role>();
  readonly principalArn: string;
  readonly managementRoleArn: string;

  constructor(private readonly state: SimState) {
    const def = state.def;
    const mgmt = def.organization.management_account_id;
    this.principalArn = `arn:aws:iam::${mgmt}:user/${def.principal.user_name}`;
    this.keys.set(def.principal.access_key_id, {
      secret: def.principal.secret_access_key,
      caller: {
        accessKeyId: def.principal.access_key_id,
        accountId: mgmt,
        arn: this.principalArn,
        userId: `AIDA${hex(state.seed, 17, "user").toUpperCase()}`,
        kind: "user",
      },
    });
    const roleAccount = def.management_role.account_id ?? mgmt;
    this.managementRoleArn = `arn:aws:iam::${roleAccount}:role/${def.management_role.name}`;
    this.addRole({
      arn: this.managementRoleArn,
      accountId: roleAccount,
      name: def.management_role.name,
      trusted: [this.principalArn],
      externalId: def.management_role.external_id,
      maxSessionSeconds: def.management_role.max_session_duration_s,
    });
    for (const a of def.accounts) {
      if (a.member_role === "missing") continue;
      const trusted =
        a.member_role === "ok" ? [this.managementRoleArn] : [`arn:aws:iam::${a.id}:role/SomeOtherAdminRole`];
      this.addRole({
        arn: `arn:aws:iam::${a.id}:role/${def.member_role_name}`,
        accountId: a.id,
        name: def.member_role_name,
        trusted,
        maxSessionSeconds: 3600,
      });
    }
  }

  private addRole(role: Role): void {
    this.roles.set(role.arn, role);
  }

  role(arn: string): Role | undefined {
    return this.roles.get(arn);
  }

  memberRoleArn(accountId: string): string {
    return `arn:aws:iam::${accountId}:role/${this.state.def.member_role_name}`;
  }

  lookup(accessKeyId: string): Credential | undefined {
    return this.keys.get(accessKeyId);
  }

  /** Whether the role's trust policy admits this caller (the role ARN itself for assumed-role sessions). */
  trusts(role: Role, caller: Caller): boolean {
    const identities = [caller.arn, caller.roleArn, `arn:aws:iam::${caller.accountId}:root`].filter(Boolean);
    return role.trusted.some((t) => identities.includes(t));
  }

  /** Issues temporary credentials for a role session. */
  issue(
    role: Role,
    sessionName: string,
    durationSeconds: number,
  ): { accessKeyId: string; secret: string; sessionToken: string; expiresMs: number; caller: Caller } {
    const accessKeyId = `ASIA${randomBytes(10).toString("hex").toUpperCase().slice(0, 16)}`;
    const secret = randomBytes(30).toString("base64");
    const sessionToken = `IQoJb3JpZ2luX2Vj${randomBytes(96).toString("base64")}`;
    const expiresMs = Date.now() + durationSeconds * 1000;
    const roleId = `AROA${hex(this.state.seed, 17, "role", role.arn).toUpperCase()}`;
    const caller: Caller = {
      accessKeyId,
      accountId: role.accountId,
      arn: `arn:aws:sts::${role.accountId}:assumed-role/${role.name.split("/").pop()}/${sessionName}`,
      userId: `${roleId}:${sessionName}`,
      kind: "assumed-role",
      roleArn: role.arn,
    };
    this.keys.set(accessKeyId, { secret, sessionToken, expiresMs, caller });
    this.prune();
    return { accessKeyId, secret, sessionToken, expiresMs, caller };
  }

  private issued = 0;
  /** Drops long-expired sessions now and then so a long benchmark does not grow memory. */
  private prune(): void {
    if (++this.issued % 1000 !== 0) return;
    const cutoff = Date.now() - 3600_000;
    for (const [k, c] of this.keys) if (c.expiresMs !== undefined && c.expiresMs < cutoff) this.keys.delete(k);
  }
}
