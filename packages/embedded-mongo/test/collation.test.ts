/**
 * Collation as mongod applies it (ICU rules through the locale): strength 1 ignores case and
 * accents, 2 ignores case, 3 (the default) tells both; caseLevel and numericOrdering; on every
 * command that takes one. Nothing here is specific to the embedded server.
 */
import type { CollationOptions } from "mongodb";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "./support/database.ts";

type Word = { _id: number; w: string };
const words: Word[] = [
  { _id: 1, w: "cafe" },
  { _id: 2, w: "Cafe" },
  { _id: 3, w: "café" },
  { _id: 4, w: "CAFÉ" },
  { _id: 5, w: "tea" },
];
const en = (strength: number, more: object = {}): CollationOptions => ({ locale: "en_US", strength, ...more });

describe("collation", () => {
  const t = useTestDatabase();
  const c = () => t.db.collection<Word>("words");
  const ids = async (filter: object, collation: CollationOptions) => (await c().find(filter, { collation, sort: { _id: 1 } }).toArray()).map((d) => d._id);

  beforeAll(async () => {
    await c().insertMany(words);
  });

  it("strength 1 ignores case and accents, 2 only case, 3 neither; without a collation strings compare as bytes", async () => {
    expect(await ids({ w: "cafe" }, en(1))).toEqual([1, 2, 3, 4]);
    expect(await ids({ w: "cafe" }, en(2))).toEqual([1, 2]);
    expect(await ids({ w: "cafe" }, en(3))).toEqual([1]);
    expect((await c().find({ w: "CAFE" }).toArray()).map((d) => d._id)).toEqual([]);
  });

  it("caseLevel at strength 1 tells case apart but still ignores accents", async () => {
    expect(await ids({ w: "cafe" }, en(1, { caseLevel: true }))).toEqual([1, 3]);
  });

  it("applies to ranges, $in and $ne", async () => {
    expect(await ids({ w: { $in: ["TEA", "CAFE"] } }, en(2))).toEqual([1, 2, 5]);
    expect(await ids({ w: { $ne: "CAFE" } }, en(2))).toEqual([3, 4, 5]);
    expect(await ids({ w: { $gt: "CAFÉ" } }, en(1))).toEqual([5]);
  });

  it("sorts by the locale's rules: case and accents after the letter, numbers by value with numericOrdering", async () => {
    const sorted = await c().find({}, { collation: en(3), sort: { w: 1, _id: 1 } }).toArray();
    expect(sorted.map((d) => d.w)).toEqual(["cafe", "Cafe", "café", "CAFÉ", "tea"]);
    const n = t.db.collection<{ _id: number; v: string }>("numbers");
    await n.insertMany([{ _id: 1, v: "10" }, { _id: 2, v: "9" }, { _id: 3, v: "100" }]);
    expect((await n.find({}, { sort: { v: 1 } }).toArray()).map((d) => d.v)).toEqual(["10", "100", "9"]);
    expect((await n.find({}, { sort: { v: 1 }, collation: { locale: "en", numericOrdering: true } }).toArray()).map((d) => d.v)).toEqual(["9", "10", "100"]);
  });

  it("count, distinct and aggregate use it", async () => {
    expect(await c().countDocuments({ w: "CAFE" }, { collation: en(2) })).toBe(2);
    expect(await c().distinct("w", { w: { $ne: "tea" } }, { collation: en(1) })).toHaveLength(1);
    const matched = await c().aggregate([{ $match: { w: "CAFE" } }, { $sort: { _id: 1 } }], { collation: en(2) }).toArray();
    expect(matched.map((d) => d._id)).toEqual([1, 2]);
    const later = await c().aggregate([{ $project: { _id: 0, w: 1 } }, { $sort: { w: -1 } }], { collation: en(3, { caseFirst: "upper" }) }).toArray();
    expect(later.map((d) => d.w)).toEqual(["tea", "café", "CAFÉ", "cafe", "Cafe"]);
  });

  it("updates, deletes and findAndModify find their documents by it", async () => {
    const u = t.db.collection<Word & { seen?: boolean }>("writes");
    await u.insertMany(words);
    expect((await u.updateMany({ w: "CAFE" }, { $set: { seen: true } }, { collation: en(2) })).modifiedCount).toBe(2);
    expect(await u.findOneAndUpdate({ w: "TEA" }, { $set: { seen: true } }, { collation: en(2), returnDocument: "after" })).toMatchObject({ _id: 5, seen: true });
    expect((await u.deleteMany({ w: "CAFE" }, { collation: en(1) })).deletedCount).toBe(4);
    expect(await u.countDocuments()).toBe(1);
  });

  it("the simple locale is binary order; an unknown locale or option is refused", async () => {
    expect(await ids({ w: "CAFE" }, { locale: "simple" })).toEqual([]);
    await expect(c().find({}, { collation: { locale: "xx_NOT_A_LOCALE" } }).toArray()).rejects.toMatchObject({ code: 2 });
    await expect(c().find({}, { collation: { locale: "en", strength: 9 } }).toArray()).rejects.toMatchObject({ code: 2 });
  });

  it("an index keeps its collation: a unique one refuses keys equal under it, and queries of either collation stay exact", async () => {
    const users = t.db.collection<{ _id: number; email: string }>("users");
    await users.createIndex({ email: 1 }, { unique: true, collation: en(2) });
    const [index] = (await users.indexes()).filter((spec) => spec.name === "email_1");
    expect(index!.collation).toMatchObject({ locale: "en_US", strength: 2 });
    await users.insertOne({ _id: 1, email: "ada@example.com" });
    await expect(users.insertOne({ _id: 2, email: "ADA@example.com" })).rejects.toMatchObject({ code: 11000 });
    await users.insertOne({ _id: 3, email: "grace@example.com" });
    expect((await users.find({ email: "ADA@EXAMPLE.COM" }, { collation: en(2) }).toArray()).map((d) => d._id)).toEqual([1]);
    expect(await users.find({ email: "ADA@EXAMPLE.COM" }).toArray()).toEqual([]);
    expect((await users.find({ email: { $gt: "b" } }).toArray()).map((d) => d._id)).toEqual([3]);
  });

  it("a collection's default collation applies to the commands and indexes that give none", async () => {
    await t.db.createCollection("tags", { collation: en(2) });
    const tags = t.db.collection<{ _id: number; tag: string }>("tags");
    await tags.createIndex({ tag: 1 }, { unique: true });
    const [index] = (await tags.indexes()).filter((spec) => spec.name === "tag_1");
    expect(index!.collation).toMatchObject({ locale: "en_US", strength: 2 });
    await tags.insertOne({ _id: 1, tag: "Math" });
    await expect(tags.insertOne({ _id: 2, tag: "MATH" })).rejects.toMatchObject({ code: 11000 });
    expect(await tags.countDocuments({ tag: "math" })).toBe(1);
    expect(await tags.find({ tag: "math" }, { collation: { locale: "simple" } }).toArray()).toEqual([]);
    expect((await tags.updateOne({ tag: "MATH" }, { $set: { tag: "maths" } })).modifiedCount).toBe(1);
    const [info] = await t.db.listCollections({ name: "tags" }).toArray();
    expect(info).toMatchObject({ options: { collation: { locale: "en_US", strength: 2 } } });
  });
});

