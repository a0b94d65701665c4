import { describe, expect, it } from "vitest";
import { BUILTIN_TEMPLATES } from "@/lib/compliance/templates/builtin-templates";
import { buildPolicy, paramsFromTemplate, type PolicyParams } from "@/lib/policies/generate";
import type { JsonObject } from "@/lib/policies/parse";
import { applyFormFields, readFormFields, toFormValues } from "@/lib/policies/policy-form";
import { checkPolicyText } from "@/lib/policies/validate";

const iso = paramsFromTemplate(BUILTIN_TEMPLATES[0]!, ["us-east-1", "eu-west-1"]);
const full: PolicyParams = {
  ...iso,
  coldStorageAfterDays: 30,
  retentionDays: 365,
  airGappedVaultName: "lag",
  copyRegions: ["eu-central-1"],
  copyAccounts: ["123456789012"],
  copyVaultName: "copies",
  copyVaultArns: ["arn:aws:backup:us-east-1:210987654321:backup-vault:central"],
  frequency: { unit: "hours", value: 12 },
};
const plan = (doc: JsonObject, name = iso.planName) => (doc.plans as JsonObject)[name] as JsonObject;
const rule = (doc: JsonObject, name = iso.planName) =>
  (plan(doc, name).rules as JsonObject)["backup-rule"] as JsonObject;

describe("form ↔ JSON", () => {
  it.each([
    ["the ISO defaults", iso],
    ["every field set", full],
  ] as const)("reads back what the generator wrote: %s", (_name, p) => {
    const reading = readFormFields(buildPolicy(p));
    expect(reading.values).toEqual({
      ...toFormValues(p),
      startHourUtc: p.frequency.unit === "hours" ? "5" : String(p.startHourUtc),
    });
    expect(reading.notes).toEqual([]);
  });

  it("writes every field into an empty document as the generator would", () => {
    expect(applyFormFields({}, null, toFormValues(full)).doc).toEqual(buildPolicy(full));
  });

  it("a changed field rewrites its own part only, keeping what was written by hand", () => {
    const doc = buildPolicy(full);
    const r = rule(doc);
    r.recovery_point_tags = { owner: { tag_key: { "@@assign": "owner" }, tag_value: { "@@assign": "ops" } } };
    (plan(doc).rules as JsonObject).weekly = {
      schedule_expression: { "@@assign": "cron(0 1 ? * SUN *)" },
      target_backup_vault_name: { "@@assign": "Default" },
    };
    const copies = r.copy_actions as JsonObject;
    (copies["arn:aws:backup:eu-central-1:$account:backup-vault:copies"] as JsonObject).lifecycle = {
      delete_after_days: { "@@assign": "7" },
    };
    const before = toFormValues(full);
    const out = applyFormFields(doc, before, { ...before, vaultName: "org-vault", copyAccounts: "" }).doc;
    expect(rule(out).target_backup_vault_name).toEqual({ "@@assign": "org-vault" });
    expect(rule(out).recovery_point_tags).toEqual(r.recovery_point_tags);
    expect(Object.keys(plan(out).rules as JsonObject)).toEqual(["backup-rule", "weekly"]);
    expect(Object.keys(rule(out).copy_actions as JsonObject)).toEqual([
      "arn:aws:backup:eu-central-1:$account:backup-vault:copies",
      "arn:aws:backup:us-east-1:210987654321:backup-vault:central",
    ]);
    expect(
      ((rule(out).copy_actions as JsonObject)["arn:aws:backup:eu-central-1:$account:backup-vault:copies"] as JsonObject)
        .lifecycle,
    ).toEqual({ delete_after_days: { "@@assign": "7" } });
    expect(checkPolicyText(JSON.stringify(out)).errors).toEqual([]);
  });

  it("renames the plan in place, and refuses a name another plan has", () => {
    const doc = {
      plans: { ...(buildPolicy(iso).plans as JsonObject), other: { regions: { "@@assign": ["us-east-1"] } } },
    };
    const before = toFormValues(iso);
    const renamed = applyFormFields(doc, before, { ...before, planName: "nightly" });
    expect(Object.keys(renamed.doc.plans as JsonObject)).toEqual(["nightly", "other"]);
    const clash = applyFormFields(doc, before, { ...before, planName: "other" });
    expect(clash.errors.planName).toContain("already called");
    expect(clash.doc).toBe(doc);
  });

  it("leaves the document alone when the changed field is wrong, and says why", () => {
    const doc = buildPolicy(iso);
    const before = toFormValues(iso);
    const r = applyFormFields(doc, before, { ...before, coldStorageAfterDays: "30", retentionDays: "35" });
    expect(r.doc).toBe(doc);
    expect(r.errors.retentionDays).toContain("at least 120 days");
  });

  it("keeps a custom schedule's child restriction and says what it cannot show", () => {
    const doc = buildPolicy(iso);
    rule(doc).schedule_expression = {
      "@@assign": "cron(0 1 ? * MON-FRI *)",
      "@@operators_allowed_for_child_policies": ["@@none"],
    };
    const reading = readFormFields(doc);
    expect(reading.values.frequencyValue).toBe("");
    expect(reading.notes[0]).toContain("cron(0 1 ? * MON-FRI *)");
    const out = applyFormFields(doc, reading.values, {
      ...reading.values,
      frequencyUnit: "days",
      frequencyValue: "1",
      startHourUtc: "2",
    }).doc;
    expect(rule(out).schedule_expression).toEqual({
      "@@assign": "cron(0 2 ? * * *)",
      "@@operators_allowed_for_child_policies": ["@@none"],
    });
  });

  it("a plan selecting by resource type keeps doing so; the form sets its role only", () => {
    const doc = buildPolicy(iso);
    plan(doc).selections = {
      resources: {
        all: { iam_role_arn: { "@@assign": "arn:aws:iam::$account:role/A" }, resource_types: { "@@assign": ["*"] } },
      },
    };
    const reading = readFormFields(doc);
    expect(reading.selection).toBe("resources");
    expect(reading.values.iamRoleArn).toBe("arn:aws:iam::$account:role/A");
    const out = applyFormFields(doc, reading.values, {
      ...reading.values,
      iamRoleArn: "arn:aws:iam::$account:role/B",
    }).doc;
    expect(plan(out).selections).toEqual({
      resources: {
        all: { iam_role_arn: { "@@assign": "arn:aws:iam::$account:role/B" }, resource_types: { "@@assign": ["*"] } },
      },
    });
  });
});
