import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runPolicyCommand } from "./policy-command";

// `npm run policy -- effective FILE`, run as a process: FILE lists the documents attached from the
// root down to the account as the exact text a user would paste.

const dir = mkdtempSync(path.join(tmpdir(), "policy-effective-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

const levels = (...docs: string[][]) => JSON.stringify({ levels: docs });
const root = JSON.stringify({
  plans: {
    Daily: {
      regions: { "@@assign": ["us-east-1", "eu-west-1"] },
      rules: {
        Nightly: {
          schedule_expression: { "@@assign": "cron(0 5 ? * * *)" },
          target_backup_vault_name: { "@@assign": "central", "@@operators_allowed_for_child_policies": ["@@none"] },
        },
      },
      selections: {
        tags: {
          tagged: {
            iam_role_arn: { "@@assign": "arn:aws:iam::$account:role/Backup" },
            tag_key: { "@@assign": "backup" },
            tag_value: { "@@assign": ["daily"] },
          },
        },
      },
    },
  },
});
// Pasted text: indented, with the vault change the root forbids and a region removed.
const account = `{
  "plans": { "daily": {
    "regions": { "@@remove": ["eu-west-1"] },
    "rules": { "nightly": { "target_backup_vault_name": { "@@assign": "mine" } } }
  } }
}`;

describe("npm run policy -- effective FILE", () => {
  it("prints the effective policy as DescribeEffectivePolicy's PolicyContent holds it", async () => {
    const r = await runPolicyCommand(["effective", file("good.json", levels([root], [], [account]))]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      '{"plans":{"daily":{"regions":["us-east-1"],"rules":{"nightly":{"schedule_expression":"cron(0 5 ? * * *)","target_backup_vault_name":"central"}},"selections":{"tags":{"tagged":{"iam_role_arn":"arn:aws:iam::$account:role/Backup","tag_key":"backup","tag_value":["daily"]}}}}}}\n',
    );
  });

  it("prints the AWS error of a document AWS would refuse, and exits 0", async () => {
    const r = await runPolicyCommand(["effective", file("dup.json", levels([root], ['{"plans": {}, "plans": {}}']))]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { error: Record<string, string> };
    expect(Object.keys(out.error).sort()).toEqual(["code", "message", "path", "reason"]);
    expect(out.error).toMatchObject({ code: "MalformedPolicyDocumentException", reason: "DUPLICATE_KEY" });
    expect(out.error.message).toMatch(/policy 1 attached to the account/);
    // Well-formed JSON that CreatePolicy refuses: a start window under 60 minutes.
    const short = JSON.stringify({
      plans: { daily: { rules: { nightly: { start_backup_window_minutes: { "@@assign": "30" } } } } },
    });
    const refused = await runPolicyCommand(["effective", file("short.json", levels([root], [short]))]);
    expect(refused.code, refused.stderr).toBe(0);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      error: { code: "MalformedPolicyDocumentException", path: expect.stringContaining("start_backup_window_minutes") },
    });
  });

  it("an empty chain is EffectivePolicyNotFoundException", async () => {
    const r = await runPolicyCommand(["effective", file("empty.json", levels([], [], []))]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: "EffectivePolicyNotFoundException" } });
  });

  it("exits 2 with a message on stderr, and nothing on stdout, when FILE itself is unusable", async () => {
    const cases: Array<[string, RegExp]> = [
      [path.join(dir, "missing.json"), /cannot read .*missing\.json/],
      [file("not-json.json", "{levels: "), /is not JSON/],
      [
        file("shape.json", JSON.stringify({ levels: [[{ plans: {} }]] })),
        /must be \{"levels": \[\[DOC, \.\.\.\], \.\.\.\]\}.*levels\.0\.0/,
      ],
      [file("no-levels.json", JSON.stringify([["{}"]])), /must be \{"levels"/],
    ];
    cases.push(["", /no FILE given/]);
    const runs = await Promise.all(cases.map(([f]) => runPolicyCommand(f ? ["effective", f] : ["effective"])));
    for (const [i, [f, message]] of cases.entries()) {
      const r = runs[i]!;
      expect(r.code, f).toBe(2);
      expect(r.stdout, f).toBe("");
      expect(r.stderr, f).toMatch(message);
    }
  });
});
