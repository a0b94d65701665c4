/**
 * Declarative input shapes (transcribed from the API models; tests/unit/sim compares them with
 * ../shared/aws-models) and their validation. Every protocol reads its wire format into plain
 * values, then `validate` checks required members, types, lengths, ranges, enums and patterns.
 */
export type Shape =
  | { type: "string"; min?: number; max?: number; enum?: readonly string[]; pattern?: RegExp }
  | { type: "integer"; min?: number; max?: number }
  | { type: "boolean" }
  | { type: "timestamp" }
  | { type: "list"; member: Shape; min?: number; max?: number }
  | { type: "map"; value: Shape }
  | { type: "structure"; members: Record<string, Member> };

export interface Member {
  shape: Shape;
  required?: boolean;
  /** restJson1 binding; body by default. */
  loc?: "query" | "label" | "body";
  /** Wire name for query/label bindings. */
  wire?: string;
}

export interface Violation {
  kind: "missing" | "type" | "constraint";
  /** Member path as AWS's validation messages name it (camelCase). */
  path: string;
  message: string;
  /** For Organizations' InvalidInputException.Reason. */
  reason:
    | "INPUT_REQUIRED"
    | "MIN_LENGTH_EXCEEDED"
    | "MAX_LENGTH_EXCEEDED"
    | "MIN_VALUE_EXCEEDED"
    | "MAX_VALUE_EXCEEDED"
    | "INVALID_ENUM"
    | "INVALID_PATTERN"
    | "INVALID_LIST_MEMBER";
}

export const str = (o: Omit<Extract<Shape, { type: "string" }>, "type"> = {}): Shape => ({ type: "string", ...o });
export const int = (min?: number, max?: number): Shape => ({ type: "integer", min, max });
export const bool: Shape = { type: "boolean" };
export const ts: Shape = { type: "timestamp" };
export const list = (member: Shape, min?: number, max?: number): Shape => ({ type: "list", member, min, max });
export const struct = (members: Record<string, Member>): Shape => ({ type: "structure", members });

const camel = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);
const show = (v: unknown) =>
  v === undefined || v === null ? "null" : `'${typeof v === "string" ? v : JSON.stringify(v)}'`;

/**
 * Validates (and for string sources, converts) a value against a shape. `fromStrings` is set for
 * query strings and form fields, whose scalars arrive as text.
 */
export function validate(shape: Shape, value: unknown, path: string, fromStrings: boolean, out: Violation[]): unknown {
  if (value === undefined || value === null) return undefined;
  switch (shape.type) {
    case "string": {
      if (typeof value !== "string") return typeError(path, value, "string", out);
      const len = [...value].length;
      if (shape.min !== undefined && len < shape.min)
        out.push(
          c(path, value, `Member must have length greater than or equal to ${shape.min}`, "MIN_LENGTH_EXCEEDED"),
        );
      else if (shape.max !== undefined && len > shape.max)
        out.push(c(path, value, `Member must have length less than or equal to ${shape.max}`, "MAX_LENGTH_EXCEEDED"));
      else if (shape.enum && !shape.enum.includes(value))
        out.push(c(path, value, `Member must satisfy enum value set: [${shape.enum.join(", ")}]`, "INVALID_ENUM"));
      else if (shape.pattern && !shape.pattern.test(value))
        out.push(
          c(path, value, `Member must satisfy regular expression pattern: ${shape.pattern.source}`, "INVALID_PATTERN"),
        );
      return value;
    }
    case "integer": {
      const n = fromStrings && typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
      if (typeof n !== "number" || !Number.isInteger(n)) return typeError(path, value, "integer", out);
      if (shape.min !== undefined && n < shape.min)
        out.push(c(path, n, `Member must have value greater than or equal to ${shape.min}`, "MIN_VALUE_EXCEEDED"));
      else if (shape.max !== undefined && n > shape.max)
        out.push(c(path, n, `Member must have value less than or equal to ${shape.max}`, "MAX_VALUE_EXCEEDED"));
      return n;
    }
    case "boolean": {
      const b = fromStrings && (value === "true" || value === "false") ? value === "true" : value;
      if (typeof b !== "boolean") return typeError(path, value, "boolean", out);
      return b;
    }
    case "timestamp": {
      // Query strings carry RFC 3339 (0-6 fractional digits); JSON bodies epoch seconds.
      if (typeof value === "number") return value;
      if (typeof value === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:?\d\d)$/.test(value))
        return Date.parse(value) / 1000;
      if (typeof value === "string" && fromStrings && /^\d+(\.\d+)?$/.test(value)) return Number(value);
      return typeError(path, value, "timestamp", out);
    }
    case "list": {
      if (!Array.isArray(value)) return typeError(path, value, "list", out);
      if (shape.min !== undefined && value.length < shape.min)
        out.push(
          c(path, value, `Member must have length greater than or equal to ${shape.min}`, "MIN_LENGTH_EXCEEDED"),
        );
      if (shape.max !== undefined && value.length > shape.max)
        out.push(c(path, value, `Member must have length less than or equal to ${shape.max}`, "MAX_LENGTH_EXCEEDED"));
      return value.map((v, i) => validate(shape.member, v, `${path}.${i + 1}.member`, fromStrings, out));
    }
    case "map": {
      if (typeof value !== "object" || Array.isArray(value)) return typeError(path, value, "map", out);
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [
          k,
          validate(shape.value, v, `${path}.${k}`, fromStrings, out),
        ]),
      );
    }
    case "structure": {
      if (typeof value !== "object" || Array.isArray(value)) return typeError(path, value, "structure", out);
      return validateMembers(shape.members, value as Record<string, unknown>, path, fromStrings, out);
    }
  }
}

export function validateMembers(
  members: Record<string, Member>,
  value: Record<string, unknown>,
  prefix: string,
  fromStrings: boolean,
  out: Violation[],
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(members)) {
    const path = prefix ? `${prefix}.${camel(name)}` : (m.wire ?? camel(name));
    const v = value[name];
    if ((v === undefined || v === null) && m.required) {
      out.push({
        kind: "missing",
        path,
        message: `Value null at '${path}' failed to satisfy constraint: Member must not be null`,
        reason: "INPUT_REQUIRED",
      });
      continue;
    }
    const parsed = validate(m.shape, v, path, fromStrings, out);
    if (parsed !== undefined) result[name] = parsed;
  }
  return result;
}

function c(path: string, value: unknown, constraint: string, reason: Violation["reason"]): Violation {
  return {
    kind: "constraint",
    path,
    message: `Value ${show(value)} at '${path}' failed to satisfy constraint: ${constraint}`,
    reason,
  };
}

function typeError(path: string, value: unknown, expected: string, out: Violation[]): undefined {
  out.push({
    kind: "type",
    path,
    message: `Value ${show(value)} at '${path}' is not a valid ${expected}`,
    reason: "INVALID_PATTERN",
  });
  return undefined;
}

/** Coral-style summary: "1 validation error detected: …; …". */
export function summarize(violations: Violation[]): string {
  const n = violations.length;
  return `${n} validation error${n === 1 ? "" : "s"} detected: ${violations.map((v) => v.message).join("; ")}`;
}
