import { describe, expect, it } from "vitest";
import { serverKind, useTestDatabase } from "./support/database.ts";

const MiB = 1024 * 1024;

describe("size limits", () => {
  const t = useTestDatabase();

  it("a document over 16 MiB is refused and not stored", async () => {
    const reply = await t.db.command({ insert: "big", documents: [{ _id: 1, blob: "x".repeat(16 * MiB) }] });
    expect(reply.n).toBe(0);
    expect(reply.writeErrors).toEqual([expect.objectContaining({ index: 0, code: 2 })]);
    expect(await t.db.collection("big").countDocuments()).toBe(0);
  });

  it("an update that would grow a document past 16 MiB is refused", async () => {
    const c = t.db.collection<{ _id: number; a?: string; b?: string }>("growing");
    await c.insertOne({ _id: 1, a: "x".repeat(9 * MiB) });
    await expect(c.updateOne({ _id: 1 }, { $set: { b: "y".repeat(9 * MiB) } })).rejects.toMatchObject({ code: 17419 });
    expect((await c.findOne({ _id: 1 }))!.b).toBeUndefined();
  });

  it("reply batches stop before 16 MiB whatever the batch size", async () => {
    const c = t.db.collection<{ _id: number; blob: string }>("bulky");
    for (let i = 0; i < 20; i++) await c.insertOne({ _id: i, blob: "z".repeat(MiB) });
    const first = await t.db.command({ find: "bulky", filter: {}, batchSize: 1000 }, { promoteLongs: false });
    expect(first.cursor.firstBatch.length).toBeGreaterThan(0);
    expect(first.cursor.firstBatch.length).toBeLessThan(20);
    await t.db.command({ killCursors: "bulky", cursors: [first.cursor.id] });
    expect((await c.find({}, { batchSize: 1000 }).toArray()).map((doc) => doc._id)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // Sixteen of them: past the limit (16 MiB less room for the envelope), yet within what one encoding holds.
    const sixteen = await t.db.command({ find: "bulky", filter: { _id: { $lt: 16 } }, batchSize: 1000 }, { promoteLongs: false });
    expect(sixteen.cursor.firstBatch.map((doc: { _id: number }) => doc._id)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    const rest = await t.db.command({ getMore: sixteen.cursor.id, collection: "bulky" }, { promoteLongs: false });
    expect(rest.cursor.nextBatch.map((doc: { _id: number }) => doc._id)).toEqual([15]);
  });

  it("a document nested deeper than 100 levels is refused with mongod's Overflow (15), by insert and by update", async () => {
    const nested = (levels: number): Record<string, unknown> => {
      let value: Record<string, unknown> = { leaf: true };
      for (let level = 1; level < levels; level++) value = { a: value };
      return value;
    };
    const c = t.db.collection<{ _id: number; doc: Record<string, unknown> }>("deep");
    await c.insertOne({ _id: 1, doc: nested(99) });
    const refused = await t.db.command({ insert: "deep", documents: [{ _id: 2, doc: nested(101) }] });
    expect(refused.writeErrors).toEqual([expect.objectContaining({ index: 0, code: 15 })]);
    // 10,000 levels: refused (or its connection closed, as mongod closes one whose message nests past
    // its 200-level limit), never stored, and the server goes on serving.
    const far = await t.db.command({ insert: "deep", documents: [{ _id: 3, doc: nested(10_000) }] }).catch((error: unknown) => ({ closed: error }));
    if (!("closed" in far)) expect(far.writeErrors).toEqual([expect.objectContaining({ index: 0, code: 15 })]);
    await expect(c.updateOne({ _id: 1 }, { $set: { "doc.a": nested(101) } })).rejects.toMatchObject({ code: 15 });
    expect(await c.countDocuments()).toBe(1);
    expect(await t.db.command({ ping: 1 })).toMatchObject({ ok: 1 });
  });
});

describe("regular expressions", () => {
  const t = useTestDatabase();

  it("match in linear time: a pattern that backtracks exponentially does not hold the server", async () => {
    const c = t.db.collection<{ _id: number; s: string }>("regex_attack");
    await c.insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: i, s: `${"a".repeat(29)}!` })));
    await c.insertOne({ _id: 1000, s: "aaaa" });
    const started = performance.now();
    const found = await c.find({ s: { $regex: "^(a+)+$" } }).toArray();
    // A backtracking engine takes ~30 s per document here (issue 10 measured 33 s for one).
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(found.map((doc) => doc._id)).toEqual([1000]);
    expect(await c.countDocuments({ s: { $in: [/^(a|aa)+$/, /^b/] } })).toBe(1);
    expect(await c.countDocuments({ s: /^A{4}$/i })).toBe(1);
    // What RE2 cannot express still works, on the backtracking matcher.
    expect(await c.countDocuments({ s: { $regex: "^(a)\\1{3}$" } })).toBe(1);
  });

  it("lookaround and backreferences run under a step budget: a catastrophic pattern fails fast, the server goes on", async () => {
    const c = t.db.collection<{ _id: number; s: string }>("regex_budget");
    await c.insertMany([
      { _id: 1, s: `${"a".repeat(29)}!` },
      { _id: 2, s: "Password1" },
      { _id: 3, s: "xab" },
      { _id: 4, s: "hello Hello" },
    ]);
    // RE2 cannot take the lookahead; inside it `(a+)+` backtracks 2^29 times on a JavaScript engine.
    const started = performance.now();
    const outcome = await c.find({ s: { $regex: "^(?=(a+)+$)" } }).toArray().catch((error: unknown) => error);
    expect(performance.now() - started).toBeLessThan(2_000);
    if (serverKind() === "embedded") expect(outcome).toMatchObject({ code: 2, errmsg: expect.stringContaining("too complex") });
    expect(await t.db.command({ ping: 1 })).toMatchObject({ ok: 1 });
    // Patterns of the same kind that do not explode answer as JavaScript would.
    expect(await c.find({ s: { $regex: "^(?=.*\\d)(?=.*[a-z]).{8,}$" } }).toArray()).toEqual([{ _id: 2, s: "Password1" }]);
    expect(await c.find({ s: { $regex: "(?<=x)a(?=b)" } }).toArray()).toEqual([{ _id: 3, s: "xab" }]);
    expect(await c.find({ s: { $regex: "^(\\w+) \\1$", $options: "i" } }).toArray()).toEqual([{ _id: 4, s: "hello Hello" }]);
    expect(await c.countDocuments({ s: { $regex: "(?<!x)ab" } })).toBe(0);
  });
});

describe("time limits", () => {
  const t = useTestDatabase();

  it("a command past its maxTimeMS, or past the server's default limit, answers 50 MaxTimeMSExpired", async () => {
    const c = t.db.collection<{ _id: number; n: number; s: string }>("slow_scan");
    for (let i = 0; i < 100_000; i += 20_000) {
      await c.insertMany(Array.from({ length: 20_000 }, (_, j) => ({ _id: i + j, n: i + j, s: `k${i + j}` })));
    }
    // An unindexed scan of 100k documents takes tens of milliseconds: 1 ms is not enough.
    await expect(c.find({ s: { $regex: "^(k)\\1" } }).maxTimeMS(1).toArray()).rejects.toMatchObject({ code: 50, codeName: "MaxTimeMSExpired" });
    await expect(c.countDocuments({ s: { $regex: "^(k)\\1" } }, { maxTimeMS: 1 })).rejects.toMatchObject({ code: 50 });
    await expect(c.updateMany({ s: { $regex: "^(k)\\1" } }, { $set: { touched: true } }, { maxTimeMS: 1 } as never)).rejects.toMatchObject({ code: 50 });
    expect(await c.countDocuments({ touched: true })).toBe(0);
    expect(await c.find({ s: { $regex: "^(k)\\1" } }).toArray()).toEqual([]);
    await expect(t.db.command({ find: "slow_scan", maxTimeMS: -1 })).rejects.toMatchObject({ code: 2 });
  }, 60_000);

  it("the server's default limit applies to reads that set none", async () => {
    const { startEmbeddedMongo } = await import("../src/index.ts");
    const { MongoClient } = await import("mongodb");
    const server = await startEmbeddedMongo({ inMemory: true, defaultMaxTimeMS: 1 });
    const client = await MongoClient.connect(server.uri);
    try {
      const c = client.db("x").collection<{ _id: number; s: string }>("scan");
      await c.insertMany(Array.from({ length: 50_000 }, (_, i) => ({ _id: i, s: `v${i}` })));
      await expect(c.find({ s: { $regex: "^(v)\\1" } }).toArray()).rejects.toMatchObject({ code: 50 });
      expect(await c.findOne({ _id: 7 })).toMatchObject({ s: "v7" });
      // As mongod 8's defaultMaxTimeMS, it bounds reads only: writes (which take turns too) run to their end.
      expect((await c.updateMany({}, { $set: { s: "w" } })).modifiedCount).toBe(50_000);
    } finally {
      await client.close();
      await server.stop();
    }
  }, 60_000);
});
