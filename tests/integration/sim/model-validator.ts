import { Readable } from "node:stream";
import { botocore, type BotoModel, type Service } from "../../unit/sim/models";

/**
 * Validates raw wire responses against the botocore models (the newer superset): every member
 * known, required members present, types, enums, lengths and ranges, timestamps as epoch-second
 * numbers (JSON) or RFC 3339 (XML). Errors: the protocol's discriminator and modeled members.
 */
export interface Wire {
  service: Service;
  operation: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Records every raw response a client receives (before the SDK deserializes it). */
export function captureWire(
  client: { middlewareStack: { add: (...a: never[]) => void } },
  service: Service,
  sink: Wire[],
): void {
  const mw =
    (
      next: (
        a: unknown,
      ) => Promise<{ response: { statusCode: number; headers: Record<string, string>; body: AsyncIterable<Buffer> } }>,
      context: { commandName?: string },
    ) =>
    async (args: unknown) => {
      const result = await next(args);
      const chunks: Buffer[] = [];
      for await (const c of result.response.body) chunks.push(Buffer.from(c));
      const body = Buffer.concat(chunks);
      sink.push({
        service,
        operation: (context.commandName ?? "").replace(/Command$/, ""),
        status: result.response.statusCode,
        headers: result.response.headers,
        body: body.toString("utf8"),
      });
      (result.response as { body: unknown }).body = Readable.from([body]);
      return result;
    };
  (client.middlewareStack.add as (m: unknown, o: unknown) => void)(mw, {
    step: "deserialize",
    name: "simWireCapture",
    priority: "low",
  });
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const COMMON_ERRORS = new Set([
  "AccessDeniedException",
  "AccessDenied",
  "ThrottlingException",
  "Throttling",
  "ValidationError",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "ExpiredTokenException",
  "ExpiredToken",
  "MissingAuthenticationTokenException",
  "MissingAuthenticationToken",
  "IncompleteSignatureException",
  "IncompleteSignature",
  "UnknownOperationException",
  "InvalidAction",
  "MissingAction",
  "SerializationException",
  "InternalFailure",
  "ValidationException",
]);

export function validateWire(w: Wire): string[] {
  const model = botocore(w.service);
  const problems: string[] = [];
  const op = model.operations[w.operation];
  if (!op) return [`${w.operation}: not in the ${w.service} model`];
  const where = `${w.service}:${w.operation}`;
  if (w.status >= 300) return validateError(model, w, op.errors?.map((e) => e.shape) ?? [], where);
  if (model.metadata.protocol === "query") {
    const root = parseXml(w.body);
    const result =
      root.name === `${w.operation}Response` ? root.children.find((c) => c.name === `${w.operation}Result`) : undefined;
    if (!result) return [`${where}: no ${w.operation}Response/${w.operation}Result`];
    if (op.output) checkXml(model, op.output.shape, result, where, problems);
    return problems;
  }
  if (!/json/.test(w.headers["content-type"] ?? ""))
    problems.push(`${where}: content-type ${w.headers["content-type"]}`);
  const value = w.body ? JSON.parse(w.body) : {};
  if (op.output) checkJson(model, op.output.shape, value, where, problems);
  return problems;
}

function validateError(model: BotoModel, w: Wire, modeled: string[], where: string): string[] {
  const problems: string[] = [];
  const protocol = model.metadata.protocol;
  if (protocol === "query") {
    const root = parseXml(w.body);
    const err = root.children.find((c) => c.name === "Error");
    const code = err?.children.find((c) => c.name === "Code")?.text;
    if (
      root.name !== "ErrorResponse" ||
      !code ||
      !err?.children.some((c) => c.name === "Message") ||
      !root.children.some((c) => c.name === "RequestId")
    )
      problems.push(`${where}: malformed ErrorResponse`);
    const shape = modeled.find((s) => (model.shapes[s]?.error?.code ?? s) === code);
    if (!shape && !COMMON_ERRORS.has(code ?? "")) problems.push(`${where}: unknown error code ${code}`);
    return problems;
  }
  const body = JSON.parse(w.body || "{}") as Record<string, unknown>;
  const code = protocol === "rest-json" ? w.headers["x-amzn-errortype"] : (body.__type as string | undefined);
  if (!code) return [`${where}: error without ${protocol === "rest-json" ? "X-Amzn-ErrorType header" : "__type"}`];
  if (modeled.includes(code)) {
    const { __type: _t, ...rest } = body;
    checkJson(model, code, rest, `${where}!${code}`, problems);
  } else if (!COMMON_ERRORS.has(code) && !model.shapes[code]?.exception)
    problems.push(`${where}: unknown error ${code}`);
  return problems;
}

function checkJson(model: BotoModel, shapeName: string, v: unknown, path: string, problems: string[]): void {
  const s = model.shapes[shapeName];
  if (!s) return void problems.push(`${path}: unknown shape ${shapeName}`);
  const bad = (m: string): void => void problems.push(`${path}: ${m}`);
  switch (s.type) {
    case "structure": {
      if (typeof v !== "object" || v === null || Array.isArray(v)) return bad("expected an object");
      for (const [k, x] of Object.entries(v)) {
        const m = s.members?.[k];
        if (!m) bad(`unknown member ${k}`);
        else if (m.location !== "header" && m.location !== "statusCode")
          checkJson(model, m.shape, x, `${path}.${k}`, problems);
      }
      for (const r of s.required ?? [])
        if (!(r in (v as object)) && s.members?.[r]?.location === undefined) bad(`missing required ${r}`);
      return;
    }
    case "list":
      if (!Array.isArray(v)) return bad("expected a list");
      if (s.min !== undefined && v.length < s.min) bad(`list shorter than ${s.min}`);
      if (s.max !== undefined && v.length > s.max) bad(`list longer than ${s.max}`);
      return v.forEach((x, i) => checkJson(model, s.member!.shape, x, `${path}[${i}]`, problems));
    case "map":
      if (typeof v !== "object" || v === null || Array.isArray(v)) return bad("expected a map");
      return Object.entries(v).forEach(([k, x]) => {
        checkJson(model, s.key!.shape, k, `${path}{key}`, problems);
        checkJson(model, s.value!.shape, x, `${path}.${k}`, problems);
      });
    case "string":
      return checkString(s, v, bad);
    case "integer":
    case "long":
      if (typeof v !== "number" || !Number.isInteger(v)) return bad(`expected an integer, got ${JSON.stringify(v)}`);
      if (s.min !== undefined && v < s.min) bad(`${v} < ${s.min}`);
      if (s.max !== undefined && v > s.max) bad(`${v} > ${s.max}`);
      return;
    case "double":
    case "float":
      if (typeof v !== "number") bad("expected a number");
      return;
    case "boolean":
      if (typeof v !== "boolean") bad("expected a boolean");
      return;
    case "timestamp":
      // Default JSON timestamp format: epoch seconds as a number.
      if (typeof v !== "number" || !Number.isFinite(v) || v < 946684800 || v > 4102444800)
        bad(`expected epoch seconds, got ${JSON.stringify(v)}`);
      return;
    default:
      return;
  }
}

function checkString(s: BotoModel["shapes"][string], v: unknown, bad: (m: string) => void) {
  if (typeof v !== "string") return bad(`expected a string, got ${JSON.stringify(v)}`);
  if (s.enum && !s.enum.includes(v)) bad(`${v} not in enum ${s.enum.join("|")}`);
  if (s.min !== undefined && v.length < s.min) bad(`shorter than ${s.min}`);
  if (s.max !== undefined && v.length > s.max) bad(`longer than ${s.max}`);
}

interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

function checkXml(model: BotoModel, shapeName: string, node: XmlNode, path: string, problems: string[]): void {
  const s = model.shapes[shapeName]!;
  const bad = (m: string): void => void problems.push(`${path}: ${m}`);
  if (s.type === "structure") {
    for (const c of node.children) {
      const m = s.members?.[c.name];
      if (!m) bad(`unknown member ${c.name}`);
      else checkXml(model, m.shape, c, `${path}.${c.name}`, problems);
    }
    for (const r of s.required ?? []) if (!node.children.some((c) => c.name === r)) bad(`missing required ${r}`);
  } else if (s.type === "list") {
    node.children.forEach((c, i) =>
      c.name === "member"
        ? checkXml(model, s.member!.shape, c, `${path}[${i}]`, problems)
        : bad(`list item <${c.name}>`),
    );
  } else if (s.type === "timestamp") {
    if (!RFC3339.test(node.text)) bad(`expected an RFC 3339 date-time, got ${node.text}`);
  } else if (s.type === "integer" || s.type === "long") {
    if (!/^-?\d+$/.test(node.text)) bad(`expected an integer, got ${node.text}`);
    else if (s.min !== undefined && Number(node.text) < s.min) bad(`${node.text} < ${s.min}`);
  } else if (s.type === "string") checkString(s, node.text, bad);
}

/** Enough XML for the simulator's own responses (elements, text, entities; no attributes used). */
export function parseXml(xml: string): XmlNode {
  const stack: XmlNode[] = [{ name: "#doc", children: [], text: "" }];
  const re = /<(\/?)([A-Za-z_][\w.-]*)([^>]*?)(\/?)>|([^<]+)/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const top = stack[stack.length - 1]!;
    if (m[5] !== undefined)
      top.text += m[5]
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, "&");
    else if (m[1]) stack.pop();
    else {
      const node: XmlNode = { name: m[2]!, children: [], text: "" };
      top.children.push(node);
      if (!m[4]) stack.push(node);
    }
  }
  return stack[0]!.children[0] ?? { name: "", children: [], text: "" };
}
