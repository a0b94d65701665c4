// Strict JSON for policy documents. JSON.parse is not enough: it silently keeps the last of two
// duplicate keys, while AWS refuses a document with duplicate keys ("Backup policy syntax and
// examples"), and it reports no path. So documents are read as text by this small RFC 8259 parser.
import { childPath, malformed, type PolicyError } from "./errors";
import { checkPolicySize, type SaveChannel } from "./size";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };
export type ParseResult = { ok: true; value: JsonObject } | { ok: false; error: PolicyError };

class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

export function isJsonObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Parses a policy document's exact text: strict JSON, refusing duplicate keys at any depth (JSON.parse silently keeps the last), a non-object top level, and more than 10,000 characters as AWS counts them.
 * `channel` says how the text will reach AWS: "api" (default; the whole text counts) or "console" (white space outside strings is stripped first); see size.ts.
 */
export function parsePolicyText(text: string, options: { channel?: SaveChannel } = {}): ParseResult {
  const tooBig = checkPolicySize(text, options.channel);
  if (tooBig) return { ok: false, error: tooBig };
  let value: Json;
  try {
    value = new Reader(text).document();
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return { ok: false, error: malformed(e.reason, e.message, e.path) };
  }
  if (!isJsonObject(value)) {
    const kind = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    return {
      ok: false,
      error: malformed("NOT_AN_OBJECT", `A policy document must be a JSON object, not ${kind}.`, "$"),
    };
  }
  return { ok: true, value };
}

/** Deep enough for any real policy; guards the recursion against "[[[[…" documents. */
const MAX_DEPTH = 512;

class Reader {
  private i = 0;
  constructor(private readonly s: string) {}

  document(): Json {
    this.ws();
    const v = this.value("$", 0);
    this.ws();
    if (this.i < this.s.length) this.fail("INVALID_JSON", "unexpected text after the document", "$");
    return v;
  }

  private value(path: string, depth: number): Json {
    if (depth > MAX_DEPTH) this.fail("INVALID_JSON", `nesting deeper than ${MAX_DEPTH} levels`, path);
    const c = this.s[this.i];
    if (c === "{") return this.object(path, depth);
    if (c === "[") return this.array(path, depth);
    if (c === '"') return this.string(path);
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number(path);
    for (const [word, v] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    return this.fail(
      "INVALID_JSON",
      c === undefined ? "unexpected end of text, expected a value" : `unexpected ${describe(c)}, expected a value`,
      path,
    );
  }

  private object(path: string, depth: number): JsonObject {
    this.i++; // {
    const out: JsonObject = {};
    const seen = new Set<string>();
    this.ws();
    if (this.s[this.i] === "}") {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"')
        this.fail("INVALID_JSON", `expected a key in double quotes, found ${this.found()}`, path);
      const keyAt = this.i;
      const key = this.string(path);
      const at = childPath(path, key);
      if (seen.has(key)) this.fail("DUPLICATE_KEY", `duplicate key ${JSON.stringify(key)}`, at, keyAt);
      seen.add(key);
      this.ws();
      if (this.s[this.i] !== ":") this.fail("INVALID_JSON", `expected ':' after a key, found ${this.found()}`, at);
      this.i++;
      this.ws();
      // defineProperty, so that a "__proto__" key is an ordinary own key (as it is to AWS), not a prototype.
      Object.defineProperty(out, key, {
        value: this.value(at, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.ws();
      const c = this.s[this.i];
      this.i++;
      if (c === "}") return out;
      if (c !== ",")
        this.fail(
          "INVALID_JSON",
          `expected ',' or '}' in an object, found ${c === undefined ? "end of text" : describe(c)}`,
          path,
          this.i - 1,
        );
    }
  }

  private array(path: string, depth: number): Json[] {
    this.i++; // [
    const out: Json[] = [];
    this.ws();
    if (this.s[this.i] === "]") {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value(childPath(path, out.length), depth + 1));
      this.ws();
      const c = this.s[this.i];
      this.i++;
      if (c === "]") return out;
      if (c !== ",")
        this.fail(
          "INVALID_JSON",
          `expected ',' or ']' in an array, found ${c === undefined ? "end of text" : describe(c)}`,
          path,
          this.i - 1,
        );
    }
  }

  private string(path: string): string {
    const start = this.i;
    this.i++; // "
    let out = "";
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) this.fail("INVALID_JSON", "unterminated string", path, start);
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c < " ") this.fail("INVALID_JSON", `unescaped control character ${describe(c)} in a string`, path);
      if (c !== "\\") {
        out += c;
        this.i++;
        continue;
      }
      const e = this.s[this.i + 1];
      const simple: Record<string, string> = {
        '"': '"',
        "\\": "\\",
        "/": "/",
        b: "\b",
        f: "\f",
        n: "\n",
        r: "\r",
        t: "\t",
      };
      if (e !== undefined && e in simple) {
        out += simple[e];
        this.i += 2;
      } else if (e === "u" && /^[0-9A-Fa-f]{4}$/.test(this.s.slice(this.i + 2, this.i + 6))) {
        out += String.fromCharCode(parseInt(this.s.slice(this.i + 2, this.i + 6), 16));
        this.i += 6;
      } else {
        this.fail("INVALID_JSON", "invalid escape in a string", path);
      }
    }
  }

  private number(path: string): number {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) return this.fail("INVALID_JSON", "invalid number", path);
    this.i += m[0].length;
    if (/[0-9.eE]/.test(this.s[this.i] ?? ""))
      this.fail("INVALID_JSON", "invalid number (no leading zeros, digits after '.' and after an exponent)", path);
    return Number(m[0]);
  }

  private ws(): void {
    // RFC 8259 whitespace only: space, tab, line feed, carriage return.
    while (this.i < this.s.length && " \t\n\r".includes(this.s[this.i] as string)) this.i++;
  }

  private found(): string {
    const c = this.s[this.i];
    return c === undefined ? "end of text" : describe(c);
  }

  private fail(reason: string, what: string, path: string, at = this.i): never {
    const before = this.s.slice(0, at);
    const line = before.split("\n").length;
    const column = at - before.lastIndexOf("\n");
    const kind = reason === "DUPLICATE_KEY" ? "Duplicate key" : "Invalid JSON";
    throw new JsonSyntaxError(reason, `${kind} at line ${line}, column ${column} (position ${at}): ${what}.`, path);
  }
}

function describe(c: string): string {
  return c < " " || c === "\u007f"
    ? `character U+${c.charCodeAt(0).toString(16).padStart(4, "0").toUpperCase()}`
    : `'${c}'`;
}
