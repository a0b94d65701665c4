import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * The AWS API models the simulator is checked against (a copy of ../shared/aws-models in tests/fixtures, or SIM_AWS_MODELS).
 * botocore JSON is the newer model (what the AWS CLI uses); Smithy JSON is what the JS SDK v3 is built from.
 */
export const MODELS_DIR = process.env.SIM_AWS_MODELS ?? path.resolve(import.meta.dirname, "../../fixtures/aws-models");

export interface BotoShape {
  type: string;
  members?: Record<string, { shape: string; location?: string; locationName?: string; flattened?: boolean }>;
  required?: string[];
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  exception?: boolean;
  error?: { code?: string; httpStatusCode?: number };
}
export interface BotoModel {
  metadata: Record<string, string>;
  operations: Record<
    string,
    {
      http: { method: string; requestUri: string };
      input?: { shape: string };
      output?: { shape: string; resultWrapper?: string };
      errors?: { shape: string }[];
    }
  >;
  shapes: Record<string, BotoShape>;
}

const BOTO = {
  backup: "backup/2018-11-15",
  organizations: "organizations/2016-11-28",
  sts: "sts/2011-06-15",
  tagging: "resourcegroupstaggingapi/2017-01-26",
  kms: "kms/2014-11-01",
  iam: "iam/2010-05-08",
  ram: "ram/2018-01-04",
} as const;
/** RAM has no Smithy file here: its HTTP bindings are checked against the installed JS SDK (sdkHttpBinding). */
const SMITHY = {
  backup: "backup",
  organizations: "organizations",
  sts: "sts",
  tagging: "resource-groups-tagging-api",
  kms: "kms",
  iam: "iam",
} as const;
export type Service = keyof typeof BOTO;

const cache = new Map<string, unknown>();
function load<T>(file: string, json = true): T {
  if (!cache.has(file)) {
    const text = readFileSync(path.isAbsolute(file) ? file : path.join(MODELS_DIR, file), "utf8");
    cache.set(file, json ? JSON.parse(text) : text);
  }
  return cache.get(file) as T;
}

export const botocore = (s: Service) => load<BotoModel>(`botocore/${BOTO[s]}/service-2.json`);
export const smithy = (s: keyof typeof SMITHY) =>
  load<{
    shapes: Record<
      string,
      { type: string; traits?: Record<string, unknown>; input?: { target: string }; output?: { target: string } }
    >;
  }>(`smithy/${SMITHY[s]}.json`);

/**
 * The HTTP method and URI the installed JS SDK v3 client sends for an operation, read from its
 * generated schema (`[9, n0, _X, { [_h]: ["GET", "/scan/jobs", 200] }, …]`): the binding of
 * operations newer than the Smithy files here.
 */
export function sdkHttpBinding(pkg: string, operation: string): { method: string; uri: string } | undefined {
  const file = path.resolve(import.meta.dirname, "../../../node_modules", pkg, "dist-es/schemas/schemas_0.js");
  const text = load<string>(file, false);
  const m = new RegExp(`export var ${operation}\\$ = \\[9, n0, _\\w+,\\s*\\{ \\[_h\\]: \\["(\\w+)", "([^"]+)"`).exec(
    text,
  );
  return m ? { method: m[1]!, uri: m[2]! } : undefined;
}
