import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { AwsFactory } from "./client-factory";

// Who the product is in AWS: the principal a tenant's management role must trust. It is whatever
// the product's own credentials are (AWS_ACCESS_KEY_ID, or the default chain's instance, task or
// IRSA role, or in the demo the simulator's principal), so STS GetCallerIdentity says it exactly.

/**
 * The ARN a trust policy names for a caller: an assumed-role session
 * (arn:aws:sts::111122223333:assumed-role/Name/session) is trusted as its role
 * (arn:aws:iam::111122223333:role/Name); users and roots are named as they are.
 */
export function trustPrincipalOf(callerArn: string): string {
  const m = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : callerArn;
}

export interface OwnPrincipal {
  /** The ARN to put in a trust policy. */
  arn: string;
  /** What STS answered, when it differs (an assumed-role session). */
  callerArn: string;
  /** True for a role session: STS does not say the role's path, which the trust policy needs. */
  fromSession: boolean;
}

export async function fetchOwnPrincipal(factory: AwsFactory, timeoutMs = 5_000): Promise<OwnPrincipal> {
  const sts = factory.sts(factory.settings.baseCredentials, "product");
  const out = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(timeoutMs) });
  if (!out.Arn) throw new Error("STS GetCallerIdentity answered without an ARN");
  const arn = trustPrincipalOf(out.Arn);
  return { arn, callerArn: out.Arn, fromSession: arn !== out.Arn };
}
