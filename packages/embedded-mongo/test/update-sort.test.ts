/** MongoDB 8.0's `sort` on updateOne and replaceOne: which of the matching documents is changed. */
import { beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "./support/database.ts";

type Task = { _id: number; due: number; done?: boolean };

describe("update with sort", () => {
  const t = useTestDatabase();
  const c = () => t.db.collection<Task>("tasks");
  beforeEach(async () => {
    await c().deleteMany({});
    await c().insertMany([{ _id: 1, due: 3 }, { _id: 2, due: 1 }, { _id: 3, due: 2 }]);
  });

  it("updateOne changes the first document in sort order", async () => {
    await c().updateOne({}, { $set: { done: true } }, { sort: { due: 1 } });
    expect((await c().find({ done: true }).toArray()).map((d) => d._id)).toEqual([2]);
    await c().updateOne({ done: { $exists: false } }, { $set: { done: true } }, { sort: { due: -1 } });
    expect((await c().find({ done: true }, { sort: { _id: 1 } }).toArray()).map((d) => d._id)).toEqual([1, 2]);
  });

  it("replaceOne replaces the first document in sort order", async () => {
    await c().replaceOne({ due: { $gte: 2 } }, { due: 9 }, { sort: { due: -1 } });
    expect(await c().find({}, { sort: { _id: 1 } }).toArray()).toEqual([{ _id: 1, due: 9 }, { _id: 2, due: 1 }, { _id: 3, due: 2 }]);
  });

  it("reports MongoDB 8.0, whose drivers send it", async () => {
    const info = await t.client.db("admin").command({ buildInfo: 1 });
    expect(Number(String(info.version).split(".")[0])).toBeGreaterThanOrEqual(8);
  });
});
