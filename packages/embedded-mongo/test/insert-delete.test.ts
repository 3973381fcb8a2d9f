import { describe, expect, it } from "vitest";
import { MongoBulkWriteError, MongoServerError, ObjectId } from "mongodb";
import { useTestDatabase } from "./support/database.ts";

type Thing = { _id?: number | ObjectId; n?: number; name?: string };

describe("insert and delete", () => {
  const t = useTestDatabase();
  const things = (name: string) => t.db.collection<Thing>(name);

  it("insertOne gives a document without _id an ObjectId and stores it", async () => {
    const result = await things("generated").insertOne({ n: 1 });
    expect(result.insertedId).toBeInstanceOf(ObjectId);
    expect(await things("generated").findOne({ _id: result.insertedId })).toEqual({ _id: result.insertedId, n: 1 });
  });

  it("a raw insert without _id gets an ObjectId from the server, placed first", async () => {
    await t.db.command({ insert: "raw", documents: [{ n: 1 }] });
    const [doc] = await things("raw").find().toArray();
    expect(Object.keys(doc!)).toEqual(["_id", "n"]);
    expect(doc!._id).toBeInstanceOf(ObjectId);
  });

  it("a duplicate _id fails with 11000, keyPattern and keyValue", async () => {
    await things("dup").insertOne({ _id: 7, n: 1 });
    const error = await things("dup").insertOne({ _id: 7, n: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 11000, keyPattern: { _id: 1 }, keyValue: { _id: 7 } });
    expect((error as MongoServerError).message).toMatch(/^E11000 duplicate key error collection: .*dup\b.* index: _id_ dup key: \{ _id: 7 \}$/);
    expect(await things("dup").findOne({ _id: 7 })).toEqual({ _id: 7, n: 1 });
  });

  it("an ordered insertMany stops at the first failure and reports its index", async () => {
    const c = things("ordered");
    const error = (await c.insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }]).catch((e: unknown) => e)) as MongoBulkWriteError;
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    expect(error.insertedCount).toBe(1);
    expect(error.writeErrors).toHaveLength(1);
    expect([error.writeErrors].flat().map((e) => e.index)).toEqual([1]);
    expect(await c.countDocuments()).toBe(1);
  });

  it("an unordered insertMany goes on after a failure", async () => {
    const c = things("unordered");
    const error = (await c.insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }, { _id: 2 }, { _id: 3 }], { ordered: false }).catch((e: unknown) => e)) as MongoBulkWriteError;
    expect(error.insertedCount).toBe(3);
    expect([error.writeErrors].flat().map((e) => [e.index, e.code])).toEqual([[1, 11000], [3, 11000]]);
    expect(await c.countDocuments()).toBe(3);
  });

  it("an array or a regular expression cannot be an _id", async () => {
    const reply = await t.db.command({ insert: "bad-ids", documents: [{ _id: [1, 2] }, { _id: /x/ }], ordered: false });
    expect(reply.n).toBe(0);
    expect(reply.writeErrors.map((e: { index: number; code: number }) => [e.index, e.code])).toEqual([[0, 2], [1, 2]]);
  });

  it("the raw insert reply counts inserted documents in n", async () => {
    expect(await t.db.command({ insert: "counted", documents: [{ _id: 1 }, { _id: 2 }] })).toMatchObject({ n: 2, ok: 1 });
  });

  it("deleteOne removes one match, deleteMany all, and both count them", async () => {
    const c = things("deletes");
    await c.insertMany([{ _id: 1, n: 1 }, { _id: 2, n: 1 }, { _id: 3, n: 2 }]);
    expect((await c.deleteOne({ n: 1 })).deletedCount).toBe(1);
    expect((await c.deleteMany({ n: { $gte: 1 } })).deletedCount).toBe(2);
    expect((await c.deleteMany({})).deletedCount).toBe(0);
  });

  it("deleting from a collection that does not exist deletes nothing", async () => {
    expect((await things("never-created").deleteMany({})).deletedCount).toBe(0);
  });
});
