/** `$group` arithmetic keeps BSON numeric types as mongod's does. */
import { Decimal128, Double, Int32, Long, type Document } from "mongodb";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "./support/database.ts";

describe("$group keeps numeric types", () => {
  const t = useTestDatabase();
  const raw = { promoteValues: false } as const;
  const group = (pipeline: Document[]) => t.db.collection("amounts").aggregate(pipeline, raw).toArray();

  beforeAll(async () => {
    await t.db.collection<{ _id: number; kind: string; v: unknown; n: number }>("amounts").insertMany([
      { _id: 1, kind: "long", v: Long.fromString("9007199254740993"), n: 1 },
      { _id: 2, kind: "long", v: Long.fromNumber(2), n: 2 },
      { _id: 3, kind: "decimal", v: Decimal128.fromString("0.1"), n: 2147483647 },
      { _id: 4, kind: "decimal", v: Decimal128.fromString("0.2"), n: 1 },
      { _id: 5, kind: "double", v: new Double(1.5), n: 1 },
      { _id: 6, kind: "text", v: "not a number", n: 1 },
    ]);
  });

  it("an int64 sum is an int64, exact beyond 2^53", async () => {
    const [row] = await group([{ $match: { kind: "long" } }, { $group: { _id: null, total: { $sum: "$v" } } }]);
    expect(row!.total).toBeInstanceOf(Long);
    expect((row!.total as Long).toString()).toBe("9007199254740995");
  });

  it("a Decimal128 sum is a Decimal128; an int32 sum that overflows becomes an int64", async () => {
    const [decimal] = await group([{ $match: { kind: "decimal" } }, { $group: { _id: "$kind", total: { $sum: "$v" }, n: { $sum: "$n" } } }]);
    expect(decimal!.total).toBeInstanceOf(Decimal128);
    expect(Number((decimal!.total as Decimal128).toString())).toBeCloseTo(0.3);
    expect(decimal!.n).toBeInstanceOf(Long);
    expect((decimal!.n as Long).toNumber()).toBe(2147483648);
  });

  it("counts are int32, averages doubles; non-numbers are skipped; min, max, push and addToSet keep values as stored", async () => {
    const rows = await group([
      { $group: { _id: "$kind", count: { $sum: 1 }, avg: { $avg: "$n" }, max: { $max: "$v" }, all: { $push: "$v" }, kinds: { $addToSet: "$kind" } } },
      { $sort: { _id: 1 } },
    ]);
    expect(rows.map((row) => (row._id as string))).toEqual(["decimal", "double", "long", "text"]);
    const byKind = Object.fromEntries(rows.map((row) => [row._id as string, row]));
    expect(byKind.long!.count).toBeInstanceOf(Int32);
    expect((byKind.long!.count as Int32).value).toBe(2);
    expect(byKind.long!.avg).toBeInstanceOf(Double);
    expect(byKind.long!.max).toBeInstanceOf(Long);
    expect(byKind.double!.all).toEqual([new Double(1.5)]);
    expect(byKind.text!.kinds).toEqual(["text"]);
    const [total] = await group([{ $match: { kind: "text" } }, { $group: { _id: null, total: { $sum: "$v" } } }]);
    expect(total!.total).toEqual(new Int32(0));
  });

  it("$addFields/$set arithmetic keeps types: int64 stays int64, a Decimal128 stays Decimal128, $divide is a double", async () => {
    const rows = await group([
      { $match: { kind: { $in: ["long", "decimal"] } } },
      { $set: { plus: { $add: ["$v", 1] }, times: { $multiply: ["$v", 2] }, half: { $divide: ["$n", 2] }, nested: { copy: "$v" } } },
      { $unset: "tags" },
      { $sort: { _id: 1 } },
    ]);
    expect((rows[0]!.plus as Long).toString()).toBe("9007199254740994");
    expect(rows[0]!.times).toBeInstanceOf(Long);
    expect(rows[0]!.nested).toEqual({ copy: Long.fromString("9007199254740993") });
    expect(rows[2]!.plus).toBeInstanceOf(Decimal128);
    expect(rows[2]!.half).toBeInstanceOf(Double);
    expect((rows[2]!.half as Double).value).toBe(1073741823.5);
  });

  it("mixes with what mingo evaluates: a later stage mingo runs still answers", async () => {
    const rows = await group([{ $match: { kind: "long" } }, { $set: { s: { $concat: ["$kind", "!"] } } }, { $project: { _id: 0, s: 1 } }]);
    expect(rows).toEqual([{ s: "long!" }, { s: "long!" }]);
  });
});
