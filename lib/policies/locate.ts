// Where a validation error's JSON path is in the text, so the editor can mark it. Tolerant: it
// scans as far as the text is JSON and answers null past that; the parser's own errors carry the
// character position instead ("… (position 123)"), which errorRange reads.
import type { PolicyError } from "./errors";

export interface TextRange {
  from: number;
  to: number;
}

type Segment = string | number;

/** "$.plans.Daily.rules[\"a b\"].tags[0]" → ["plans", "Daily", "rules", "a b", "tags", 0]. */
export function pathSegments(path: string): Segment[] | null {
  if (!path.startsWith("$")) return null;
  const out: Segment[] = [];
  const step = /\.([A-Za-z_$][A-Za-z0-9_$]*)|\[("(?:[^"\\]|\\.)*")\]|\[(\d+)\]/y;
  step.lastIndex = 1;
  while (step.lastIndex < path.length) {
    const m = step.exec(path);
    if (!m) return null;
    out.push(m[1] ?? (m[2] !== undefined ? (JSON.parse(m[2]) as string) : Number(m[3])));
  }
  return out;
}

class Scanner {
  i = 0;
  constructor(readonly s: string) {}
  ws() {
    while (this.i < this.s.length && " \t\n\r".includes(this.s[this.i]!)) this.i++;
  }
  /** Skips one value; false when the text stops being JSON. */
  skip(): boolean {
    this.ws();
    const c = this.s[this.i];
    if (c === '"') return this.string() !== null;
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      this.i++;
      this.ws();
      if (this.s[this.i] === close) return ++this.i > 0;
      for (;;) {
        if (c === "{") {
          this.ws();
          if (this.string() === null) return false;
          this.ws();
          if (this.s[this.i++] !== ":") return false;
        }
        if (!this.skip()) return false;
        this.ws();
        const next = this.s[this.i++];
        if (next === close) return true;
        if (next !== ",") return false;
      }
    }
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(this.s.slice(this.i, this.i + 64));
    if (!m) return false;
    this.i += m[0].length;
    return true;
  }
  string(): string | null {
    if (this.s[this.i] !== '"') return null;
    const start = this.i++;
    while (this.i < this.s.length && this.s[this.i] !== '"') this.i += this.s[this.i] === "\\" ? 2 : 1;
    if (this.i >= this.s.length) return null;
    this.i++;
    try {
      return JSON.parse(this.s.slice(start, this.i)) as string;
    } catch {
      return null;
    }
  }
}

/**
 * The range of the key at `path` (a key reads better marked than a whole object), or of its value
 * with `prefer: "value"` or when it has no key (an array item, the document). The first of
 * duplicate keys wins.
 */
export function locatePath(text: string, path: string, prefer: "key" | "value" = "key"): TextRange | null {
  const segments = pathSegments(path);
  if (!segments) return null;
  const s = new Scanner(text);
  let key: TextRange | null = null;
  for (const seg of segments) {
    s.ws();
    const open = text[s.i];
    if (typeof seg === "number" ? open !== "[" : open !== "{") return null;
    s.i++;
    let found = false;
    for (let index = 0; !found; index++) {
      s.ws();
      if (text[s.i] === "}" || text[s.i] === "]") return null;
      if (typeof seg === "string") {
        const from = s.i;
        const name = s.string();
        if (name === null) return null;
        const to = s.i;
        s.ws();
        if (text[s.i++] !== ":") return null;
        if (name === seg) {
          key = { from, to };
          found = true;
          break;
        }
      } else if (index === seg) {
        key = null;
        found = true;
        break;
      }
      if (!s.skip()) return null;
      s.ws();
      if (text[s.i] === ",") s.i++;
    }
  }
  s.ws();
  const from = s.i;
  if (key && prefer === "key") return key;
  if (segments.length === 0) return { from, to: Math.min(text.length, from + 1) };
  return s.skip() ? { from, to: s.i } : { from, to: Math.min(text.length, from + 1) };
}

/** Where to mark an error: the parser's position for JSON syntax, else the path's key or value. */
export function errorRange(text: string, error: PolicyError): TextRange {
  const at = /\(position (\d+)\)/.exec(error.message);
  if (at) {
    const from = Math.min(Number(at[1]), text.length);
    return { from: Math.max(0, Math.min(from, text.length - 1)), to: Math.min(text.length, from + 1) };
  }
  // A wrong value is marked on the value, e.g. the "30" of {"@@assign": "30"}; a wrong key on the key.
  const onValue = /\["@@(assign|append|remove)"\]$/.test(error.path) && error.reason !== "OPERATOR_NOT_ALLOWED";
  return locatePath(text, error.path, onValue ? "value" : "key") ?? { from: 0, to: Math.min(text.length, 1) };
}
