import { describe, expect, it } from "vitest";
import { AwsCallError, type OrganizationsPush, type RemotePolicy, type RootState } from "@/lib/aws/organizations.push";
import {
  applyVersion,
  MANAGED_BY_TAG,
  POLICY_ID_TAG,
  type ApplyHooks,
  type ApplyInput,
} from "@/lib/policies/push-apply";

// The push's decisions against an in-memory organization: what it reads, what it writes, and that
// a state left by an earlier attempt (or changed outside the product) is completed, not duplicated.

interface Fake {
  root: RootState;
  /** Root reads still to answer before the pending status settles. */
  settlesAfter: number;
  policies: Map<string, RemotePolicy & { tags: Record<string, string> }>;
  attachments: Map<string, string[]>;
  writes: string[];
}

function fakeOrg(init: Partial<Fake> = {}): { api: OrganizationsPush; org: Fake } {
  const org: Fake = {
    root: { rootId: "r-ab12", backupPolicy: "ENABLED" },
    settlesAfter: 0,
    policies: new Map(),
    attachments: new Map(),
    writes: [],
    ...init,
  };
  let n = 0;
  const api = {
    getRoot: async () => {
      if (org.root.backupPolicy === "PENDING_ENABLE" && org.settlesAfter-- <= 0)
        org.root = { ...org.root, backupPolicy: "ENABLED" };
      return org.root;
    },
    enableBackupPolicy: async () => {
      org.writes.push("EnablePolicyType");
      org.root = { ...org.root, backupPolicy: "ENABLED" };
      return "ENABLED" as const;
    },
    describePolicy: async (id: string) => org.policies.get(id) ?? null,
    findPolicyByName: async (name: string) => [...org.policies.values()].find((p) => p.name === name) ?? null,
    listTags: async (id: string) => org.policies.get(id)?.tags ?? {},
    createPolicy: async (p: { name: string; description: string; content: string; tags: Record<string, string> }) => {
      const id = `p-new${++n}xxxx`;
      org.writes.push(`CreatePolicy ${p.name}`);
      org.policies.set(id, { id, arn: `arn:${id}`, ...p });
      return { id, arn: `arn:${id}` };
    },
    updatePolicy: async (p: { id: string; content: string; description: string; name: string }) => {
      org.writes.push(`UpdatePolicy ${p.id}`);
      Object.assign(org.policies.get(p.id)!, { content: p.content, description: p.description, name: p.name });
    },
    tagResource: async (id: string, tags: Record<string, string>) => {
      org.writes.push(`TagResource ${id} ${Object.keys(tags).join(",")}`);
      Object.assign(org.policies.get(id)!.tags, tags);
    },
    listTargets: async (id: string) => [...org.attachments].filter(([, ids]) => ids.includes(id)).map(([t]) => t),
    listAttachedPolicies: async (target: string) => org.attachments.get(target) ?? [],
    attachPolicy: async (id: string, target: string) => {
      org.writes.push(`AttachPolicy ${target}`);
      org.attachments.set(target, [...(org.attachments.get(target) ?? []), id]);
    },
    detachPolicy: async (id: string, target: string) => {
      org.writes.push(`DetachPolicy ${target}`);
      org.attachments.set(
        target,
        (org.attachments.get(target) ?? []).filter((x) => x !== id),
      );
    },
  };
  return { api: api as unknown as OrganizationsPush, org };
}

const hooks = (log: string[] = []): ApplyHooks => ({
  onPolicyId: async (id) => void log.push(`saved ${id}`),
  skip: async (op, target) => void log.push(`skip ${op} ${target ?? ""}`.trim()),
  sleep: async (ms) => void log.push(`sleep ${ms}`),
  enableWait: { tries: 3, delayMs: 5 },
});
const input = (over: Partial<ApplyInput["policy"]> = {}, targets = ["ou-ab12-11111111"]): ApplyInput => ({
  policy: { id: "11111111-1111-4111-8111-111111111111", name: "Baseline", awsPolicyId: null, ...over },
  version: { content: '{"plans":{}}', description: "d", targets },
});
const ours = (id: string, content = '{"plans":{}}') => ({
  id,
  arn: `arn:${id}`,
  name: "Baseline",
  description: "d",
  content,
  tags: { [MANAGED_BY_TAG.key]: MANAGED_BY_TAG.value, [POLICY_ID_TAG]: input().policy.id },
});

describe("applyVersion", () => {
  it("creates and attaches a new policy, saving its id before attaching", async () => {
    const { api, org } = fakeOrg({ root: { rootId: "r-ab12", backupPolicy: null } });
    const log: string[] = [];
    const out = await applyVersion(api, input(), hooks(log));
    expect(org.writes).toEqual(["EnablePolicyType", "CreatePolicy Baseline", "AttachPolicy ou-ab12-11111111"]);
    expect(log).toEqual(["saved p-new1xxxx"]);
    expect(out).toEqual({
      awsPolicyId: "p-new1xxxx",
      created: true,
      updated: false,
      enabledPolicyType: true,
      attached: ["ou-ab12-11111111"],
      detached: [],
    });
    expect(org.policies.get("p-new1xxxx")?.tags).toEqual({
      "managed-by": "backup-governance",
      [POLICY_ID_TAG]: input().policy.id,
    });
  });

  it("waits for BACKUP_POLICY still being enabled in the background instead of enabling it again", async () => {
    const { api, org } = fakeOrg({ root: { rootId: "r-ab12", backupPolicy: "PENDING_ENABLE" }, settlesAfter: 2 });
    const log: string[] = [];
    await applyVersion(api, input(), hooks(log));
    expect(org.writes).not.toContain("EnablePolicyType");
    expect(log.filter((l) => l.startsWith("sleep"))).toHaveLength(2);
  });

  it("gives up on a type that stays pending, before any other write", async () => {
    const { api, org } = fakeOrg({ root: { rootId: "r-ab12", backupPolicy: "PENDING_ENABLE" }, settlesAfter: 99 });
    const e = await applyVersion(api, input(), hooks()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AwsCallError);
    expect(e).toMatchObject({
      operation: "EnablePolicyType",
      refusal: { code: "PolicyTypeNotEnabledException", transient: true },
    });
    expect(org.writes).toEqual([]);
  });

  it("adopts the policy an interrupted push created (found by name and our tags) instead of creating a second", async () => {
    const { api, org } = fakeOrg({ policies: new Map([["p-old00001", ours("p-old00001")]]) });
    const log: string[] = [];
    const out = await applyVersion(api, input(), hooks(log));
    expect(out).toMatchObject({ awsPolicyId: "p-old00001", created: false, updated: false });
    expect(org.writes).toEqual(["AttachPolicy ou-ab12-11111111"]);
    expect(log).toContain("skip UpdatePolicy p-old00001");
  });

  it("creates the policy again when the one it pushed before was deleted outside the product", async () => {
    const { api, org } = fakeOrg();
    const out = await applyVersion(api, input({ awsPolicyId: "p-gone0001" }), hooks());
    expect(out.created).toBe(true);
    expect(org.writes[0]).toBe("CreatePolicy Baseline");
  });

  it("updates only what differs, restores missing tags, attaches new targets and detaches dropped ones", async () => {
    const p = { ...ours("p-old00001", '{"old":1}'), tags: { [MANAGED_BY_TAG.key]: MANAGED_BY_TAG.value } };
    const { api, org } = fakeOrg({
      policies: new Map([["p-old00001", p]]),
      attachments: new Map([
        ["111122223333", ["p-old00001"]],
        ["ou-ab12-11111111", ["p-old00001"]],
      ]),
    });
    const log: string[] = [];
    const out = await applyVersion(
      api,
      input({ awsPolicyId: "p-old00001" }, ["ou-ab12-11111111", "222233334444"]),
      hooks(log),
    );
    expect(org.writes).toEqual([
      "UpdatePolicy p-old00001",
      `TagResource p-old00001 ${POLICY_ID_TAG}`,
      "AttachPolicy 222233334444",
      "DetachPolicy 111122223333",
    ]);
    expect(log).toEqual(["skip EnablePolicyType r-ab12", "skip AttachPolicy ou-ab12-11111111"]);
    expect(out).toMatchObject({ updated: true, attached: ["222233334444"], detached: ["111122223333"] });
  });

  it("refuses, before any write, a target that already has ten backup policies", async () => {
    const full = Array.from({ length: 10 }, (_, i) => `p-other00${i}`);
    const { api, org } = fakeOrg({
      root: { rootId: "r-ab12", backupPolicy: null },
      attachments: new Map([["ou-ab12-11111111", full]]),
    });
    const e = await applyVersion(api, input(), hooks()).catch((x: unknown) => x);
    expect(e).toMatchObject({
      operation: "AttachPolicy",
      target: "ou-ab12-11111111",
      refusal: { code: "ConstraintViolationException", reason: "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED" },
    });
    expect(org.writes).toEqual([]);
  });

  it("does not take over a same-name policy without our tags", async () => {
    const { api, org } = fakeOrg({
      policies: new Map([
        ["p-them0001", { ...ours("p-them0001"), tags: { [MANAGED_BY_TAG.key]: MANAGED_BY_TAG.value } }],
      ]),
    });
    const e = await applyVersion(api, input(), hooks()).catch((x: unknown) => x);
    expect(e).toMatchObject({ refusal: { code: "DuplicatePolicyException" } });
    expect(org.writes).toEqual([]);
  });
});
