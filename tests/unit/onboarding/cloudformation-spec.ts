import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { gunzipSync } from "node:zlib";

// A check of CloudFormation resources against AWS's resource specification, as the AWS CDK ships it
// (@aws-cdk/aws-service-spec: the registry schemas of every resource type): each type exists, each
// property used exists with its type, each required property is present. It does not evaluate
// intrinsic functions (any value of the form { "Fn::…" } or { Ref } passes) nor patterns and lengths.

interface SpecType {
  type: string;
  element?: SpecType;
  types?: SpecType[];
  reference?: { $ref: string };
}
interface SpecProperty {
  type: SpecType;
  required?: boolean;
}
interface SpecShape {
  properties: Record<string, SpecProperty>;
}

let spec: { resources: Map<string, SpecShape>; types: Map<string, SpecShape>; version: string } | null = null;

function loadSpec() {
  if (spec) return spec;
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("@aws-cdk/aws-service-spec/package.json");
  const db = JSON.parse(gunzipSync(readFileSync(path.join(path.dirname(pkg), "db.json.gz"))).toString("utf8")) as {
    schema: {
      resource: { entities: (SpecShape & { cloudFormationType: string })[] };
      typeDefinition: { entities: (SpecShape & { $id: string })[] };
    };
  };
  spec = {
    resources: new Map(db.schema.resource.entities.map((r) => [r.cloudFormationType, r])),
    types: new Map(db.schema.typeDefinition.entities.map((t) => [t.$id, t])),
    version: (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version,
  };
  return spec;
}

const isIntrinsic = (v: unknown) =>
  typeof v === "object" &&
  v !== null &&
  !Array.isArray(v) &&
  Object.keys(v).length === 1 &&
  /^(Ref|Fn::\w+)$/.test(Object.keys(v)[0]!);

function checkValue(value: unknown, t: SpecType, where: string, problems: string[]): void {
  if (isIntrinsic(value)) return;
  const s = loadSpec();
  switch (t.type) {
    case "string":
      if (typeof value !== "string") problems.push(`${where}: expected a string`);
      return;
    case "integer":
    case "number":
      if (typeof value !== "number") problems.push(`${where}: expected a number`);
      return;
    case "boolean":
      if (typeof value !== "boolean") problems.push(`${where}: expected a boolean`);
      return;
    case "json":
      if (typeof value !== "object" || value === null) problems.push(`${where}: expected a JSON object`);
      return;
    case "array":
      if (!Array.isArray(value)) problems.push(`${where}: expected an array`);
      else value.forEach((v, i) => checkValue(v, t.element!, `${where}[${i}]`, problems));
      return;
    case "union": {
      const ok = t.types!.some((u) => {
        const p: string[] = [];
        checkValue(value, u, where, p);
        return p.length === 0;
      });
      if (!ok) problems.push(`${where}: matches none of the types ${t.types!.map((u) => u.type).join(", ")}`);
      return;
    }
    case "ref":
      checkShape(value, s.types.get(t.reference!.$ref)!, where, problems);
      return;
    default:
      problems.push(`${where}: the check does not know the spec's type "${t.type}"`);
  }
}

function checkShape(value: unknown, shape: SpecShape, where: string, problems: string[]): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push(`${where}: expected an object`);
    return;
  }
  const props = value as Record<string, unknown>;
  for (const [name, v] of Object.entries(props)) {
    const p = shape.properties[name];
    if (!p) problems.push(`${where}.${name}: no such property`);
    else checkValue(v, p.type, `${where}.${name}`, problems);
  }
  for (const [name, p] of Object.entries(shape.properties))
    if (p.required && !(name in props)) problems.push(`${where}.${name}: required, missing`);
}

/** Every problem of a template's resources against the specification; [] when it conforms. */
export function specProblems(template: {
  Resources?: Record<string, { Type?: string; Properties?: unknown }>;
}): string[] {
  const problems: string[] = [];
  const resources = Object.entries(template.Resources ?? {});
  if (!resources.length) problems.push("the template has no resources");
  for (const [id, r] of resources) {
    const shape = loadSpec().resources.get(r.Type ?? "");
    if (!shape) problems.push(`${id}: no resource type "${r.Type}"`);
    else checkShape(r.Properties ?? {}, shape, id, problems);
  }
  return problems;
}

export const specVersion = () => loadSpec().version;
