import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimHandle } from "@/sim/server";
import { TEST_WORLD_NOW } from "@/tests/helpers/clock";
import { managementCreds, memberCreds, principalCreds, type Creds } from "./sim-clients";

/**
 * The simulator's S3 (CreateBucket, HeadBucket, PutObject, GetObject) with the unmodified SDK
 * (path-style at the custom endpoint, flexible checksums on) and the AWS CLI's s3api: S3's XML
 * errors reach the SDK as its modeled exceptions.
 */
let sim: SimHandle;
let mgmt: Creds;
let member: Creds;
const s3 = (c: Creds, region = "us-east-1") =>
  new S3Client({ endpoint: sim.url, region, credentials: c, forcePathStyle: true, maxAttempts: 1 });

async function failure(p: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await p;
  } catch (e) {
    return e as S3ServiceException;
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  sim = await startSimulator({ world: "demo", port: 0, now: TEST_WORLD_NOW, config: { throttling: false } });
  mgmt = await managementCreds(sim);
  member = await memberCreds(sim, mgmt, sim.summary().accounts.find((a) => a.name === "Prod Payments")!.account_id);
});
afterAll(() => sim.stop());

describe("S3 with the SDK", () => {
  it("creates a bucket, puts an object the store holds, and reads it back", async () => {
    const c = s3(mgmt);
    await c.send(new CreateBucketCommand({ Bucket: "reports-sdk" }));
    const head = await c.send(new HeadBucketCommand({ Bucket: "reports-sdk" }));
    expect(head.BucketRegion).toBe("us-east-1");
    const put = await c.send(
      new PutObjectCommand({
        Bucket: "reports-sdk",
        Key: "daily/acme/2026-06-15/report één.csv",
        Body: Buffer.from("a,b\n1,2\n"),
        ContentType: "text/csv",
      }),
    );
    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    const stored = sim.runtime.s3.objects("reports-sdk").get("daily/acme/2026-06-15/report één.csv");
    expect(stored?.body.toString()).toBe("a,b\n1,2\n");
    expect(stored?.contentType).toBe("text/csv");
    const got = await c.send(
      new GetObjectCommand({ Bucket: "reports-sdk", Key: "daily/acme/2026-06-15/report één.csv" }),
    );
    expect(await got.Body!.transformToString()).toBe("a,b\n1,2\n");
  });

  it("creates a bucket in another Region with its LocationConstraint", async () => {
    const c = s3(mgmt, "eu-west-1");
    await c.send(
      new CreateBucketCommand({ Bucket: "reports-eu", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }),
    );
    expect(sim.runtime.s3.buckets.get("reports-eu")?.region).toBe("eu-west-1");
    const again = await failure(
      c.send(
        new CreateBucketCommand({
          Bucket: "reports-eu",
          CreateBucketConfiguration: { LocationConstraint: "eu-west-1" },
        }),
      ),
    );
    expect(again.name).toBe("BucketAlreadyOwnedByYou");
  });

  it("answers NoSuchBucket, AccessDenied and InvalidBucketName as S3 does", async () => {
    const missing = await failure(
      s3(mgmt).send(new PutObjectCommand({ Bucket: "no-such-bucket-here", Key: "k", Body: "x" })),
    );
    expect(missing.name).toBe("NoSuchBucket");
    expect(missing.$metadata.httpStatusCode).toBe(404);
    expect(missing.message).toBe("The specified bucket does not exist");

    sim.runtime.s3.createBucket("someone-elses", "999999999999");
    const denied = await failure(
      s3(member).send(new PutObjectCommand({ Bucket: "someone-elses", Key: "k", Body: "x" })),
    );
    expect(denied.name).toBe("AccessDenied");
    expect(denied.$metadata.httpStatusCode).toBe(403);

    const headMissing = await failure(s3(mgmt).send(new HeadBucketCommand({ Bucket: "no-such-bucket-here" })));
    expect(headMissing.name).toBe("NotFound");
    expect(headMissing.$metadata.httpStatusCode).toBe(404);

    const bad = await failure(s3(mgmt).send(new CreateBucketCommand({ Bucket: "Bad_Name" })));
    expect(bad.name).toBe("InvalidBucketName");
  });

  it("refuses a wrong secret with SignatureDoesNotMatch", async () => {
    const wrong = { ...principalCreds(sim), secretAccessKey: "not-the-secret" };
    const e = await failure(s3(wrong).send(new PutObjectCommand({ Bucket: "reports-sdk", Key: "k", Body: "x" })));
    expect(e.name).toBe("SignatureDoesNotMatch");
  });
});

const AWS = "/usr/bin/aws";
const run = promisify(execFile);

describe("S3 with the AWS CLI (s3api)", () => {
  it("puts an object with `aws s3api put-object`", async () => {
    if (!existsSync(AWS))
      throw new Error(`${AWS} is missing: install Debian's awscli package (apt-get install -y awscli)`);
    const home = mkdtempSync(path.join(tmpdir(), "sim-s3-cli-"));
    const file = path.join(home, "report.json");
    writeFileSync(file, '{"ok":true}\n');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      AWS_ACCESS_KEY_ID: mgmt.accessKeyId,
      AWS_SECRET_ACCESS_KEY: mgmt.secretAccessKey,
      AWS_SESSION_TOKEN: mgmt.sessionToken,
      AWS_CONFIG_FILE: path.join(home, "none"),
      AWS_SHARED_CREDENTIALS_FILE: path.join(home, "none"),
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_PAGER: "",
      NODE_ENV: "test",
      ...Object.fromEntries(
        Object.entries(process.env).filter(([k]) => k === "LD_PRELOAD" || k.startsWith("FAKETIME")),
      ),
    };
    const cli = (args: string[]) =>
      run(AWS, [...args, "--endpoint-url", sim.url, "--region", "us-east-1", "--output", "json"], {
        env,
        timeout: 60_000,
      });
    await cli(["s3api", "create-bucket", "--bucket", "reports-cli"]);
    const { stdout } = await cli([
      "s3api",
      "put-object",
      "--bucket",
      "reports-cli",
      "--key",
      "acme/2026-06-15/report.json",
      "--body",
      file,
      "--content-type",
      "application/json",
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ ETag: expect.stringMatching(/^"[0-9a-f]{32}"$/) });
    expect(sim.runtime.s3.objects("reports-cli").get("acme/2026-06-15/report.json")?.body.toString()).toBe(
      '{"ok":true}\n',
    );
    const missing = await cli(["s3api", "put-object", "--bucket", "nope-missing", "--key", "k", "--body", file]).then(
      () => null,
      (e: { stderr: string }) => e.stderr,
    );
    expect(missing).toMatch(/NoSuchBucket/);
  });
});
