import {
  AttachPolicyCommand,
  CreatePolicyCommand,
  DescribePolicyCommand,
  DetachPolicyCommand,
  EnablePolicyTypeCommand,
  ListPoliciesCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  ListTargetsForPolicyCommand,
  TagResourceCommand,
  UpdatePolicyCommand,
  type OrganizationsClient,
} from "@aws-sdk/client-organizations";
import type { AwsFactory } from "./client-factory";
import { checkTenantRoles, CredentialChain, type TenantRoles } from "./credentials";
import { errorName } from "./errors";
import {
  toRefusal,
  toRemotePolicy,
  toRootState,
  toTagMap,
  type AwsRefusal,
  type RemotePolicy,
  type RootState,
} from "./organizations.push.adapter";

// The Organizations calls a backup policy push makes, from the tenant's management account. Each
// call (each page of a list) is reported to `onCall` with the request ID AWS gave it, whether it
// succeeded or not, so the push's history shows exactly what was asked of AWS and what it said.

export type { AwsRefusal, RemotePolicy, RootState } from "./organizations.push.adapter";

export interface AwsCall {
  operation: string;
  target: string | null;
  requestId: string | null;
  outcome: "succeeded" | "failed";
  errorCode: string | null;
  detail: string | null;
}

/** A call failed and the push cannot go on: what AWS said, and where. */
export class AwsCallError extends Error {
  constructor(
    readonly operation: string,
    readonly target: string | null,
    readonly refusal: AwsRefusal,
  ) {
    super(`${operation}${target ? ` (${target})` : ""}: ${refusal.code}: ${refusal.message}`);
    this.name = "AwsCallError";
  }
}

const TYPE = "BACKUP_POLICY";
const PAGE = 20;
/** ConcurrentModificationException: AWS says "try again later"; a few seconds usually suffice. */
const CONCURRENT_RETRIES = 3;
const CONCURRENT_DELAY_MS = 1_000;

interface Sent {
  $metadata: { requestId?: string };
}

export class OrganizationsPush {
  constructor(
    private readonly client: OrganizationsClient,
    private readonly onCall: (call: AwsCall) => Promise<void>,
  ) {}

  /**
   * Sends one call and reports it. `tolerate` names errors that mean the wanted state already holds
   * (a policy already attached): reported as succeeded with AWS's code, and answered with the code.
   */
  private async call<T extends Sent>(
    operation: string,
    target: string | null,
    send: () => Promise<T>,
    tolerate: readonly string[] = [],
  ): Promise<T | { tolerated: string }> {
    for (let attempt = 1; ; attempt++) {
      try {
        const out = await send();
        await this.onCall({
          operation,
          target,
          requestId: out.$metadata.requestId ?? null,
          outcome: "succeeded",
          errorCode: null,
          detail: null,
        });
        return out;
      } catch (error) {
        const refusal = toRefusal(error);
        const name = errorName(error);
        if (tolerate.includes(name)) {
          await this.onCall({
            operation,
            target,
            requestId: refusal.requestId,
            outcome: "succeeded",
            errorCode: name,
            detail: refusal.message,
          });
          return { tolerated: name };
        }
        await this.onCall({
          operation,
          target,
          requestId: refusal.requestId,
          outcome: "failed",
          errorCode: refusal.code,
          detail: refusal.message,
        });
        if (name === "ConcurrentModificationException" && attempt < CONCURRENT_RETRIES) {
          await new Promise((r) => setTimeout(r, CONCURRENT_DELAY_MS * attempt));
          continue;
        }
        throw new AwsCallError(operation, target, refusal);
      }
    }
  }

  /** A call with no tolerated errors: its answer, or an AwsCallError. */
  private async must<T extends Sent>(operation: string, target: string | null, send: () => Promise<T>): Promise<T> {
    return (await this.call(operation, target, send)) as T;
  }

  /** Pages through a list, reporting each page as a call of its own. */
  private async pages<T extends Sent & { NextToken?: string }, I>(
    operation: string,
    target: string | null,
    send: (token: string | undefined) => Promise<T>,
    items: (page: T) => I[],
  ): Promise<I[]> {
    const out: I[] = [];
    let token: string | undefined;
    // AWS may answer an empty page with a NextToken: only a missing token ends the list.
    do {
      const page = await this.must(operation, target, () => send(token));
      out.push(...items(page));
      token = page.NextToken;
    } while (token);
    return out;
  }

  async getRoot(): Promise<RootState> {
    const roots = await this.pages(
      "ListRoots",
      null,
      (NextToken) => this.client.send(new ListRootsCommand({ NextToken, MaxResults: PAGE })),
      (p) => p.Roots ?? [],
    );
    if (!roots[0])
      throw new AwsCallError("ListRoots", null, {
        code: "RootNotFoundException",
        reason: null,
        message: "The organization has no root.",
        requestId: null,
        transient: false,
      });
    return toRootState(roots[0]);
  }

  /** EnablePolicyType is asynchronous: the answer may still say PENDING_ENABLE. */
  async enableBackupPolicy(rootId: string): Promise<RootState["backupPolicy"]> {
    const out = await this.call(
      "EnablePolicyType",
      rootId,
      () => this.client.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: TYPE })),
      ["PolicyTypeAlreadyEnabledException"],
    );
    return "tolerated" in out ? "ENABLED" : toRootState(out.Root ?? {}).backupPolicy;
  }

  /** Null when the policy no longer exists (deleted outside the product). */
  async describePolicy(policyId: string): Promise<RemotePolicy | null> {
    const out = await this.call(
      "DescribePolicy",
      policyId,
      () => this.client.send(new DescribePolicyCommand({ PolicyId: policyId })),
      ["PolicyNotFoundException"],
    );
    return "tolerated" in out ? null : toRemotePolicy(out.Policy ?? {});
  }

  /** The organization's backup policy with this name (names are unique per policy type), if any. */
  async findPolicyByName(name: string): Promise<{ id: string; arn: string } | null> {
    const all = await this.pages(
      "ListPolicies",
      null,
      (NextToken) => this.client.send(new ListPoliciesCommand({ Filter: TYPE, NextToken, MaxResults: PAGE })),
      (p) => p.Policies ?? [],
    );
    const hit = all.find((p) => p.Name === name);
    return hit?.Id ? { id: hit.Id, arn: hit.Arn ?? "" } : null;
  }

  async listTags(resourceId: string): Promise<Record<string, string>> {
    const tags = await this.pages(
      "ListTagsForResource",
      resourceId,
      (NextToken) => this.client.send(new ListTagsForResourceCommand({ ResourceId: resourceId, NextToken })),
      (p) => p.Tags ?? [],
    );
    return toTagMap(tags);
  }

  async createPolicy(p: {
    name: string;
    description: string;
    content: string;
    tags: Record<string, string>;
  }): Promise<{ id: string; arn: string }> {
    const Tags = Object.entries(p.tags).map(([Key, Value]) => ({ Key, Value }));
    const out = await this.must("CreatePolicy", null, () =>
      this.client.send(
        new CreatePolicyCommand({ Name: p.name, Description: p.description, Content: p.content, Type: TYPE, Tags }),
      ),
    );
    const created = toRemotePolicy(out.Policy ?? {});
    return { id: created.id, arn: created.arn };
  }

  async updatePolicy(p: { id: string; name: string; description: string; content: string }): Promise<void> {
    await this.must("UpdatePolicy", p.id, () =>
      this.client.send(
        new UpdatePolicyCommand({ PolicyId: p.id, Name: p.name, Description: p.description, Content: p.content }),
      ),
    );
  }

  async tagResource(resourceId: string, tags: Record<string, string>): Promise<void> {
    const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    await this.must("TagResource", resourceId, () =>
      this.client.send(new TagResourceCommand({ ResourceId: resourceId, Tags })),
    );
  }

  /** Roots, OUs and accounts the policy is attached to. */
  async listTargets(policyId: string): Promise<string[]> {
    const targets = await this.pages(
      "ListTargetsForPolicy",
      policyId,
      (NextToken) =>
        this.client.send(new ListTargetsForPolicyCommand({ PolicyId: policyId, NextToken, MaxResults: PAGE })),
      (p) => p.Targets ?? [],
    );
    return targets.map((t) => t.TargetId ?? "").filter(Boolean);
  }

  /** IDs of the backup policies attached directly to a root, OU or account. */
  async listAttachedPolicies(targetId: string): Promise<string[]> {
    const policies = await this.pages(
      "ListPoliciesForTarget",
      targetId,
      (NextToken) =>
        this.client.send(
          new ListPoliciesForTargetCommand({ TargetId: targetId, Filter: TYPE, NextToken, MaxResults: PAGE }),
        ),
      (p) => p.Policies ?? [],
    );
    return policies.map((p) => p.Id ?? "").filter(Boolean);
  }

  async attachPolicy(policyId: string, targetId: string): Promise<void> {
    await this.call(
      "AttachPolicy",
      targetId,
      () => this.client.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: targetId })),
      ["DuplicatePolicyAttachmentException"],
    );
  }

  async detachPolicy(policyId: string, targetId: string): Promise<void> {
    await this.call(
      "DetachPolicy",
      targetId,
      () => this.client.send(new DetachPolicyCommand({ PolicyId: policyId, TargetId: targetId })),
      ["PolicyNotAttachedException"],
    );
  }
}

/**
 * Organizations as the tenant's policy push role when it has one, else its management read role
 * (either assumed with the tenant's ExternalId). `maxAttempts` bounds the SDK's own retries of
 * throttling and 5xx answers before the push reports them.
 */
export function connectOrganizationsForPush(
  factory: AwsFactory,
  roles: TenantRoles,
  organizationKey: string,
  onCall: (call: AwsCall) => Promise<void>,
  maxAttempts?: number,
): OrganizationsPush {
  checkTenantRoles(roles);
  // Only the Organizations client runs as the push role. The push's IAM GetRole pre-flight in
  // member accounts (lib/policies/preview-roles.ts) chains through the read role instead: member
  // roles trust the read role, and the push role holds no sts:AssumeRole by design.
  const entryRoleArn = roles.policyPushRoleArn ?? roles.managementRoleArn;
  const chain = new CredentialChain(factory, { ...roles, managementRoleArn: entryRoleArn });
  return new OrganizationsPush(
    factory.organizations(chain.managementProvider, organizationKey, undefined, maxAttempts),
    onCall,
  );
}
