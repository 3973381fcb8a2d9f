import { describe, expect, it } from "vitest";
import type { Filter } from "mongodb";
import { useTestDatabase } from "./support/database.ts";

type Doc = { _id: number; email?: string | null; a?: number; b?: number; active?: boolean; at?: Date };

describe("indexes", () => {
  const t = useTestDatabase();
  let n = 0;
  const fresh = () => t.db.collection<Doc>(`ix${(n += 1)}`);

  it("createIndex names the index after its keys and listIndexes shows it next to _id_", async () => {
    const c = fresh();
    expect(await c.createIndex({ a: 1, b: -1 })).toBe("a_1_b_-1");
    const indexes = await c.listIndexes().toArray();
    expect(indexes.map((i) => [i.name, i.key])).toEqual([["_id_", { _id: 1 }], ["a_1_b_-1", { a: 1, b: -1 }]]);
  });

  it("createIndexes reports counts and is idempotent for an identical index", async () => {
    const c = fresh();
    const first = await t.db.command({ createIndexes: c.collectionName, indexes: [{ key: { a: 1 }, name: "a_1" }] });
    expect(first).toMatchObject({ ok: 1, numIndexesBefore: 1, numIndexesAfter: 2, createdCollectionAutomatically: true });
    const again = await t.db.command({ createIndexes: c.collectionName, indexes: [{ key: { a: 1 }, name: "a_1" }] });
    expect(again).toMatchObject({ ok: 1, numIndexesBefore: 2, numIndexesAfter: 2 });
  });

  it("the same name with other keys, or the same keys with another name, conflict", async () => {
    const c = fresh();
    await c.createIndex({ a: 1 }, { name: "mine" });
    await expect(c.createIndex({ b: 1 }, { name: "mine" })).rejects.toMatchObject({ code: 86 });
    await expect(c.createIndex({ a: 1 }, { name: "other" })).rejects.toMatchObject({ code: 85 });
  });

  it("a unique index refuses a second document with the same key, including missing keys", async () => {
    const c = fresh();
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertOne({ _id: 1, email: "a@x" });
    await expect(c.insertOne({ _id: 2, email: "a@x" })).rejects.toMatchObject({ code: 11000, keyPattern: { email: 1 }, keyValue: { email: "a@x" } });
    await c.insertOne({ _id: 3 });
    await expect(c.insertOne({ _id: 4 })).rejects.toMatchObject({ code: 11000, keyValue: { email: null } });
    await c.deleteOne({ _id: 1 });
    await c.insertOne({ _id: 5, email: "a@x" });
  });

  it("a compound unique index compares whole keys", async () => {
    const c = fresh();
    await c.createIndex({ a: 1, b: 1 }, { unique: true });
    await c.insertMany([{ _id: 1, a: 1, b: 1 }, { _id: 2, a: 1, b: 2 }]);
    await expect(c.insertOne({ _id: 3, a: 1, b: 2 })).rejects.toMatchObject({ code: 11000, keyPattern: { a: 1, b: 1 }, keyValue: { a: 1, b: 2 } });
  });

  it("a unique index on an array field treats every element as a key", async () => {
    const c = t.db.collection<{ _id: number; tags: string[] }>(`ix${(n += 1)}`);
    await c.createIndex({ tags: 1 }, { unique: true });
    await c.insertOne({ _id: 1, tags: ["a", "b"] });
    await expect(c.insertOne({ _id: 2, tags: ["c", "b"] })).rejects.toMatchObject({ code: 11000 });
    await c.insertOne({ _id: 3, tags: ["c"] });
  });

  it("building a unique index over duplicates fails with 11000 and leaves no index", async () => {
    const c = fresh();
    await c.insertMany([{ _id: 1, a: 1 }, { _id: 2, a: 1 }]);
    await expect(c.createIndex({ a: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(["_id_"]);
  });

  it("a sparse unique index ignores documents without the field", async () => {
    const c = fresh();
    await c.createIndex({ email: 1 }, { unique: true, sparse: true });
    await c.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3, email: "x" }]);
    await expect(c.insertOne({ _id: 4, email: "x" })).rejects.toMatchObject({ code: 11000 });
    expect(await c.countDocuments({ email: null })).toBe(2);
  });

  it("a partial unique index only constrains documents matching its filter", async () => {
    const c = fresh();
    await c.createIndex({ email: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await c.insertMany([{ _id: 1, email: "x", active: false }, { _id: 2, email: "x", active: true }]);
    await expect(c.insertOne({ _id: 3, email: "x", active: true })).rejects.toMatchObject({ code: 11000 });
    await c.insertOne({ _id: 4, email: "x", active: false });
    expect((await c.listIndexes().toArray())[1]).toMatchObject({ unique: true, partialFilterExpression: { active: true } });
  });

  it("queries through an index return the same answers as without", async () => {
    const c = fresh();
    await c.insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: i, a: i % 20, b: i })));
    const expectations = [
      [{ a: 3 }, 10], [{ a: { $in: [1, 2, 99] } }, 20], [{ a: { $gt: 17 } }, 20], [{ a: { $gte: 5, $lt: 7 } }, 20],
      [{ a: { $lte: 0 } }, 10], [{ a: 3, b: { $gt: 100 } }, 5], [{ $and: [{ a: 4 }, { b: { $lt: 50 } }] }, 3],
    ] as const;
    const before = await Promise.all(expectations.map(([filter]) => c.countDocuments(filter as Filter<Doc>)));
    await c.createIndex({ a: 1 });
    const after = await Promise.all(expectations.map(([filter]) => c.countDocuments(filter as Filter<Doc>)));
    expect(after).toEqual(before);
    expect(after).toEqual(expectations.map(([, count]) => count));
    expect((await c.find({ a: 3 }).sort({ b: -1 }).limit(2).toArray()).map((d) => d._id)).toEqual([183, 163]);
  });

  it("a sort served by an index gives the same order as a sort without one", async () => {
    const c = t.db.collection<{ _id: number; v?: unknown; w: number }>(`ix${(n += 1)}`);
    await c.insertMany([
      { _id: 1, v: 5, w: 1 }, { _id: 2, v: [1, 9], w: 2 }, { _id: 3, w: 3 }, { _id: 4, v: "a", w: 4 },
      { _id: 5, v: 3, w: 5 }, { _id: 6, v: null, w: 6 }, { _id: 7, v: [4], w: 7 }, { _id: 8, v: 7, w: 8 },
    ]);
    const orders = async () => Promise.all(
      ([{ v: 1 }, { v: -1 }] as const).flatMap((sort) => [
        c.find({}, { sort, projection: { _id: 1 } }).toArray(),
        c.find({ w: { $gt: 2 } }, { sort, limit: 3, projection: { _id: 1 } }).toArray(),
      ]),
    );
    const withoutIndex = await orders();
    await c.createIndex({ v: 1 });
    const withIndex = await orders();
    // Documents with equal sort keys may come in any order: compare the keys' order only.
    const keyOrder = async (runs: { _id: number }[][]) => {
      const docs = new Map((await c.find().toArray()).map((d) => [d._id, JSON.stringify(d.v ?? null)]));
      return runs.map((run) => run.map((d) => docs.get(d._id)));
    };
    expect(await keyOrder(withIndex)).toEqual(await keyOrder(withoutIndex));
    expect(withIndex[0]!.map((d) => d._id).slice(2)).toEqual([2, 5, 7, 1, 8, 4]);
    expect(withIndex[2]!.map((d) => d._id).slice(0, 6)).toEqual([4, 2, 8, 1, 7, 5]);
  });

  it("an index on a field of mixed types still finds every match", async () => {
    const c = t.db.collection<{ _id: number; v?: unknown }>(`ix${(n += 1)}`);
    await c.createIndex({ v: 1 });
    await c.insertMany([{ _id: 1, v: 1 }, { _id: 2, v: "1" }, { _id: 3, v: 1.0 }, { _id: 4, v: [1, 2] }, { _id: 5, v: null }, { _id: 6 }]);
    expect((await c.find({ v: 1 }).toArray()).map((d) => d._id).sort()).toEqual([1, 3, 4]);
    expect((await c.find({ v: null }).toArray()).map((d) => d._id).sort()).toEqual([5, 6]);
    expect((await c.find({ v: { $gte: 2 } }).toArray()).map((d) => d._id)).toEqual([4]);
    expect((await c.find({ v: [1, 2] }).toArray()).map((d) => d._id)).toEqual([4]);
  });

  it("dropIndex removes an index by name or key; the _id index cannot be dropped", async () => {
    const c = fresh();
    await c.createIndex({ a: 1 });
    await c.createIndex({ b: 1 });
    await c.dropIndex("a_1");
    await c.dropIndex({ b: 1 } as never);
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(["_id_"]);
    await expect(c.dropIndex("a_1")).rejects.toMatchObject({ code: 27 });
    await expect(c.dropIndex("_id_")).rejects.toMatchObject({ code: 72 });
  });

  it("dropIndexes * removes every index but _id_", async () => {
    const c = fresh();
    await c.createIndexes([{ key: { a: 1 } }, { key: { b: 1 } }]);
    await c.dropIndexes();
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(["_id_"]);
  });

  it("an index key must be ordered by a non-zero number, and a TTL index has one field", async () => {
    const c = fresh();
    await expect(c.createIndex({ a: 0 } as never)).rejects.toMatchObject({ code: 67 });
    await expect(c.createIndex({ a: "sideways" } as never)).rejects.toMatchObject({ code: 67 });
    await expect(c.createIndex({ a: 1, b: 1 }, { expireAfterSeconds: 10 })).rejects.toMatchObject({ code: 67 });
  });

  it("listIndexes on a missing collection fails with NamespaceNotFound", async () => {
    await expect(t.db.collection("no-such").listIndexes().toArray()).rejects.toMatchObject({ code: 26 });
  });

  it(
    "a TTL index deletes documents once their date is older than expireAfterSeconds",
    async () => {
      const c = fresh();
      await c.createIndex({ at: 1 }, { expireAfterSeconds: 1 });
      await c.insertMany([{ _id: 1, at: new Date(Date.now() - 60_000) }, { _id: 2, at: new Date(Date.now() + 3_600_000) }, { _id: 3 }]);
      expect((await c.listIndexes().toArray())[1]).toMatchObject({ expireAfterSeconds: 1 });
      // mongod sweeps once a minute, the embedded server every second: poll.
      const deadline = Date.now() + 120_000;
      while ((await c.countDocuments({ _id: 1 })) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      expect((await c.find().toArray()).map((d) => d._id).sort()).toEqual([2, 3]);
    },
    130_000,
  );
});
