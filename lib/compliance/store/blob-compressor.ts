// Deflates an evaluation's panel blobs on a thread of its own, a batch per message, while the
// evaluation's thread goes on evaluating: a first evaluation deflates hundreds of MB of JSON, and
// the evaluation's thread is what bounds its wall time.
//
// A batch is one round trip (a few MB of strings), never a blob: a round trip per blob leaves the
// evaluation idle waiting on them.
// The worker is plain JavaScript given as source, so it runs the same under tsx, Vitest and Next.
import { Worker } from "node:worker_threads";
import { deflateRawSync } from "node:zlib";

const LEVEL = 1;

// Texts go over as one buffer of UTF-8 and come back as one buffer of blobs, both moved (not
// copied) between the threads: cloning the strings instead kept ~150 MB more of the evaluation's
// peak memory in copies waiting for a collection.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { deflateRawSync } = require("node:zlib");
parentPort.on("message", ({ id, data, ends }) => {
  try {
    const input = Buffer.from(data);
    const blobs = [];
    let start = 0;
    for (const end of ends) {
      blobs.push(deflateRawSync(input.subarray(start, end), { level: ${LEVEL} }));
      start = end;
    }
    const out = Buffer.allocUnsafeSlow(blobs.reduce((n, b) => n + b.length, 0));
    const outEnds = [];
    let at = 0;
    for (const b of blobs) {
      b.copy(out, at);
      outEnds.push((at += b.length));
    }
    parentPort.postMessage({ id, data: out.buffer, ends: outEnds }, [out.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

/** Text, or text already encoded as UTF-8 (see JsonWriter). */
export type BlobText = string | Uint8Array;

/** The texts as one UTF-8 buffer of their own (movable to another thread) and where each ends. */
function pack(texts: readonly BlobText[]): { data: ArrayBuffer; ends: number[] } {
  const ends: number[] = [];
  let total = 0;
  for (const t of texts) {
    if (typeof t !== "string" && !(t instanceof Uint8Array))
      throw new TypeError(`compressing panel blobs failed: a ${typeof t} is not text`);
    ends.push((total += typeof t === "string" ? Buffer.byteLength(t) : t.length));
  }
  const buf = Buffer.allocUnsafeSlow(total);
  let at = 0;
  for (const t of texts) {
    if (typeof t === "string") at += buf.write(t, at);
    else {
      buf.set(t, at);
      at += t.length;
    }
  }
  return { data: buf.buffer as ArrayBuffer, ends };
}

/** One blob, on the calling thread (small writes, tests, and what the worker does). */
export const compressBlob = (text: BlobText): Buffer =>
  deflateRawSync(typeof text === "string" ? Buffer.from(text) : text, { level: LEVEL });

export class BlobCompressor {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (b: Buffer[]) => void; reject: (e: Error) => void }>();

  private start(): Worker {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    // An idle compressor never keeps the process alive; a batch in flight does (see compress).
    w.unref();
    w.on("message", (m: { id: number; data?: ArrayBuffer; ends?: number[]; error?: string }) => {
      const p = this.waiting.get(m.id);
      if (!p) return;
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) w.unref();
      if (m.error !== undefined) p.reject(new Error(`compressing panel blobs failed: ${m.error}`));
      else {
        const all = Buffer.from(m.data!);
        p.resolve(m.ends!.map((end, i) => all.subarray(i === 0 ? 0 : m.ends![i - 1], end)));
      }
    });
    const fail = (e: Error) => {
      for (const p of this.waiting.values()) p.reject(e);
      this.waiting.clear();
      this.worker = null;
    };
    w.on("error", fail);
    w.on("exit", (code) => fail(new Error(`the panel compressor thread exited (code ${code})`)));
    return w;
  }

  /** The texts deflated, in order. */
  compress(texts: BlobText[]): Promise<Buffer[]> {
    if (texts.length === 0) return Promise.resolve([]);
    let packed: { data: ArrayBuffer; ends: number[] };
    try {
      packed = pack(texts);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.compressPacked(packed.data, packed.ends);
  }

  /**
   * Texts already written one after the other into `data` (UTF-8), each ending at its `ends`,
   * deflated in order. `data` is moved to the compressor's thread: the caller lets go of it.
   */
  compressPacked(data: ArrayBuffer, ends: number[]): Promise<Buffer[]> {
    if (ends.length === 0) return Promise.resolve([]);
    const message = { id: this.nextId++, data, ends };
    const w = (this.worker ??= this.start());
    return new Promise<Buffer[]>((resolve, reject) => {
      this.waiting.set(message.id, { resolve, reject });
      w.ref();
      w.postMessage(message, [message.data]);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) {
      w.removeAllListeners("exit");
      await w.terminate();
    }
  }
}
