import { inflateRawSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { BlobCompressor, compressBlob } from "@/lib/compliance/store/blob-compressor";
import { JsonWriter } from "@/lib/compliance/store/json-writer";

const inflate = (b: Buffer) => inflateRawSync(b).toString("utf8");

describe("BlobCompressor (panel blobs deflated on a thread of its own)", () => {
  const z = new BlobCompressor();
  afterEach(() => z.close());

  it("deflates a batch in order, each blob on its own, exactly as on the calling thread", async () => {
    const texts = ["a".repeat(10), JSON.stringify({ x: [1, 2, 3] }), "é".repeat(70_000), ""];
    const blobs = await z.compress(texts);
    expect(blobs.map(inflate)).toEqual(texts);
    expect(blobs.every((b) => Buffer.isBuffer(b))).toBe(true);
    expect(blobs).toEqual(texts.map(compressBlob));
  });

  it("deflates texts written one after the other into one buffer, moving the buffer", async () => {
    const texts = ['{"a":"b"}', "", "é — 😀 ".repeat(1000), "[1,2,3]"];
    const w = new JsonWriter(16);
    const ends: number[] = [];
    for (const t of texts) {
      w.text(t);
      ends.push(w.at);
    }
    const { data, length } = w.detach();
    expect(length).toBe(ends.at(-1));
    const blobs = await z.compressPacked(data, ends);
    expect(data.byteLength).toBe(0); // moved to the compressor's thread
    expect(blobs.map(inflate)).toEqual(texts);
    expect(blobs).toEqual(texts.map(compressBlob));
    expect(await z.compress([Buffer.from("bytes"), "text"])).toEqual([compressBlob("bytes"), compressBlob("text")]);
  });

  it("keeps concurrent batches apart", async () => {
    const batches = Array.from({ length: 20 }, (_, i) =>
      Array.from({ length: i % 4 }, (_, j) => `batch ${i} blob ${j} `.repeat(50)),
    );
    const results = await Promise.all(batches.map((b) => z.compress(b)));
    expect(results.map((r) => r.map(inflate))).toEqual(batches);
  });

  it("refuses a batch that is not text with an error, and goes on compressing the next", async () => {
    await expect(z.compress(["fine", 42 as unknown as string])).rejects.toThrow(
      /compressing panel blobs failed: a number is not text/,
    );
    expect((await z.compress(["still here"])).map(inflate)).toEqual(["still here"]);
  });

  it("starts afresh after close", async () => {
    expect((await z.compress(["one"])).map(inflate)).toEqual(["one"]);
    await z.close();
    expect((await z.compress(["two"])).map(inflate)).toEqual(["two"]);
  });
});
