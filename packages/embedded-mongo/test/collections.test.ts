import { describe, expect, it } from "vitest";
import { useTestDatabase } from "./support/database.ts";

describe("collections and databases", () => {
  const t = useTestDatabase();

  it("create makes an empty collection that listCollections shows", async () => {
    await t.db.createCollection("made");
    const infos = await t.db.listCollections({ name: "made" }).toArray();
    expect(infos).toEqual([expect.objectContaining({ name: "made", type: "collection" })]);
    expect(await t.db.listCollections({ name: "made" }, { nameOnly: true }).toArray()).toEqual([{ name: "made", type: "collection" }]);
  });

  it("creating an existing collection fails with NamespaceExists", async () => {
    await t.db.createCollection("twice");
    await expect(t.db.command({ create: "twice" })).rejects.toMatchObject({ code: 48, codeName: "NamespaceExists" });
  });

  it("a first insert creates the collection", async () => {
    await t.db.collection("implicit").insertOne({ x: 1 });
    expect((await t.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name)).toContain("implicit");
  });

  it("drop removes the collection with its documents and indexes", async () => {
    const c = t.db.collection("dropped");
    await c.insertOne({ x: 1 });
    await c.createIndex({ x: 1 });
    expect(await c.drop()).toBe(true);
    expect(await c.countDocuments()).toBe(0);
    expect((await t.db.listCollections({ name: "dropped" }).toArray())).toEqual([]);
    await c.insertOne({ x: 2 });
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(["_id_"]);
  });

  it("renameCollection moves documents and indexes", async () => {
    const from = t.db.collection("old-name");
    await from.insertOne({ _id: 1 } as never);
    await from.createIndex({ y: 1 });
    await from.rename("new-name");
    const to = t.db.collection("new-name");
    expect(await to.find().toArray()).toEqual([{ _id: 1 }]);
    expect((await to.listIndexes().toArray()).map((i) => i.name)).toEqual(["_id_", "y_1"]);
    expect(await t.db.listCollections({ name: "old-name" }).toArray()).toEqual([]);
  });

  it("listDatabases shows a database once it holds data; dropDatabase removes it", async () => {
    const other = t.client.db(`${t.db.databaseName}_x`);
    await other.collection("c").insertOne({ x: 1 });
    const names = async () => (await t.client.db("admin").admin().listDatabases()).databases.map((d) => d.name);
    expect(await names()).toContain(other.databaseName);
    await other.dropDatabase();
    expect(await names()).not.toContain(other.databaseName);
  });

  it("collStats and dbStats count documents", async () => {
    const c = t.db.collection("stats");
    await c.insertMany([{ a: 1 }, { a: 2 }]);
    expect(await t.db.command({ collStats: "stats" })).toMatchObject({ ok: 1, count: 2 });
    expect((await t.db.command({ dbStats: 1 })).objects).toBeGreaterThanOrEqual(2);
  });
});
