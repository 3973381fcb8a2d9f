import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, type TestDatabase } from "./support/database.ts";

describe("the database the suite runs against", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it("answers ping", async () => {
    expect(await database.db.command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it("stores a document and finds it again by _id and by field", async () => {
    const things = database.db.collection<{ _id: string; name: string; n: number }>("things");
    await things.insertOne({ _id: "a", name: "first", n: 1 });
    await things.insertOne({ _id: "b", name: "second", n: 2 });
    expect(await things.findOne({ _id: "a" })).toEqual({ _id: "a", name: "first", n: 1 });
    expect(await things.find({ n: { $gt: 1 } }).toArray()).toEqual([{ _id: "b", name: "second", n: 2 }]);
  });

  it("updates with operators and upserts", async () => {
    const counters = database.db.collection<{ _id: string; n: number; created?: boolean }>("counters");
    await counters.updateOne({ _id: "c" }, { $inc: { n: 1 }, $setOnInsert: { created: true } }, { upsert: true });
    await counters.updateOne({ _id: "c" }, { $inc: { n: 1 }, $setOnInsert: { created: false } }, { upsert: true });
    expect(await counters.findOne({ _id: "c" })).toEqual({ _id: "c", n: 2, created: true });
  });

  it("gives every test database its own name", async () => {
    const other = await testDatabase();
    try {
      expect(other.db.databaseName).not.toBe(database.db.databaseName);
      expect(await other.db.collection("things").countDocuments()).toBe(0);
    } finally {
      await other.close();
    }
  });
});
