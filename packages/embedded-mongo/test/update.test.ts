import { describe, expect, it } from "vitest";
import { MongoServerError } from "mongodb";
import { useTestDatabase, anyUpdate, type AnyDocument } from "./support/database.ts";

type Doc = AnyDocument;

describe("update", () => {
  const t = useTestDatabase();
  let counter = 0;
  /** A fresh collection holding `doc`; returns a function that reads it back after an update. */
  async function given(doc: Doc) {
    counter += 1;
    const c = t.db.collection<Doc>(`u${counter}`);
    await c.insertOne(doc);
    return { c, after: async (update: object, options: object = {}) => {
      await c.updateOne({ _id: doc._id }, update, options);
      return c.findOne({ _id: doc._id });
    } };
  }

  it("$set and $unset write and remove fields, creating sub-documents on the way", async () => {
    const { after } = await given({ _id: 1, a: 1, b: 2 });
    expect(await after({ $set: { a: 10, "x.y.z": true }, $unset: { b: "" } })).toEqual({ _id: 1, a: 10, x: { y: { z: true } } });
  });

  it("$inc, $mul, $min and $max do arithmetic and comparisons", async () => {
    const { after } = await given({ _id: 1, n: 5, m: 3, lo: 10, hi: 10 });
    expect(await after({ $inc: { n: 2, fresh: 1 }, $mul: { m: 4 }, $min: { lo: 7 }, $max: { hi: 7 } })).toEqual({ _id: 1, n: 7, m: 12, lo: 7, hi: 10, fresh: 1 });
  });

  it("$rename moves a field", async () => {
    const { after } = await given({ _id: 1, old: "v" });
    expect(await after({ $rename: { old: "renamed" } })).toEqual({ _id: 1, renamed: "v" });
  });

  it("$push appends, with $each, $position, $sort and $slice", async () => {
    const { after } = await given({ _id: 1, list: [3, 1] });
    expect(await after({ $push: { list: 2 } })).toEqual({ _id: 1, list: [3, 1, 2] });
    expect(await after({ $push: { list: { $each: [0], $position: 0 } } })).toEqual({ _id: 1, list: [0, 3, 1, 2] });
    expect(await after({ $push: { list: { $each: [9, 8], $sort: 1, $slice: 3 } } })).toEqual({ _id: 1, list: [0, 1, 2] });
  });

  it("$addToSet adds only missing values; $pop, $pull and $pullAll remove", async () => {
    const { after } = await given({ _id: 1, set: ["a"], list: [1, 2, 3, 4, 5, 2], objs: [{ k: 1 }, { k: 2 }] });
    expect(await after({ $addToSet: { set: { $each: ["a", "b"] } } })).toMatchObject({ set: ["a", "b"] });
    expect(await after({ $pop: { list: -1 } })).toMatchObject({ list: [2, 3, 4, 5, 2] });
    expect(await after({ $pull: { list: 2, objs: { k: 2 } } })).toMatchObject({ list: [3, 4, 5], objs: [{ k: 1 }] });
    expect(await after({ $pull: { list: { $gte: 5 } } })).toMatchObject({ list: [3, 4] });
    expect(await after({ $pullAll: { list: [3, 4] } })).toMatchObject({ list: [] });
  });

  it("$currentDate writes the server's time", async () => {
    const { after } = await given({ _id: 1 });
    const before = Date.now();
    const doc = await after({ $currentDate: { at: true } });
    expect((doc!.at as Date).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it("the positional $ updates the element the query matched", async () => {
    const { c } = await given({ _id: 1, grades: [80, 85, 90] });
    await c.updateOne({ _id: 1, grades: 85 }, { $set: { "grades.$": 86 } });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, grades: [80, 86, 90] });
    const { c: items } = await given({ _id: 2, items: [{ sku: "a", qty: 1 }, { sku: "b", qty: 1 }] });
    await items.updateOne({ _id: 2, "items.sku": "b" }, anyUpdate({ $inc: { "items.$.qty": 5 } }));
    expect(await items.findOne({ _id: 2 })).toEqual({ _id: 2, items: [{ sku: "a", qty: 1 }, { sku: "b", qty: 6 }] });
  });

  it("$[] updates every element and $[name] those matching arrayFilters", async () => {
    const { after } = await given({ _id: 1, grades: [{ g: 80, ok: false }, { g: 95, ok: false }], all: [1, 2] });
    expect(await after(anyUpdate({ $inc: { "all.$[]": 10 } }))).toMatchObject({ all: [11, 12] });
    expect(await after({ $set: { "grades.$[high].ok": true } }, { arrayFilters: [{ "high.g": { $gte: 90 } }] })).toMatchObject({ grades: [{ g: 80, ok: false }, { g: 95, ok: true }] });
  });

  it("a replacement keeps _id and drops the other fields", async () => {
    const { c } = await given({ _id: 1, a: 1, b: 2 });
    await c.replaceOne({ _id: 1 }, { c: 3 });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, c: 3 });
  });

  it("counts matched and modified documents; an update that changes nothing modifies nothing", async () => {
    const { c } = await given({ _id: 1, n: 1 });
    await c.insertMany([{ _id: 2, n: 1 }, { _id: 3, n: 2 }]);
    expect(await c.updateMany({ n: 1 }, { $set: { n: 1 } })).toMatchObject({ matchedCount: 2, modifiedCount: 0, upsertedCount: 0 });
    expect(await c.updateMany({ n: { $gte: 1 } }, { $set: { seen: true } })).toMatchObject({ matchedCount: 3, modifiedCount: 3 });
    expect(await c.updateOne({ n: { $gte: 1 } }, { $set: { only: true } })).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await c.updateOne({ n: 99 }, { $set: { x: 1 } })).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedId: null });
  });

  it("an upsert inserts from the filter's equalities, applying $setOnInsert only when inserting", async () => {
    const { c } = await given({ _id: "seed" });
    const inserted = await c.updateOne({ _id: "new", kind: "k" }, anyUpdate({ $inc: { n: 1 }, $setOnInsert: { created: 1 } }), { upsert: true });
    expect(inserted).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1, upsertedId: "new" });
    await c.updateOne({ _id: "new", kind: "k" }, anyUpdate({ $inc: { n: 1 }, $setOnInsert: { created: 2 } }), { upsert: true });
    expect(await c.findOne({ _id: "new" })).toEqual({ _id: "new", kind: "k", n: 2, created: 1 });
  });

  it("an upsert without _id in the filter generates one and reports it", async () => {
    const { c } = await given({ _id: "seed" });
    const result = await c.updateOne({ email: "x@y" }, { $set: { name: "X" } }, { upsert: true });
    expect(result.upsertedId).toBeDefined();
    expect(await c.findOne({ email: "x@y" })).toEqual({ _id: result.upsertedId, email: "x@y", name: "X" });
    const raw = await t.db.command({ update: c.collectionName, updates: [{ q: { email: "z@y" }, u: { $set: { a: 1 } }, upsert: true }] });
    expect(raw).toMatchObject({ n: 1, nModified: 0, upserted: [{ index: 0, _id: expect.anything() }] });
  });

  it("a replacement upsert keeps the filter's _id", async () => {
    const { c } = await given({ _id: "seed" });
    await c.replaceOne({ _id: "r" }, { v: 1 }, { upsert: true });
    expect(await c.findOne({ _id: "r" })).toEqual({ _id: "r", v: 1 });
  });

  it("changing _id is refused with ImmutableField", async () => {
    const { c } = await given({ _id: 1 });
    await expect(c.updateOne({ _id: 1 }, { $set: { _id: 2 } })).rejects.toMatchObject({ code: 66 });
  });

  it("$inc on a non-number is refused with TypeMismatch", async () => {
    const { c } = await given({ _id: 1, s: "text" });
    await expect(c.updateOne({ _id: 1 }, anyUpdate({ $inc: { s: 1 } }))).rejects.toMatchObject({ code: 14 });
  });

  it("paths that conflict across operators are refused, $setOnInsert included", async () => {
    const { c } = await given({ _id: 1, a: { b: 1 } });
    await expect(c.updateOne({ _id: 1 }, { $set: { a: 1 }, $setOnInsert: { a: 2 } })).rejects.toMatchObject({ code: 40 });
    await expect(c.updateOne({ _id: 1 }, anyUpdate({ $set: { "a.b": 1 }, $inc: { a: 1 } }))).rejects.toMatchObject({ code: 40 });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, a: { b: 1 } });
  });

  it("an unknown update operator is refused", async () => {
    const { c } = await given({ _id: 1 });
    const error = await c.updateOne({ _id: 1 }, { $frobnicate: { a: 1 } } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(9);
  });

  it("an update that would duplicate a unique key fails with 11000 and changes nothing", async () => {
    const { c } = await given({ _id: 1, email: "a" });
    await c.insertOne({ _id: 2, email: "b" });
    await c.createIndex({ email: 1 }, { unique: true });
    const error = await c.updateOne({ _id: 2 }, { $set: { email: "a" } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 11000, keyPattern: { email: 1 }, keyValue: { email: "a" } });
    expect(await c.findOne({ _id: 2 })).toEqual({ _id: 2, email: "b" });
  });

  it("a pipeline update computes fields from the document", async () => {
    const { after } = await given({ _id: 1, a: 2, b: 3 });
    expect(await after([{ $set: { sum: { $add: ["$a", "$b"] } } }, { $unset: "b" }])).toEqual({ _id: 1, a: 2, sum: 5 });
  });
});
