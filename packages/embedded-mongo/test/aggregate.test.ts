import { beforeAll, describe, expect, it } from "vitest";
import { Long } from "mongodb";
import { useTestDatabase } from "./support/database.ts";

type Sale = { _id: number; item: string; qty: number; price: number; tags: string[] };

describe("aggregate, count and distinct", () => {
  const t = useTestDatabase();
  const sales = () => t.db.collection<Sale>("sales");

  beforeAll(async () => {
    await sales().insertMany([
      { _id: 1, item: "pen", qty: 10, price: 2, tags: ["office"] },
      { _id: 2, item: "pen", qty: 5, price: 2, tags: ["office", "school"] },
      { _id: 3, item: "book", qty: 2, price: 15, tags: ["school"] },
      { _id: 4, item: "lamp", qty: 1, price: 30, tags: [] },
    ]);
    await t.db.collection("items").insertMany([{ _id: "pen", maker: "Bic" }, { _id: "book", maker: "Penguin" }] as never[]);
  });

  it("groups, sums and sorts", async () => {
    const result = await sales().aggregate([
      { $match: { qty: { $gte: 2 } } },
      { $group: { _id: "$item", units: { $sum: "$qty" }, revenue: { $sum: { $multiply: ["$qty", "$price"] } } } },
      { $sort: { units: -1 } },
    ]).toArray();
    expect(result).toEqual([{ _id: "pen", units: 15, revenue: 30 }, { _id: "book", units: 2, revenue: 30 }]);
  });

  it("projects, unwinds, limits and counts", async () => {
    const tags = await sales().aggregate([{ $unwind: "$tags" }, { $group: { _id: "$tags", n: { $sum: 1 } } }, { $sort: { _id: 1 } }]).toArray();
    expect(tags).toEqual([{ _id: "office", n: 2 }, { _id: "school", n: 2 }]);
    expect(await sales().aggregate([{ $sort: { _id: -1 } }, { $limit: 2 }, { $project: { _id: 1 } }]).toArray()).toEqual([{ _id: 4 }, { _id: 3 }]);
    expect(await sales().aggregate([{ $match: { item: "pen" } }, { $count: "pens" }]).toArray()).toEqual([{ pens: 2 }]);
  });

  it("joins another collection with $lookup", async () => {
    const joined = await sales().aggregate([{ $match: { _id: 3 } }, { $lookup: { from: "items", localField: "item", foreignField: "_id", as: "info" } }, { $project: { info: 1 } }]).toArray();
    expect(joined).toEqual([{ _id: 3, info: [{ _id: "book", maker: "Penguin" }] }]);
  });

  it("returns large results through a cursor", async () => {
    const many = t.db.collection<{ _id: number }>("agg-many");
    await many.insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: i })));
    expect(await many.aggregate([{ $sort: { _id: 1 } }], { batchSize: 50 }).toArray()).toHaveLength(300);
  });

  it("$match, $sort, $skip and $limit keep BSON types and BSON order", async () => {
    const mixed = t.db.collection<{ _id: number; v: unknown }>("agg-mixed");
    await mixed.insertMany([{ _id: 1, v: "text" }, { _id: 2, v: Long.fromString("9007199254740993") }, { _id: 3, v: null }, { _id: 4, v: 2.5 }]);
    const sorted = await mixed.aggregate([{ $match: { _id: { $gte: 1 } } }, { $sort: { v: 1 } }, { $skip: 1 }, { $limit: 2 }], { promoteLongs: false }).toArray();
    expect(sorted).toEqual([{ _id: 4, v: 2.5 }, { _id: 2, v: Long.fromString("9007199254740993") }]);
  });

  it("$out replaces the target collection with the results", async () => {
    await t.db.collection("report").insertOne({ stale: true });
    const returned = await sales().aggregate([{ $match: { item: "pen" } }, { $project: { qty: 1 } }, { $out: "report" }]).toArray();
    expect(returned).toEqual([]);
    expect(await t.db.collection("report").find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1, qty: 10 }, { _id: 2, qty: 5 }]);
  });

  it("a pipeline never changes the stored documents", async () => {
    const nested = t.db.collection<{ _id: number; a: { b: number } }>("agg-nested");
    await nested.insertOne({ _id: 1, a: { b: 1 } });
    await nested.aggregate([{ $addFields: { "a.c": 2 } }, { $set: { "a.b": 5 } }]).toArray();
    await nested.aggregate([{ $project: { a: 1 } }, { $group: { _id: "$a", all: { $push: "$$ROOT" } } }]).toArray();
    expect(await nested.findOne({ _id: 1 })).toEqual({ _id: 1, a: { b: 1 } });
  });

  it("countDocuments and estimatedDocumentCount count", async () => {
    expect(await sales().countDocuments({ item: "pen" })).toBe(2);
    expect(await sales().countDocuments({}, { skip: 1, limit: 2 })).toBe(2);
    expect(await sales().estimatedDocumentCount()).toBe(4);
    expect(await t.db.command({ count: "sales", query: { price: { $gt: 10 } } })).toMatchObject({ n: 2, ok: 1 });
  });

  it("distinct lists each value once, looking inside arrays", async () => {
    expect((await sales().distinct("item")).sort()).toEqual(["book", "lamp", "pen"]);
    expect((await sales().distinct("tags")).sort()).toEqual(["office", "school"]);
    expect(await sales().distinct("item", { price: { $gt: 10 } })).toEqual(expect.arrayContaining(["book", "lamp"]));
  });
});
