import { SimError } from "../http/errors";
import { int, list, str, struct } from "../http/input";
import { at } from "../http/timestamp";
import type { OpContext, Operation } from "./context";

/**
 * STS (awsQuery): AssumeRole with trust-policy, ExternalId and role-chaining checks, and
 * GetCallerIdentity. Shapes from the STS model (botocore sts/2011-06-15).
 */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const tag = struct({
  Key: { shape: str({ min: 1, max: 128, pattern: TAG_CHARS }), required: true },
  Value: { shape: str({ min: 0, max: 256, pattern: TAG_CHARS }), required: true },
});

const assumeRole: Operation = {
  service: "sts",
  name: "AssumeRole",
  klass: "write",
  input: {
    RoleArn: { shape: str({ min: 20, max: 2048 }), required: true },
    RoleSessionName: { shape: str({ min: 2, max: 64, pattern: /^[\w+=,.@-]*$/ }), required: true },
    PolicyArns: { shape: list(struct({ arn: { shape: str({ min: 20, max: 2048 }) } })) },
    Policy: { shape: str({ min: 1 }) },
    DurationSeconds: { shape: int(900, 43200) },
    Tags: { shape: list(tag, 0, 50) },
    TransitiveTagKeys: { shape: list(str({ min: 1, max: 128, pattern: TAG_CHARS }), 0, 50) },
    ExternalId: { shape: str({ min: 2, max: 1224, pattern: /^[\w+=,.@:/-]*$/ }) },
    SerialNumber: { shape: str({ min: 9, max: 256, pattern: /^[\w+=/:,.@-]*$/ }) },
    TokenCode: { shape: str({ min: 6, max: 6, pattern: /^\d*$/ }) },
    SourceIdentity: { shape: str({ min: 2, max: 64 }) },
    ProvidedContexts: {
      shape: list(
        struct({
          ProviderArn: { shape: str({ min: 20, max: 2048 }) },
          ContextAssertion: { shape: str({ min: 4, max: 2048 }) },
        }),
        1,
        5,
      ),
    },
  },
  run(ctx: OpContext, input) {
    const roleArn = input.RoleArn as string;
    const sessionName = input.RoleSessionName as string;
    const denied = () =>
      new SimError(
        "AccessDenied",
        `User: ${ctx.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        403,
      );
    const role = ctx.identity.role(roleArn);
    // AWS answers a missing role, an untrusting one and a wrong ExternalId alike.
    if (!role || !ctx.identity.trusts(role, ctx.caller)) throw denied();
    if (role.externalId !== undefined && input.ExternalId !== role.externalId) throw denied();
    const account = ctx.state.org.accounts.get(role.accountId);
    if (!account || account.state !== "ACTIVE" || ctx.config.assume_role_denied.includes(role.accountId))
      throw denied();
    const chained = ctx.caller.kind === "assumed-role";
    const duration = (input.DurationSeconds as number | undefined) ?? 3600;
    if (chained && duration > 3600)
      throw new SimError(
        "ValidationError",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
        400,
      );
    if (duration > role.maxSessionSeconds)
      throw new SimError(
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        400,
      );
    const creds = ctx.identity.issue(role, sessionName, duration);
    return {
      Credentials: {
        AccessKeyId: creds.accessKeyId,
        SecretAccessKey: creds.secret,
        SessionToken: creds.sessionToken,
        Expiration: at(Math.floor(creds.expiresMs / 1000)),
      },
      AssumedRoleUser: { AssumedRoleId: creds.caller.userId, Arn: creds.caller.arn },
      ...(input.Policy !== undefined || input.Tags !== undefined || input.PolicyArns !== undefined
        ? { PackedPolicySize: 6 }
        : {}),
      ...(input.SourceIdentity !== undefined ? { SourceIdentity: input.SourceIdentity } : {}),
    };
  },
};

const getCallerIdentity: Operation = {
  service: "sts",
  name: "GetCallerIdentity",
  klass: "get",
  input: {},
  run(ctx) {
    return { UserId: ctx.caller.userId, Account: ctx.caller.accountId, Arn: ctx.caller.arn };
  },
};

export const stsOperations: Operation[] = [assumeRole, getCallerIdentity];
