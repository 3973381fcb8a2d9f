/** `hint` must name an existing index (by name or key pattern) or `$natural`, as mongod checks. */
import { beforeAll, describe, expect, it } from "vitest";
import { serverKind, useTestDatabase } from "./support/database.ts";

type Doc = { _id: number; a: number };

describe("hint", () => {
  const t = useTestDatabase();
  const c = () => t.db.collection<Doc>("hinted");
  beforeAll(async () => {
    await c().insertMany([{ _id: 1, a: 1 }, { _id: 2, a: 2 }]);
    await c().createIndex({ a: 1 }, { name: "a_1" });
  });

  it("an existing index, by name or key pattern, or $natural, changes no result", async () => {
    expect(await c().find({ a: 2 }, { hint: "a_1" }).toArray()).toEqual([{ _id: 2, a: 2 }]);
    expect(await c().find({}, { hint: { _id: 1 }, sort: { _id: 1 } }).toArray()).toHaveLength(2);
    expect(await c().countDocuments({}, { hint: { $natural: 1 } })).toBe(2);
    expect((await c().updateOne({ a: 1 }, { $set: { a: 3 } }, { hint: "a_1" })).modifiedCount).toBe(1);
  });

  it("an index that does not exist fails every command that takes a hint (2 BadValue), changing nothing", async () => {
    await expect(c().find({}, { hint: "nope_1" }).toArray()).rejects.toMatchObject({ code: 2 });
    await expect(c().aggregate([{ $match: {} }], { hint: { b: 1 } }).toArray()).rejects.toMatchObject({ code: 2 });
    await expect(c().countDocuments({}, { hint: "nope_1" })).rejects.toMatchObject({ code: 2 });
    await expect(c().updateOne({ _id: 1 }, { $set: { a: 9 } }, { hint: "nope_1" })).rejects.toMatchObject({ code: 2 });
    await expect(c().deleteOne({ _id: 1 }, { hint: { nope: 1 } })).rejects.toMatchObject({ code: 2 });
    await expect(c().findOneAndUpdate({ _id: 1 }, { $set: { a: 9 } }, { hint: { nope: 1 } })).rejects.toMatchObject({ code: 2 });
    expect(await c().find({}, { sort: { _id: 1 } }).toArray()).toEqual([{ _id: 1, a: 3 }, { _id: 2, a: 2 }]);
  });
});

describe("find options this server does not implement", () => {
  const t = useTestDatabase();

  it("are refused rather than ignored here (min/max, returnKey, showRecordId); a tailable cursor on a plain collection is refused by both", async () => {
    const c = t.db.collection<Doc>("plain");
    await c.insertOne({ _id: 1, a: 1 });
    for (const option of [{ min: { _id: 0 }, hint: { _id: 1 } }, { returnKey: true }, { showRecordId: true }]) {
      const answer = c.find({}, option).toArray();
      if (serverKind() === "embedded") await expect(answer).rejects.toMatchObject({ code: 115 });
      else await expect(answer).resolves.toHaveLength(1);
    }
    await expect(c.find({}, { tailable: true }).toArray()).rejects.toThrow();
    expect(await c.find({}, { returnKey: false, showRecordId: false }).toArray()).toEqual([{ _id: 1, a: 1 }]);
  });

  it("an index option it would ignore is refused here (197); aggregate explain too (115)", async () => {
    const c = t.db.collection<Doc>("options");
    await c.insertOne({ _id: 1, a: 1 });
    const index = () => t.db.command({ createIndexes: "options", indexes: [{ key: { a: 1 }, name: "a_1", prepareUnique: true }] });
    const explained = () => t.db.command({ aggregate: "options", pipeline: [], explain: true });
    if (serverKind() === "embedded") {
      await expect(index()).rejects.toMatchObject({ code: 197 });
      await expect(explained()).rejects.toMatchObject({ code: 115 });
    } else {
      await expect(index()).resolves.toMatchObject({ ok: 1 });
      await expect(explained()).resolves.toMatchObject({ ok: 1 });
    }
  });
});

describe("update statement constants (c)", () => {
  const t = useTestDatabase();

  it("are variables of the statement's pipeline, beside the command's let", async () => {
    const c = t.db.collection<{ _id: number; a?: number; b?: number }>("constants");
    await c.insertOne({ _id: 1 });
    await t.db.command({ update: "constants", let: { fromLet: 1 }, updates: [{ q: { _id: 1 }, u: [{ $set: { a: "$$fromLet", b: "$$fromC" } }], c: { fromC: 2 } }] });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, a: 1, b: 2 });
  });
});

