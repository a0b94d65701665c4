import { describe, expect, it } from "vitest";
import { ALL_OPERATIONS } from "@/sim/runtime";
import type { Member, Shape } from "@/sim/http/input";
import { botocore, sdkHttpBinding, smithy, type BotoModel, type Service } from "./models";

/**
 * Every operation's input spec in the simulator matches the AWS model: the same members,
 * required flags, HTTP bindings (and the URI the JS SDK sends: the Smithy model's, or for
 * operations newer than it and for RAM, the installed client's own), types, lengths, ranges,
 * enums, and a pattern wherever the model's pattern actually restricts the value.
 */
const SDK_PACKAGE = { backup: "@aws-sdk/client-backup", ram: "@aws-sdk/client-ram" } as const;
const BROAD = /\\s\\S|\\u0009|\\u0020-|^\[\\w\+=,\.@-\]\*$|^\.\*$/;

function compare(model: BotoModel, shapeName: string, mine: Shape, where: string, problems: string[], depth = 0): void {
  const s = model.shapes[shapeName]!;
  const type = s.type === "long" ? "integer" : s.type;
  if (type !== mine.type) return void problems.push(`${where}: type ${mine.type}, model ${s.type}`);
  if (depth > 4) return;
  if (mine.type === "string") {
    if ((s.min ?? undefined) !== mine.min && !(s.min === 0 && mine.min === undefined))
      problems.push(`${where}: min ${mine.min}, model ${s.min}`);
    if (s.max !== mine.max) problems.push(`${where}: max ${mine.max}, model ${s.max}`);
    if (JSON.stringify([...(s.enum ?? [])].sort()) !== JSON.stringify([...(mine.enum ?? [])].sort()))
      problems.push(`${where}: enum differs`);
    if (s.pattern && !BROAD.test(s.pattern) && !mine.pattern)
      problems.push(`${where}: model pattern ${s.pattern} not enforced`);
  }
  if (mine.type === "integer" && (s.min !== mine.min || s.max !== mine.max)) {
    // ResourcesPerPage's 1..100 is documented, not modeled; the operation checks it itself.
    if (!(s.min === undefined && s.max === undefined))
      problems.push(`${where}: range ${mine.min}..${mine.max}, model ${s.min}..${s.max}`);
  }
  if (mine.type === "list") {
    if ((s.min ?? 0) !== (mine.min ?? 0) || s.max !== mine.max)
      problems.push(`${where}: list size ${mine.min}..${mine.max}, model ${s.min}..${s.max}`);
    compare(model, s.member!.shape, mine.member, `${where}[]`, problems, depth + 1);
  }
  if (mine.type === "structure") compareMembers(model, shapeName, mine.members, where, problems, depth + 1);
}

function compareMembers(
  model: BotoModel,
  shapeName: string,
  mine: Record<string, Member>,
  where: string,
  problems: string[],
  depth = 0,
): void {
  const s = model.shapes[shapeName]!;
  const names = Object.keys(s.members ?? {}).sort();
  if (JSON.stringify(Object.keys(mine).sort()) !== JSON.stringify(names))
    problems.push(`${where}: members ${Object.keys(mine).sort().join(",")} vs model ${names.join(",")}`);
  for (const [name, m] of Object.entries(s.members ?? {})) {
    const my = mine[name];
    if (!my) continue;
    const required = (s.required ?? []).includes(name);
    if (!!my.required !== required) problems.push(`${where}.${name}: required ${!!my.required}, model ${required}`);
    if (depth === 0 && model.metadata.protocol === "rest-json") {
      const loc = m.location === "querystring" ? "query" : m.location === "uri" ? "label" : undefined;
      if ((my.loc === "body" ? undefined : my.loc) !== loc)
        problems.push(`${where}.${name}: location ${my.loc}, model ${m.location}`);
      if (loc && my.wire !== m.locationName)
        problems.push(`${where}.${name}: wire name ${my.wire}, model ${m.locationName}`);
    }
    compare(model, m.shape, my.shape, `${where}.${name}`, problems, depth);
  }
}

describe("operation inputs match the AWS models", () => {
  for (const op of ALL_OPERATIONS) {
    it(`${op.service}:${op.name}`, () => {
      const model = botocore(op.service as Service);
      const mop = model.operations[op.name];
      expect(mop, "operation exists in the model").toBeDefined();
      const problems: string[] = [];
      if (mop!.input) compareMembers(model, mop!.input.shape, op.input, op.name, problems);
      else expect(Object.keys(op.input)).toEqual([]);
      expect(problems).toEqual([]);
      if (op.service === "backup" || op.service === "ram") {
        const sm = op.service === "backup" ? smithy("backup").shapes[`com.amazonaws.backup#${op.name}`] : undefined;
        const sent = sm?.traits?.["smithy.api#http"] ?? sdkHttpBinding(SDK_PACKAGE[op.service], op.name);
        expect(sent).toMatchObject({ method: op.http!.method, uri: op.http!.uri });
        // botocore (the AWS CLI) sends the same path, with or without a trailing slash.
        expect(mop!.http.requestUri.replace(/\/$/, "")).toBe(
          op.http!.uri.replace(/\{(\w+)\}/g, (_, n: string) => `{${op.input[n]?.wire ?? n}}`),
        );
      }
    });
  }
});
