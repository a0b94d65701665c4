// JSON text written straight into bytes, exactly as JSON.stringify would write the same values: a
// first evaluation encodes millions of findings, and building their JSON as objects and strings
// first (then encoding the strings to UTF-8 for the compressor) made most of the garbage it
// collected. Strings of plain ASCII (ARNs, ids, most reasons) are copied byte by byte; any other
// string goes through JSON.stringify, so escapes and non-ASCII text come out byte-identical.

export class JsonWriter {
  private buf: Buffer;
  at = 0;

  constructor(capacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(capacity);
  }

  /** Forgets what was written (the buffer is kept for the next text). */
  reset(): this {
    this.at = 0;
    return this;
  }

  private grow(need: number): void {
    let size = Math.max(this.buf.length * 2, 256);
    while (size < this.at + need) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  /** Room for `n` more bytes. */
  ensure(n: number): void {
    if (this.at + n > this.buf.length) this.grow(n);
  }

  /** One ASCII character (punctuation). */
  byte(c: number): void {
    if (this.at >= this.buf.length) this.grow(1);
    this.buf[this.at++] = c;
  }

  /** ASCII text that needs no escaping (property names and punctuation). */
  raw(s: string): void {
    this.ensure(s.length);
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < s.length; i++) buf[at++] = s.charCodeAt(i);
    this.at = at;
  }

  /** A number as JSON writes it (non-finite numbers are null). */
  num(n: number): void {
    if ((n | 0) === n && n >= 0) {
      this.ensure(10);
      const buf = this.buf;
      if (n < 10) {
        buf[this.at++] = 48 + n;
        return;
      }
      let digits = 1;
      for (let m = n; m >= 10; m = (m / 10) | 0) digits++;
      let at = (this.at += digits);
      do {
        buf[--at] = 48 + (n % 10);
        n = (n / 10) | 0;
      } while (n > 0);
      return;
    }
    this.raw(Number.isFinite(n) ? String(n) : "null");
  }

  /** The JSON text of a string, from character `from` on (a common prefix left out). */
  str(s: string, from = 0): void {
    const len = s.length - from;
    this.ensure(len + 2);
    const buf = this.buf;
    const start = this.at;
    let at = start;
    buf[at++] = 34;
    for (let i = from; i < s.length; i++) {
      const c = s.charCodeAt(i);
      // Control characters, '"', '\\' and anything beyond ASCII: JSON.stringify's own text.
      if (c < 32 || c === 34 || c === 92 || c > 126) {
        this.at = start;
        this.text(JSON.stringify(from === 0 ? s : s.slice(from)));
        return;
      }
      buf[at++] = c;
    }
    buf[at++] = 34;
    this.at = at;
  }

  /** Any text, as UTF-8. */
  text(s: string): void {
    this.ensure(s.length * 3);
    this.at += this.buf.write(s, this.at, "utf8");
  }

  /** Bytes written by another writer. */
  append(w: JsonWriter): void {
    this.ensure(w.at);
    w.buf.copy(this.buf, this.at, 0, w.at);
    this.at += w.at;
  }

  /**
   * What was written, as the writer's own memory (movable to another thread: nothing else shares
   * it); the writer is done with.
   */
  detach(): { data: ArrayBuffer; length: number } {
    const out = { data: this.buf.buffer as ArrayBuffer, length: this.at };
    this.buf = Buffer.alloc(0);
    this.at = 0;
    return out;
  }

  /** A copy of what was written, in a buffer of its own. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.at);
    this.buf.copy(out, 0, 0, this.at);
    return out;
  }
}
