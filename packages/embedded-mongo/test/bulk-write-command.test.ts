/**
 * The bulkWrite command (MongoDB 8.0): operations across namespaces in one command on admin,
 * with a cursor of per-operation results. Sent as the command itself, as the driver's
 * MongoClient.bulkWrite sends it.
 */
import type { Document } from "mongodb";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "./support/database.ts";

describe("bulkWrite command", () => {
  const t = useTestDatabase();
  const run = (command: Document) => t.client.db("admin").command({ bulkWrite: 1, ...command });

  it("inserts, updates and deletes in two collections, counting each kind, with a result per operation", async () => {
    const [a, b] = [`${t.db.databaseName}.a`, `${t.db.databaseName}.b`];
    const reply = await run({
      nsInfo: [{ ns: a }, { ns: b }],
      ops: [
        { insert: 0, document: { _id: 1, x: 1 } },
        { insert: 1, document: { _id: 1, y: 1 } },
        { update: 0, filter: { _id: 1 }, updateMods: { $inc: { x: 1 } } },
        { update: 1, filter: { _id: 2 }, updateMods: { $set: { y: 2 } }, upsert: true },
        { delete: 1, filter: { _id: 1 } },
      ],
    });
    expect(reply).toMatchObject({ ok: 1, nErrors: 0, nInserted: 2, nMatched: 1, nModified: 1, nUpserted: 1, nDeleted: 1 });
    expect(reply.cursor.firstBatch).toEqual([
      { ok: 1, idx: 0, n: 1 },
      { ok: 1, idx: 1, n: 1 },
      { ok: 1, idx: 2, n: 1, nModified: 1 },
      { ok: 1, idx: 3, n: 1, nModified: 0, upserted: { _id: 2 } },
      { ok: 1, idx: 4, n: 1 },
    ]);
    expect(await t.db.collection("a").find().toArray()).toEqual([{ _id: 1, x: 2 }]);
    expect(await t.db.collection("b").find().toArray()).toEqual([{ _id: 2, y: 2 }]);
  });

  it("ordered stops at the first failure; unordered goes on; errorsOnly lists only failures", async () => {
    const ns = `${t.db.databaseName}.dups`;
    const ordered = await run({ nsInfo: [{ ns }], ops: [{ insert: 0, document: { _id: 1 } }, { insert: 0, document: { _id: 1 } }, { insert: 0, document: { _id: 2 } }] });
    expect(ordered).toMatchObject({ nErrors: 1, nInserted: 1 });
    expect(ordered.cursor.firstBatch[1]).toMatchObject({ ok: 0, idx: 1, code: 11000 });
    const unordered = await run({ nsInfo: [{ ns }], ordered: false, errorsOnly: true, ops: [{ insert: 0, document: { _id: 1 } }, { insert: 0, document: { _id: 3 } }] });
    expect(unordered).toMatchObject({ nErrors: 1, nInserted: 1 });
    expect(unordered.cursor.firstBatch).toEqual([expect.objectContaining({ ok: 0, idx: 0, code: 11000 })]);
    expect((await t.db.collection("dups").find({}, { sort: { _id: 1 } }).toArray()).map((d) => d._id)).toEqual([1, 3]);
  });

  it("takes let, collation and an update's sort (which document an update of one changes)", async () => {
    const ns = `${t.db.databaseName}.opts`;
    await t.db.collection("opts").insertMany([{ _id: 1, n: "a", v: 1 }, { _id: 2, n: "A", v: 2 }] as never[]);
    const reply = await run({
      nsInfo: [{ ns }],
      let: { target: 2 },
      ops: [
        { update: 0, filter: { $expr: { $eq: ["$v", "$$target"] } }, updateMods: { $set: { hit: "let" } } },
        { update: 0, filter: { n: "a" }, updateMods: { $set: { last: true } }, sort: { v: -1 }, collation: { locale: "en", strength: 2 } },
      ],
    });
    expect(reply).toMatchObject({ nErrors: 0, nMatched: 2, nModified: 2 });
    expect(await t.db.collection("opts").find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, n: "a", v: 1 },
      { _id: 2, n: "A", v: 2, hit: "let", last: true },
    ]);
    const deleted = await run({ nsInfo: [{ ns }], ops: [{ delete: 0, filter: { n: "A" }, collation: { locale: "en", strength: 2 }, multi: true }] });
    expect(deleted).toMatchObject({ nDeleted: 2 });
  });

  it("runs only on admin, and refuses an operation naming no namespace", async () => {
    await expect(t.db.command({ bulkWrite: 1, nsInfo: [{ ns: `${t.db.databaseName}.x` }], ops: [{ insert: 0, document: {} }] })).rejects.toMatchObject({ code: 13 });
    await expect(run({ nsInfo: [{ ns: `${t.db.databaseName}.x` }], ops: [{ insert: 1, document: {} }] })).rejects.toMatchObject({ code: 2 });
    expect(await t.db.collection("x").countDocuments()).toBe(0);
  });
});
