import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as STS from "@aws-sdk/client-sts";
import * as O from "@aws-sdk/client-organizations";
import * as B from "@aws-sdk/client-backup";
import * as T from "@aws-sdk/client-resource-groups-tagging-api";
import * as R from "@aws-sdk/client-ram";
import { startSimulator, type SimHandle } from "@/sim/server";
import {
  backupClient,
  managementCreds,
  memberCreds,
  orgClient,
  principalCreds,
  ramClient,
  stsClient,
  taggingClient,
  type Creds,
} from "./sim-clients";
import { captureWire, validateWire, type Wire } from "./model-validator";
import { TEST_WORLD_NOW } from "@/tests/helpers/clock";

/**
 * Bad requests get the error AWS gives (name, HTTP status, protocol shape), never a crash or a
 * 500, and the server keeps serving. Requests are corrupted after the SDK serialises them and
 * before it signs them, so they reach the simulator correctly signed.
 */
let sim: SimHandle;
let mgmt: Creds;
let member: Creds;
const wire: Wire[] = [];

beforeAll(async () => {
  sim = await startSimulator({ world: "demo", port: 0, now: TEST_WORLD_NOW, config: { throttling: false } });
  mgmt = await managementCreds(sim);
  member = await memberCreds(sim, mgmt, sim.summary().accounts.find((a) => a.name === "Prod Payments")!.account_id);
});
afterAll(() => sim.stop());

type Req = { headers: Record<string, string>; body?: unknown; path: string; query?: Record<string, string> };
function tamper<C extends { middlewareStack: unknown }>(client: C, edit: (r: Req) => void): C {
  const stack = client.middlewareStack as { add: (m: unknown, o: unknown) => void };
  stack.add(
    (next: (a: { request: Req }) => Promise<unknown>) => async (args: { request: Req }) => {
      edit(args.request);
      if (typeof args.request.body === "string")
        args.request.headers["content-length"] = String(Buffer.byteLength(args.request.body));
      return next(args);
    },
    { step: "build", name: "simTamper", priority: "low" },
  );
  return client;
}
function capture<C extends { middlewareStack: unknown }>(client: C, service: Wire["service"]): C {
  captureWire(client as never, service, wire);
  return client;
}
const status = (code: number) => ({ $metadata: expect.objectContaining({ httpStatusCode: code }) });

describe("protocol-level errors", () => {
  it("unknown operations", async () => {
    const org = capture(
      tamper(orgClient(sim, mgmt), (r) => (r.headers["x-amz-target"] = "AWSOrganizationsV20161128.ListEverything")),
      "organizations",
    );
    await expect(org.send(new O.ListRootsCommand({}))).rejects.toMatchObject({
      name: "UnknownOperationException",
      ...status(400),
    });
    const b = tamper(backupClient(sim, member), (r) => (r.path = "/no/such/route"));
    await expect(b.send(new B.ListBackupPlansCommand({}))).rejects.toMatchObject({
      name: "UnknownOperationException",
      ...status(404),
    });
    const sts = tamper(
      stsClient(sim, mgmt),
      (r) => (r.body = String(r.body).replace("Action=GetCallerIdentity", "Action=GetEverything")),
    );
    await expect(sts.send(new STS.GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: "InvalidAction",
      ...status(400),
    });
  });

  it("malformed JSON and form bodies", async () => {
    const org = capture(
      tamper(orgClient(sim, mgmt), (r) => (r.body = '{"ParentId": ')),
      "organizations",
    );
    await expect(org.send(new O.ListAccountsForParentCommand({ ParentId: "r-abcd" }))).rejects.toMatchObject({
      name: "SerializationException",
      ...status(400),
    });
    const typed = capture(
      tamper(orgClient(sim, mgmt), (r) => (r.body = '{"AccountId": 42}')),
      "organizations",
    );
    await expect(typed.send(new O.DescribeAccountCommand({ AccountId: "x" }))).rejects.toMatchObject({
      name: "SerializationException",
    });
    const noAction = capture(
      tamper(stsClient(sim, mgmt), (r) => (r.body = "Version=2011-06-15")),
      "sts",
    );
    await expect(noAction.send(new STS.GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: "MissingAction",
      ...status(400),
    });
    const wrongVersion = tamper(stsClient(sim, mgmt), (r) => (r.body = "Action=GetCallerIdentity&Version=1999-01-01"));
    await expect(wrongVersion.send(new STS.GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: "InvalidAction",
    });
  });

  it("missing required members and values out of range", async () => {
    const org = capture(orgClient(sim, mgmt), "organizations");
    await expect(org.send(new O.DescribeAccountCommand({} as O.DescribeAccountCommandInput))).rejects.toMatchObject({
      name: "InvalidInputException",
      Reason: "INPUT_REQUIRED",
      ...status(400),
    });
    await expect(org.send(new O.ListAccountsCommand({ MaxResults: 21 }))).rejects.toMatchObject({
      name: "InvalidInputException",
      Reason: "MAX_VALUE_EXCEEDED",
    });
    await expect(org.send(new O.DescribeAccountCommand({ AccountId: "12345" }))).rejects.toMatchObject({
      name: "InvalidInputException",
      Reason: "INVALID_PATTERN",
    });
    const b = capture(backupClient(sim, member), "backup");
    await expect(b.send(new B.ListBackupJobsCommand({ MaxResults: 5000 }))).rejects.toMatchObject({
      name: "InvalidParameterValueException",
      ...status(400),
    });
    await expect(
      b.send(new B.ListBackupJobsCommand({ ByState: "SLEEPING" as B.BackupJobState })),
    ).rejects.toMatchObject({ name: "InvalidParameterValueException", message: expect.stringContaining("enum") });
    await expect(
      b.send(new B.ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: "bad name!" })),
    ).rejects.toMatchObject({ name: "InvalidParameterValueException" });
    const t = capture(taggingClient(sim, member), "tagging");
    await expect(t.send(new T.GetResourcesCommand({ ResourcesPerPage: 101 }))).rejects.toMatchObject({
      name: "InvalidParameterException",
    });
    const sts = capture(stsClient(sim, mgmt), "sts");
    await expect(
      sts.send(
        new STS.AssumeRoleCommand({
          RoleArn: "arn:aws:iam::123456789012:role/x",
          RoleSessionName: "ok-name",
          DurationSeconds: 60,
        }),
      ),
    ).rejects.toMatchObject({ name: "ValidationError", ...status(400) });
    await expect(
      sts.send(new STS.AssumeRoleCommand({ RoleSessionName: "ok-name" } as STS.AssumeRoleCommandInput)),
    ).rejects.toMatchObject({ name: "ValidationError", message: expect.stringContaining("roleArn") });
  });
});

describe("cyber-resilience calls", () => {
  it("bad MaxResults, unknown scan and restore jobs, and RAM's own errors", async () => {
    const b = capture(backupClient(sim, member), "backup");
    for (const MaxResults of [0, 1001])
      await expect(b.send(new B.ListScanJobsCommand({ MaxResults }))).rejects.toMatchObject({
        name: "InvalidParameterValueException",
        message: expect.stringContaining("'MaxResults' failed to satisfy constraint"),
        ...status(400),
      });
    await expect(b.send(new B.ListScanJobsCommand({ ByState: "SCANNING" as B.ScanState }))).rejects.toMatchObject({
      name: "InvalidParameterValueException",
      message: expect.stringContaining("enum"),
    });
    await expect(
      b.send(new B.DescribeScanJobCommand({ ScanJobId: "00000000-0000-0000-0000-000000000000" })),
    ).rejects.toMatchObject({ name: "ResourceNotFoundException", ...status(400) });
    const other = capture(
      backupClient(
        sim,
        await memberCreds(sim, mgmt, sim.summary().accounts.find((a) => a.name === "Prod Data")!.account_id),
      ),
      "backup",
    );
    const dataJob = (await other.send(new B.ListScanJobsCommand({}))).ScanJobs![0]!;
    // Another account's scan job is not found either.
    await expect(b.send(new B.DescribeScanJobCommand({ ScanJobId: dataJob.ScanJobId! }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
    await expect(b.send(new B.DescribeRestoreJobCommand({ RestoreJobId: "NOT-A-JOB" }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
    await expect(
      b.send(new B.ListIndexedRecoveryPointsCommand({ IndexStatus: "BROKEN" as B.IndexStatus })),
    ).rejects.toMatchObject({ name: "InvalidParameterValueException" });

    const ram = capture(ramClient(sim, member), "ram");
    await expect(ram.send(new R.ListResourcesCommand({} as R.ListResourcesCommandInput))).rejects.toMatchObject({
      name: "MissingRequiredParameterException",
      message: expect.stringContaining("'resourceOwner' failed to satisfy constraint: Member must not be null"),
      ...status(400),
    });
    await expect(ram.send(new R.ListPrincipalsCommand({} as R.ListPrincipalsCommandInput))).rejects.toMatchObject({
      name: "MissingRequiredParameterException",
    });
    await expect(
      ram.send(new R.ListResourcesCommand({ resourceOwner: "EVERYONE" as R.ResourceOwner })),
    ).rejects.toMatchObject({ name: "InvalidParameterException", message: expect.stringContaining("enum") });
    for (const maxResults of [0, 501])
      await expect(ram.send(new R.ListPrincipalsCommand({ resourceOwner: "SELF", maxResults }))).rejects.toMatchObject({
        name: "InvalidParameterException",
        ...status(400),
      });
    await expect(
      ram.send(new R.ListResourcesCommand({ resourceOwner: "SELF", resourceArns: ["not-an-arn"] })),
    ).rejects.toMatchObject({ name: "MalformedArnException" });
    const bad = capture(
      tamper(ramClient(sim, member), (r) => (r.body = '{"resourceOwner": ')),
      "ram",
    );
    await expect(bad.send(new R.ListResourcesCommand({ resourceOwner: "SELF" }))).rejects.toMatchObject({
      name: "SerializationException",
      ...status(400),
    });
  });
});

describe("paging tokens", () => {
  it("rejects invalid and foreign tokens as each service does", async () => {
    const org = capture(orgClient(sim, mgmt), "organizations");
    await expect(org.send(new O.ListAccountsCommand({ NextToken: "garbage" }))).rejects.toMatchObject({
      name: "InvalidInputException",
      Reason: "INVALID_NEXT_TOKEN",
    });
    const first = await org.send(new O.ListAccountsCommand({ MaxResults: 2 }));
    expect(first.NextToken).toBeTruthy();
    await expect(
      org.send(new O.ListPoliciesCommand({ Filter: "BACKUP_POLICY", NextToken: first.NextToken })),
    ).rejects.toMatchObject({ name: "InvalidInputException", Reason: "INVALID_NEXT_TOKEN" });
    expect(
      (await org.send(new O.ListAccountsCommand({ MaxResults: 2, NextToken: first.NextToken }))).Accounts,
    ).toHaveLength(2);

    const b = capture(backupClient(sim, member), "backup");
    const page = await b.send(new B.ListBackupJobsCommand({ MaxResults: 5 }));
    await expect(b.send(new B.ListCopyJobsCommand({ NextToken: page.NextToken }))).rejects.toMatchObject({
      name: "InvalidParameterValueException",
    });
    const other = backupClient(
      sim,
      await memberCreds(sim, mgmt, sim.summary().accounts.find((a) => a.name === "Prod Web")!.account_id),
    );
    await expect(other.send(new B.ListBackupJobsCommand({ NextToken: page.NextToken }))).rejects.toMatchObject({
      name: "InvalidParameterValueException",
    });
    await expect(b.send(new B.ListBackupJobsCommand({ NextToken: `${page.NextToken}x` }))).rejects.toMatchObject({
      name: "InvalidParameterValueException",
    });

    const t = capture(taggingClient(sim, member), "tagging");
    await expect(t.send(new T.GetResourcesCommand({ PaginationToken: "nope" }))).rejects.toMatchObject({
      name: "InvalidParameterException",
    });
  });
});

describe("credentials", () => {
  it("unknown keys, wrong secrets, missing session tokens and expired sessions", async () => {
    const w = sim.summary();
    const unknown = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "x".repeat(40) };
    await expect(
      capture(stsClient(sim, unknown), "sts").send(new STS.GetCallerIdentityCommand({})),
    ).rejects.toMatchObject({ name: "InvalidClientTokenId", ...status(403) });
    await expect(
      capture(orgClient(sim, unknown), "organizations").send(new O.ListRootsCommand({})),
    ).rejects.toMatchObject({ name: "UnrecognizedClientException", ...status(403) });
    const wrong = { accessKeyId: w.principal.access_key_id, secretAccessKey: "wrong".repeat(8) };
    await expect(
      capture(stsClient(sim, wrong), "sts").send(new STS.GetCallerIdentityCommand({})),
    ).rejects.toMatchObject({ name: "SignatureDoesNotMatch", ...status(403) });
    await expect(
      capture(backupClient(sim, wrong), "backup").send(new B.ListBackupPlansCommand({})),
    ).rejects.toMatchObject({ name: "InvalidSignatureException", ...status(403) });
    const noToken = { accessKeyId: member.accessKeyId, secretAccessKey: member.secretAccessKey };
    await expect(backupClient(sim, noToken).send(new B.ListBackupPlansCommand({}))).rejects.toMatchObject({
      name: "UnrecognizedClientException",
    });
    const session = await memberCreds(sim, mgmt, w.accounts.find((a) => a.name === "Prod Web")!.account_id);
    sim.runtime.identity.lookup(session.accessKeyId)!.expiresMs = Date.now() - 1000;
    await expect(
      capture(backupClient(sim, session), "backup").send(new B.ListBackupPlansCommand({})),
    ).rejects.toMatchObject({ name: "ExpiredTokenException" });
    await expect(stsClient(sim, session).send(new STS.GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: "ExpiredToken",
    });
  });

  it("requests without a signature, or signed for another service", async () => {
    const res = await fetch(`${sim.url}/backup/plans`);
    expect(res.status).toBe(403);
    expect(res.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");
    const sts = await fetch(sim.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Action=GetCallerIdentity&Version=2011-06-15",
    });
    expect(sts.status).toBe(403);
    expect(await sts.text()).toContain("<Code>MissingAuthenticationToken</Code>");
    const b = tamper(
      backupClient(sim, member),
      (r) => (r.headers["x-amz-target"] = "AWSOrganizationsV20161128.ListRoots"),
    );
    await expect(b.send(new B.ListBackupPlansCommand({}))).rejects.toMatchObject({
      name: "InvalidSignatureException",
      message: expect.stringContaining("scoped to correct service"),
    });
  });
});

describe("after all that", () => {
  it("the server still serves, errors were well-formed, and none was a 500", async () => {
    expect((await stsClient(sim, principalCreds(sim)).send(new STS.GetCallerIdentityCommand({}))).Arn).toBe(
      sim.summary().principal.arn,
    );
    expect(wire.length).toBeGreaterThan(15);
    expect(wire.every((w) => (w.status >= 400 && w.status < 500) || w.status === 200)).toBe(true);
    expect(wire.flatMap(validateWire)).toEqual([]);
    expect(sim.stats().errors.by_code.InternalFailure ?? 0).toBe(0);
  });
});
