import * as O from "@aws-sdk/client-organizations";
import { describe, expect, it } from "vitest";
import { FailureError } from "@/lib/aws/errors";
import { AwsCallError, OrganizationsPush, type AwsCall } from "@/lib/aws/organizations.push";
import { toRefusal, toRemotePolicy, toRootState, toTagMap } from "@/lib/aws/organizations.push.adapter";

const meta = (requestId: string, httpStatusCode = 400) => ({ $metadata: { requestId, httpStatusCode } });

describe("policy push shapes", () => {
  it("reads BACKUP_POLICY's status in the root, absent meaning not enabled", () => {
    expect(
      toRootState({
        Id: "r-ab12",
        PolicyTypes: [
          { Type: "TAG_POLICY", Status: "ENABLED" },
          { Type: "BACKUP_POLICY", Status: "PENDING_ENABLE" },
        ],
      }),
    ).toEqual({ rootId: "r-ab12", backupPolicy: "PENDING_ENABLE" });
    expect(toRootState({ Id: "r-ab12", PolicyTypes: [{ Type: "TAG_POLICY", Status: "ENABLED" }] })).toEqual({
      rootId: "r-ab12",
      backupPolicy: null,
    });
  });

  it("maps a policy and its tags", () => {
    expect(
      toRemotePolicy({
        PolicySummary: { Id: "p-12345678", Arn: "arn:x", Name: "Baseline", Description: "d" },
        Content: "{}",
      }),
    ).toEqual({ id: "p-12345678", arn: "arn:x", name: "Baseline", description: "d", content: "{}" });
    expect(
      toTagMap([
        { Key: "managed-by", Value: "backup-governance" },
        { Key: "empty", Value: undefined },
      ]),
    ).toEqual({ "managed-by": "backup-governance", empty: "" });
  });

  it("keeps AWS's code, Reason, message and request ID, and knows what is worth retrying", () => {
    const limit = new O.ConstraintViolationException({
      message: "You attempted to exceed the number of policies",
      ...meta("req-1", 409),
      Reason: "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
    });
    expect(toRefusal(limit)).toEqual({
      code: "ConstraintViolationException",
      reason: "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
      message: "You attempted to exceed the number of policies",
      requestId: "req-1",
      transient: false,
    });
    expect(toRefusal(new O.TooManyRequestsException({ message: "slow down", ...meta("req-2") }))).toMatchObject({
      code: "TooManyRequestsException",
      transient: true,
    });
    expect(toRefusal(new O.ConcurrentModificationException({ message: "busy", ...meta("req-3", 409) }))).toMatchObject({
      transient: true,
    });
    expect(toRefusal(new O.AccessDeniedException({ message: "no", ...meta("req-4", 403) }))).toMatchObject({
      code: "AccessDeniedException",
      requestId: "req-4",
      transient: false,
    });
    const assume = new FailureError({
      kind: "assume_denied",
      message: "cannot assume arn:aws:iam::111122223333:role/X",
      remedy: "Check the trust policy.",
      transient: false,
    });
    expect(toRefusal(assume)).toEqual({
      code: "AccessDenied",
      reason: null,
      message: "cannot assume arn:aws:iam::111122223333:role/X. Check the trust policy.",
      requestId: null,
      transient: false,
    });
  });
});

/** An Organizations client answering each command by its name. */
function fakeClient(answers: Record<string, Array<() => unknown>>) {
  return {
    send: async (command: object) => {
      const name = command.constructor.name.replace(/Command$/, "");
      const next = answers[name]?.shift();
      if (!next) throw new Error(`unexpected ${name}`);
      return next();
    },
  } as unknown as O.OrganizationsClient;
}

describe("OrganizationsPush", () => {
  it("reports every call and page with its request ID, and treats 'already attached' as done", async () => {
    const calls: AwsCall[] = [];
    const api = new OrganizationsPush(
      fakeClient({
        ListTargetsForPolicy: [
          () => ({ Targets: [], NextToken: "t1", ...meta("page-1", 200) }),
          () => ({ Targets: [{ TargetId: "111122223333" }], ...meta("page-2", 200) }),
        ],
        AttachPolicy: [
          () => {
            throw new O.DuplicatePolicyAttachmentException({ message: "already attached", ...meta("att-1", 409) });
          },
        ],
      }),
      async (c) => void calls.push(c),
    );
    // AWS may answer an empty page with a token: the list goes on.
    expect(await api.listTargets("p-12345678")).toEqual(["111122223333"]);
    await api.attachPolicy("p-12345678", "111122223333");
    expect(calls).toEqual([
      {
        operation: "ListTargetsForPolicy",
        target: "p-12345678",
        requestId: "page-1",
        outcome: "succeeded",
        errorCode: null,
        detail: null,
      },
      {
        operation: "ListTargetsForPolicy",
        target: "p-12345678",
        requestId: "page-2",
        outcome: "succeeded",
        errorCode: null,
        detail: null,
      },
      {
        operation: "AttachPolicy",
        target: "111122223333",
        requestId: "att-1",
        outcome: "succeeded",
        errorCode: "DuplicatePolicyAttachmentException",
        detail: "already attached",
      },
    ]);
  });

  it("tries a concurrent modification again, and stops with what AWS said on anything else", async () => {
    const calls: AwsCall[] = [];
    const api = new OrganizationsPush(
      fakeClient({
        UpdatePolicy: [
          () => {
            throw new O.ConcurrentModificationException({ message: "busy", ...meta("u-1", 409) });
          },
          () => ({ Policy: {}, ...meta("u-2", 200) }),
        ],
        DetachPolicy: [
          () => {
            throw new O.AccessDeniedException({ message: "You don't have permissions", ...meta("d-1", 403) });
          },
        ],
      }),
      async (c) => void calls.push(c),
    );
    await api.updatePolicy({ id: "p-12345678", name: "n", description: "", content: "{}" });
    const e = await api.detachPolicy("p-12345678", "111122223333").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AwsCallError);
    expect(e).toMatchObject({
      operation: "DetachPolicy",
      target: "111122223333",
      refusal: { code: "AccessDeniedException", requestId: "d-1" },
    });
    expect(calls.map((c) => `${c.operation}:${c.outcome}:${c.requestId}`)).toEqual([
      "UpdatePolicy:failed:u-1",
      "UpdatePolicy:succeeded:u-2",
      "DetachPolicy:failed:d-1",
    ]);
  });
});
