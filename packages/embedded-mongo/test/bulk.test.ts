import { describe, expect, it } from "vitest";
import { MongoBulkWriteError } from "mongodb";
import { useTestDatabase } from "./support/database.ts";

type Doc = { _id: number; email?: string; n?: number };

describe("bulk writes", () => {
  const t = useTestDatabase();

  it("mixes inserts, updates, upserts and deletes and counts each", async () => {
    const c = t.db.collection<Doc>("mixed");
    const result = await c.bulkWrite([
      { insertOne: { document: { _id: 1, n: 1 } } },
      { insertOne: { document: { _id: 2, n: 1 } } },
      { updateMany: { filter: { n: 1 }, update: { $inc: { n: 1 } } } },
      { updateOne: { filter: { _id: 3 }, update: { $set: { n: 7 } }, upsert: true } },
      { replaceOne: { filter: { _id: 1 }, replacement: { n: 0 } } },
      { deleteOne: { filter: { _id: 2 } } },
    ]);
    expect(result).toMatchObject({ insertedCount: 2, matchedCount: 3, modifiedCount: 3, upsertedCount: 1, deletedCount: 1 });
    expect(await c.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1, n: 0 }, { _id: 3, n: 7 }]);
  });

  it("an ordered bulk stops at the first unique violation, reporting its index", async () => {
    const c = t.db.collection<Doc>("ordered");
    await c.createIndex({ email: 1 }, { unique: true });
    const error = (await c.bulkWrite([
      { insertOne: { document: { _id: 1, email: "a" } } },
      { insertOne: { document: { _id: 2, email: "a" } } },
      { insertOne: { document: { _id: 3, email: "c" } } },
    ]).catch((e: unknown) => e)) as MongoBulkWriteError;
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    expect([error.writeErrors].flat().map((e) => [e.index, e.code])).toEqual([[1, 11000]]);
    expect(await c.countDocuments()).toBe(1);
  });

  it("an unordered bulk applies every other operation", async () => {
    const c = t.db.collection<Doc>("unordered");
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertOne({ _id: 1, email: "a" });
    const error = (await c.bulkWrite([
      { insertOne: { document: { _id: 2, email: "a" } } },
      { updateOne: { filter: { _id: 1 }, update: { $set: { n: 1 } } } },
      { insertOne: { document: { _id: 3, email: "c" } } },
    ], { ordered: false }).catch((e: unknown) => e)) as MongoBulkWriteError;
    expect([error.writeErrors].flat().map((e) => e.index)).toEqual([0]);
    expect(await c.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1, email: "a", n: 1 }, { _id: 3, email: "c" }]);
  });

  it("a raw update batch reports the unique violation as a write error with keyPattern and keyValue", async () => {
    const c = t.db.collection<Doc>("raw");
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertMany([{ _id: 1, email: "a" }, { _id: 2, email: "b" }]);
    const reply = await t.db.command({ update: "raw", updates: [{ q: { _id: 2 }, u: { $set: { email: "a" } } }], ordered: false });
    expect(reply).toMatchObject({ ok: 1, n: 0, nModified: 0 });
    expect(reply.writeErrors).toEqual([expect.objectContaining({ index: 0, code: 11000, keyPattern: { email: 1 }, keyValue: { email: "a" } })]);
  });
});
