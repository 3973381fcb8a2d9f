import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedMongo, type EmbeddedMongo } from "../src/index.ts";
import type { AnyDocument } from "./support/database.ts";

/**
 * Rights per database: the administrator (`credentials`) reaches every database; a user with
 * rights on one database (`users`) is refused (13 Unauthorized) wherever it would reach out of
 * it: other databases' commands, cross-database $out and $merge, renameCollection across
 * databases. Nothing is changed by a refused command.
 */
describe("per-database rights", () => {
  let server: EmbeddedMongo;
  let admin: MongoClient;
  let owner: MongoClient;

  beforeAll(async () => {
    server = await startEmbeddedMongo({
      inMemory: true,
      credentials: { user: "root", password: "root-password-1" },
      users: [{ user: "app", password: "app-password-1", database: "appdb" }],
    });
    admin = await MongoClient.connect(server.uri);
    owner = await MongoClient.connect(`mongodb://app:app-password-1@127.0.0.1:${server.port}/appdb?directConnection=true&authSource=admin`);
    await admin.db("other").collection<AnyDocument>("kept").insertOne({ _id: 1, from: "admin" });
    await owner.db("appdb").collection<AnyDocument>("source").insertMany([{ _id: 1, n: 1 }, { _id: 2, n: 2 }]);
  });

  afterAll(async () => {
    await owner.close();
    await admin.close();
    await server.stop();
  });

  const unauthorized = { code: 13, codeName: "Unauthorized" };

  it("a database owner reads and writes its own database and nothing else", async () => {
    expect(await owner.db("appdb").collection<AnyDocument>("source").countDocuments()).toBe(2);
    await expect(owner.db("other").collection<AnyDocument>("kept").findOne({})).rejects.toMatchObject(unauthorized);
    await expect(owner.db("other").collection<AnyDocument>("kept").insertOne({ _id: 2 })).rejects.toMatchObject(unauthorized);
    await expect(owner.db("other").dropDatabase()).rejects.toMatchObject(unauthorized);
    await expect(owner.db("admin").command({ getCmdLineOpts: 1 })).rejects.toMatchObject(unauthorized);
    expect(await owner.db("admin").command({ connectionStatus: 1 })).toMatchObject({
      authInfo: { authenticatedUsers: [{ user: "app", db: "admin" }], authenticatedUserRoles: [{ role: "dbOwner", db: "appdb" }] },
    });
    expect((await admin.db("admin").command({ connectionStatus: 1 })).authInfo.authenticatedUserRoles).toEqual([{ role: "root", db: "admin" }]);
    const listed = await owner.db("admin").admin().listDatabases();
    expect(listed.databases.map((db) => db.name)).toEqual(["appdb"]);
    expect(await admin.db("other").collection<AnyDocument>("kept").countDocuments()).toBe(1);
  });

  it("$out and $merge into another database are refused for the owner, allowed in its own", async () => {
    const source = owner.db("appdb").collection<AnyDocument>("source");
    await expect(source.aggregate([{ $match: {} }, { $out: { db: "other", coll: "stolen" } }]).toArray()).rejects.toMatchObject(unauthorized);
    await expect(source.aggregate([{ $merge: { into: { db: "other", coll: "stolen" } } }]).toArray()).rejects.toMatchObject(unauthorized);
    expect(await admin.db("other").listCollections({ name: "stolen" }).toArray()).toEqual([]);
    await source.aggregate([{ $match: { n: 2 } }, { $out: "copy" }]).toArray();
    expect(await owner.db("appdb").collection<AnyDocument>("copy").find().toArray()).toEqual([{ _id: 2, n: 2 }]);
    await source.aggregate([{ $match: { n: 1 } }, { $out: { db: "appdb", coll: "copy1" } }]).toArray();
    expect(await owner.db("appdb").collection<AnyDocument>("copy1").countDocuments()).toBe(1);
  });

  it("renameCollection across databases is refused for the owner, within its database allowed", async () => {
    await owner.db("appdb").collection<AnyDocument>("movable").insertOne({ _id: 1 });
    await expect(owner.db("admin").command({ renameCollection: "appdb.movable", to: "other.moved" })).rejects.toMatchObject(unauthorized);
    await expect(owner.db("admin").command({ renameCollection: "other.kept", to: "appdb.taken" })).rejects.toMatchObject(unauthorized);
    expect(await admin.db("other").collection<AnyDocument>("kept").countDocuments()).toBe(1);
    expect(await owner.db("appdb").collection<AnyDocument>("movable").countDocuments()).toBe(1);
    await owner.db("admin").command({ renameCollection: "appdb.movable", to: "appdb.moved" });
    expect(await owner.db("appdb").collection<AnyDocument>("moved").countDocuments()).toBe(1);
  });

  it("bulkWrite (run on admin) is refused for the owner when it names another database, allowed within its own", async () => {
    await expect(owner.bulkWrite([
      { name: "insertOne", namespace: "appdb.bulk", document: { k: 1 } },
      { name: "insertOne", namespace: "other.bulk", document: { k: 1 } },
    ])).rejects.toMatchObject({ cause: unauthorized });
    expect(await owner.db("appdb").collection<AnyDocument>("bulk").countDocuments()).toBe(0);
    expect(await admin.db("other").collection<AnyDocument>("bulk").countDocuments()).toBe(0);
    const done = await owner.bulkWrite([{ name: "insertOne", namespace: "appdb.bulk", document: { k: 1 } }]);
    expect(done.insertedCount).toBe(1);
  });

  it("the administrator reaches every database: cross-database $out and renameCollection run", async () => {
    await admin.db("appdb").collection<AnyDocument>("source").aggregate([{ $out: { db: "other", coll: "copied" } }]).toArray();
    expect(await admin.db("other").collection<AnyDocument>("copied").countDocuments()).toBe(2);
    await admin.db("admin").command({ renameCollection: "other.copied", to: "appdb.back" });
    expect(await admin.db("appdb").collection<AnyDocument>("back").countDocuments()).toBe(2);
  });

  it("a wrong password for the owner is refused as any login is (18)", async () => {
    const wrong = new MongoClient(`mongodb://app:nope-nope-1@127.0.0.1:${server.port}/?directConnection=true&authSource=admin`);
    await expect(wrong.connect()).rejects.toMatchObject({ code: 18 });
    await wrong.close();
  });
});
