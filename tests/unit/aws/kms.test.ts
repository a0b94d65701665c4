// KMS shapes to what BK-16 needs, and the fewest calls that tell who manages a unit's vault keys.
import { describe, expect, it } from "vitest";
import { KMSClient } from "@aws-sdk/client-kms";
import { keyReadFromDescribe, keysToRead, managersFromAliases, parseKeyArn } from "@/lib/aws/kms.adapter";
import { readVaultKeys } from "@/lib/aws/kms.fetch";
import type { BackupVault } from "@/lib/inventory/types";
import { vault } from "../compliance/fixtures";

const unit = { accountId: "111111111111", region: "eu-west-1" };
const key = (id: string, account = unit.accountId) => `arn:aws:kms:eu-west-1:${account}:key/${id}`;
const v = (name: string, over: Partial<BackupVault>) =>
  vault({ vaultName: name, encryptionKeyType: null, keyManager: null, ...over });

describe("KMS shapes", () => {
  it("parses key and alias ARNs", () => {
    expect(parseKeyArn(key("k1"))).toEqual({
      arn: key("k1"),
      accountId: "111111111111",
      region: "eu-west-1",
      keyId: "k1",
    });
    expect(parseKeyArn("arn:aws:kms:eu-west-1:111111111111:alias/mine")?.keyId).toBeNull();
    expect(parseKeyArn("arn:aws:s3:::bucket")).toBeNull();
  });

  it("asks KMS about every key but AWS-owned ones and alias/aws/ ARNs; the unit's own keys apart", () => {
    const r = keysToRead(unit, [
      v("Default", { encryptionKeyArn: key("backup") }),
      v("also-default", { encryptionKeyArn: key("backup") }),
      v("cmk", { encryptionKeyArn: key("cmk"), encryptionKeyType: "CUSTOMER_MANAGED_KMS_KEY" }),
      v("shared", { encryptionKeyArn: key("central", "222222222222") }),
      v("lag", { encryptionKeyArn: key("owned", "906000000001"), encryptionKeyType: "AWS_OWNED_KMS_KEY" }),
      v("by-alias", { encryptionKeyArn: "arn:aws:kms:eu-west-1:111111111111:alias/aws/backup" }),
      v("none", { encryptionKeyArn: null }),
    ]);
    expect(r.local.map((k) => k.keyId)).toEqual(["backup", "cmk"]);
    expect(r.other).toEqual([key("central", "222222222222")]);
  });

  it("reads the manager from an alias (alias/aws/ is AWS's) and from DescribeKey's KeyManager", () => {
    const m = managersFromAliases([
      { AliasName: "alias/aws/ebs" },
      { AliasName: "alias/aws/backup", TargetKeyId: "k1" },
      { AliasName: "alias/cmk", TargetKeyId: "k2" },
    ]);
    expect([...m]).toEqual([
      ["k1", { manager: "AWS", alias: "alias/aws/backup" }],
      ["k2", { manager: "CUSTOMER", alias: "alias/cmk" }],
    ]);
    expect(keyReadFromDescribe({ KeyMetadata: { KeyId: "k", KeyManager: "AWS", KeyState: "Enabled" } })).toEqual({
      outcome: "described",
      manager: "AWS",
      detail: "Enabled",
    });
    expect(keyReadFromDescribe({ KeyMetadata: { KeyId: "k" } })).toBeNull();
  });
});

/** A KMS client that answers from a table and records the calls it got. */
function fakeKms(world: {
  aliases: Array<{ AliasName: string; TargetKeyId?: string }>;
  keys: Record<string, "AWS" | "CUSTOMER" | Error>;
  listError?: Error;
  pageSize?: number;
}) {
  const calls: string[] = [];
  // A real client (the paginator checks its class) whose send answers here, never on the network.
  const client = new KMSClient({
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret" },
  });
  Object.assign(client, {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const op = command.constructor.name.replace(/Command$/, "");
      calls.push(op);
      if (op === "ListAliases") {
        if (world.listError) throw world.listError;
        const size = Math.min(world.pageSize ?? 100, command.input.Limit as number);
        const from = Number(command.input.Marker ?? 0);
        const next = from + size < world.aliases.length ? String(from + size) : undefined;
        return { Aliases: world.aliases.slice(from, from + size), Truncated: !!next, NextMarker: next };
      }
      const k = world.keys[command.input.KeyId as string];
      if (k instanceof Error) throw k;
      if (!k)
        throw Object.assign(new Error(`Key '${String(command.input.KeyId)}' does not exist`), {
          name: "NotFoundException",
          $metadata: { httpStatusCode: 400 },
        });
      return { KeyMetadata: { KeyId: "x", KeyManager: k, KeyState: "Enabled" } };
    },
  });
  return { client, calls };
}
const awsError = (name: string, message: string, status = 400) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
const predefined = ["acm", "ebs", "rds", "s3"].map((s) => ({ AliasName: `alias/aws/${s}` }));

describe("who manages a unit's vault keys, in the fewest KMS calls", () => {
  it("one key of the unit: one DescribeKey (a Default vault on aws/backup)", async () => {
    const { client, calls } = fakeKms({ aliases: [], keys: { [key("backup")]: "AWS" } });
    const out = await readVaultKeys(client, unit, [
      v("Default", { encryptionKeyArn: key("backup") }),
      v("two", { encryptionKeyArn: key("backup") }),
    ]);
    expect(calls).toEqual(["DescribeKey"]);
    expect(out.map((x) => x.keyManager)).toEqual([
      { outcome: "described", manager: "AWS", detail: "Enabled" },
      { outcome: "described", manager: "AWS", detail: "Enabled" },
    ]);
  });

  it("two keys with aliases: one ListAliases page names both", async () => {
    const { client, calls } = fakeKms({
      aliases: [
        ...predefined,
        { AliasName: "alias/aws/backup", TargetKeyId: "backup" },
        { AliasName: "alias/prod", TargetKeyId: "cmk" },
      ],
      keys: {},
    });
    const out = await readVaultKeys(client, unit, [
      v("Default", { encryptionKeyArn: key("backup") }),
      v("prod", { encryptionKeyArn: key("cmk"), encryptionKeyType: "CUSTOMER_MANAGED_KMS_KEY" }),
    ]);
    expect(calls).toEqual(["ListAliases"]);
    expect(out.map((x) => x.keyManager)).toEqual([
      { outcome: "aliased", manager: "AWS", detail: "alias/aws/backup" },
      { outcome: "aliased", manager: "CUSTOMER", detail: "alias/prod" },
    ]);
  });

  it("an unaliased key after the aliases: DescribeKey for it alone; pages stop once one key is left", async () => {
    // aws/backup on the second page of five; a third page exists but is not needed.
    const aliases = [
      ...predefined,
      { AliasName: "alias/x0" },
      { AliasName: "alias/x1" },
      { AliasName: "alias/aws/backup", TargetKeyId: "backup" },
      ...Array.from({ length: 6 }, (_, i) => ({ AliasName: `alias/z${i}` })),
    ];
    const { client, calls } = fakeKms({ aliases, keys: { [key("bare")]: "CUSTOMER" }, pageSize: 5 });
    const out = await readVaultKeys(client, unit, [
      v("Default", { encryptionKeyArn: key("backup") }),
      v("audit", { encryptionKeyArn: key("bare") }),
    ]);
    expect(calls).toEqual(["ListAliases", "ListAliases", "DescribeKey"]);
    expect(out[1]!.keyManager).toEqual({ outcome: "described", manager: "CUSTOMER", detail: "Enabled" });
  });

  it("a key in another account: DescribeKey by ARN; refused or unknown keys are recorded, not thrown", async () => {
    const denied = awsError(
      "AccessDeniedException",
      "User: arn:aws:sts::111111111111:assumed-role/M/s is not authorized to perform: kms:DescribeKey on resource: x because no resource-based policy allows the kms:DescribeKey action",
    );
    const { client, calls } = fakeKms({
      aliases: [],
      keys: { [key("c", "222222222222")]: denied, [key("own")]: "CUSTOMER" },
    });
    const out = await readVaultKeys(client, unit, [
      v("shared", { encryptionKeyArn: key("c", "222222222222") }),
      v("gone", { encryptionKeyArn: key("deleted") }),
      v("own", { encryptionKeyArn: key("own") }),
    ]);
    expect(calls.sort()).toEqual(["DescribeKey", "DescribeKey", "DescribeKey", "ListAliases"]);
    expect(out[0]!.keyManager).toMatchObject({
      outcome: "unreadable",
      manager: null,
      detail: expect.stringMatching(/^AccessDeniedException: .*kms:DescribeKey/),
    });
    expect(out[1]!.keyManager).toMatchObject({
      outcome: "not-found",
      detail: expect.stringContaining("does not exist"),
    });
    expect(out[2]!.keyManager).toMatchObject({ outcome: "described", manager: "CUSTOMER" });
  });

  it("a role without kms:ListAliases still describes the keys one by one", async () => {
    const { client, calls } = fakeKms({
      aliases: [],
      keys: { [key("a")]: "AWS", [key("b")]: "CUSTOMER" },
      listError: awsError("AccessDeniedException", "not authorized to perform: kms:ListAliases"),
    });
    const out = await readVaultKeys(client, unit, [
      v("a", { encryptionKeyArn: key("a") }),
      v("b", { encryptionKeyArn: key("b") }),
    ]);
    expect(calls).toEqual(["ListAliases", "DescribeKey", "DescribeKey"]);
    expect(out.map((x) => x.keyManager?.manager)).toEqual(["AWS", "CUSTOMER"]);
  });

  it("AWS-owned keys and alias/aws/ ARNs cost nothing", async () => {
    const { client, calls } = fakeKms({ aliases: [], keys: {} });
    const out = await readVaultKeys(client, unit, [
      v("lag", { encryptionKeyArn: key("o", "906000000001"), encryptionKeyType: "AWS_OWNED_KMS_KEY" }),
      v("alias", { encryptionKeyArn: "arn:aws:kms:eu-west-1:111111111111:alias/aws/backup" }),
    ]);
    expect(calls).toEqual([]);
    expect(out.map((x) => x.keyManager)).toEqual([null, null]);
  });

  it("a throttled or failing KMS fails the read (the unit keeps its last good data)", async () => {
    const { client } = fakeKms({
      aliases: [],
      keys: { [key("a")]: awsError("KMSInternalException", "internal", 500) },
    });
    await expect(readVaultKeys(client, unit, [v("a", { encryptionKeyArn: key("a") })])).rejects.toMatchObject({
      name: "KMSInternalException",
    });
  });
});
