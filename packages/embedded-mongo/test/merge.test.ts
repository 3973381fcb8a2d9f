/** `$merge` as mongod runs it, and `$listLocalSessions`. */
import { beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "./support/database.ts";

type Row = { _id: number; x: number; y?: number; k?: string };

describe("$merge", () => {
  const t = useTestDatabase();
  const source = () => t.db.collection<Row>("source");
  const target = () => t.db.collection<Row>("target");
  beforeEach(async () => {
    await source().deleteMany({});
    await target().deleteMany({});
    await source().insertMany([{ _id: 1, x: 10 }, { _id: 2, x: 20 }]);
    await target().insertMany([{ _id: 2, x: 0, y: 7 }, { _id: 3, x: 30 }]);
  });
  const merge = (spec: object) => source().aggregate([{ $merge: { into: "target", ...spec } }]).toArray();
  const contents = () => target().find({}, { sort: { _id: 1 } }).toArray();

  it("by default merges matched documents' fields and inserts the unmatched, answering no documents", async () => {
    expect(await merge({})).toEqual([]);
    expect(await contents()).toEqual([{ _id: 1, x: 10 }, { _id: 2, x: 20, y: 7 }, { _id: 3, x: 30 }]);
  });

  it("whenMatched replace, keepExisting, or a pipeline with $$new", async () => {
    await merge({ whenMatched: "replace", whenNotMatched: "discard" });
    expect(await contents()).toEqual([{ _id: 2, x: 20 }, { _id: 3, x: 30 }]);
    await target().updateOne({ _id: 2 }, { $set: { y: 1 } });
    await merge({ whenMatched: "keepExisting" });
    expect(await contents()).toEqual([{ _id: 1, x: 10 }, { _id: 2, x: 20, y: 1 }, { _id: 3, x: 30 }]);
    await merge({ whenMatched: [{ $set: { x: { $add: ["$x", "$$new.x"] } } }] });
    expect(await contents()).toEqual([{ _id: 1, x: 20 }, { _id: 2, x: 40, y: 1 }, { _id: 3, x: 30 }]);
  });

  it("whenMatched fail is a duplicate key error (11000); whenNotMatched fail is 13113", async () => {
    await expect(merge({ whenMatched: "fail" })).rejects.toMatchObject({ code: 11000 });
    await target().deleteMany({});
    await expect(merge({ whenMatched: "merge", whenNotMatched: "fail" })).rejects.toMatchObject({ code: 13113 });
  });

  it("matches on other fields only through a unique index on exactly them", async () => {
    await source().updateMany({}, [{ $set: { k: { $concat: ["k", { $toString: "$_id" }] } } }]);
    await expect(source().aggregate([{ $project: { _id: 0, k: 1, x: 1 } }, { $merge: { into: "keyed", on: "k" } }]).toArray()).rejects.toMatchObject({ code: 51183 });
    await t.db.collection("keyed").createIndex({ k: 1 }, { unique: true });
    await t.db.collection("keyed").insertOne({ k: "k1", x: 0, old: true });
    await source().aggregate([{ $project: { _id: 0, k: 1, x: 1 } }, { $merge: { into: "keyed", on: "k" } }]).toArray();
    const keyed = await t.db.collection("keyed").find({}, { projection: { _id: 0 }, sort: { k: 1 } }).toArray();
    expect(keyed).toEqual([{ k: "k1", x: 10, old: true }, { k: "k2", x: 20 }]);
  });

  it("must be the last stage", async () => {
    await expect(source().aggregate([{ $merge: { into: "target" } }, { $match: {} }]).toArray()).rejects.toMatchObject({ code: 40601 });
  });
});

describe("$listLocalSessions", () => {
  const t = useTestDatabase();

  it("lists the sessions this connection's commands used", async () => {
    const session = t.client.startSession();
    try {
      await t.db.collection("s").findOne({}, { session });
      const listed = await t.db.aggregate([{ $listLocalSessions: {} }]).toArray();
      expect(listed.some((entry) => entry._id.id.toString("hex") === session.id!.id.toString("hex"))).toBe(true);
      expect(listed[0]).toMatchObject({ lastUse: expect.any(Date) });
    } finally {
      await session.endSession();
    }
  });
});
