import { inflateRawSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { BlobCompressor, compressBlob } from "@/lib/compliance/store/blob-compressor";

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
