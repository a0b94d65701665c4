import { SimError } from "../http/errors";
import { str } from "../http/input";
import { at } from "../http/timestamp";
import { hex } from "../world/ids";
import type { OpContext, Operation } from "./context";

/**
 * IAM (awsQuery, version 2010-05-08, global: signed for us-east-1 with the signing name "iam"):
 * GetRole, what a backup policy's pre-flight needs to tell whether the role a selection names
 * exists in an account and trusts AWS Backup. Shapes from botocore iam 2010-05-08
 * (GetRoleRequest.RoleName: roleNameType, 1-64 of [\w+=,.@-]; GetRoleResponse.Role: Path,
 * RoleName, RoleId, Arn, CreateDate, AssumeRolePolicyDocument, MaxSessionDuration, …).
 * AssumeRolePolicyDocument is the trust policy as URL-encoded JSON (RFC 3986), as IAM returns it.
 * A role the account does not have: NoSuchEntity, HTTP 404, "The role with name X cannot be found."
 *
 * The roles of an account: its member role (and the management role, in the management account),
 * trusting the principals the sign-in chain uses, and the account's `iam_roles` (world), trusting
 * backup.amazonaws.com unless listed in its `untrusting_roles`.
 */
const BACKUP_PRINCIPAL = "backup.amazonaws.com";

interface RoleView {
  path: string;
  name: string;
  arn: string;
  created: number;
  trust: object;
  maxSessionSeconds: number;
}

function trustPolicy(principal: { Service: string } | { AWS: string | string[] }, externalId?: string): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: principal,
        Action: "sts:AssumeRole",
        ...(externalId ? { Condition: { StringEquals: { "sts:ExternalId": externalId } } } : {}),
      },
    ],
  };
}

function findRole(ctx: OpContext, name: string): RoleView | undefined {
  const accountId = ctx.caller.accountId;
  const account = ctx.state.org.accounts.get(accountId);
  const created = account?.joinedAt ?? ctx.state.epoch;
  const signIn = ctx.identity.role(`arn:aws:iam::${accountId}:role/${name}`);
  if (signIn)
    return {
      path: "/",
      name,
      arn: signIn.arn,
      created,
      trust: trustPolicy({ AWS: signIn.trusted.length === 1 ? signIn.trusted[0]! : signIn.trusted }, signIn.externalId),
      maxSessionSeconds: signIn.maxSessionSeconds,
    };
  const full = account?.iam_roles.find((r) => r.split("/").pop() === name);
  if (full === undefined) return undefined;
  const prefix = full.slice(0, full.length - name.length);
  const trusted = !account!.untrusting_roles.includes(full);
  return {
    path: `/${prefix}`,
    name,
    arn: `arn:aws:iam::${accountId}:role/${full}`,
    created,
    trust: trustPolicy({ Service: trusted ? BACKUP_PRINCIPAL : "ec2.amazonaws.com" }),
    maxSessionSeconds: 3600,
  };
}

/** IAM's URL encoding of policy documents: RFC 3986, as encodeURIComponent plus !'()*. */
function urlEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const getRole: Operation = {
  service: "iam",
  name: "GetRole",
  klass: "get",
  input: {
    RoleName: { shape: str({ min: 1, max: 64, pattern: /^[\w+=,.@-]+$/ }), required: true },
  },
  run(ctx, i) {
    const name = i.RoleName as string;
    const role = findRole(ctx, name);
    if (!role) throw new SimError("NoSuchEntity", `The role with name ${name} cannot be found.`, 404);
    return {
      Role: {
        Path: role.path,
        RoleName: role.name,
        RoleId: `AROA${hex(ctx.state.seed, 17, "role", role.arn).toUpperCase()}`,
        Arn: role.arn,
        CreateDate: at(role.created),
        AssumeRolePolicyDocument: urlEncode(JSON.stringify(role.trust)),
        MaxSessionDuration: role.maxSessionSeconds,
        RoleLastUsed: {},
      },
    };
  },
};

export const iamOperations: Operation[] = [getRole];
