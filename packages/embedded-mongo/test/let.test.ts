/** `let`: variables for `$expr` and pipeline updates, on every command mongod takes it. */
import { beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "./support/database.ts";

type Item = { _id: number; name: string; qty?: number };

describe("let variables", () => {
  const t = useTestDatabase();
  const c = () => t.db.collection<Item>("items");
  beforeEach(async () => {
    await c().deleteMany({});
    await c().insertMany([{ _id: 1, name: "a", qty: 5 }, { _id: 2, name: "b", qty: 7 }]);
  });

  it("find and aggregate read them as $$name", async () => {
    expect(await c().find({ $expr: { $eq: ["$_id", "$$id"] } }, { let: { id: 2 } }).toArray()).toEqual([{ _id: 2, name: "b", qty: 7 }]);
    const out = await c().aggregate([{ $match: { $expr: { $gt: ["$qty", "$$min"] } } }, { $project: { _id: 1, over: { $subtract: ["$qty", "$$min"] } } }], { let: { min: 6 } }).toArray();
    expect(out).toEqual([{ _id: 2, over: 1 }]);
  });

  it("update, delete and findAndModify take them, pipeline updates included", async () => {
    await c().updateOne({ $expr: { $eq: ["$name", "$$who"] } }, [{ $set: { qty: "$$qty" } }], { let: { who: "a", qty: 42 } });
    expect(await c().findOne({ _id: 1 })).toEqual({ _id: 1, name: "a", qty: 42 });
    expect(await c().findOneAndUpdate({ $expr: { $eq: ["$_id", "$$id"] } }, { $inc: { qty: 1 } }, { let: { id: 2 }, returnDocument: "after" })).toEqual({ _id: 2, name: "b", qty: 8 });
    expect((await c().deleteMany({ $expr: { $lt: ["$qty", "$$max"] } }, { let: { max: 10 } })).deletedCount).toBe(1);
  });

  it("a value may be an expression, evaluated once", async () => {
    expect(await c().find({ $expr: { $eq: ["$qty", "$$seven"] } }, { let: { seven: { $add: [3, 4] } } }).toArray()).toHaveLength(1);
  });

  it("an undefined variable or a name mongod refuses is an error, and nothing changes", async () => {
    await expect(c().find({ $expr: { $eq: ["$_id", "$$nope"] } }).toArray()).rejects.toThrow();
    await expect(c().updateMany({}, [{ $set: { qty: 0 } }], { let: { Bad: 1 } })).rejects.toThrow();
    expect((await c().find({}, { sort: { _id: 1 } }).toArray()).map((d) => d.qty)).toEqual([5, 7]);
  });
});
