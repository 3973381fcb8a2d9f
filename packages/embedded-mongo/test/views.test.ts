/** Views (`create` with `viewOn` and `pipeline`) and collMod, as mongod serves them. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { MongoClient, MongoServerError } from "mongodb";
import { beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedMongo } from "../src/index.ts";
import { useTestDatabase } from "./support/database.ts";

type Score = { _id: number; name: string; score: number };

describe("views", () => {
  const t = useTestDatabase();
  beforeAll(async () => {
    await t.db.collection<Score>("scores").insertMany([
      { _id: 1, name: "ada", score: 90 },
      { _id: 2, name: "alan", score: 60 },
      { _id: 3, name: "grace", score: 75 },
    ]);
    await t.db.createCollection("passed", { viewOn: "scores", pipeline: [{ $match: { score: { $gte: 70 } } }, { $project: { score: 0 } }] });
  });

  it("reads through find, count, distinct and aggregate, following the source's current data", async () => {
    const view = t.db.collection("passed");
    expect(await view.find({}, { sort: { _id: 1 } }).toArray()).toEqual([{ _id: 1, name: "ada" }, { _id: 3, name: "grace" }]);
    expect(await view.find({ name: "grace" }).toArray()).toEqual([{ _id: 3, name: "grace" }]);
    expect(await view.countDocuments()).toBe(2);
    expect(await view.estimatedDocumentCount()).toBe(2);
    expect((await view.distinct("name")).sort()).toEqual(["ada", "grace"]);
    expect(await view.aggregate([{ $count: "n" }]).toArray()).toEqual([{ n: 2 }]);
    await t.db.collection<Score>("scores").insertOne({ _id: 4, name: "linus", score: 99 });
    expect(await view.countDocuments()).toBe(3);
    await t.db.collection<Score>("scores").deleteOne({ _id: 4 });
  });

  it("refuses writes with 166 CommandNotSupportedOnView, changing nothing", async () => {
    const view = t.db.collection<{ _id: number; name?: string }>("passed");
    for (const write of [
      () => view.insertOne({ _id: 9 }),
      () => view.updateOne({ _id: 1 }, { $set: { name: "x" } }),
      () => view.deleteOne({ _id: 1 }),
      () => view.createIndex({ name: 1 }),
    ]) {
      const error = await write().then(() => undefined, (thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(MongoServerError);
      expect((error as MongoServerError).code).toBe(166);
    }
    expect(await t.db.collection("scores").countDocuments()).toBe(3);
  });

  it("is listed with type view and its definition", async () => {
    const [info] = await t.db.listCollections({ name: "passed" }).toArray();
    expect(info).toMatchObject({ name: "passed", type: "view", options: { viewOn: "scores" } });
  });

  it("collMod changes its pipeline; a cycle of views is refused", async () => {
    await t.db.command({ collMod: "passed", viewOn: "scores", pipeline: [{ $match: { score: { $lt: 70 } } }] });
    expect(await t.db.collection("passed").find().toArray()).toEqual([{ _id: 2, name: "alan", score: 60 }]);
    await t.db.createCollection("second", { viewOn: "passed", pipeline: [] });
    await expect(t.db.command({ collMod: "passed", viewOn: "second", pipeline: [] })).rejects.toMatchObject({ code: 40255 });
  });
});

describe("collMod", () => {
  const t = useTestDatabase();

  it("changes a TTL index's expireAfterSeconds and an index's visibility", async () => {
    const c = t.db.collection("ttl");
    await c.createIndex({ at: 1 }, { expireAfterSeconds: 3600, name: "at_ttl" });
    const reply = await t.db.command({ collMod: "ttl", index: { name: "at_ttl", expireAfterSeconds: 60 } });
    expect(reply).toMatchObject({ expireAfterSeconds_old: 3600, expireAfterSeconds_new: 60, ok: 1 });
    await t.db.command({ collMod: "ttl", index: { keyPattern: { at: 1 }, hidden: true } });
    const index = (await c.indexes()).find((spec) => spec.name === "at_ttl");
    expect(index).toMatchObject({ expireAfterSeconds: 60, hidden: true });
  });

  it("a missing collection or index is an error", async () => {
    await expect(t.db.command({ collMod: "nowhere", validator: {} })).rejects.toMatchObject({ code: 26 });
    await t.db.createCollection("plain");
    await expect(t.db.command({ collMod: "plain", index: { name: "nope", hidden: true } })).rejects.toMatchObject({ code: 27 });
  });
});

describe("schema validation", () => {
  const t = useTestDatabase();

  it("a write that breaks the validator fails with 121 and errInfo, and changes nothing", async () => {
    const c = t.db.collection<{ _id: number; x: unknown }>("validated");
    await c.insertMany([{ _id: 1, x: "a" }]);
    await t.db.command({ collMod: "validated", validator: { x: { $type: "string" } } });
    const error = await c.updateOne({ _id: 1 }, { $set: { x: 1 } }).then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(121);
    expect((error as MongoServerError).errInfo).toMatchObject({ failingDocumentId: 1 });
    await expect(c.updateOne({ _id: 2 }, { $set: { x: 2 } }, { upsert: true })).rejects.toMatchObject({ code: 121 });
    expect(await c.find().toArray()).toEqual([{ _id: 1, x: "a" }]);
    await c.updateOne({ _id: 1 }, { $set: { x: "b" } });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, x: "b" });
  });

  it("inserts are validated too, and bypassDocumentValidation skips the check", async () => {
    await t.db.createCollection("strict", { validator: { n: { $type: "number" } } });
    const c = t.db.collection<{ _id: number; n: unknown }>("strict");
    await expect(c.insertOne({ _id: 1, n: "one" })).rejects.toMatchObject({ code: 121 });
    await c.insertOne({ _id: 2, n: "two" }, { bypassDocumentValidation: true });
    await c.updateOne({ _id: 2 }, { $set: { n: "still" } }, { bypassDocumentValidation: true });
    expect(await c.find().toArray()).toEqual([{ _id: 2, n: "still" }]);
  });

  it("validationLevel moderate spares documents that were already invalid", async () => {
    const c = t.db.collection<{ _id: number; x: unknown; y?: number }>("moderate");
    await c.insertMany([{ _id: 1, x: 5 }, { _id: 2, x: "ok" }]);
    await t.db.command({ collMod: "moderate", validator: { x: { $type: "string" } }, validationLevel: "moderate" });
    await c.updateOne({ _id: 1 }, { $set: { y: 1 } });
    await expect(c.updateOne({ _id: 2 }, { $set: { x: 7 } })).rejects.toMatchObject({ code: 121 });
    expect(await c.find({}, { sort: { _id: 1 } }).toArray()).toEqual([{ _id: 1, x: 5, y: 1 }, { _id: 2, x: "ok" }]);
  });
});

describe("views and collMod across a restart", () => {
  it("the journal keeps a view's definition and a collection's validator", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "embedded-views-"));
    try {
      const first = await startEmbeddedMongo({ dataDir });
      const client = await MongoClient.connect(first.uri);
      const db = client.db("kept");
      await db.collection("src").insertMany([{ _id: 1, x: "a" }, { _id: 2, x: "b" }] as never[]);
      await db.createCollection("onlyA", { viewOn: "src", pipeline: [{ $match: { x: "a" } }] });
      await db.command({ collMod: "src", validator: { x: { $type: "string" } } });
      await client.close();
      await first.stop();
      const second = await startEmbeddedMongo({ dataDir });
      const again = await MongoClient.connect(second.uri);
      try {
        expect(await again.db("kept").collection("onlyA").find().toArray()).toEqual([{ _id: 1, x: "a" }]);
        await expect(again.db("kept").collection<{ _id: number; x: unknown }>("src").updateOne({ _id: 1 }, { $set: { x: 1 } })).rejects.toMatchObject({ code: 121 });
      } finally {
        await again.close();
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
