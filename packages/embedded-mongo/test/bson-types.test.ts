import { describe, expect, it } from "vitest";
import { Binary, BSONRegExp, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID } from "mongodb";
import { useTestDatabase, anyUpdate, type AnyDocument } from "./support/database.ts";

const raw = { promoteValues: false, promoteLongs: false } as const;

describe("BSON type fidelity", () => {
  const t = useTestDatabase();

  it("int32, int64, double and Decimal128 come back with their types", async () => {
    const c = t.db.collection<AnyDocument>("numbers");
    await c.insertOne({ _id: 1, i: new Int32(5), l: Long.fromString("9007199254740993"), d: new Double(2), f: 2.5, m: Decimal128.fromString("0.1") });
    const doc = await c.findOne({ _id: 1 }, raw);
    expect(doc!.i).toBeInstanceOf(Int32);
    expect(doc!.l).toEqual(Long.fromString("9007199254740993"));
    expect(doc!.d).toBeInstanceOf(Double);
    expect((doc!.d as Double).value).toBe(2);
    expect(doc!.f).toBeInstanceOf(Double);
    expect(doc!.m).toEqual(Decimal128.fromString("0.1"));
  });

  it("$inc keeps int64 as int64, and an int32 that overflows becomes int64", async () => {
    const c = t.db.collection<AnyDocument>("inc");
    await c.insertOne({ _id: 1, l: Long.fromNumber(10), i: 2147483647, d: new Double(1) });
    await c.updateOne({ _id: 1 }, anyUpdate({ $inc: { l: 5, i: 1, d: 1 } }));
    const doc = await c.findOne({ _id: 1 }, raw);
    expect(doc!.l).toEqual(Long.fromNumber(15));
    expect(doc!.i).toEqual(Long.fromNumber(2147483648));
    expect(doc!.d).toBeInstanceOf(Double);
    expect((doc!.d as Double).value).toBe(2);
  });

  it("$inc with a Decimal128 makes a Decimal128", async () => {
    const c = t.db.collection<AnyDocument>("decimal-inc");
    await c.insertOne({ _id: 1, n: 1 });
    await c.updateOne({ _id: 1 }, anyUpdate({ $inc: { n: Decimal128.fromString("0.5") } }));
    expect((await c.findOne({ _id: 1 }, raw))!.n).toEqual(Decimal128.fromString("1.5"));
  });

  it("numbers of different types compare by value", async () => {
    const c = t.db.collection<AnyDocument>("mixed-numbers");
    await c.insertMany([
      { _id: "int", v: 2 },
      { _id: "long", v: Long.fromNumber(3) },
      { _id: "double", v: 1.5 },
      { _id: "decimal", v: Decimal128.fromString("2.5") },
      { _id: "small-decimal", v: Decimal128.fromString("10") },
    ]);
    const sorted = await c.find({}, { sort: { v: 1 } }).toArray();
    expect(sorted.map((d) => d._id)).toEqual(["double", "int", "decimal", "long", "small-decimal"]);
    expect((await c.find({ v: { $gt: Decimal128.fromString("2.2") } }).toArray()).map((d) => d._id).sort()).toEqual(["decimal", "long", "small-decimal"]);
    expect((await c.find({ v: 3 }).toArray()).map((d) => d._id)).toEqual(["long"]);
    expect((await c.find({ v: Long.fromNumber(2) }).toArray()).map((d) => d._id)).toEqual(["int"]);
  });

  it("ObjectId, Date, UUID and Binary match by value", async () => {
    const c = t.db.collection<AnyDocument>("values");
    const id = new ObjectId();
    const uuid = new UUID();
    await c.insertOne({ _id: id, at: new Date(1000), u: uuid, b: new Binary(Buffer.from([1, 2, 3])) });
    expect(await c.countDocuments({ _id: new ObjectId(id.toHexString()) })).toBe(1);
    expect(await c.countDocuments({ at: new Date(1000) })).toBe(1);
    expect(await c.countDocuments({ at: { $gt: new Date(999), $lt: new Date(1001) } })).toBe(1);
    expect(await c.countDocuments({ u: new UUID(uuid.toHexString()) })).toBe(1);
    expect(await c.countDocuments({ b: new Binary(Buffer.from([1, 2, 3])) })).toBe(1);
    expect(await c.countDocuments({ b: new Binary(Buffer.from([1, 2, 4])) })).toBe(0);
  });

  it("$type matches BSON types by name and number", async () => {
    const c = t.db.collection<AnyDocument>("types");
    await c.insertMany([
      { _id: 1, v: new ObjectId() }, { _id: 2, v: "s" }, { _id: 3, v: 1 }, { _id: 4, v: Long.fromNumber(1) },
      { _id: 5, v: 1.5 }, { _id: 6, v: Decimal128.fromString("1") }, { _id: 7, v: new Date() }, { _id: 8, v: null },
      { _id: 9, v: [1] }, { _id: 10, v: { a: 1 } }, { _id: 11, v: true },
    ]);
    const ids = async (type: unknown) => (await c.find({ v: { $type: type } } as never).toArray()).map((d) => d._id).sort((a, b) => Number(a) - Number(b));
    expect(await ids("objectId")).toEqual([1]);
    expect(await ids("string")).toEqual([2]);
    expect(await ids("int")).toEqual([3, 9]);
    expect(await ids("long")).toEqual([4]);
    expect(await ids("double")).toEqual([5]);
    expect(await ids("decimal")).toEqual([6]);
    expect(await ids("number")).toEqual([3, 4, 5, 6, 9]);
    expect(await ids("date")).toEqual([7]);
    expect(await ids("null")).toEqual([8]);
    expect(await ids("array")).toEqual([9]);
    expect(await ids("object")).toEqual([10]);
    expect(await ids("bool")).toEqual([11]);
    expect(await ids(7)).toEqual([1]);
    expect(await ids(["string", "bool"])).toEqual([2, 11]);
  });

  it("sorts values of different types in MongoDB's BSON order", async () => {
    const c = t.db.collection<AnyDocument>("order");
    const values: [string, unknown][] = [
      ["maxKey", new MaxKey()], ["regex", new BSONRegExp("a", "")], ["timestamp", new Timestamp({ t: 1, i: 1 })],
      ["date", new Date(0)], ["bool", false], ["objectId", new ObjectId()], ["binData", new Binary(Buffer.from([1]))],
      ["object", { a: 1 }], ["string", "a"], ["number", 1], ["null", null], ["minKey", new MinKey()],
    ];
    await c.insertMany(values.map(([name, v]) => ({ _id: name, v })) as never[]);
    const ascending = (await c.find({}, { sort: { v: 1 } }).toArray()).map((d) => d._id);
    expect(ascending).toEqual(["minKey", "null", "number", "string", "object", "binData", "objectId", "bool", "date", "timestamp", "regex", "maxKey"]);
    const missing = t.db.collection<AnyDocument>("order-missing");
    await missing.insertMany([{ _id: "n", v: 1 }, { _id: "none" }, { _id: "s", v: "x" }] as never[]);
    expect((await missing.find({}, { sort: { v: 1 } }).toArray()).map((d) => d._id)).toEqual(["none", "n", "s"]);
  });

  it("range queries stay within the operand's type", async () => {
    const c = t.db.collection<AnyDocument>("brackets");
    await c.insertMany([{ _id: 1, v: 5 }, { _id: 2, v: "5" }, { _id: 3, v: new Date(5) }, { _id: 4, v: null }] as never[]);
    expect((await c.find({ v: { $gte: 0 } }).toArray()).map((d) => d._id)).toEqual([1]);
    expect((await c.find({ v: { $gte: "" } }).toArray()).map((d) => d._id)).toEqual([2]);
  });
});
