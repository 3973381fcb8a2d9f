import { describe, expect, it } from "vitest";
import { useTestDatabase } from "./support/database.ts";

type Job = { _id: number; state: string; priority: number; attempts?: number };

describe("findAndModify", () => {
  const t = useTestDatabase();
  let n = 0;
  async function jobs() {
    n += 1;
    const c = t.db.collection<Job>(`jobs${n}`);
    await c.insertMany([{ _id: 1, state: "ready", priority: 1 }, { _id: 2, state: "ready", priority: 5 }, { _id: 3, state: "done", priority: 9 }]);
    return c;
  }

  it("returns the document before the update by default, and after it when asked", async () => {
    const c = await jobs();
    expect(await c.findOneAndUpdate({ _id: 1 }, { $set: { state: "taken" } })).toEqual({ _id: 1, state: "ready", priority: 1 });
    expect(await c.findOneAndUpdate({ _id: 1 }, { $inc: { attempts: 1 } }, { returnDocument: "after" })).toEqual({ _id: 1, state: "taken", priority: 1, attempts: 1 });
  });

  it("takes the first match in sort order", async () => {
    const c = await jobs();
    const taken = await c.findOneAndUpdate({ state: "ready" }, { $set: { state: "taken" } }, { sort: { priority: -1 }, returnDocument: "after" });
    expect(taken).toEqual({ _id: 2, state: "taken", priority: 5 });
  });

  it("upserts when nothing matches, returning the new document with returnDocument after", async () => {
    const c = await jobs();
    const created = await c.findOneAndUpdate({ _id: 10 }, { $set: { state: "new" }, $setOnInsert: { priority: 0 } }, { upsert: true, returnDocument: "after" });
    expect(created).toEqual({ _id: 10, state: "new", priority: 0 });
    const raw = await t.db.command({ findAndModify: c.collectionName, query: { _id: 11 }, update: { $set: { state: "x" } }, upsert: true });
    expect(raw.lastErrorObject).toEqual({ n: 1, updatedExisting: false, upserted: 11 });
    expect(raw.value).toBeNull();
  });

  it("reports updatedExisting and n in lastErrorObject", async () => {
    const c = await jobs();
    const raw = await t.db.command({ findAndModify: c.collectionName, query: { _id: 1 }, update: { $set: { state: "x" } } });
    expect(raw.lastErrorObject).toEqual({ n: 1, updatedExisting: true });
    const none = await t.db.command({ findAndModify: c.collectionName, query: { _id: 99 }, update: { $set: { state: "x" } } });
    expect(none.lastErrorObject).toEqual({ n: 0, updatedExisting: false });
    expect(none.value).toBeNull();
  });

  it("removes and returns the removed document", async () => {
    const c = await jobs();
    expect(await c.findOneAndDelete({ state: "ready" }, { sort: { priority: 1 } })).toEqual({ _id: 1, state: "ready", priority: 1 });
    expect(await c.countDocuments()).toBe(2);
    expect(await c.findOneAndDelete({ _id: 99 })).toBeNull();
  });

  it("applies a projection to the returned document", async () => {
    const c = await jobs();
    expect(await c.findOneAndUpdate({ _id: 3 }, { $set: { state: "archived" } }, { projection: { state: 1, _id: 0 }, returnDocument: "after" })).toEqual({ state: "archived" });
  });

  it("replaces with findOneAndReplace", async () => {
    const c = await jobs();
    expect(await c.findOneAndReplace({ _id: 3 }, { state: "new", priority: 2 }, { returnDocument: "after" })).toEqual({ _id: 3, state: "new", priority: 2 });
  });

  it("a unique violation fails with 11000 and keyValue", async () => {
    const c = await jobs();
    await c.createIndex({ priority: 1 }, { unique: true });
    await expect(c.findOneAndUpdate({ _id: 1 }, { $set: { priority: 5 } })).rejects.toMatchObject({ code: 11000, keyPattern: { priority: 1 }, keyValue: { priority: 5 } });
    await expect(c.findOneAndUpdate({ _id: 20 }, { $set: { priority: 9 } }, { upsert: true })).rejects.toMatchObject({ code: 11000 });
  });
});
