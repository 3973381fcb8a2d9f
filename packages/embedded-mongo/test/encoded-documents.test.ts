/**
 * A find keeps each stored document's encoding as it shaped it (wire/encoded-batches.ts), so
 * a read again copies bytes. What must hold: every read answers the documents as they are
 * now and as this find's projection shapes them, whatever was read before.
 */
import { describe, expect, it } from "vitest";
import { serialize } from "bson";
import { KeptEncodings, type EncodedDocuments } from "../src/wire/kept-encodings.ts";
import { useTestDatabase } from "./support/database.ts";

interface Row {
  _id: number;
  a: number;
  b: string;
  c?: { d: number };
}

describe("kept encodings of stored documents", () => {
  const t = useTestDatabase();

  it("answers a document changed since its last read as it is now", async () => {
    const rows = t.db.collection<Row>("kept_changed");
    await rows.insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: i, a: i, b: `b${i}` })));
    const read = async () => rows.find({}, { projection: { a: 1 }, sort: { _id: 1 }, batchSize: 100 }).toArray();
    expect((await read())[7]).toEqual({ _id: 7, a: 7 });
    await rows.updateOne({ _id: 7 }, { $set: { a: 700 } });
    await rows.replaceOne({ _id: 250 }, { a: -1, b: "replaced" });
    await rows.deleteOne({ _id: 8 });
    const again = await read();
    expect(again[7]).toEqual({ _id: 7, a: 700 });
    expect(again[8]).toEqual({ _id: 9, a: 9 });
    expect(again.find((row) => row._id === 250)).toEqual({ _id: 250, a: -1 });
    expect(again).toHaveLength(299);
  });

  it("answers each find in its own projection, one after another on the same documents", async () => {
    const rows = t.db.collection<Row>("kept_shapes");
    await rows.insertMany([
      { _id: 1, a: 1, b: "x", c: { d: 4 } },
      { _id: 2, a: 2, b: "y" },
    ]);
    const read = async (projection?: Record<string, 0 | 1 | boolean>) => rows.find({}, { ...(projection && { projection }), sort: { _id: 1 } }).toArray();
    for (let round = 0; round < 2; round++) {
      expect(await read({ a: 1 })).toEqual([{ _id: 1, a: 1 }, { _id: 2, a: 2 }]);
      expect(await read({ a: 0 })).toEqual([{ _id: 1, b: "x", c: { d: 4 } }, { _id: 2, b: "y" }]);
      expect(await read({ b: true, _id: false })).toEqual([{ b: "x" }, { b: "y" }]);
      expect(await read({ "c.d": 1 })).toEqual([{ _id: 1, c: { d: 4 } }, { _id: 2 }]);
      expect(await read()).toEqual([{ _id: 1, a: 1, b: "x", c: { d: 4 } }, { _id: 2, a: 2, b: "y" }]);
    }
    // A positional projection depends on the filter: each filter its own answer.
    const tagged = t.db.collection<{ _id: number; tags: string[] }>("kept_positional");
    await tagged.insertOne({ _id: 1, tags: ["p", "q", "r"] });
    expect(await tagged.findOne({ tags: "q" }, { projection: { "tags.$": 1 } })).toEqual({ _id: 1, tags: ["q"] });
    expect(await tagged.findOne({ tags: "r" }, { projection: { "tags.$": 1 } })).toEqual({ _id: 1, tags: ["r"] });
  });

  it("answers a view's documents, which its pipeline makes anew at each read", async () => {
    const rows = t.db.collection<Row>("kept_source");
    await rows.insertMany([{ _id: 1, a: 1, b: "x" }, { _id: 2, a: 2, b: "y" }]);
    await t.db.createCollection("kept_view", { viewOn: "kept_source", pipeline: [{ $set: { a: { $multiply: ["$a", 10] } } }] });
    const view = t.db.collection<Row>("kept_view");
    expect(await view.find({}, { projection: { a: 1 }, sort: { _id: 1 } }).toArray()).toEqual([{ _id: 1, a: 10 }, { _id: 2, a: 20 }]);
    await rows.updateOne({ _id: 1 }, { $set: { a: 5 } });
    expect(await view.find({}, { projection: { a: 1 }, sort: { _id: 1 } }).toArray()).toEqual([{ _id: 1, a: 50 }, { _id: 2, a: 20 }]);
  });

  it("copies a kept encoding for the same shape, encodes anew for another, and stays within its budget", () => {
    const kept = new KeptEncodings(64 * 1024);
    const bytesOf = (encoded: EncodedDocuments, i: number) => Buffer.from(encoded.sources[i]!.subarray(encoded.starts[i], encoded.starts[i]! + encoded.lengths[i]!));
    const docs = Array.from({ length: 2_000 }, (_, i) => ({ _id: i, a: i, b: "x".repeat(i % 50) }));
    const onlyA = docs.map(({ _id, a }) => ({ _id, a }));
    const first = kept.encode(docs.slice(0, 10), onlyA.slice(0, 10), "a");
    const again = kept.encode(docs.slice(0, 10), onlyA.slice(0, 10), "a");
    for (let i = 0; i < 10; i++) {
      expect(bytesOf(again, i)).toEqual(Buffer.from(serialize(onlyA[i]!)));
      // Kept: read from the buffer the first read filled, not encoded again.
      expect(again.sources[i]).toBe(again.sources[0]);
      expect(again.sources[i]).not.toBe(first.sources[i]);
    }
    // Another shape of the same documents is its own.
    const whole = kept.encode(docs.slice(0, 10), docs.slice(0, 10), "");
    expect(bytesOf(whole, 3)).toEqual(Buffer.from(serialize(docs[3]!)));
    // Far more than the budget, read twice: every answer right, and the buffer never past it.
    for (let round = 0; round < 2; round++) {
      const all = kept.encode(docs, docs, "");
      for (let i = 0; i < docs.length; i += 97) expect(bytesOf(all, i)).toEqual(Buffer.from(serialize(docs[i]!)));
      expect(all.bytes).toBeGreaterThan(64 * 1024);
      expect(Math.max(...all.sources.map((source) => source.length))).toBeLessThanOrEqual(64 * 1024);
    }
    // Documents kept before the buffer filled up in the middle of a batch are not read from the new one.
    const late = new KeptEncodings(64 * 1024);
    late.encode(docs.slice(1_000), docs.slice(1_000), "");
    const mixed = late.encode(docs, docs, "");
    for (let i = 0; i < docs.length; i += 7) expect(bytesOf(mixed, i)).toEqual(Buffer.from(serialize(docs[i]!)));
    expect(bytesOf(kept.encode(docs.slice(5, 6), onlyA.slice(5, 6), "a"), 0)).toEqual(Buffer.from(serialize(onlyA[5]!)));
  });
});
