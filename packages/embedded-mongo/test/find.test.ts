import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "./support/database.ts";

type Person = { _id: number; name: string; age?: number | null; tags?: string[]; address?: { city: string; zip?: string }; scores?: { subject: string; score: number }[] };

const people: Person[] = [
  { _id: 1, name: "Ada", age: 36, tags: ["math", "poetry"], address: { city: "London", zip: "N1" }, scores: [{ subject: "math", score: 98 }, { subject: "art", score: 70 }] },
  { _id: 2, name: "Alan", age: 41, tags: ["math", "running"], address: { city: "Wilmslow" }, scores: [{ subject: "math", score: 95 }] },
  { _id: 3, name: "Grace", age: 85, tags: ["navy"], address: { city: "Arlington" }, scores: [] },
  { _id: 4, name: "Linus", age: null },
  { _id: 5, name: "barbara" },
];

describe("find", () => {
  const t = useTestDatabase();
  const c = () => t.db.collection<Person>("people");
  const ids = async (filter: object, options: object = {}) => (await c().find(filter, options).toArray()).map((p) => p._id);

  beforeAll(async () => {
    await c().insertMany(people);
  });

  it("an empty filter returns every document", async () => {
    expect(await ids({})).toHaveLength(5);
  });

  it("comparison operators select within the value's type", async () => {
    expect(await ids({ age: { $gt: 40 } }, { sort: { _id: 1 } })).toEqual([2, 3]);
    expect(await ids({ age: { $gte: 36, $lt: 85 } }, { sort: { _id: 1 } })).toEqual([1, 2]);
    expect(await ids({ age: { $lte: 36 } })).toEqual([1]);
    expect(await ids({ name: { $gt: "B" } }, { sort: { _id: 1 } })).toEqual([3, 4, 5]);
  });

  it("equality with null matches null and missing fields", async () => {
    expect(await ids({ age: null }, { sort: { _id: 1 } })).toEqual([4, 5]);
    expect(await ids({ age: { $ne: null } }, { sort: { _id: 1 } })).toEqual([1, 2, 3]);
  });

  it("$exists tells present from missing", async () => {
    expect(await ids({ age: { $exists: true } }, { sort: { _id: 1 } })).toEqual([1, 2, 3, 4]);
    expect(await ids({ age: { $exists: false } })).toEqual([5]);
  });

  it("$in and $nin, including regular expressions in $in", async () => {
    expect(await ids({ name: { $in: ["Ada", "Grace"] } }, { sort: { _id: 1 } })).toEqual([1, 3]);
    expect(await ids({ name: { $in: [/^al/i] } })).toEqual([2]);
    expect(await ids({ _id: { $nin: [1, 2, 3] } }, { sort: { _id: 1 } })).toEqual([4, 5]);
  });

  it("a field holding an array matches when one element matches", async () => {
    expect(await ids({ tags: "math" }, { sort: { _id: 1 } })).toEqual([1, 2]);
    expect(await ids({ tags: ["navy"] })).toEqual([3]);
    expect(await ids({ tags: { $all: ["math", "poetry"] } })).toEqual([1]);
    expect(await ids({ tags: { $size: 2 } }, { sort: { _id: 1 } })).toEqual([1, 2]);
  });

  it("dotted paths reach into sub-documents and arrays of sub-documents", async () => {
    expect(await ids({ "address.city": "London" })).toEqual([1]);
    expect(await ids({ "scores.score": { $gt: 96 } })).toEqual([1]);
    expect(await ids({ "tags.1": "running" })).toEqual([2]);
  });

  it("$elemMatch needs one element to satisfy every condition", async () => {
    expect(await ids({ scores: { $elemMatch: { subject: "art", score: { $gt: 60 } } } })).toEqual([1]);
    expect(await ids({ scores: { $elemMatch: { subject: "art", score: { $gt: 80 } } } })).toEqual([]);
  });

  it("logical operators combine conditions", async () => {
    expect(await ids({ $or: [{ name: "Ada" }, { age: 85 }] }, { sort: { _id: 1 } })).toEqual([1, 3]);
    expect(await ids({ $and: [{ tags: "math" }, { age: { $gt: 40 } }] })).toEqual([2]);
    expect(await ids({ $nor: [{ tags: "math" }, { age: null }] })).toEqual([3]);
    expect(await ids({ age: { $not: { $gt: 40 } } }, { sort: { _id: 1 } })).toEqual([1, 4, 5]);
  });

  it("$regex with options, $mod and $expr", async () => {
    expect(await ids({ name: { $regex: "^b", $options: "i" } })).toEqual([5]);
    expect(await ids({ age: { $mod: [5, 1] } }, { sort: { _id: 1 } })).toEqual([1, 2]);
    expect(await ids({ $expr: { $gt: ["$age", 80] } })).toEqual([3]);
  });

  it("an invalid regular expression is refused", async () => {
    await expect(c().find({ name: { $regex: "(" } }).toArray()).rejects.toMatchObject({ code: 51091 });
  });

  it("an unknown query operator is refused with BadValue", async () => {
    await expect(c().find({ age: { $bogus: 1 } } as never).toArray()).rejects.toMatchObject({ code: 2 });
  });

  it("sorts ascending and descending on several keys, then skips and limits", async () => {
    expect(await ids({ age: { $type: "number" } }, { sort: { age: -1 } })).toEqual([3, 2, 1]);
    expect(await ids({}, { sort: { age: 1, _id: -1 }, skip: 1, limit: 3 })).toEqual([4, 1, 2]);
  });

  it("an array sorts by its least element ascending and its greatest descending", async () => {
    const lists = t.db.collection<{ _id: string; v: number[] }>("lists");
    await lists.insertMany([{ _id: "a", v: [1, 9] }, { _id: "b", v: [5] }, { _id: "c", v: [3, 4] }]);
    expect((await lists.find({}, { sort: { v: 1 } }).toArray()).map((d) => d._id)).toEqual(["a", "c", "b"]);
    expect((await lists.find({}, { sort: { v: -1 } }).toArray()).map((d) => d._id)).toEqual(["a", "b", "c"]);
  });

  it("projections include or exclude fields, with _id unless excluded", async () => {
    expect(await c().findOne({ _id: 1 }, { projection: { name: 1 } })).toEqual({ _id: 1, name: "Ada" });
    expect(await c().findOne({ _id: 1 }, { projection: { name: 1, _id: 0 } })).toEqual({ name: "Ada" });
    expect(await c().findOne({ _id: 2 }, { projection: { tags: 0, scores: 0, address: 0 } })).toEqual({ _id: 2, name: "Alan", age: 41 });
    expect(await c().findOne({ _id: 1 }, { projection: { "address.city": 1 } })).toEqual({ _id: 1, address: { city: "London" } });
    expect(await c().findOne({ _id: 1 }, { projection: { "scores.score": 1, _id: 0 } })).toEqual({ scores: [{ score: 98 }, { score: 70 }] });
  });

  it("top-level inclusions keep the document's field order, _id first, whatever the projection's order", async () => {
    const [first] = await c().find({ _id: 1 }, { projection: { tags: 1, name: 1, missing: 1 } }).toArray();
    expect(Object.keys(first!)).toEqual(["_id", "name", "tags"]);
    const [second] = await c().find({ _id: 1 }, { projection: { age: true, _id: false, name: 1.0 } }).toArray();
    expect(Object.keys(second!)).toEqual(["name", "age"]);
    expect(await c().findOne({ _id: 1 }, { projection: { _id: 1 } })).toEqual({ _id: 1 });
    expect(await c().findOne({ _id: 4 }, { projection: { age: 1 } })).toEqual({ _id: 4, age: null });
    expect(await c().findOne({ _id: 1 }, { projection: { address: 1, "scores.score": 1 } })).toEqual({ _id: 1, address: { city: "London", zip: "N1" }, scores: [{ score: 98 }, { score: 70 }] });
  });

  it("projections slice arrays, pick the element matched by the query, and by $elemMatch", async () => {
    expect(await c().findOne({ _id: 1 }, { projection: { tags: { $slice: 1 }, name: 1 } })).toEqual({ _id: 1, name: "Ada", tags: ["math"] });
    expect(await c().findOne({ _id: 1 }, { projection: { tags: { $slice: -1 }, scores: 0, address: 0 } })).toEqual({ _id: 1, name: "Ada", age: 36, tags: ["poetry"] });
    expect(await c().findOne({ "scores.subject": "art" }, { projection: { "scores.$": 1 } })).toEqual({ _id: 1, scores: [{ subject: "art", score: 70 }] });
    expect(await c().findOne({ _id: 1 }, { projection: { scores: { $elemMatch: { score: { $lt: 80 } } } } })).toEqual({ _id: 1, scores: [{ subject: "art", score: 70 }] });
  });

  it("a projection mixing inclusion and exclusion is refused", async () => {
    await expect(c().findOne({}, { projection: { name: 1, age: 0 } })).rejects.toMatchObject({ code: 31254 });
  });

  it("computed projection fields are evaluated", async () => {
    expect(await c().findOne({ _id: 1 }, { projection: { _id: 0, who: "$name", next: { $add: ["$age", 1] } } })).toEqual({ who: "Ada", next: 37 });
  });

  it("batches: batchSize documents first, getMore for the rest, the cursor closes at the end", async () => {
    const many = t.db.collection<{ _id: number }>("many");
    await many.insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: i })));
    const first = await t.db.command({ find: "many", filter: {}, batchSize: 100, sort: { _id: 1 } }, { promoteLongs: false });
    expect(first.cursor.firstBatch).toHaveLength(100);
    expect(first.cursor.id.toString()).not.toBe("0");
    const second = await t.db.command({ getMore: first.cursor.id, collection: "many", batchSize: 100 }, { promoteLongs: false });
    expect(second.cursor.nextBatch.map((d: { _id: number }) => d._id)[0]).toBe(100);
    const third = await t.db.command({ getMore: first.cursor.id, collection: "many" }, { promoteLongs: false });
    expect(third.cursor.nextBatch).toHaveLength(50);
    expect(third.cursor.id.toString()).toBe("0");
    expect((await many.find({}).batchSize(7).toArray()).length).toBe(250);
  });

  it("the default first batch holds 101 documents", async () => {
    const first = await t.db.command({ find: "many", filter: {} }, { promoteLongs: false });
    expect(first.cursor.firstBatch).toHaveLength(101);
    await t.db.command({ killCursors: "many", cursors: [first.cursor.id] });
  });

  it("killCursors closes a cursor, and getMore on it then fails with CursorNotFound", async () => {
    const first = await t.db.command({ find: "many", filter: {}, batchSize: 2 }, { promoteLongs: false });
    const killed = await t.db.command({ killCursors: "many", cursors: [first.cursor.id] }, { promoteLongs: false });
    expect(killed.cursorsKilled.map(String)).toEqual([first.cursor.id.toString()]);
    await expect(t.db.command({ getMore: first.cursor.id, collection: "many" })).rejects.toMatchObject({ code: 43 });
  });

  it("a limit without sort, and a find on a missing collection", async () => {
    expect(await c().find({}).limit(2).toArray()).toHaveLength(2);
    expect(await t.db.collection("nothing-here").find({}).toArray()).toEqual([]);
  });

  it("refuses a filter mongod cannot parse whatever the documents: on a missing collection, and past a condition no document passes", async () => {
    const refusals: Array<[object, RegExp]> = [
      [{ n: { $notAnOperator: 1 } }, /unknown operator: \$notAnOperator/],
      [{ $foo: 1 }, /unknown top level operator: \$foo/],
      [{ n: { $in: 5 } }, /\$in needs an array/],
      [{ $or: [] }, /\$or argument must be a non-empty array/],
      [{ $and: [{ n: 1 }, { m: { $mod: [0, 1] } }] }, /divisor cannot be 0/],
      [{ tags: { $elemMatch: { $gt: 1, $bogus: 2 } } }, /unknown operator: \$bogus/],
      [{ tags: { $not: { $bogus: 2 } } }, /unknown operator: \$bogus/],
      [{ scores: { $elemMatch: { subject: { $bogus: 1 } } } }, /unknown operator: \$bogus/],
      [{ tags: { $size: "2" } }, /\$size needs a number/],
      [{ tags: { $size: 1.5 } }, /\$size needs a whole number/],
      [{ tags: { $size: -1 } }, /\$size may not be negative/],
      [{ name: { $regex: "a", $options: "iz" } }, /invalid flag in regex options: z/],
    ];
    for (const [filter, message] of refusals) {
      for (const collection of ["nothing-here", "people"]) {
        const refused = { code: message.source.includes("regex options") ? 51108 : 2, message: expect.stringMatching(message) };
        await expect(t.db.collection(collection).find({ name: "nobody", ...filter }).toArray()).rejects.toMatchObject(refused);
        await expect(t.db.collection(collection).countDocuments(filter)).rejects.toMatchObject(refused);
        await expect(t.db.collection(collection).deleteMany(filter)).rejects.toMatchObject(refused);
        await expect(t.db.command({ count: collection, query: filter })).rejects.toMatchObject(refused);
      }
    }
    // $expr is evaluated per document, as on mongod: no document, no error.
    expect(await t.db.collection("nothing-here").find({ $expr: { $divide: [1, 0] } }).toArray()).toEqual([]);
    expect(await c().countDocuments()).toBe(5);
    expect(await ids({ tags: { $size: 2 } }, { sort: { _id: 1 } })).toEqual([1, 2]);
    expect(await ids({ tags: { $size: 1.0 } })).toEqual([3]);
    expect(await ids({ name: { $regex: "^a", $options: "imsxu" } }, { sort: { _id: 1 } })).toEqual([1, 2]);
  });
});
