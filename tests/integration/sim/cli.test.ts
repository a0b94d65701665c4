import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { OrganizationsClient, ListRootsCommand } from "@aws-sdk/client-organizations";

/** `npm run sim` (tsx sim/cli.ts) starts a server that SDK clients reach through AWS_ENDPOINT_URL alone. */
const root = path.resolve(import.meta.dirname, "../../..");
const children: ReturnType<typeof spawn>[] = [];
afterAll(() => children.forEach((c) => c.kill("SIGTERM")));

function startCli(args: string[]): Promise<{ url: string; counts: Record<string, number> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "sim/cli.ts", ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += String(d)));
    child.on("exit", (code) => reject(new Error(`sim exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.startsWith("{")) resolve(JSON.parse(line) as { url: string; counts: Record<string, number> });
    });
  });
}

describe("npm run sim", () => {
  it("prints a ready line and serves the world", async () => {
    const ready = await startCli(["--world", "demo", "--port", "0", "--seed", "3", "--latency-ms", "1"]);
    expect(ready.counts.accounts).toBe(15);
    const world = (await (await fetch(`${ready.url}/_sim/world`)).json()) as {
      seed: number;
      principal: { access_key_id: string; secret_access_key: string; arn: string };
      management_role_arn: string;
    };
    expect(world.seed).toBe(3);
    expect(((await (await fetch(`${ready.url}/_sim/config`)).json()) as { latency_ms: number }).latency_ms).toBe(1);

    // The product's clients get the endpoint from AWS_ENDPOINT_URL, nothing else.
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = ready.url;
    try {
      const credentials = {
        accessKeyId: world.principal.access_key_id,
        secretAccessKey: world.principal.secret_access_key,
      };
      expect(
        (await new STSClient({ region: "eu-west-1", credentials }).send(new GetCallerIdentityCommand({}))).Arn,
      ).toBe(world.principal.arn);
      await expect(
        new OrganizationsClient({ region: "us-east-1", credentials, maxAttempts: 1 }).send(new ListRootsCommand({})),
      ).resolves.toMatchObject({ Roots: [expect.objectContaining({ Name: "Root" })] });
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
    }
  }, 60_000);

  it("refuses a bad world file with the path of the problem", async () => {
    await expect(startCli(["--world", path.join(root, "package.json"), "--port", "0"])).rejects.toThrow(
      /invalid world/,
    );
  }, 60_000);
});
